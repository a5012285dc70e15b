// Every page loads offline and cleanly; fonts are local.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, PAGES, CHAPTERS, BOOK_HTML, PLAY_HOST, PLAY_CRATES, bookUrl, isLocal, load, note, unique } from '../support.mjs';

for (const file of PAGES) {
  // One load per page for both concerns: a clean load, and no playground
  // request before a click.
  test(`${file} loads with no console error, no failed request, no request leaving localhost, no playground request without a click`, async ({ page, rec }) => {
    await load(page, bookUrl(file));
    expect.soft(unique(rec.external), `${file}: requests leaving localhost`).toEqual([]);
    expect.soft(unique(rec.consoleErrors), `${file}: console errors`).toEqual([]);
    expect.soft(unique(rec.pageErrors), `${file}: uncaught errors`).toEqual([]);
    expect.soft(rec.badResponses, `${file}: failed local requests`).toEqual([]);
    expect(
      rec.external.filter(u => u.includes(PLAY_HOST)),
      `${file}: mdBook's book.js POSTs ${PLAY_CRATES} on load of a page with a runnable block`,
    ).toEqual([]);
  });
}

test('fonts: no CSS file refers to a remote resource (fonts are bundled by mdBook)', () => {
  const cssFiles = fs.readdirSync(BOOK_HTML, { recursive: true }).filter(f => f.endsWith('.css'));
  const remote = [];
  for (const f of cssFiles) {
    const css = fs.readFileSync(path.join(BOOK_HTML, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const m of css.matchAll(/url\(\s*['"]?([^'")]+)/g)) {
      if (/^(https?:)?\/\//.test(m[1])) remote.push(`${f}: ${m[1]}`);
    }
    for (const m of css.matchAll(/@import\s+(?:url\()?['"]?([^'");]+)/g)) {
      if (/^(https?:)?\/\//.test(m[1])) remote.push(`${f}: @import ${m[1]}`);
    }
  }
  note(`${cssFiles.length} CSS files scanned`);
  expect(cssFiles.length, 'CSS files in the book').toBeGreaterThan(0);
  expect(remote, 'CSS refers to remote resources').toEqual([]);
});

test('fonts: a chapter page loads web fonts, from localhost only', async ({ page, rec }) => {
  const file = CHAPTERS.includes('race-conditions.html') ? 'race-conditions.html' : CHAPTERS[0];
  await load(page, bookUrl(file));
  const families = unique(await page.evaluate(() =>
    Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family.replace(/"/g, ''))));
  const fontReqs = rec.requests.filter(u => /\.(woff2?|ttf|otf)(\?|$)/.test(u));
  note(`${file}: fonts loaded: ${families.join(', ') || 'none'} (${fontReqs.length} local font files)`);
  expect(fontReqs.filter(u => !isLocal(u)), `${file}: remote font requests`).toEqual([]);
  expect(families.length, `${file}: web fonts loaded`).toBeGreaterThan(0);
});
