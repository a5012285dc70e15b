// Accessibility: axe-core (through @axe-core/playwright) on every chapter
// page and the index. Serious or critical violations fail; every violation,
// of any impact, is listed (and attached to the HTML report).
import AxeBuilder from '@axe-core/playwright';
import { test, expect, CHAPTERS, QUIZ, quizPages, bookUrl, open, note } from '../support.mjs';

for (const file of [...CHAPTERS, 'index.html']) {
  test(`${file}: axe-core finds no serious or critical violation`, async ({ page }, testInfo) => {
    await open(page, bookUrl(file));
    if (quizPages.has(file)) {
      // The quiz loads when the reader nears it: bring it in, so that axe
      // checks the quiz as drawn too.
      await page.locator(QUIZ.placeholder).first().scrollIntoViewIfNeeded();
      await page.locator(QUIZ.widget).first().waitFor();
    }
    const results = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
    const violations = results.violations.map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
    }));
    await testInfo.attach('axe-violations', { body: JSON.stringify(violations, null, 2), contentType: 'application/json' });
    note(`${file}: axe-core ${results.testEngine.version}; ${violations.length || 'no'} violation(s) of any impact`);
    for (const v of violations) note(`  [${v.impact}] ${v.id}: ${v.help} - ${v.nodes} nodes, e.g. ${v.targets[0]}`);
    const serious = violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => `[${v.impact}] ${v.id} (${v.nodes} nodes, e.g. ${v.targets.join(' ; ')}): ${v.help}`);
    expect(serious, `${file}: serious or critical axe-core violations`).toEqual([]);
  });
}
