// Shared by the spec files: the pages of the built book, the URLs the global
// setup serves them on, the `test` every spec uses (each test's browser
// context has every request recorded and nothing reaching the network), and
// the constants of the book's markup.
//
// Environment (set by `cargo xtask browser-test`): BOOK_HTML, the built
// book's html folder; PLAIN_HTML, the plain comparison build (page weight
// only). global-setup.mjs serves both and sets BOOK_URL / PLAIN_URL.
import fs from 'node:fs';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';

export { expect };

// The limit for a page load and for any one wait in a test (the config sets
// it as the action and navigation timeout of the test's own context).
export const PAGE_TIMEOUT = 10_000;
export const THEMES = ['light', 'rust', 'coal', 'navy', 'ayu'];

// The playground URLs that mdBook 0.5.4's book.js fetches (checked in its
// source): the crate list on load, and a run on a click of the play button.
export const PLAY_HOST = 'play.rust-lang.org';
export const PLAY_CRATES = 'https://play.rust-lang.org/meta/crates';
export const PLAY_EVALUATE = 'https://play.rust-lang.org/evaluate.json';
export const MOCK_RESULT = 'MOCKED PLAYGROUND OUTPUT: 42';

// mdbook-quiz 0.5 markup: the preprocessor's placeholder and the React widget
// it turns into.
export const QUIZ = {
  placeholder: '.quiz-placeholder',
  widget: '.mdbook-quiz',
  start: '.mdbook-quiz button.start',
  question: '.mdbook-quiz .question',
  submit: '.mdbook-quiz .question input[type=submit], .mdbook-quiz .question button[type=submit]',
  // A request is part of the quiz bundle if its path matches this.
  // mdbook-quiz 0.5 puts its script and stylesheet in book/quiz/.
  bundle: /\/(mdbook-)?quiz\/|\/quiz-embed|\/embed[^/]*\.(js|css)$/,
};
// Pages that carry no quiz (issue 5: all chapters but these end with one).
export const NO_QUIZ_PAGES = new Set(['index.html', 'introduction.html', 'instructors.html', 'print.html']);

// Read when a spec file is loaded, so that each page gets a test of its own
// (a failure names the page). Missing: every spec fails to load, saying why.
function htmlDir(name) {
  const dir = process.env[name];
  if (!dir || !fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`${name} must name a built book's html folder (holding index.html); got ${JSON.stringify(dir)}. Run through \`cargo xtask browser-test\`.`);
  }
  return path.resolve(dir);
}
export const BOOK_HTML = htmlDir('BOOK_HTML');
export const PLAIN_HTML = process.env.PLAIN_HTML ? htmlDir('PLAIN_HTML') : null;

const allHtml = fs.readdirSync(BOOK_HTML).filter(f => f.endsWith('.html')).sort();
// Every page a reader can reach; 404.html and toc.html (the sidebar for
// readers without JavaScript) are not pages of the book.
export const PAGES = allHtml.filter(f => !['404.html', 'toc.html'].includes(f));
export const CHAPTERS = PAGES.filter(f => !['index.html', 'print.html'].includes(f));
export const bookHtml = file => fs.readFileSync(path.join(BOOK_HTML, file), 'utf8');
// Pages whose HTML holds a quiz placeholder (read from the built files).
export const quizPages = new Set(PAGES.filter(f => bookHtml(f).includes('class="quiz-placeholder"')));

function served(name) {
  const url = process.env[name];
  if (!url) throw new Error(`${name} is not set: global-setup.mjs did not run`);
  return url;
}
export const bookUrl = file => served('BOOK_URL') + file;
export const plainUrl = file => served('PLAIN_URL') + file;

export const isLocal = u => {
  let url;
  try {
    url = new URL(u);
  } catch {
    return false;
  }
  if (['data:', 'blob:', 'about:'].includes(url.protocol)) return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
};
export const unique = xs => [...new Set(xs)];

// Records every request of a browser context, and answers each request that
// would leave localhost itself: recorded in `external`, then the playground
// mocked (if `mockPlayground`; evaluate.json bodies pushed to `playCalls`),
// anything else aborted. Console errors, uncaught errors and local responses
// >= 400 of all the context's pages are recorded too.
export async function record(context, { mockPlayground = false, playCalls = [] } = {}) {
  const rec = { external: [], requests: [], consoleErrors: [], pageErrors: [], badResponses: [] };
  await context.route('**/*', async route => {
    const req = route.request();
    const u = req.url();
    // The pages' requests: not the offline service worker's (src/sw.js),
    // which fetches every file of the book after a page's load, to cache
    // them (specs/offline.spec.mjs tests those). Off the origin, both are
    // answered below.
    if (!req.serviceWorker()) rec.requests.push(u);
    if (isLocal(u)) return route.continue();
    rec.external.push(`${req.method()} ${u}`);
    let body = null;
    if (mockPlayground && u.startsWith(PLAY_CRATES)) body = { crates: [] };
    if (mockPlayground && u.startsWith(PLAY_EVALUATE)) {
      playCalls.push(req.postData());
      body = { result: `${MOCK_RESULT}\n`, error: null };
    }
    if (body) {
      return route.fulfill({
        status: 200,
        contentType: 'application/json',
        headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' },
        body: JSON.stringify(body),
      });
    }
    return route.abort('blockedbyclient');
  });
  context.on('console', m => {
    if (m.type() === 'error') rec.consoleErrors.push(m.text());
  });
  context.on('weberror', e => rec.pageErrors.push(String(e.error()?.message || e.error())));
  context.on('response', r => {
    if (r.status() >= 400 && isLocal(r.url())) rec.badResponses.push(`${r.status()} ${r.url()}`);
  });
  return rec;
}

// A fresh context (empty cache and storage) besides the test's own, recorded
// the same way: for the page weight, which loads two books cold.
export async function freshContext(browser, opts) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(PAGE_TIMEOUT);
  context.setDefaultNavigationTimeout(PAGE_TIMEOUT);
  const rec = await record(context, opts);
  return { context, rec };
}

// Load a page and wait until the network has been idle for 500 ms, so that
// late requests (fetches started on load, lazy fonts) are seen: for the
// checks of what a page requests and weighs.
export async function load(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle', { timeout: PAGE_TIMEOUT }).catch(() => {});
}

// Load a page up to its load event (mdBook's scripts have run): for checks
// of what the page shows, whose expectations wait for elements themselves.
// Half a second a page quicker than load(), over a hundred pages.
export async function open(page, url) {
  await page.goto(url, { waitUntil: 'load' });
}

// What a test found, for the list output and the HTML report.
export function note(text) {
  test.info().annotations.push({ type: 'note', description: text });
  console.log(`    ${text}`);
}

export const test = base.extend({
  // test.use({ mockPlayground: true }) answers the playground with a mock.
  mockPlayground: [false, { option: true }],
  // The bodies of the evaluate.json requests the mock answered.
  playCalls: async ({}, use) => {
    await use([]);
  },
  // Automatic, so that no test's page can reach the network.
  rec: [
    async ({ context, mockPlayground, playCalls }, use) => {
      await use(await record(context, { mockPlayground, playCalls }));
    },
    { auto: true },
  ],
});
