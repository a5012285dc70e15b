// Browser tests of the built book, in headless Chromium (Debian's package)
// driven by playwright-core, with axe-core for accessibility.
//
//   node run.mjs BOOK_HTML_DIR [PLAIN_HTML_DIR]
//
// BOOK_HTML_DIR is our build (book/html); PLAIN_HTML_DIR a build of the same
// book with the plain mdBook theme (no theme/, no extra CSS/JS, no quiz
// preprocessor), for the page-weight budget. tools/browser-test makes both.
// Each directory is served on 127.0.0.1 by serve.mjs. Every request that
// would leave localhost is recorded and answered by the test itself (mocked
// or aborted): nothing ever reaches the network.
//
// Prints PASS/FAIL per check and a closing "N passed, N failed" line; exits
// 1 if any check failed. Environment: CHROMIUM (default /usr/bin/chromium),
// ONLY=regex (run only the checks whose name matches), PAGE_TIMEOUT_MS.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PAGE_TIMEOUT = Number(process.env.PAGE_TIMEOUT_MS || 10000);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ONLY = process.env.ONLY ? new RegExp(process.env.ONLY) : null;
const THEMES = ['light', 'rust', 'coal', 'navy', 'ayu'];
const WEIGHT_BUDGET = 1.15;
const WEIGHT_TABLE = path.join(HERE, 'page-weight.md');

// The playground URLs that mdBook 0.5.4's book.js fetches (checked in its
// source): the crate list on load, and a run on a click of the play button.
const PLAY_CRATES = 'https://play.rust-lang.org/meta/crates';
const PLAY_EVALUATE = 'https://play.rust-lang.org/evaluate.json';
const MOCK_RESULT = 'MOCKED PLAYGROUND OUTPUT: 42';

// mdbook-quiz 0.5 markup (the preprocessor's placeholder; the React widget
// it turns into). Helper Q reports the exact selectors; adjust here.
const QUIZ = {
  placeholder: '.quiz-placeholder',
  widget: '.mdbook-quiz',
  start: '.mdbook-quiz button.start',
  question: '.mdbook-quiz .question',
  submit: '.mdbook-quiz .question input[type=submit], .mdbook-quiz .question button[type=submit]',
  review: '.mdbook-quiz h3',
  // A request is part of the quiz bundle if its path matches this.
  // mdbook-quiz 0.5 puts its script and stylesheet in book/quiz/.
  bundle: /\/(mdbook-)?quiz\/|\/quiz-embed|\/embed[^/]*\.(js|css)$/,
};
// Pages that carry no quiz (issue 5: all chapters but these end with one).
const NO_QUIZ_PAGES = new Set(['index.html', 'introduction.html', 'instructors.html', 'print.html']);

const bookDir = process.argv[2];
const plainDir = process.argv[3];
if (!bookDir || !fs.existsSync(path.join(bookDir, 'index.html'))) {
  console.error('usage: node run.mjs BOOK_HTML_DIR [PLAIN_HTML_DIR]  (BOOK_HTML_DIR/index.html missing)');
  process.exit(2);
}

