import { defineConfig } from '@playwright/test';

// Playwright's own browser download cannot run here: drive Debian's Chromium. CI runners, which
// can download, set PEREGRINE_CHROMIUM=playwright to use Playwright's own build instead.
const executablePath =
  process.env.PEREGRINE_CHROMIUM === 'playwright'
    ? undefined
    : (process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
  use: {
    headless: true,
    viewport: { width: 1600, height: 960 },
    launchOptions: {
      ...(executablePath === undefined ? {} : { executablePath }),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-quic',
        '--disable-sync',
      ],
    },
    trace: 'off',
  },
});
