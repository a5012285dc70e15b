// The scenario explorers ("play the scheduler", src/explorer/explorer.js):
// played with clicks and keys, every schedule walked, accessible, loaded
// only where a page has one, and the static fallback in print and without
// JavaScript.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, PAGES, BOOK_HTML, THEMES, bookHtml, bookUrl, load, open, note, record, unique } from '../support.mjs';

// Each scenario the built book shows, with the first page that shows it.
const SCENARIOS = new Map();
for (const file of PAGES.filter(f => f !== 'print.html')) {
  for (const m of bookHtml(file).matchAll(/<div class="explorer" data-scenario="([a-z0-9-]+)">/g)) {
    if (!SCENARIOS.has(m[1])) SCENARIOS.set(m[1], file);
  }
}

// A scenario's data, as explorer/NAME.js sets it in the browser.
function scenario(name) {
  const window = {};
  vm.runInNewContext(fs.readFileSync(path.join(BOOK_HTML, 'explorer', `${name}.js`), 'utf8'), { window });
  return window.lockbookScenarios[name];
}

const box = (page, name) => page.locator(`.explorer[data-scenario="${name}"]`);
const stepButton = (b, i) => b.locator('.explorer-step').nth(i);
const end = b => b.locator('.explorer-end');

// What the reader sees of an explorer: the marked line of each thread, the
// buttons, the shared state, the steps taken, the ending.
const view = b => b.evaluate(el => ({
  next: Array.from(el.querySelectorAll('.explorer-thread'), t => {
    const line = t.querySelector('.explorer-next, .explorer-waiting');
    return line ? line.querySelector('.explorer-num').textContent : null;
  }),
  buttons: Array.from(el.querySelectorAll('.explorer-step'), s => `${s.disabled ? 'disabled' : 'enabled'}: ${s.textContent}`),
  state: el.querySelector('.explorer-state').textContent,
  steps: el.querySelectorAll('.explorer-steps > li').length,
  end: el.querySelector('.explorer-end').textContent,
}));

test('the book shows explorers, among them lost-update and abba', () => {
  note(`scenarios: ${[...SCENARIOS].map(([n, f]) => `${n} (${f})`).join(', ')}`);
  expect(SCENARIOS.get('lost-update'), 'lost-update').toBe('race-conditions.html');
  expect(SCENARIOS.get('abba'), 'abba').toBe('deadlocks.html');
});

test('race-conditions.html: thread 1, 2, 1, 2 loses an update', async ({ page, rec }) => {
  await open(page, bookUrl('race-conditions.html'));
  const b = box(page, 'lost-update');
  await expect(b.locator('.explorer-summary')).toContainText('6 schedules: 4 lose an update.');
  await expect(b.locator('.explorer-fallback'), 'the fallback, hidden on screen').toBeHidden();
  await expect(stepButton(b, 0)).toHaveText('Step thread 1: read total = 0');
  for (const i of [0, 1, 0, 1]) {
    await expect(end(b), 'no ending before the last step').toHaveText('');
    await stepButton(b, i).click();
  }
  await expect(end(b)).toContainText('update lost: thread 2 wrote 5 over thread 1');
  await expect(end(b)).toHaveClass(/explorer-bad/);
  await expect(b.locator('.explorer-state')).toContainText('total = 5');
  await expect(b.locator('.explorer-steps > li')).toHaveText([
    'thread 1 runs let seen = total.load(); (read total = 0)', 'thread 2 runs let seen = total.load(); (read total = 0)',
    'thread 1 runs total.store(seen + 5); (write total = 5)', 'thread 2 runs total.store(seen + 5); (write total = 5)',
  ]);
  await expect(stepButton(b, 0)).toBeDisabled();
  await expect(stepButton(b, 0)).toHaveText('thread 1 is done');
  expect(unique(rec.pageErrors), 'uncaught errors').toEqual([]);
});

test('deadlocks.html: thread 1 then thread 2 deadlocks, and the ending names both threads and locks', async ({ page }) => {
  await open(page, bookUrl('deadlocks.html'));
  const b = box(page, 'abba');
  await stepButton(b, 0).click();
  await expect(b.locator('.explorer-state')).toContainText('lock A: held by thread 1');
  await stepButton(b, 1).click();
  const text = await end(b).textContent();
  note(`ending: ${text}`);
  await expect(end(b)).toHaveClass(/explorer-bad/);
  for (const word of ['deadlock', 'thread 1 holds A and waits for B', 'thread 2 holds B and waits for A']) {
    expect.soft(text, `the ending says "${word}"`).toContain(word);
  }
  await expect(stepButton(b, 0)).toBeDisabled();
  await expect(stepButton(b, 0)).toHaveText('thread 1 waits for B (held by thread 2)');
  await expect(b.locator('.explorer-state')).toContainText('lock A: held by thread 1 · lock B: held by thread 2');
});