// ---- tiny harness -------------------------------------------------------
const results = [];
async function check(name, fn) {
  if (ONLY && !ONLY.test(name)) return;
  const t0 = Date.now();
  const notes = [];
  const log = line => notes.push(line);
  let error = null;
  try {
    await withTimeout(fn(log), 180000, name);
  } catch (e) {
    error = e;
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  results.push({ name, ok: !error });
  console.log(`${error ? 'FAIL' : 'PASS'}: ${name} (${secs} s)`);
  for (const n of notes) console.log(`    ${n}`);
  if (error) {
    for (const line of String(error.message || error).split('\n')) console.log(`    ! ${line}`);
  }
}
function fail(msg) {
  throw new Error(msg);
}
function withTimeout(p, ms, what) {
  let timer;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what}: timed out after ${ms / 1000} s`)), ms);
    }),
  ]);
}
const isLocal = u => {
  let url;
  try {
    url = new URL(u);
  } catch {
    return false;
  }
  if (['data:', 'blob:', 'about:'].includes(url.protocol)) return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
};

// ---- pages --------------------------------------------------------------
const allHtml = fs.readdirSync(bookDir).filter(f => f.endsWith('.html')).sort();
const PAGES = allHtml.filter(f => !['404.html', 'toc.html'].includes(f));
const CHAPTERS = PAGES.filter(f => !['index.html', 'print.html'].includes(f));

// ---- browser ------------------------------------------------------------
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  // playwright-core gives each launch a fresh temporary --user-data-dir.
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const ours = await startServer(bookDir);
const plain = plainDir ? await startServer(plainDir) : null;

// A fresh context (empty cache and storage) with every request recorded.
// Requests leaving localhost are recorded in `external` and then answered:
// the playground by `mocks` (if given), everything else aborted.
async function open(opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(PAGE_TIMEOUT);
  context.setDefaultNavigationTimeout(PAGE_TIMEOUT);
  if (opts.init) await context.addInitScript(opts.init);
  const rec = { external: [], requests: [], consoleErrors: [], pageErrors: [], badResponses: [] };
  await context.route('**/*', async route => {
    const req = route.request();
    const u = req.url();
    rec.requests.push(u);
    if (isLocal(u)) return route.continue();
    rec.external.push(`${req.method()} ${u}`);
    const mock = opts.mocks && opts.mocks(u, req);
    if (mock) {
      return route.fulfill({
        status: 200,
        contentType: 'application/json',
        headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' },
        body: JSON.stringify(mock),
      });
    }
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', m => {
    if (m.type() === 'error') rec.consoleErrors.push(m.text());
  });
  page.on('pageerror', e => rec.pageErrors.push(String(e.message || e)));
  page.on('response', r => {
    if (r.status() >= 400 && isLocal(r.url())) rec.badResponses.push(`${r.status()} ${r.url()}`);
  });
  return { context, page, rec, close: () => context.close() };
}

async function load(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  // Let late scripts (fetches started on load, lazy fonts) settle.
  await page.waitForLoadState('networkidle', { timeout: PAGE_TIMEOUT }).catch(() => {});
}

const playMocks = (calls = []) => (u, req) => {
  if (u.startsWith(PLAY_CRATES)) return { crates: [] };
  if (u.startsWith(PLAY_EVALUATE)) {
    calls.push(req.postData());
    return { result: `${MOCK_RESULT}\n`, error: null };
  }
  return null;
};

// ---- 1. every page loads cleanly, offline --------------------------------
const pageInfo = {}; // file -> facts gathered on a clean load
await check('every page loads with no console error, no failed request, no request leaving localhost', async log => {
  const problems = [];
  for (const file of PAGES) {
    const { page, rec, close } = await open();
    try {
      await load(page, ours.url + file);
      pageInfo[file] = await page.evaluate(q => ({
        h1: Array.from(document.querySelectorAll('main h1')).map(h => h.textContent.trim()),
        quiz: document.querySelectorAll(q).length,
        fonts: Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family.replace(/"/g, '')),
      }), QUIZ.placeholder);
      pageInfo[file].requests = rec.requests.slice();
      pageInfo[file].external = rec.external.slice();
      const p = [];
      if (rec.external.length) p.push(`requests leaving localhost: ${[...new Set(rec.external)].join(', ')}`);
      if (rec.consoleErrors.length) p.push(`console errors: ${[...new Set(rec.consoleErrors)].join(' | ')}`);
      if (rec.pageErrors.length) p.push(`uncaught errors: ${[...new Set(rec.pageErrors)].join(' | ')}`);
      if (rec.badResponses.length) p.push(`failed local requests: ${rec.badResponses.join(', ')}`);
      if (p.length) problems.push(`${file}: ${p.join('; ')}`);
    } catch (e) {
      problems.push(`${file}: did not load: ${e.message.split('\n')[0]}`);
    } finally {
      await close();
    }
  }
  log(`${PAGES.length} pages loaded: ${PAGES.join(' ')}`);
  if (problems.length) fail(problems.join('\n'));
});

await check('no playground request goes out without a click', async () => {
  const bad = Object.entries(pageInfo)
    .filter(([, i]) => i.external.some(u => u.includes('play.rust-lang.org')))
    .map(([f, i]) => `${f}: ${i.external.filter(u => u.includes('play.rust-lang.org'))[0]}`);
  if (!Object.keys(pageInfo).length) fail('no page info (the load check did not run)');
  if (bad.length) {
    fail(`mdBook's book.js POSTs ${PLAY_CRATES} on load of every page with a runnable block:\n${bad.join('\n')}`);
  }
});

