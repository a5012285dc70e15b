// Sidebar, search, themes and the print page.
import { test, expect, CHAPTERS, THEMES, PAGE_TIMEOUT, bookUrl, open, note } from '../support.mjs';

test('sidebar: every entry is a link and every link navigates to its page', async ({ page, rec }) => {
  test.setTimeout(180_000);
  await open(page, bookUrl('index.html'));
  // Chapter entries only: mdBook 0.5 also lists the current page's headings
  // (in-page #anchors) in the sidebar; those are not pages.
  const entries = await page.$$eval('#mdbook-sidebar li.chapter-item > .chapter-link-wrapper', ws =>
    ws.map(w => {
      const a = w.querySelector(':scope > a');
      return { text: w.textContent.trim(), href: a ? a.getAttribute('href') : null, abs: a ? a.href : null };
    }));
  expect(entries.length, 'sidebar entries (#mdbook-sidebar .chapter-link-wrapper)').toBeGreaterThan(0);
  expect.soft(entries.filter(e => !e.href).map(e => e.text), 'draft entries with no page').toEqual([]);
  const links = entries.filter(e => e.href && !e.href.startsWith('#'));
  const problems = [];
  for (const { text, href, abs } of links) {
    await page.locator(`#mdbook-sidebar a[href="${href}"]`).first().click();
    const want = new URL(abs).pathname;
    await page.waitForURL(u => u.pathname === want, { timeout: PAGE_TIMEOUT }).catch(() => {});
    const got = new URL(page.url()).pathname;
    const h1 = await page.locator('main h1').first().textContent().catch(() => null);
    if (got !== want) problems.push(`"${text}": at ${got}, wanted ${want}`);
    else if (!h1) problems.push(`"${text}": ${got} has no h1`);
  }
  note(`${links.length} sidebar links followed`);
  expect.soft(problems, 'sidebar links that did not lead to their page').toEqual([]);
  expect.soft(rec.badResponses, 'failed requests').toEqual([]);
});

test('search: typing a word from a chapter shows results, and a result opens', async ({ page }) => {
  await open(page, bookUrl('index.html'));
  await page.click('#mdbook-search-toggle');
  const first = page.locator('#mdbook-searchresults a').first();
  // The index loads when search opens; type again if it was not there yet.
  let shown = false;
  for (let attempt = 1; attempt <= 3 && !shown; attempt++) {
    await page.locator('#mdbook-searchbar').fill('');
    await page.locator('#mdbook-searchbar').pressSequentially('deadlock', { delay: 20 });
    shown = await first.waitFor({ state: 'visible', timeout: PAGE_TIMEOUT / 2 }).then(() => true, () => false);
  }
  expect(shown, 'typing "deadlock" in the search bar shows a result (3 tries)').toBe(true);
  const n = await page.locator('#mdbook-searchresults > li').count();
  const header = (await page.locator('#mdbook-searchresults-header').textContent()).trim();
  const href = await first.getAttribute('href');
  await first.click();
  await page.waitForURL(u => !u.pathname.endsWith('/index.html') || u.search.includes('highlight'));
  await page.waitForLoadState('load');
  const marks = await page.locator('main mark').count();
  note(`"deadlock": ${n} results ("${header}"); opened ${href}; ${marks} highlighted matches`);
  expect(n, 'search results').toBeGreaterThan(0);
  expect(marks, `matches highlighted on the opened page ${page.url()}`).toBeGreaterThan(0);
});

test('themes: choosing each of the 5 themes sets the html class and persists across a reload', async ({ page }) => {
  await open(page, bookUrl('race-conditions.html'));
  // One page, theme after theme: choosing one must also drop the previous.
  for (const theme of THEMES) {
    await test.step(theme, async () => {
      await page.click('#mdbook-theme-toggle');
      await page.click(`#mdbook-theme-${theme}`);
      const cls = (await page.evaluate(() => document.documentElement.className)).split(/\s+/);
      const stored = await page.evaluate(() => localStorage.getItem('mdbook-theme'));
      expect.soft(cls, `${theme}: html class`).toContain(theme);
      expect.soft(stored, `${theme}: localStorage mdbook-theme`).toBe(theme);
      expect.soft(cls.filter(c => c !== theme && THEMES.includes(c)), `${theme}: other themes left in the html class`).toEqual([]);
      await page.reload({ waitUntil: 'load' });
      const after = (await page.evaluate(() => document.documentElement.className)).split(/\s+/);
      expect.soft(after, `${theme}: html class after a reload`).toContain(theme);
    });
  }
  note(`themes tried: ${THEMES.join(', ')}`);
});

test("print page holds every chapter (each chapter's h1 appears in print.html)", async ({ page }) => {
  test.setTimeout(180_000);
  const h1s = () => page.$$eval('main h1', hs => hs.map(h => h.textContent.trim()));
  await open(page, bookUrl('print.html'));
  const printH1 = new Set(await h1s());
  const missing = [];
  for (const f of CHAPTERS) {
    await open(page, bookUrl(f));
    const h1 = (await h1s())[0];
    if (!h1) missing.push(`${f}: has no h1`);
    else if (!printH1.has(h1)) missing.push(`${f}: "${h1}" not in print.html`);
  }
  note(`${CHAPTERS.length} chapters, print.html has ${printH1.size} h1 headings`);
  expect(CHAPTERS.length, 'chapters').toBeGreaterThan(0);
  expect(missing, 'chapters missing from print.html').toEqual([]);
});
