// Page weight: bytes transferred on a cold first load of each chapter (all
// the page requests before the reader scrolls, the quiz bundle included if
// it were requested), our build against the plain mdBook build of the same
// book (PLAIN_HTML); then the quiz bundle's bytes, loaded when the reader
// scrolls to the quiz (theme/lockbook.js loads it only then). Each
// test attaches its row; summary-reporter.mjs writes the table to
// test-results/page-weight.md and prints it.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, CHAPTERS, PLAIN_HTML, QUIZ, bookUrl, plainUrl, freshContext, isLocal, load, note, quizPages } from '../support.mjs';

const WEIGHT_BUDGET = 1.05;

// Summed from CDP Network.loadingFinished encodedDataLength (headers + body
// as sent, gzip for text as the server sends it), in a fresh context (empty
// cache) with the cache disabled. `total`: the first load, everything;
// `quizFirst`: the quiz bundle's part of it (0: it waits for the reader);
// `quiz`: the bundle's bytes once the page is scrolled to its quiz (if
// `scrollToQuiz` and the page has one).
async function weigh(browser, url, { scrollToQuiz = false } = {}) {
  const { context } = await freshContext(browser, { mockPlayground: true });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const urls = new Map();
    const sizes = new Map();
    cdp.on('Network.requestWillBeSent', e => urls.set(e.requestId, e.request.url));
    cdp.on('Network.loadingFinished', e => sizes.set(e.requestId, e.encodedDataLength));
    const sum = () => {
      let all = 0;
      let quiz = 0;
      const quizFiles = [];
      for (const [id, bytes] of sizes) {
        const u = urls.get(id) || '';
        if (!isLocal(u) || u.startsWith('data:')) continue;
        all += bytes;
        if (QUIZ.bundle.test(new URL(u).pathname)) {
          quiz += bytes;
          quizFiles.push(path.basename(new URL(u).pathname));
        }
      }
      return { all, quiz, quizFiles };
    };
    await load(page, url);
    await page.waitForTimeout(200);
    const first = sum();
    let quiz = first.quiz;
    let quizFiles = first.quizFiles;
    if (scrollToQuiz && (await page.locator(QUIZ.placeholder).count())) {
      await page.locator(QUIZ.placeholder).first().scrollIntoViewIfNeeded();
      await page.locator(QUIZ.widget).first().waitFor();
      await page.waitForLoadState('networkidle').catch(() => {});
      await page.waitForTimeout(200);
      ({ quiz, quizFiles } = sum());
    }
    return { total: first.all, quizFirst: first.quiz, quiz, quizFiles };
  } finally {
    await context.close();
  }
}

for (const file of CHAPTERS) {
  test(`${file}: first load <= ${WEIGHT_BUDGET} x the plain mdBook build, quiz included; quiz bundle only on a quiz page, when scrolled to`, async ({ browser }, testInfo) => {
    expect(PLAIN_HTML, 'the plain comparison build (PLAIN_HTML)').toBeTruthy();
    const o = await weigh(browser, bookUrl(file), { scrollToQuiz: true });
    const p = fs.existsSync(path.join(PLAIN_HTML, file)) ? await weigh(browser, plainUrl(file)) : null;
    const row = { file, plain: p && p.total, ours: o.total, quizFirst: o.quizFirst, quiz: o.quiz, ratio: p && o.total / p.total, budget: WEIGHT_BUDGET };
    await testInfo.attach('page-weight', { body: JSON.stringify(row), contentType: 'application/json' });
    if (p) {
      expect.soft(row.ratio, `${file}: ${o.total} B vs plain ${p.total} B`).toBeLessThanOrEqual(WEIGHT_BUDGET);
    } else {
      note(`${file}: not in the plain build (skipped in the ratio)`);
    }
    if (!quizPages.has(file)) {
      expect.soft(o.quiz, `${file}: no quiz on the page but quiz bundle bytes loaded (${o.quizFiles.join(', ')})`).toBe(0);
    } else {
      expect.soft(o.quizFirst, `${file}: quiz bundle bytes in the first load, before the reader scrolled`).toBe(0);
      expect.soft(o.quizFiles.sort(), `${file}: the quiz bundle loaded once scrolled to the quiz`).toEqual(['quiz-embed.iife.js', 'style.css']);
    }
  });
}
