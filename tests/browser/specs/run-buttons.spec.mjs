// Runnable blocks: a Run button on each, and a run against a mocked
// playground (nothing reaches the network: support.mjs answers it).
import { test, expect, CHAPTERS, MOCK_RESULT, PLAY_EVALUATE, bookUrl, open, note } from '../support.mjs';

test.use({ mockPlayground: true });

for (const file of CHAPTERS) {
  test(`${file}: every rust block without noplayground has a visible Run button`, async ({ page }) => {
    await open(page, bookUrl(file));
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
        // mdBook shows a pre's buttons on hover; shown = not hidden by book.js
        visible: !!b && !b.hidden && !b.classList.contains('hidden'),
        first: c.textContent.trim().split('\n')[0].slice(0, 50),
      };
    }));
    const problems = [];
    for (const b of blocks) {
      if (!b.playground) problems.push(`block "${b.first}" is not a playground`);
      else if (!b.noRun && !b.visible) problems.push(`block "${b.first}" has no visible Run button`);
    }
    note(`${file}: ${blocks.length} rust blocks without noplayground or ignore`);
    expect(problems, `${file}: runnable blocks without a Run button`).toEqual([]);
  });
}

test('a run works against a mocked playground (and sends nothing before the click)', async ({ page, rec, playCalls }) => {
  test.setTimeout(180_000);
  let file = null;
  const shown = 'pre.playground:has(> .buttons > .play-button:not([hidden]):not(.hidden))';
  for (const f of CHAPTERS) {
    await open(page, bookUrl(f));
    if (await page.locator(shown).first().waitFor({ state: 'attached', timeout: 1000 }).then(() => true, () => false)) {
      file = f;
      break;
    }
  }
  expect(file, 'a chapter that shows a Run button').not.toBeNull();
  expect(rec.external.filter(u => u.includes(PLAY_EVALUATE)), 'evaluate.json requests before any click').toEqual([]);
  const pre = page.locator(shown).first();
  await pre.hover();
  await pre.locator('.play-button').click();
  const result = pre.locator('.result');
  await expect(result, `${file}: the result block after Run`).toContainText(MOCK_RESULT, { timeout: 10_000 });
  note(`${file}: Run clicked; result shown: "${(await result.textContent()).trim()}"`);
  expect(playCalls.length, 'evaluate.json requests').toBe(1);
  const body = JSON.parse(playCalls[0]);
  note(`request: edition ${body.edition}, version ${body.version}, ${body.code.length} bytes of code`);
  expect(body.edition, 'edition sent').toBe('2024');
  expect(body.code, 'code sent').toMatch(/fn main/);
});
