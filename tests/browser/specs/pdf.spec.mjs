// The book as a PDF (issue 13): print.html printed by the Chromium these
// tests drive (page.pdf(): headless print-to-PDF, print media, A4), written
// beside the pages as PDF_NAME, which the Introduction links and the
// publish workflow deploys with the pages and attaches as an artifact. The
// tests after the first read it back with poppler's pdftotext and pdfinfo
// (Debian's poppler-utils; `cargo xtask browser-test` installs it).
//
// Serial: the first test makes the file the others check (`--grep pdf`
// runs them all).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test, expect, BOOK_HTML, bookUrl, open, note, unique } from '../support.mjs';

// The name the Introduction links (src/introduction.md) and book.toml's
// link-checker exclude names.
const PDF_NAME = 'locks-and-synchronization-in-rust.pdf';
const PDF = path.join(BOOK_HTML, PDF_NAME);
const SUMMARY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/SUMMARY.md');

// A4 with 15 mm margins: 180 mm of text width, 680 CSS px.
const PAPER = { format: 'A4', margin: { top: '15mm', right: '15mm', bottom: '15mm', left: '15mm' } };
const TEXT_WIDTH_PX = Math.floor((180 / 25.4) * 96);

test.describe.configure({ mode: 'serial' });

// print.html in print media, fonts loaded, at the paper's text width.
async function openPrint(page) {
  await page.setViewportSize({ width: TEXT_WIDTH_PX, height: 900 });
  // print.html opens the print dialog on load (mdBook's book.js), and
  // Chromium prints one job at a time: page.pdf() prints it instead.
  await page.addInitScript(() => {
    window.print = () => {};
  });
  await open(page, bookUrl('print.html'));
  await page.emulateMedia({ media: 'print' });
  await page.evaluate(() => document.fonts.ready);
}

async function makePdf(page, file) {
  await page.pdf({ path: file, ...PAPER, printBackground: false, outline: true, tagged: true });
}

// The PDF's text, one string per page (pdftotext ends each page with \f).
// With `layout`, each line as drawn (pdftotext -layout): text aligned in
// columns, as a code line's comment often is, stays on its line rather
// than being read as a column of its own.
function pdfPages(file, { layout = false } = {}) {
  const args = ['-enc', 'UTF-8', ...(layout ? ['-layout'] : []), file, '-'];
  const text = execFileSync('pdftotext', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return text.split('\f').slice(0, -1);
}

const squeeze = s => s.normalize('NFKC').replace(/\s+/g, '');

// The code lines that the PDF's text does not hold whole, in order. A line
// that wraps at the margin is still whole once whitespace is dropped on
// both sides (pdftotext breaks it into two lines); a line cut at the right
// margin is not, because pdftotext keeps only the characters drawn inside
// the page. Each line is looked for after the previous one, so that a copy
// of it elsewhere in the book cannot stand in for it.
function cutLines(codeLines, pages) {
  const text = squeeze(pages.join('\n'));
  const cut = [];
  let from = 0;
  for (const line of codeLines) {
    const want = squeeze(line);
    if (!want) continue;
    const at = text.indexOf(want, from);
    if (at === -1) cut.push(line);
    else from = at + want.length;
  }
  return cut;
}

test('pdf: print.html prints to the PDF, at the text width with nothing wider', async ({ page }) => {
  test.setTimeout(120_000);
  await openPrint(page);
  // Anything wider than the text column would be cut on paper, or make
  // Chromium shrink every page to fit it.
  const wide = await page.evaluate(limit => [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > limit + 1)
    .map(e => `${e.tagName.toLowerCase()} "${e.textContent.trim().slice(0, 40)}": ${Math.round(e.getBoundingClientRect().right)} px`)
    .slice(0, 10), TEXT_WIDTH_PX);
  expect(wide, `elements of print.html past the ${TEXT_WIDTH_PX} px text width, printed`).toEqual([]);
  // The Introduction's link to the PDF would be, in the PDF, a link to
  // the server it was printed from: there it is text.
  await page.$$eval(`a[href$="${PDF_NAME}"]`, as => as.forEach(a => a.removeAttribute('href')));
  fs.rmSync(PDF, { force: true });
  await makePdf(page, PDF);
  expect(fs.existsSync(PDF), `${PDF} was written`).toBe(true);
  expect(fs.readFileSync(PDF).subarray(0, 5).toString(), 'a PDF header').toBe('%PDF-');
  const info = execFileSync('pdfinfo', [PDF], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  note(`${PDF_NAME}: ${pages} pages, ${(fs.statSync(PDF).size / 1e6).toFixed(1)} MB`);
  expect(pages, 'pages').toBeGreaterThan(50);
});

test("pdf: each chapter of src/SUMMARY.md starts a page with its title", () => {
  const titles = [...fs.readFileSync(SUMMARY, 'utf8').matchAll(/^\s*(?:- )?\[([^\]]+)\]\([^)]+\.md\)/gm)].map(m => m[1]);
  expect(titles.length, 'chapters in src/SUMMARY.md').toBeGreaterThan(10);
  const firstLines = pdfPages(PDF).map(p => p.split('\n').map(l => l.trim()).filter(Boolean).slice(0, 2).join(' '));
  const missing = titles.filter(t => !firstLines.some(l => l === t || l.startsWith(`${t} `)));
  expect(missing, 'chapters whose title starts no page of the PDF').toEqual([]);
  note(`${titles.length} chapter titles, each the first line of a page`);
});

