// Offline reading (src/sw.js, registered by theme/lockbook.js): the first
// visit caches every file of the build, and then the book reads with the
// network off. Each test serves its own copy of the built book (its own
// origin, so no other test's page is controlled by this worker, and the
// copy can be changed and its server stopped): with the network off in the
// page (context.setOffline) and the server closed, nothing but the cache
// can answer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../serve.mjs';
import { test, expect, BOOK_HTML, PAGE_TIMEOUT, QUIZ, quizPages, note } from '../support.mjs';

// The manifest the build wrote into sw.js (xtask/src/book.rs).
function manifestOf(dir) {
  const sw = fs.readFileSync(path.join(dir, 'sw.js'), 'utf8');
  const m = sw.match(/^var OFFLINE = (\{.*\});/m);
  if (!m) throw new Error(`${dir}/sw.js holds no manifest: build the book with cargo xtask`);
  return JSON.parse(m[1]);
}

async function servedCopy(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lockbook-${name}-`));
  fs.cpSync(BOOK_HTML, dir, { recursive: true });
  const server = await startServer(dir);
  return { dir, server, url: server.url };
}

// Waits until the page's service worker is activated; returns the names of
// this origin's caches and what each holds.
async function cachedAfterActivation(page) {
  // (Not page.waitForFunction: it takes the Promise of an async function
  // for a true value.)
  await expect.poll(() => page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return reg && !reg.installing && !reg.waiting && reg.active ? reg.active.state : null;
  }), { timeout: 3 * PAGE_TIMEOUT, message: 'the service worker is activated' }).toBe('activated');
  return page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      out[name] = (await cache.keys()).map(r => r.url);
    }
    return out;
  });
}

test('offline: after one page, three other pages (images, fonts, explorer, quiz) and search load with the network off', async ({ page, context, rec }) => {
  test.setTimeout(120_000);
  const copy = await servedCopy('offline');
  try {
    const manifest = manifestOf(copy.dir);
    const failed = [];
    context.on('requestfailed', r => failed.push(`${r.url()} (${r.failure()?.errorText})`));

    await page.goto(copy.url + 'index.html', { waitUntil: 'load' });
    const cached = await cachedAfterActivation(page);
    const names = Object.keys(cached);
    note(`cache ${names.join(', ')}: ${cached[names[0]]?.length} files of ${manifest.files.length} listed`);
    expect(names, 'one cache, named after the scope and the build version').toEqual([`lockbook-offline ${copy.url} ${manifest.version}`]);
    const urls = cached[names[0]];
    expect(urls.slice().sort(), 'the cache holds every listed file').toEqual(manifest.files.map(f => new URL(f, copy.url).href).sort());
    expect(urls.filter(u => !u.startsWith(copy.url)), 'cached from outside the book').toEqual([]);
    expect(manifest.files, 'the list has the search index, fonts, the quiz bundle, the explorer, the images').toEqual(expect.arrayContaining([
      expect.stringMatching(/^searchindex-[0-9a-f]+\.js$/),
      expect.stringMatching(/^fonts\/.*\.woff2$/),
      expect.stringMatching(/^quiz\/quiz-embed/),
      'explorer/explorer.js',
      expect.stringMatching(/^images\//),
      'print.html',
    ]));

    await context.setOffline(true);
    await copy.server.close();
    failed.length = 0;

    for (const file of ['race-conditions.html', 'lock-costs.html', 'deadlocks.html']) {
      await test.step(file, async () => {
        await page.goto(copy.url + file, { waitUntil: 'load' });
        expect(await page.evaluate(() => !!navigator.serviceWorker.controller), `${file} is answered by the service worker`).toBe(true);
        await expect(page.locator('main h1').first()).toBeVisible();
        await page.evaluate(() => document.fonts.ready);
        const state = await page.evaluate(() => ({
          images: [...document.querySelectorAll('main img')].map(i => ({ src: i.src, ok: i.complete && i.naturalWidth > 0 })),
          fonts: [...document.fonts].filter(f => f.status !== 'unloaded').map(f => `${f.family} ${f.weight} ${f.style}: ${f.status}`),
          explorers: document.querySelectorAll('.explorer[data-scenario]').length,
        }));
        expect(state.images.length, `${file} has images`).toBeGreaterThan(0);
        expect(state.images.filter(i => !i.ok), `${file}: images that did not load`).toEqual([]);
        expect(state.fonts.filter(f => !f.endsWith(': loaded')), `${file}: fonts that did not load`).toEqual([]);
        expect(state.fonts.length, `${file}: web fonts used`).toBeGreaterThan(0);
        if (state.explorers) {
          await expect(page.locator('.explorer .explorer-step').first(), `${file}: the explorer drew its buttons`).toBeVisible();
        }
        if (quizPages.has(file)) {
          await page.locator(QUIZ.placeholder).first().scrollIntoViewIfNeeded();
          await expect(page.locator(QUIZ.widget).first(), `${file}: the quiz loaded`).toBeVisible({ timeout: PAGE_TIMEOUT });
        }
        note(`${file}: ${state.images.length} images, fonts ${state.fonts.length} loaded, ${state.explorers} explorers, quiz ${quizPages.has(file)}`);
      });
    }

    await test.step('search', async () => {
      await page.keyboard.press('s');
      await expect(page.locator('#mdbook-searchbar')).toBeVisible();
      const first = page.locator('#mdbook-searchresults a').first();
      let shown = false;
      for (let attempt = 1; attempt <= 3 && !shown; attempt++) {
        await page.locator('#mdbook-searchbar').fill('');
        await page.locator('#mdbook-searchbar').pressSequentially('mutex', { delay: 20 });
        shown = await first.waitFor({ state: 'visible', timeout: PAGE_TIMEOUT / 2 }).then(() => true, () => false);
      }
      expect(shown, 'typing "mutex" in the search bar shows results, offline (3 tries)').toBe(true);
      const href = await first.getAttribute('href');
      const n = await page.locator('#mdbook-searchresults > li').count();
      await first.click();
      await page.waitForURL(u => u.search.includes('highlight'));
      await page.waitForLoadState('load');
      await expect(page.locator('main h1').first(), `the result ${href} opens offline`).toBeVisible();
      note(`search "mutex" offline: ${n} results; opened ${href}`);
    });

    // The browser's own check for a new sw.js on each navigation fails
    // offline, and is not the page's; nothing else may fail.
    const pageFailures = failed.filter(f => !f.startsWith(copy.url + 'sw.js'));
    note(`failed requests offline: ${failed.length} (${failed.length - pageFailures.length} sw.js update checks)`);
    expect(pageFailures, 'requests that failed with the network off').toEqual([]);
    expect(rec.external, 'requests leaving the book\'s origin').toEqual([]);
    expect(rec.pageErrors, 'uncaught errors').toEqual([]);
  } finally {
    await context.setOffline(false);
    await copy.server.close().catch(() => {});
    fs.rmSync(copy.dir, { recursive: true, force: true });
  }
});

test('offline: a new build replaces the cache (a new version, the old cache deleted, the new files read)', async ({ page, context }) => {
  test.setTimeout(120_000);
  const copy = await servedCopy('offline-update');
  try {
    const old = manifestOf(copy.dir);
    await page.goto(copy.url + 'index.html', { waitUntil: 'load' });
    const before = Object.keys(await cachedAfterActivation(page));
    expect(before).toEqual([`lockbook-offline ${copy.url} ${old.version}`]);

    // A new build, as xtask writes it: a page changed, and sw.js with a
    // new version (the Rust tests check that a change gives one).
    const page1 = path.join(copy.dir, 'threads.html');
    fs.writeFileSync(page1, fs.readFileSync(page1, 'utf8').replace('</main>', '<p id="new-build">from the new build</p></main>'));
    const version = 'f'.repeat(16);
    const sw = path.join(copy.dir, 'sw.js');
    fs.writeFileSync(sw, fs.readFileSync(sw, 'utf8').replace(`"version":"${old.version}"`, `"version":"${version}"`));

    // A navigation checks sw.js; the new worker fills its cache, takes over
    // and deletes the old one.
    await page.goto(copy.url + 'introduction.html', { waitUntil: 'load' });
    const want = `lockbook-offline ${copy.url} ${version}`;
    await expect.poll(() => page.evaluate(() => caches.keys()), { timeout: 3 * PAGE_TIMEOUT, message: 'only the new version\'s cache' }).toEqual([want]);
    await cachedAfterActivation(page);

    await context.setOffline(true);
    await copy.server.close();
    await page.goto(copy.url + 'threads.html', { waitUntil: 'load' });
    await expect(page.locator('#new-build'), 'the new build\'s page, from the new cache').toHaveText('from the new build');
    note(`cache ${old.version} replaced by ${version}`);
  } finally {
    await context.setOffline(false);
    await copy.server.close().catch(() => {});
    fs.rmSync(copy.dir, { recursive: true, force: true });
  }
});
