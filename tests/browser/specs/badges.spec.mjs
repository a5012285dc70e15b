// Badges (theme/book.css `::before`) on compile_fail, should_panic and
// hang-demo blocks: the right text, and readable in every theme.
import { test, expect, CHAPTERS, THEMES, bookHtml, bookUrl, open, note } from '../support.mjs';

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
// How the built HTML marks each kind before any script runs (mdBook's code
// classes; lockbook.js adds hang-demo to console blocks that print "hang
// detected:"), to count them without a browser.
const BADGE_SOURCE = {
  compile_fail: html => (html.match(/<code class="[^"]*\bcompile_fail\b/g) || []).length,
  should_panic: html => (html.match(/<code class="[^"]*\bshould_panic\b/g) || []).length,
  'hang-demo': html => [...html.matchAll(/<code class="language-console">([\s\S]*?)<\/code>/g)]
    .filter(m => m[1].includes('hang detected:')).length,
};

test('badges: the book has compile_fail, should_panic and hang-demo blocks', () => {
  const counts = Object.fromEntries(Object.entries(BADGE_SOURCE).map(([kind, count]) =>
    [kind, CHAPTERS.reduce((n, f) => n + count(bookHtml(f)), 0)]));
  note(`badged blocks in the chapters: ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  expect(Object.keys(counts).filter(k => !counts[k]), 'kinds with no block in the book').toEqual([]);
});

for (const file of CHAPTERS) {
  test(`${file}: compile_fail, should_panic and hang-demo blocks show their ::before badge`, async ({ page }) => {
    await open(page, bookUrl(file));
    const problems = [];
    const found = [];
    for (const [kind, sel] of Object.entries(BADGES)) {
      const contents = await page.$$eval(sel, ps => ps.map(p => getComputedStyle(p, '::before').content));
      found.push(`${kind} ${contents.length}`);
      const want = BADGE_SOURCE[kind](bookHtml(file));
      if (contents.length !== want) problems.push(`${want} ${kind} block(s) in the HTML, ${contents.length} match ${sel}`);
      contents.forEach((c, i) => {
        if (c !== JSON.stringify(BADGE_TEXT[kind])) problems.push(`${kind} block ${i + 1} has no "${BADGE_TEXT[kind]}" badge (content ${c})`);
      });
    }
    // Console blocks (program output) that show a detected hang.
    const hangText = await page.$$eval('pre:has(> code.language-console)', ps =>
      ps.filter(p => p.textContent.includes('hang detected:') && !p.classList.contains('hang-demo')).length);
    if (hangText) problems.push(`${hangText} console block(s) print "hang detected:" but lack class hang-demo`);
    note(`${file}: ${found.join(', ')}`);
    expect(problems, `${file}: badge problems`).toEqual([]);
  });
}

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

// A page with each kind of badge.
const SAMPLES = { compile_fail: 'race-conditions.html', should_panic: 'reentrant-locks.html', 'hang-demo': 'deadlocks.html' };

for (const theme of THEMES) {
  test(`badges are readable in the ${theme} theme (WCAG AA contrast >= 4.5)`, async ({ page }) => {
    await page.addInitScript(t => {
      try {
        localStorage.setItem('mdbook-theme', t);
      } catch {}
    }, theme);
    const problems = [];
    const rows = [];
    for (const [kind, file] of Object.entries(SAMPLES)) {
      await open(page, bookUrl(file));
      const facts = await badgeFacts(page, BADGES[kind]);
      if (!facts.length) {
        problems.push(`no ${kind} block on ${file}`);
        continue;
      }
      const worst = Math.min(...facts.map(f => f.contrast));
      rows.push(`${kind} ${worst.toFixed(2)}`);
      // An empty string (content "") is a blank badge too.
      if (facts.some(f => !f.content || ['none', 'normal', '""'].includes(f.content))) problems.push(`${kind} badge on ${file} has no text`);
      else if (worst < 4.5) problems.push(`${kind} badge on ${file}: contrast ${worst.toFixed(2)} < 4.5`);
    }
    note(`${theme}: contrast ${rows.join(', ')}`);
    expect(problems, `${theme} theme: unreadable badges`).toEqual([]);
  });
}
