// End-to-end tests in Debian's Chromium (/usr/bin/chromium), driven by Playwright without any
// downloaded browser. The global setup makes a fresh repository with the real custodian binary
// and serves dist/ from it; see tests/global-setup.ts.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results/artifacts',
  globalSetup: './tests/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    launchOptions: {
      executablePath: process.env.CHROMIUM_BINARY ?? '/usr/bin/chromium',
      // The machine's network is closed: no sandbox (containers), no GPU, and none of the
      // background traffic Chromium would otherwise attempt.
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
