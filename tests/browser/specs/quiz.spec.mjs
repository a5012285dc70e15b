// Quizzes (mdbook-quiz): every chapter has one, and one can be answered.
import { pathToFileURL } from 'node:url';
import { test, expect, BOOK_HTML, CHAPTERS, NO_QUIZ_PAGES, QUIZ, bookUrl, isLocal, load, open, note, quizPages } from '../support.mjs';

const withQuiz = CHAPTERS.filter(f => quizPages.has(f));

test('the quiz preprocessor ran: some chapter has a quiz placeholder', () => {
  note(`pages with a quiz: ${withQuiz.join(' ') || 'none'}`);
  expect(withQuiz, `chapters with a quiz (${QUIZ.placeholder}); none: the quiz preprocessor is not in this build`).not.toEqual([]);
});

for (const file of CHAPTERS.filter(f => !NO_QUIZ_PAGES.has(f))) {
  test(`${file} has a quiz`, () => {
    expect(quizPages.has(file), `${file} holds a ${QUIZ.placeholder}`).toBe(true);
  });
}

test('a quiz can be answered through to the answer review', async ({ page, rec }) => {
  test.setTimeout(120_000);
  expect(withQuiz.length, 'chapters with a quiz').toBeGreaterThan(0);
  const file = withQuiz.includes('race-conditions.html') ? 'race-conditions.html' : withQuiz[0];
  await open(page, bookUrl(file));
  // The quiz loads when the reader nears it (theme/lockbook.js).
  await page.locator(QUIZ.placeholder).first().scrollIntoViewIfNeeded();
  const widget = page.locator(QUIZ.widget).first();
  await widget.waitFor();
  await page.locator(QUIZ.start).first().click();
  let answered = 0;
  for (let i = 0; i < 30; i++) {
    const q = page.locator(QUIZ.question).first();
    if (!(await q.isVisible().catch(() => false))) break;
    const before = await widget.innerText();
    // Any answer will do: the last option of each radio group (for a Tracing
    // question, "does NOT compile", which needs no output), the first
    // checkbox, and "x" in every empty text field.
    const groups = await q.locator('input[type=radio]').evaluateAll(rs => [...new Set(rs.map(r => r.name))]);
    for (const g of groups) await q.locator(`input[type=radio][name="${g}"]`).last().check();
    if (await q.locator('input[type=checkbox]').count()) await q.locator('input[type=checkbox]').first().check();
    for (const t of await q.locator('input[type=text]:visible, textarea:visible').all()) {
      if (!(await t.inputValue())) await t.fill('x');
    }
    const inputs = groups.length + (await q.locator('input[type=checkbox], input[type=text], textarea').count());
    expect(inputs, `${file}: question ${i + 1} has an input to answer`).toBeGreaterThan(0);
    await page.locator(QUIZ.submit).first().click();
    const moved = await page.waitForFunction(([el, b]) => el.innerText !== b, [await widget.elementHandle(), before], { timeout: 3000 })
      .then(() => true, () => false);
    expect(moved, `${file}: submitting question ${i + 1} moves the quiz on (answer refused?)`).toBe(true);
    answered++;
  }
  const review = (await widget.innerText()) || '';
  note(`${file}: answered ${answered} question(s); then the widget says: "${review.replace(/\s+/g, ' ').slice(0, 100)}"`);
  expect(answered, `${file}: questions answered`).toBeGreaterThan(0);
  expect(review, `${file}: the answer review after the last question`).toMatch(/You answered/);
  const errs = [
    ...rec.consoleErrors.filter(e => !/ERR_BLOCKED_BY_CLIENT|ERR_FAILED/.test(e)),
    ...rec.pageErrors.filter(e => !/Failed to fetch/.test(e)),
  ];
  expect(errs, `${file}: errors while answering`).toEqual([]);
});

// Lazy loading (theme/lockbook.js, loadQuizWhenNear; the build's
// div.quiz-lazy, xtask/src/book.rs): the bundle is requested only once the
// reader nears the quiz, and then the quiz draws itself. The page's own
// requests (page.on('request')): the context's also hold the service
// worker's, which fetches every file of the book after the load, to cache.
const bundleRequests = urls => urls.filter(u => isLocal(u) && QUIZ.bundle.test(new URL(u).pathname));
function pageRequests(page) {
  const urls = [];
  page.on('request', r => urls.push(r.url()));
  return urls;
}
const quizFile = () => (withQuiz.includes('threads.html') ? 'threads.html' : withQuiz[0]);

