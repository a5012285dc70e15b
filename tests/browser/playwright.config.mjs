// @playwright/test on Debian's Chromium (never a browser that Playwright
// downloads). `cargo xtask browser-test` runs
// `node_modules/.bin/playwright test [ARGS]` here with BOOK_HTML, PLAIN_HTML and CHROMIUM set; see README.md.
import { defineConfig } from '@playwright/test';

// A page load's and any one wait's limit: support.mjs's PAGE_TIMEOUT (not
// imported: support.mjs needs BOOK_HTML, the config must load without it).
const PAGE_TIMEOUT = 10_000;

export default defineConfig({
  testDir: './specs',
  testMatch: '*.spec.mjs',
  // Per test; tests that walk many pages set their own (test.setTimeout).
  timeout: 60_000,
  expect: { timeout: PAGE_TIMEOUT / 2 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  // Cleared at the start of each run; the page-weight table goes here too.
  outputDir: './test-results',
  reporter: [
    ['list'],
    ['html', { outputFolder: './playwright-report', open: 'never' }],
    // Last: the page-weight table and the closing "N passed, N failed" line.
    ['./summary-reporter.mjs'],
  ],
  globalSetup: './global-setup.mjs',
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    actionTimeout: PAGE_TIMEOUT,
    navigationTimeout: PAGE_TIMEOUT,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      // Playwright gives each launch a fresh temporary --user-data-dir.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
