// Quizzes (mdbook-quiz): every chapter has one, and one can be answered.
import { test, expect, CHAPTERS, NO_QUIZ_PAGES, QUIZ, bookUrl, open, note, quizPages } from '../support.mjs';

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