test('the quiz bundle loads only when the reader nears the quiz, and then the quiz draws', async ({ page }) => {
  const file = quizFile();
  const requests = pageRequests(page);
  await load(page, bookUrl(file));
  await page.waitForTimeout(300);
  expect(await page.locator('.quiz-lazy[data-quiz-script]').count(), `${file}: the build's lazy marker`).toBeGreaterThan(0);
  expect(bundleRequests(requests), `${file}: quiz files requested before the reader scrolled`).toEqual([]);
  expect(await page.locator(QUIZ.widget).count(), `${file}: quiz drawn before the reader scrolled`).toBe(0);
  await page.locator(QUIZ.placeholder).first().scrollIntoViewIfNeeded();
  await expect(page.locator(QUIZ.start).first(), `${file}: the quiz's start button, once near`).toBeVisible();
  const files = bundleRequests(requests).map(u => new URL(u).pathname.split('/').pop());
  note(`${file}: after scrolling to the quiz: ${files.join(', ')}`);
  expect(files.sort(), `${file}: the quiz script and stylesheet, each once`).toEqual(['quiz-embed.iife.js', 'style.css']);
});

// A context of its own: the test's context answers only localhost, and a
// file:// page is not; here file:// is let through, anything else aborted.
test('the quiz loads when the page is opened from file://', async ({ browser }) => {
  const file = quizFile();
  const context = await browser.newContext();
  try {
    const requests = [];
    await context.route('**/*', route => {
      const u = route.request().url();
      requests.push(u);
      return u.startsWith('file:') ? route.continue() : route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    await page.goto(pathToFileURL(`${BOOK_HTML}/${file}`).href, { waitUntil: 'load' });
    expect(requests.filter(u => QUIZ.bundle.test(u)), `${file} from file://: quiz files before scrolling`).toEqual([]);
    await page.locator(QUIZ.placeholder).first().scrollIntoViewIfNeeded();
    await expect(page.locator(QUIZ.start).first(), `${file} from file://: the quiz's start button`).toBeVisible();
    await page.locator(QUIZ.start).first().click();
    await expect(page.locator(QUIZ.question).first(), `${file} from file://: a question after Start`).toBeVisible();
    expect(requests.filter(u => !u.startsWith('file:')), `${file} from file://: requests off the machine`).toEqual([]);
  } finally {
    await context.close();
  }
});

test('the print page shows every quiz\'s questions and loads no quiz bundle', async ({ page }) => {
  const requests = pageRequests(page);
  await load(page, bookUrl('print.html'));
  expect(bundleRequests(requests), 'quiz files requested by print.html').toEqual([]);
  const quizzes = await page.locator(QUIZ.placeholder).evaluateAll(els => els.map(el => ({
    questions: JSON.parse(el.dataset.quizQuestions).questions,
    items: [...el.querySelectorAll(':scope > ol.quiz-print > li')].map(li => li.innerText),
  })));
  const expected = withQuiz.length;
  expect(quizzes.length, 'print.html holds a quiz placeholder per chapter quiz').toBe(expected);
  const problems = [];
  for (const [i, q] of quizzes.entries()) {
    if (q.items.length !== q.questions.length) problems.push(`quiz ${i + 1}: ${q.items.length} printed of ${q.questions.length} questions`);
    for (const [j, question] of q.questions.entries()) {
      const text = q.items[j] || '';
      const p = question.prompt || {};
      // A line of the program or the prompt, and every choice.
      const first = String(p.program || p.prompt || '').split('\n').map(l => l.trim()).find(l => l) || '';
      const wants = [first, ...[].concat(question.answer?.answer ?? [], p.distractors ?? []).map(c => String(c).split('\n')[0].trim())];
      for (const w of wants) if (w && !text.includes(w)) problems.push(`quiz ${i + 1} question ${j + 1}: "${w}" not printed`);
    }
  }
  note(`print.html: ${quizzes.length} quizzes, ${quizzes.reduce((a, q) => a + q.items.length, 0)} questions written out`);
  expect(problems, 'questions of print.html').toEqual([]);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('ol.quiz-print').first(), 'the questions, printed').toBeVisible();
});