await check('fonts are local (bundled by mdBook) and load offline', async log => {
  const cssFiles = [];
  const walk = d => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.css')) cssFiles.push(p);
    }
  };
  walk(bookDir);
  const remote = [];
  for (const f of cssFiles) {
    const css = fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const m of css.matchAll(/url\(\s*['"]?([^'")]+)/g)) {
      if (/^(https?:)?\/\//.test(m[1])) remote.push(`${path.relative(bookDir, f)}: ${m[1]}`);
    }
    for (const m of css.matchAll(/@import\s+(?:url\()?['"]?([^'");]+)/g)) {
      if (/^(https?:)?\/\//.test(m[1])) remote.push(`${path.relative(bookDir, f)}: @import ${m[1]}`);
    }
  }
  if (remote.length) fail(`CSS refers to remote resources:\n${remote.join('\n')}`);
  const info = pageInfo['race-conditions.html'] || Object.values(pageInfo)[0];
  if (!info) fail('no page info (the load check did not run)');
  const fontReqs = info.requests.filter(u => /\.(woff2?|ttf|otf)(\?|$)/.test(u));
  if (fontReqs.some(u => !isLocal(u))) fail(`remote font requests: ${fontReqs.filter(u => !isLocal(u))}`);
  const families = [...new Set(info.fonts)];
  log(`${cssFiles.length} CSS files scanned; fonts loaded on a chapter page: ${families.join(', ') || 'none'} (${fontReqs.length} local font files)`);
  if (!families.length) fail('no web font loaded on a chapter page');
});

// ---- 2. navigation: sidebar, search, themes, print -----------------------
await check('sidebar: every entry is a link and every link navigates to its page', async log => {
  const { page, rec, close } = await open();
  try {
    await load(page, ours.url + 'index.html');
    // Chapter entries only: mdBook 0.5 also lists the current page's
    // headings (in-page #anchors) in the sidebar; those are not pages.
    const entries = await page.$$eval('#mdbook-sidebar li.chapter-item > .chapter-link-wrapper', ws =>
      ws.map(w => {
        const a = w.querySelector(':scope > a');
        return { text: w.textContent.trim(), href: a ? a.getAttribute('href') : null, abs: a ? a.href : null };
      }));
    if (!entries.length) fail('no sidebar entries found (#mdbook-sidebar .chapter-link-wrapper)');
    const drafts = entries.filter(e => !e.href).map(e => e.text);
    const links = entries.filter(e => e.href && !e.href.startsWith('#'));
    const problems = [];
    if (drafts.length) problems.push(`draft entries with no page: ${drafts.join(', ')}`);
    for (const { text, href, abs } of links) {
      await page.locator(`#mdbook-sidebar a[href="${href}"]`).first().click();
      const want = new URL(abs).pathname;
      await page.waitForURL(u => u.pathname === want, { timeout: PAGE_TIMEOUT }).catch(() => {});
      const got = new URL(page.url()).pathname;
      const h1 = await page.locator('main h1').first().textContent().catch(() => null);
      if (got !== want) problems.push(`"${text}": at ${got}, wanted ${want}`);
      else if (!h1) problems.push(`"${text}": ${got} has no h1`);
    }
    log(`${links.length} sidebar links followed`);
    if (rec.badResponses.length) problems.push(`failed requests: ${rec.badResponses.join(', ')}`);
    if (problems.length) fail(problems.join('\n'));
  } finally {
    await close();
  }
});

await check('search: typing a word from a chapter shows results, and a result opens', async log => {
  const { page, close } = await open();
  try {
    await load(page, ours.url + 'index.html');
    await page.click('#mdbook-search-toggle');
    const first = page.locator('#mdbook-searchresults a').first();
    // The index loads when search opens; type again if it was not there yet.
    for (let attempt = 1; ; attempt++) {
      await page.locator('#mdbook-searchbar').fill('');
      await page.locator('#mdbook-searchbar').pressSequentially('deadlock', { delay: 20 });
      const ok = await first.waitFor({ state: 'visible', timeout: PAGE_TIMEOUT / 2 }).then(() => true, () => false);
      if (ok) break;
      if (attempt === 3) fail('typing "deadlock" in the search bar showed no result (3 tries)');
    }
    const n = await page.locator('#mdbook-searchresults > li').count();
    const header = (await page.locator('#mdbook-searchresults-header').textContent()).trim();
    const href = await first.getAttribute('href');
    await first.click();
    await page.waitForURL(u => !u.pathname.endsWith('/index.html') || u.search.includes('highlight'), { timeout: PAGE_TIMEOUT });
    await page.waitForLoadState('load');
    const marks = await page.locator('main mark').count();
    log(`"deadlock": ${n} results ("${header}"); opened ${href}; ${marks} highlighted matches`);
    if (n < 1) fail('no search results');
    if (marks < 1) fail(`the opened page ${page.url()} highlights no match`);
  } finally {
    await close();
  }
});

await check('themes: choosing each of the 5 themes sets the html class and persists across a reload', async log => {
  const { page, close } = await open();
  const problems = [];
  try {
    await load(page, ours.url + 'race-conditions.html');
    for (const theme of THEMES) {
      await page.click('#mdbook-theme-toggle');
      await page.click(`#mdbook-theme-${theme}`);
      const cls = await page.evaluate(() => document.documentElement.className);
      const stored = await page.evaluate(() => localStorage.getItem('mdbook-theme'));
      if (!cls.split(/\s+/).includes(theme)) problems.push(`${theme}: html class is "${cls}"`);
      if (stored !== theme) problems.push(`${theme}: localStorage mdbook-theme is ${stored}`);
      for (const other of THEMES.filter(t => t !== theme)) {
        if (cls.split(/\s+/).includes(other)) problems.push(`${theme}: html class still has ${other}`);
      }
      await page.reload({ waitUntil: 'load' });
      const after = await page.evaluate(() => document.documentElement.className);
      if (!after.split(/\s+/).includes(theme)) problems.push(`${theme}: after reload html class is "${after}"`);
    }
    log(`themes tried: ${THEMES.join(', ')}`);
    if (problems.length) fail(problems.join('\n'));
  } finally {
    await close();
  }
});

await check("print page holds every chapter (each chapter's h1 appears in print.html)", async log => {
  if (!pageInfo['print.html']) fail('print.html did not load');
  const printH1 = new Set(pageInfo['print.html'].h1);
  const missing = [];
  for (const f of CHAPTERS) {
    const h1 = pageInfo[f]?.h1?.[0];
    if (!h1) missing.push(`${f}: has no h1`);
    else if (!printH1.has(h1)) missing.push(`${f}: "${h1}" not in print.html`);
  }
  log(`${CHAPTERS.length} chapters, print.html has ${printH1.size} h1 headings`);
  if (missing.length) fail(missing.join('\n'));
});

// ---- 3. runnable blocks --------------------------------------------------
await check('runnable blocks: every rust block without noplayground has a visible Run button', async log => {
  const problems = [];
  let total = 0;
  for (const file of CHAPTERS) {
    const { page, close } = await open({ mocks: playMocks() });
    try {
      await load(page, ours.url + file);
      // book.js shows the buttons once the crate list has arrived.
      await page.waitForFunction(() => {
        const runnable = Array.from(document.querySelectorAll('pre > code.language-rust:not(.noplayground):not(.ignore):not(.no_run)'));
        return runnable.every(c => {
          const b = c.parentElement.querySelector('.play-button');
          return b && !b.hidden && !b.classList.contains('hidden');
        });
      }, null, { timeout: 3000 }).catch(() => {});
      const blocks = await page.$$eval('pre > code.language-rust:not(.noplayground):not(.ignore)', cs => cs.map(c => {
        const pre = c.parentElement;
        const b = pre.querySelector('.play-button');
        return {
          playground: pre.classList.contains('playground'),
          noRun: c.classList.contains('no_run'),
          button: !!b,
          // mdBook shows a pre's buttons on hover; shown = not hidden by book.js
          visible: !!b && !b.hidden && !b.classList.contains('hidden'),
          first: c.textContent.trim().split('\n')[0].slice(0, 50),
        };
      }));
      total += blocks.length;
      for (const b of blocks) {
        if (!b.playground) problems.push(`${file}: block "${b.first}" is not a playground`);
        else if (!b.noRun && !b.visible) problems.push(`${file}: block "${b.first}" has no visible Run button`);
      }
    } finally {
      await close();
    }
  }
  log(`${total} rust blocks without noplayground or ignore across ${CHAPTERS.length} chapters`);
  if (problems.length) fail(problems.join('\n'));
});

await check('a run works against a mocked playground (and sends nothing before the click)', async log => {
  const calls = [];
  const { page, rec, close } = await open({ mocks: playMocks(calls) });
  try {
    let file = null;
    const shown = 'pre.playground:has(> .buttons > .play-button:not([hidden]):not(.hidden))';
    for (const f of CHAPTERS) {
      await load(page, ours.url + f);
      if (await page.locator(shown).count() || await page.locator(shown).first().waitFor({ state: 'attached', timeout: 1000 }).then(() => true, () => false)) {
        file = f;
        break;
      }
    }
    if (!file) fail('no chapter shows a Run button');
    const evalBefore = rec.external.filter(u => u.includes(PLAY_EVALUATE)).length;
    if (evalBefore) fail('evaluate.json was requested before any click');
    const pre = page.locator(shown).first();
    await pre.hover();
    await pre.locator('.play-button').click();
    const result = pre.locator('.result');
    await result.waitFor({ state: 'attached', timeout: PAGE_TIMEOUT });
    await page.waitForFunction(el => el.textContent.includes('MOCKED'), await result.elementHandle(), { timeout: PAGE_TIMEOUT })
      .catch(() => {});
    const text = (await result.textContent()).trim();
    log(`${file}: Run clicked; result shown: "${text}"`);
    if (!text.includes(MOCK_RESULT)) fail(`result block shows "${text}", wanted "${MOCK_RESULT}"`);
    if (calls.length !== 1) fail(`${calls.length} evaluate.json requests, wanted 1`);
    const body = JSON.parse(calls[0]);
    log(`request: edition ${body.edition}, version ${body.version}, ${body.code.length} bytes of code`);
    if (body.edition !== '2024') fail(`edition sent: ${body.edition}, wanted 2024`);
    if (!/fn main/.test(body.code)) fail('code sent has no fn main');
  } finally {
    await close();
  }
});

// ---- 4. quiz, instructor notes, callouts, badges --------------------------
// Pages whose HTML holds a quiz placeholder (read from the built files, so
// this works whichever checks run).
const quizPages = new Set(PAGES.filter(f => fs.readFileSync(path.join(bookDir, f), 'utf8').includes('class="quiz-placeholder"')));

await check('quiz: every chapter ends with a quiz, and a quiz can be answered', async log => {
  const withQuiz = CHAPTERS.filter(f => quizPages.has(f));
  const without = CHAPTERS.filter(f => !NO_QUIZ_PAGES.has(f) && !quizPages.has(f));
  log(`pages with a quiz: ${withQuiz.join(' ') || 'none'}`);
  if (!withQuiz.length) fail(`no page has a quiz (${QUIZ.placeholder}): the quiz preprocessor is not in this build`);
  const { page, rec, close } = await open();
  try {
    const file = withQuiz.includes('race-conditions.html') ? 'race-conditions.html' : withQuiz[0];
    await load(page, ours.url + file);
    const widget = page.locator(QUIZ.widget).first();
    await widget.waitFor({ timeout: PAGE_TIMEOUT });
    await page.locator(QUIZ.start).first().click();
    let answered = 0;
    for (let i = 0; i < 30; i++) {
      const q = page.locator(QUIZ.question).first();
      if (!(await q.isVisible().catch(() => false))) break;
      const before = await widget.innerText();
      // Any answer will do: the last option of each radio group (for a
      // Tracing question, "does NOT compile", which needs no output), the
      // first checkbox, and "x" in every empty text field.
      const groups = await q.locator('input[type=radio]').evaluateAll(rs => [...new Set(rs.map(r => r.name))]);
      for (const g of groups) await q.locator(`input[type=radio][name="${g}"]`).last().check();
      if (await q.locator('input[type=checkbox]').count()) await q.locator('input[type=checkbox]').first().check();
      for (const t of await q.locator('input[type=text]:visible, textarea:visible').all()) {
        if (!(await t.inputValue())) await t.fill('x');
      }
      if (!groups.length && !(await q.locator('input[type=checkbox], input[type=text], textarea').count())) {
        fail(`question ${i + 1} has no input to answer`);
      }
      await page.locator(QUIZ.submit).first().click();
      await page.waitForFunction(([el, b]) => el.innerText !== b, [await widget.elementHandle(), before], { timeout: 3000 })
        .catch(() => fail(`submitting question ${i + 1} did not move the quiz on (answer refused?)`));
      answered++;
    }
    const review = (await widget.innerText()) || '';
    log(`${file}: answered ${answered} question(s); then the widget says: "${review.replace(/\s+/g, ' ').slice(0, 100)}"`);
    if (!answered) fail('no question was answered');
    if (!/You answered/.test(review)) fail('no answer review after the last question');
    const errs = [...rec.consoleErrors.filter(e => !/ERR_BLOCKED_BY_CLIENT|ERR_FAILED/.test(e)), ...rec.pageErrors.filter(e => !/Failed to fetch/.test(e))];
    if (errs.length) fail(`errors while answering: ${errs.join(' | ')}`);
  } finally {
    await close();
  }
  if (without.length) fail(`chapters with no quiz: ${without.join(', ')}`);
});

await check('instructor notes: toggle opens/closes all, state remembered; ?notes=side sets html.notes-side', async log => {
  const { page, close } = await open();
  try {
    const file = 'race-conditions.html';
    await load(page, ours.url + file);
    const state = () => page.evaluate(() => {
      const all = Array.from(document.querySelectorAll('details')).filter(d =>
        d.querySelector('summary')?.textContent.trim().startsWith('Notes for instructors'));
      const b = document.getElementById('instructor-notes-toggle');
      return {
        notes: all.length,
        marked: all.filter(d => d.classList.contains('instructor-notes')).length,
        open: all.filter(d => d.open).length,
        button: !!b,
        inMenu: !!b && !!b.closest('#mdbook-menu-bar'),
        pressed: b && b.getAttribute('aria-pressed'),
        stored: localStorage.getItem('lockbook-notes'),
      };
    });
    const s0 = await state();
    log(`${file}: ${s0.notes} notes details, ${s0.marked} with class instructor-notes, toggle ${s0.button ? 'present' : 'missing'}`);
    if (!s0.notes) fail('no "Notes for instructors" details on the page');
    if (s0.marked !== s0.notes) fail(`${s0.notes - s0.marked} notes details lack class instructor-notes`);
    if (!s0.button) fail('no #instructor-notes-toggle button');
    if (!s0.inMenu) fail('#instructor-notes-toggle is not in the menu bar');
    await page.click('#instructor-notes-toggle');
    const s1 = await state();
    if (s1.open !== s1.notes) fail(`after a click ${s1.open}/${s1.notes} notes are open`);
    if (s1.pressed !== 'true') fail(`after opening, aria-pressed is ${s1.pressed}`);
    if (s1.stored === null) fail('localStorage lockbook-notes not set');
    await page.reload({ waitUntil: 'load' });
    const s2 = await state();
    if (s2.open !== s2.notes || s2.pressed !== 'true') fail(`after reload: ${s2.open}/${s2.notes} open, aria-pressed ${s2.pressed} (not remembered)`);
    await page.click('#instructor-notes-toggle');
    const s3 = await state();
    if (s3.open !== 0) fail(`after a second click ${s3.open} notes still open`);
    if (s3.pressed !== 'false') fail(`after closing, aria-pressed is ${s3.pressed}`);
    await page.goto(ours.url + file + '?notes=side', { waitUntil: 'load' });
    const side = await page.evaluate(() => document.documentElement.classList.contains('notes-side'));
    if (!side) fail('?notes=side did not set class notes-side on <html>');
    log('toggle opens and closes all notes, aria-pressed follows, remembered across reload; ?notes=side works');
  } finally {
    await close();
  }
});

await check('callouts: every "Coming from Python." note box has class python-note', async log => {
  let total = 0;
  const problems = [];
  for (const file of CHAPTERS) {
    const { page, close } = await open();
    try {
      await load(page, ours.url + file);
      const boxes = await page.$$eval('blockquote', bs => bs
        .filter(b => /^\s*Coming from Python\./.test(b.querySelector('p:not(.blockquote-tag-title)')?.textContent || ''))
        .map(b => b.className));
      total += boxes.length;
      for (const c of boxes) if (!c.split(/\s+/).includes('python-note')) problems.push(`${file}: box class "${c}"`);
    } finally {
      await close();
    }
  }
  log(`${total} Coming-from-Python boxes`);
  if (!total) fail('no Coming-from-Python box found');
  if (problems.length) fail(problems.join('\n'));
});

// WCAG contrast of a badge: its ::before text colour on its effective
// background (the ::before background composited over the pre's and its
// ancestors' backgrounds). Colours are resolved through a canvas so any CSS
// colour syntax works.
async function badgeFacts(page, selector) {
  return page.evaluate(sel => {
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    const rgba = c => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = c;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      return [d[0], d[1], d[2], d[3] / 255];
    };
    const over = (top, bottom) => {
      const a = top[3] + bottom[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      return [0, 1, 2].map(i => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat(a);
    };
    const lum = c => {
      const f = v => {
        v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    };
    return Array.from(document.querySelectorAll(sel)).slice(0, 3).map(pre => {
      const b = getComputedStyle(pre, '::before');
      const layers = [rgba(b.backgroundColor)];
      for (let el = pre; el; el = el.parentElement) layers.push(rgba(getComputedStyle(el).backgroundColor));
      layers.push([255, 255, 255, 1]);
      let bg = [0, 0, 0, 0];
      for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
      const fg = over(rgba(b.color), bg);
      const [l1, l2] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      return { content: b.content, contrast: (l1 + 0.05) / (l2 + 0.05) };
    });
  }, selector);
}

const BADGES = {
  compile_fail: 'pre:has(> code.compile_fail)',
  should_panic: 'pre:has(> code.should_panic)',
  'hang-demo': 'pre.hang-demo',
};
// What each badge must say (theme/book.css), so that a blank badge fails.
const BADGE_TEXT = {
  compile_fail: 'This code does not compile',
  should_panic: 'This code panics',
  'hang-demo': 'This program detects a hang and stops',
};
await check('badges: compile_fail, should_panic and hang-demo blocks show a ::before badge', async log => {
  const counts = Object.fromEntries(Object.keys(BADGES).map(k => [k, 0]));
  const problems = [];
  for (const file of CHAPTERS) {
    const { page, close } = await open();
    try {
      await load(page, ours.url + file);
      for (const [kind, sel] of Object.entries(BADGES)) {
        const contents = await page.$$eval(sel, ps => ps.map(p => getComputedStyle(p, '::before').content));
        counts[kind] += contents.length;
        contents.forEach((c, i) => {
          if (c !== JSON.stringify(BADGE_TEXT[kind])) problems.push(`${file}: ${kind} block ${i + 1} has no "${BADGE_TEXT[kind]}" badge (content ${c})`);
        });
      }
      {
        // Console blocks (program output) that show a detected hang.
        const hangText = await page.$$eval('pre:has(> code.language-console)', ps => ps.filter(p => p.textContent.includes('hang detected:') && !p.classList.contains('hang-demo')).length);
        if (hangText) problems.push(`${file}: ${hangText} console block(s) print "hang detected:" but lack class hang-demo`);
      }
    } finally {
      await close();
    }
  }
  log(`badged blocks found: ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const [k, n] of Object.entries(counts)) if (!n) problems.push(`no ${k} block found in the book`);
  if (problems.length) fail(problems.join('\n'));
});

await check('badges are readable (WCAG AA contrast >= 4.5) in all five themes', async log => {
  const samples = { compile_fail: 'race-conditions.html', should_panic: 'reentrant-locks.html', 'hang-demo': 'deadlocks.html' };
  const problems = [];
  const rows = [];
  for (const theme of THEMES) {
    const { page, close } = await open({ init: `try { localStorage.setItem('mdbook-theme', '${theme}') } catch (e) {}` });
    try {
      for (const [kind, file] of Object.entries(samples)) {
        await load(page, ours.url + file);
        const facts = await badgeFacts(page, BADGES[kind]);
        if (!facts.length) {
          problems.push(`${theme}: no ${kind} block on ${file}`);
          continue;
        }
        const worst = Math.min(...facts.map(f => f.contrast));
        rows.push(`${theme}/${kind} ${worst.toFixed(2)}`);
        if (facts.some(f => !f.content || f.content === 'none' || f.content === 'normal')) problems.push(`${theme}: ${kind} badge has no text`);
        else if (worst < 4.5) problems.push(`${theme}: ${kind} badge contrast ${worst.toFixed(2)} < 4.5`);
      }
    } finally {
      await close();
    }
  }
  log(`contrast: ${rows.join(', ')}`);
  if (problems.length) fail(problems.join('\n'));
});

// ---- 5. accessibility -----------------------------------------------------
await check('accessibility: axe-core finds no serious or critical violation on any chapter page', async log => {
  const serious = [];
  const all = new Map(); // id -> {impact, help, pages: Set, nodes}
  for (const file of [...CHAPTERS, 'index.html']) {
    const { page, close } = await open();
    try {
      await load(page, ours.url + file);
      await page.addScriptTag({ content: AXE_SOURCE });
      const violations = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map(v => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.length,
          targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
        }));
      });
      for (const v of violations) {
        const e = all.get(v.id) || { impact: v.impact, help: v.help, pages: new Set(), nodes: 0, targets: v.targets };
        e.pages.add(file);
        e.nodes += v.nodes;
        all.set(v.id, e);
        if (v.impact === 'serious' || v.impact === 'critical') {
          serious.push(`${file}: [${v.impact}] ${v.id} (${v.nodes} nodes, e.g. ${v.targets.join(' ; ')}): ${v.help}`);
        }
      }
    } finally {
      await close();
    }
  }
  log(`axe-core ${require('axe-core/package.json').version}, ${CHAPTERS.length + 1} pages; violations of any impact: ${all.size ? '' : 'none'}`);
  for (const [id, e] of all) log(`  [${e.impact}] ${id}: ${e.help} - ${e.nodes} nodes on ${e.pages.size} page(s), e.g. ${e.targets[0]}`);
  if (serious.length) fail(serious.join('\n'));
});

// ---- 6. page weight ---------------------------------------------------------
// Bytes transferred on a cold first load (fresh context, empty cache),
// summed from CDP Network.loadingFinished encodedDataLength (headers +
// body as sent, gzip for text as the server sends it).
async function weigh(base, file) {
  const { context, page, close } = await open({ mocks: playMocks() });
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const urls = new Map();
    const sizes = new Map();
    cdp.on('Network.requestWillBeSent', e => urls.set(e.requestId, e.request.url));
    cdp.on('Network.loadingFinished', e => sizes.set(e.requestId, e.encodedDataLength));
    await load(page, base + file);
    await page.waitForTimeout(200);
    let total = 0;
    let quiz = 0;
    const quizFiles = [];
    for (const [id, bytes] of sizes) {
      const u = urls.get(id) || '';
      if (!isLocal(u) || u.startsWith('data:')) continue;
      if (QUIZ.bundle.test(new URL(u).pathname)) {
        quiz += bytes;
        quizFiles.push(path.basename(new URL(u).pathname));
      } else total += bytes;
    }
    return { total, quiz, quizFiles, requests: sizes.size };
  } finally {
    await close();
  }
}

await check(`page weight: ours <= ${WEIGHT_BUDGET} x the plain mdBook build; quiz bundle only on quiz pages`, async log => {
  if (!plain) fail('no plain build given (run through tools/browser-test)');
  const plainPages = new Set(fs.readdirSync(plainDir).filter(f => f.endsWith('.html')));
  const rows = [];
  const problems = [];
  let sumOurs = 0;
  let sumPlain = 0;
  for (const file of CHAPTERS) {
    const o = await weigh(ours.url, file);
    if (!plainPages.has(file)) {
      rows.push({ file, plain: null, ours: o.total, quiz: o.quiz, ratio: null });
      log(`${file}: not in the plain build (skipped in the ratio)`);
    } else {
      const p = await weigh(plain.url, file);
      const ratio = o.total / p.total;
      rows.push({ file, plain: p.total, ours: o.total, quiz: o.quiz, ratio });
      sumOurs += o.total;
      sumPlain += p.total;
      if (ratio > WEIGHT_BUDGET) problems.push(`${file}: ${o.total} B vs plain ${p.total} B = ${ratio.toFixed(3)} x > ${WEIGHT_BUDGET}`);
    }
    if (o.quiz && !quizPages.has(file)) problems.push(`${file}: no quiz on the page but ${o.quiz} B of quiz bundle loaded (${o.quizFiles.join(', ')})`);
  }
  const kb = n => (n === null ? '-' : (n / 1024).toFixed(1));
  const lines = [
    '# Page weight: bytes transferred on a cold first load',
    '',
    'Written by tests/browser/run.mjs (tools/browser-test) on every run.',
    'Each chapter page loaded in headless Chromium with an empty cache from a',
    'local static server that gzips text files (as GitHub Pages does); bytes',
    'are CDP encodedDataLength summed over all requests (HTML, CSS, JS, fonts,',
    'images). "plain" is the same book built with the same mdBook, without',
    'theme/, additional CSS/JS or the quiz preprocessor. The quiz bundle',
    "(mdbook-quiz's script and stylesheet, served from quiz/) is counted apart,",
    'not in "ours"; it loads only on pages with a quiz.',
    `Budget: ours <= ${WEIGHT_BUDGET} x plain; quiz bundle 0 on pages without a quiz.`,
    '',
    '| page | plain KiB | ours KiB | ours / plain | quiz bundle KiB |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(r => `| ${r.file} | ${kb(r.plain)} | ${kb(r.ours)} | ${r.ratio === null ? '-' : r.ratio.toFixed(3)} | ${kb(r.quiz)} |`),
    `| all chapters | ${kb(sumPlain)} | ${kb(sumOurs)} | ${sumPlain ? (sumOurs / sumPlain).toFixed(3) : '-'} | ${kb(rows.reduce((a, r) => a + r.quiz, 0))} |`,
    '',
  ];
  fs.writeFileSync(WEIGHT_TABLE, lines.join('\n'));
  for (const l of lines.slice(lines.indexOf('') + 1)) if (l.startsWith('|')) log(l);
  log(`table written to ${path.relative(process.cwd(), WEIGHT_TABLE)}`);
  if (problems.length) fail(problems.join('\n'));
});

// ---- done -------------------------------------------------------------------
await browser.close();
await ours.close();
if (plain) await plain.close();
const passed = results.filter(r => r.ok).length;
const failed = results.length - passed;
console.log('');
if (failed) console.log(`Failed: ${results.filter(r => !r.ok).map(r => r.name).join(' | ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || !results.length ? 1 : 0);
