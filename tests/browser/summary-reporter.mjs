// A Playwright reporter, after `list` and `html`: writes the page-weight
// table (from the rows page-weight.spec.mjs attaches) to
// test-results/page-weight.md and prints it, then closes the output with
// "browser: N passed, N failed, N skipped", the summary line the project's
// tools and CI read (Playwright's own "N passed (12s)" is not one of them).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TABLE = path.join(HERE, 'test-results', 'page-weight.md');

export default class SummaryReporter {
  constructor() {
    this.rows = [];
    this.errors = 0;
  }

  printsToStdio() {
    return true;
  }

  onBegin(config, suite) {
    this.suite = suite;
  }

  onTestEnd(test, result) {
    for (const a of result.attachments) {
      if (a.name === 'page-weight' && a.body) this.rows.push(JSON.parse(a.body.toString()));
    }
  }

  // Errors outside any test (a spec that does not load, the global setup).
  onError() {
    this.errors++;
  }

  onEnd(result) {
    if (this.rows.length) this.writeTable();
    // Only tests that ran: `--list` runs none, and prints no summary.
    const outcomes = (this.suite ? this.suite.allTests() : []).filter(t => t.results.length).map(t => t.outcome());
    if (!outcomes.length && !this.errors && result.status === 'passed') return;
    const count = o => outcomes.filter(x => x === o).length;
    const passed = count('expected') + count('flaky');
    const failed = count('unexpected') + this.errors + (result.status === 'timedout' || result.status === 'interrupted' ? 1 : 0);
    console.log(`\nbrowser: ${passed} passed, ${failed} failed, ${count('skipped')} skipped`);
  }

  writeTable() {
    const rows = this.rows.sort((a, b) => a.file.localeCompare(b.file));
    const budget = rows[0].budget;
    const kb = n => (n === null ? '-' : (n / 1024).toFixed(1));
    const inRatio = rows.filter(r => r.plain !== null);
    const sumOurs = inRatio.reduce((a, r) => a + r.ours, 0);
    const sumPlain = inRatio.reduce((a, r) => a + r.plain, 0);
    const table = [
      '| page | plain KiB | ours KiB (first load) | ours / plain | quiz bundle KiB (when scrolled to) |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows.map(r => `| ${r.file} | ${kb(r.plain)} | ${kb(r.ours)} | ${r.ratio === null ? '-' : r.ratio.toFixed(3)} | ${kb(r.quiz)} |`),
      `| all chapters | ${kb(sumPlain)} | ${kb(sumOurs)} | ${sumPlain ? (sumOurs / sumPlain).toFixed(3) : '-'} | ${kb(rows.reduce((a, r) => a + r.quiz, 0))} |`,
    ];
    const lines = [
      '# Page weight: bytes transferred on a cold first load',
      '',
      'Written by tests/browser (page-weight.spec.mjs, summary-reporter.mjs) on',
      'every run that measures it. Each chapter page loaded in headless Chromium',
      'with an empty cache from a local static server that gzips text files (as',
      'GitHub Pages does); bytes are CDP encodedDataLength summed over all requests',
      '(HTML, CSS, JS, fonts, images). "plain" is the same book built with the',
      'same mdBook, without theme/, additional CSS/JS or the quiz preprocessor.',
      '"ours" is the first load, before the reader scrolls, everything included;',
      "the quiz bundle (mdbook-quiz's script and stylesheet, served from quiz/)",
      'loads only when the reader nears a quiz: its column is measured after',
      'scrolling to the quiz, and is in no first load.',
      `Budget: ours <= ${budget} x plain; quiz bundle 0 on pages without a quiz.`,
      '',
      ...table,
      '',
    ];
    fs.mkdirSync(path.dirname(TABLE), { recursive: true });
    fs.writeFileSync(TABLE, lines.join('\n'));
    console.log(`\nPage weight (ours <= ${budget} x plain), written to ${path.relative(process.cwd(), TABLE)}:`);
    for (const l of table) console.log(l);
  }
}
