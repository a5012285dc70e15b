// Instructor notes (theme/lockbook.js) and the "Coming from Python." callouts.
import { test, expect, CHAPTERS, bookHtml, bookUrl, open, note } from '../support.mjs';

test('instructor notes: toggle opens/closes all, state remembered; ?notes=side sets html.notes-side', async ({ page }) => {
  const file = 'race-conditions.html';
  await open(page, bookUrl(file));
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
  note(`${file}: ${s0.notes} notes details, ${s0.marked} with class instructor-notes, toggle ${s0.button ? 'present' : 'missing'}`);
  expect(s0.notes, `${file}: "Notes for instructors" details`).toBeGreaterThan(0);
  expect(s0.marked, `${file}: notes details with class instructor-notes`).toBe(s0.notes);
  expect(s0.button, `${file}: a #instructor-notes-toggle button`).toBe(true);
  expect(s0.inMenu, `${file}: #instructor-notes-toggle is in the menu bar`).toBe(true);

  await page.click('#instructor-notes-toggle');
  const s1 = await state();
  expect(s1.open, 'notes open after a click').toBe(s1.notes);
  expect(s1.pressed, 'aria-pressed after opening').toBe('true');
  expect(s1.stored, 'localStorage lockbook-notes after opening').not.toBeNull();

  await page.reload({ waitUntil: 'load' });
  const s2 = await state();
  expect(s2.open, 'notes open after a reload (remembered)').toBe(s2.notes);
  expect(s2.pressed, 'aria-pressed after a reload (remembered)').toBe('true');

  await page.click('#instructor-notes-toggle');
  const s3 = await state();
  expect(s3.open, 'notes open after a second click').toBe(0);
  expect(s3.pressed, 'aria-pressed after closing').toBe('false');

  await page.goto(bookUrl(`${file}?notes=side`), { waitUntil: 'load' });
  const side = await page.evaluate(() => document.documentElement.classList.contains('notes-side'));
  expect(side, '?notes=side sets class notes-side on <html>').toBe(true);
  note('toggle opens and closes all notes, aria-pressed follows, remembered across reload; ?notes=side works');
});

// The callout's lead as the built HTML has it, to know, without a browser,
// which pages must show one (and that the book has any at all).
const PYTHON_LEAD = /<strong>\s*Coming from Python\./;
const pythonPages = CHAPTERS.filter(f => PYTHON_LEAD.test(bookHtml(f)));

test('callouts: the book has "Coming from Python." note boxes', () => {
  note(`pages with a Coming-from-Python box: ${pythonPages.join(' ') || 'none'}`);
  expect(pythonPages, 'chapters with a Coming-from-Python box').not.toEqual([]);
});

for (const file of CHAPTERS) {
  test(`${file}: every "Coming from Python." note box has class python-note`, async ({ page }) => {
    await open(page, bookUrl(file));
    const boxes = await page.$$eval('blockquote', bs => bs
      .filter(b => /^\s*Coming from Python\./.test(b.querySelector('p:not(.blockquote-tag-title)')?.textContent || ''))
      .map(b => b.className));
    note(`${file}: ${boxes.length} Coming-from-Python boxes`);
    if (pythonPages.includes(file)) expect(boxes.length, `${file}: Coming-from-Python boxes found on the page`).toBeGreaterThan(0);
    expect(boxes.filter(c => !c.split(/\s+/).includes('python-note')), `${file}: classes of boxes without python-note`).toEqual([]);
  });
}