test('undo returns to the previous state: marked lines, values, buttons, steps', async ({ page }) => {
  await open(page, bookUrl('race-conditions.html'));
  const b = box(page, 'lost-update');
  await expect(b.locator('.explorer-undo')).toBeDisabled();
  await stepButton(b, 0).click();
  const before = await view(b);
  expect(before.next, 'thread 1 next at line 76, thread 2 at 75').toEqual(['76', '75']);
  expect(before.state).toContain('total = 0');
  await stepButton(b, 0).click();
  const after = await view(b);
  expect(after.state, 'the write happened').toContain('total = 5');
  expect(after.next[0], 'thread 1 is done: no marked line').toBeNull();
  await b.locator('.explorer-undo').click();
  expect(await view(b), 'after undo').toEqual(before);
  await b.locator('.explorer-reset').click();
  const start = await view(b);
  expect(start.steps, 'steps after reset').toBe(0);
  expect(start.next).toEqual(['75', '75']);
  await expect(b.locator('.explorer-undo')).toBeDisabled();
});

// Every button sequence, by clicks and Undo: the endings reached, counted by
// kind, are the summary's; a fixed version never shows a bad ending.
for (const [name, file] of SCENARIOS) {
  test(`${file}: ${name}: every schedule played by clicks ends as the summary counts`, async ({ page }) => {
    test.setTimeout(180_000);
    const data = scenario(name);
    await open(page, bookUrl(file));
    const b = box(page, name);
    const summary = await b.locator('.explorer-summary').textContent();
    if (data.bad === null) {
      expect(summary, `${name}: a fixed version`).toContain('none ends badly');
      await expect(b.locator('.explorer-play'), 'no "Show me a bad schedule"').toHaveCount(0);
    } else {
      expect(summary, `${name}: a version that can go wrong`).not.toContain('none ends badly');
    }
    const steps = b.locator('.explorer-step');
    const threads = await steps.count();
    const seen = {};
    let ends = 0;
    const walk = async depth => {
      expect(depth, 'a schedule longer than the tree has nodes').toBeLessThan(data.nodes.length);
      const enabled = [];
      for (let i = 0; i < threads; i++) if (await steps.nth(i).isEnabled()) enabled.push(i);
      if (!enabled.length) {
        const cls = await end(b).getAttribute('class');
        const kind = / explorer-ok/.test(cls) ? 'ok' : / explorer-bad/.test(cls) ? 'bad' : 'none';
        seen[kind] = (seen[kind] || 0) + 1;
        ends++;
        return;
      }
      for (const i of enabled) {
        await steps.nth(i).click();
        await walk(depth + 1);
        await b.locator('.explorer-undo').click();
      }
    };
    await walk(0);
    const bad = data.summary.schedules - (data.summary.endings.ok || 0);
    note(`${name}: ${ends} schedules played: ${JSON.stringify(seen)}; summary: ${summary}`);
    expect(seen, `${name}: endings reached by clicks (the summary: ${JSON.stringify(data.summary.endings)})`)
      .toEqual({ ...(data.summary.endings.ok ? { ok: data.summary.endings.ok } : {}), ...(bad ? { bad } : {}) });
    if (data.bad === null) expect(seen.bad, `${name}: a bad ending in a fixed version`).toBeUndefined();
  });
}

test('keyboard only: Tab reaches a step button, Enter and Space step', async ({ page }) => {
  await open(page, bookUrl('race-conditions.html'));
  const b = box(page, 'lost-update');
  // Start the Tab order at the explorer's summary (a click on text moves
  // the focus starting point, not the focus).
  await b.locator('.explorer-summary').click();
  await page.keyboard.press('Tab');
  await expect(stepButton(b, 0), 'Tab from the summary').toBeFocused();
  await page.keyboard.press('Enter');
  await expect(b.locator('.explorer-steps > li')).toHaveText(['thread 1 runs let seen = total.load(); (read total = 0)']);
  await page.keyboard.press('Tab');
  await expect(stepButton(b, 1)).toBeFocused();
  await page.keyboard.press(' ');
  await expect(b.locator('.explorer-steps > li')).toHaveCount(2);
  // Thread 1's write, then thread 2's: thread 1 is done, the focus must not
  // be lost with its button.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await expect(stepButton(b, 0)).toBeDisabled();
  await expect(stepButton(b, 1), 'the focus moves to a button that can step').toBeFocused();
  await page.keyboard.press('Enter');
  await expect(end(b)).toContainText('update lost');
});