test('pdf: no code line is cut at the right margin (each is whole, or wrapped)', async ({ page }) => {
  test.setTimeout(120_000);
  await openPrint(page);
  // As printed: hidden lines (`# ` in Rust, `~` in Python) are not shown.
  const blocks = await page.$$eval('main pre > code', cs => cs.map(c => c.innerText));
  const lines = blocks.flatMap(b => b.split('\n'));
  const longest = Math.max(...lines.map(l => l.length));
  const cut = cutLines(lines, pdfPages(PDF, { layout: true }));
  expect(cut, 'code lines not whole in the PDF text').toEqual([]);
  note(`${blocks.length} code blocks, ${lines.length} lines (longest ${longest} characters), all whole in the PDF`);

  // The check fails on a cut line: a control page whose one long line is
  // not wrapped runs off the paper.
  const line = `let cut = "${'abcdefghij'.repeat(50)}"; // END-OF-THE-LINE`;
  await page.setContent(`<pre style="white-space: pre; font: 12px monospace">fn main() {\n${line}\n}</pre>`);
  const control = test.info().outputPath('control.pdf');
  await makePdf(page, control);
  expect(cutLines(['fn main() {', line, '}'], pdfPages(control, { layout: true })), 'the control page\'s cut line').toEqual([line]);
});

test('pdf: badges and callouts are printed, in black', async ({ page }) => {
  await openPrint(page);
  const found = await page.evaluate(() => {
    const badges = [...document.querySelectorAll('main pre')]
      .map(p => getComputedStyle(p, '::before'))
      .filter(s => s.content && s.content !== 'none' && s.display !== 'none')
      .map(s => ({ text: s.content.replace(/^"|"$/g, ''), color: s.color }));
    const callouts = [...document.querySelectorAll('main blockquote.python-note')]
      .map(b => ({ text: 'Coming from Python.', color: getComputedStyle(b).color }));
    return { badges, callouts };
  });
  const all = [...found.badges, ...found.callouts];
  note(`${found.badges.length} badges, ${found.callouts.length} Python callouts`);
  expect(found.badges.length, 'badges in print.html').toBeGreaterThan(0);
  expect(found.callouts.length, 'Python callouts in print.html').toBeGreaterThan(0);
  expect(unique(all.filter(x => x.color !== 'rgb(0, 0, 0)').map(x => `${x.text}: ${x.color}`)), 'printed in another colour than black').toEqual([]);
  // And each is in the PDF's text as many times as print.html has it.
  const text = pdfPages(PDF).join('\n').replace(/\s+/g, ' ');
  const count = s => text.split(s).length - 1;
  const wrong = unique(all.map(x => x.text))
    .map(t => [t, all.filter(x => x.text === t).length, count(t)])
    .filter(([, want, got]) => got < want)
    .map(([t, want, got]) => `"${t}": ${got} in the PDF, ${want} in print.html`);
  expect(wrong, 'badge and callout texts missing from the PDF').toEqual([]);
});

test('pdf: links between chapters stay links, to a named destination in the PDF', async ({ page }) => {
  await openPrint(page);
  // The print page's links to another chapter point at its heading's id.
  const chapterIds = await page.$$eval('main h1[id]', hs => hs.map(h => h.id));
  const targets = await page.$$eval('main a[href^="#"]', as => as.map(a => a.getAttribute('href').slice(1)));
  const toChapters = unique(targets.filter(t => chapterIds.includes(t)));
  expect(toChapters.length, 'chapters that print.html links to').toBeGreaterThan(5);
  const dests = new Set([...execFileSync('pdfinfo', ['-dests', PDF], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .matchAll(/"([^"]+)"\s*$/gm)].map(m => m[1]));
  // Chromium writes each in-document link as a Link annotation to the
  // named destination: /Dest /NAME (the annotations are not compressed).
  const raw = fs.readFileSync(PDF).toString('latin1');
  const linked = new Set([...raw.matchAll(/\/Dest\s*\/([^\s/>\]]+)/g)].map(m => m[1]));
  const broken = toChapters.filter(id => !dests.has(id) || !linked.has(id));
  expect(broken, 'chapter links that are not a link to a destination in the PDF').toEqual([]);
  // A link to a page or file of the book (not an anchor in print.html)
  // would lead, in the PDF, to the server it was printed from.
  const uris = unique([...raw.matchAll(/\/URI\s*\(([^)]*)\)/g)].map(m => m[1]));
  expect(uris.filter(u => !/^https:\/\//.test(u)), 'links in the PDF to anything but a web page').toEqual([]);
  note(`${toChapters.length} chapters linked from others; ${dests.size} named destinations, ${linked.size} linked; ${uris.length} web links`);
});

test('pdf: the Introduction links the PDF, and the link resolves', async ({ page }) => {
  await open(page, bookUrl('introduction.html'));
  const hrefs = await page.$$eval(`main a[href$="${PDF_NAME}"]`, as => as.map(a => a.href));
  expect(hrefs.length, `links to ${PDF_NAME} in the Introduction`).toBeGreaterThan(0);
  for (const href of unique(hrefs)) {
    const res = await page.request.get(href);
    expect(res.status(), href).toBe(200);
    expect((await res.body()).subarray(0, 5).toString(), `${href} is a PDF`).toBe('%PDF-');
  }
});
