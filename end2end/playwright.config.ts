// Playwright against a Lanyard server that scripts/test starts (real Postgres, real binary),
// in Debian's Chromium: browser downloads cannot work on these machines.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.LANYARD_BASE_URL ?? 'http://localhost:3100';

export default defineConfig({
  testDir: './tests',
  // Whole flows (sign in, several pages, CLI calls) take 5–15 s; the VM's speed varies up to 2x.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
});