test('"Show me a bad schedule" plays a bad schedule step by step; Reset stops it', async ({ page }) => {
  await open(page, bookUrl('race-conditions.html'));
  const b = box(page, 'lost-update');
  const data = scenario('lost-update');
  await b.locator('.explorer-play').click();
  // Step by step: one step shown before the ending.
  await expect(b.locator('.explorer-steps > li')).toHaveCount(1);
  await expect(end(b)).toHaveText('');
  await expect(end(b)).toHaveClass(/explorer-bad/, { timeout: 10_000 });
  await expect(b.locator('.explorer-steps > li')).toHaveCount(data.bad.length);
  expect(await b.locator('.explorer-steps > li').allTextContents(), 'the steps played: the fallback\'s schedule')
    .toEqual(await b.locator('.explorer-fallback li').allTextContents());
  note(`played ${data.bad.length} steps; ending: ${await end(b).textContent()}`);
  await b.locator('.explorer-play').click();
  await expect(b.locator('.explorer-steps > li')).toHaveCount(1);
  await b.locator('.explorer-reset').click();
  await page.waitForTimeout(1500);
  expect((await view(b)).steps, 'steps taken after Reset during play').toBe(0);
});

test('race-conditions.html with the explorers playing: axe-core finds no serious or critical violation, in each theme', async ({ page }) => {
  const found = [];
  for (const theme of THEMES) {
    await page.addInitScript(t => localStorage.setItem('mdbook-theme', t), theme);
    await open(page, bookUrl('race-conditions.html'));
    await expect(page.locator('html')).toHaveClass(new RegExp(`\\b${theme}\\b`));
    const b = box(page, 'lost-update');
    await stepButton(b, 0).click();
    await stepButton(b, 0).click();
    await box(page, 'tickets').locator('.explorer-play').click();
    await expect(end(b)).toHaveText('');
    // The whole page in the default theme, the explorers in the others.
    let axe = new AxeBuilder({ page }).options({ resultTypes: ['violations'] });
    if (theme !== 'light') axe = axe.include('.explorer-ui');
    const results = await axe.analyze();
    for (const v of results.violations) {
      note(`${theme}: [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${v.nodes[0].target.join(' ')})`);
      if (v.impact === 'serious' || v.impact === 'critical') found.push(`${theme}: ${v.id} ${v.nodes[0].target.join(' ')}`);
    }
  }
  expect(found, 'serious or critical violations').toEqual([]);
});

test('explorers load from the origin only, and only on pages that have one', async ({ page, rec }) => {
  await load(page, bookUrl('race-conditions.html'));
  await expect(box(page, 'lost-update').locator('.explorer-ui')).toBeVisible();
  const explorerFiles = rec.requests.filter(u => u.includes('/explorer/')).map(u => new URL(u).pathname.split('/').pop());
  note(`race-conditions.html requested ${explorerFiles.join(', ')}`);
  expect(explorerFiles, 'the explorer and the lost-update data').toEqual(expect.arrayContaining(['explorer.js', 'explorer.css', 'lost-update.js']));
  expect(explorerFiles.filter(f => f === 'abba.js'), 'data of a scenario the page does not show').toEqual([]);
  expect(unique(rec.external), 'requests leaving localhost').toEqual([]);
  expect(unique(rec.consoleErrors), 'console errors').toEqual([]);
  rec.requests.length = 0;
  await load(page, bookUrl('threads.html'));
  expect(await page.locator('.explorer').count(), 'threads.html has no explorer').toBe(0);
  expect(rec.requests.length, 'threads.html made requests').toBeGreaterThan(0);
  expect(rec.requests.filter(u => u.includes('/explorer/')), 'explorer files requested by threads.html').toEqual([]);
});

test('printed, and without JavaScript, an explorer shows its static fallback', async ({ page, browser }) => {
  await open(page, bookUrl('race-conditions.html'));
  const b = box(page, 'lost-update');
  await expect(b.locator('.explorer-ui')).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(b.locator('.explorer-ui'), 'the game, printed').toBeHidden();
  await expect(b.locator('.explorer-fallback')).toBeVisible();
  await expect(b.locator('.explorer-fallback li')).toHaveCount(4);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const rec = await record(context);
  try {
    const nojs = await context.newPage();
    await nojs.goto(bookUrl('race-conditions.html'));
    const f = box(nojs, 'lost-update');
    await expect(f).toContainText('6 schedules: 4 lose an update.');
    await expect(f.locator('li').first()).toBeVisible();
    await expect(f).toContainText('update lost');
    expect(await nojs.locator('.explorer-ui').count(), 'explorers without JavaScript').toBe(0);
    expect(unique(rec.external), 'requests leaving localhost').toEqual([]);
  } finally {
    await context.close();
  }
});
