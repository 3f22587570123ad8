import { expect, test } from '@playwright/test';
import { ROOT_EMAIL, ROOT_PASSWORD } from './demo';

// What the browser downloads for the first signed-in page with a cold cache, and how long that
// page takes on loopback (printed as a figure, not asserted: speed is measured, not tested). The
// content-hashed /pkg files must then come from the browser's cache on the next page.
test('first signed-in page: figures with a cold cache, then the hashed files come from the cache', async ({ page, baseURL }) => {
  const signIn = await page.request.post('/api/sign_in', {
    form: { kind: 'root', email: ROOT_EMAIL, password: ROOT_PASSWORD },
    headers: { Origin: baseURL!, Accept: 'application/json' },
  });
  expect(signIn.status()).toBe(200);

  const started = Date.now();
  await page.goto('/console/users');
  await expect(page.getByTestId('principal-arn')).toBeVisible();
  await page.waitForLoadState('load');
  // The wasm is fetched by the hydration script, which may finish after `load`.
  await page.locator('body[data-hydrated]').waitFor();
  const interactiveMs = Date.now() - started; // the page loaded and hydrated
  const cold = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const pkg = resources.filter((r) => new URL(r.name).pathname.startsWith('/pkg/'));
    return {
      loadMs: Math.round(nav.loadEventEnd - nav.startTime),
      transferred: pkg.reduce((n, r) => n + r.transferSize, 0) + nav.transferSize,
      decoded: pkg.reduce((n, r) => n + r.decodedBodySize, 0),
      files: pkg.map((r) => new URL(r.name).pathname),
    };
  });
  console.log(`  first signed-in page, cold cache: load ${cold.loadMs} ms, interactive ${interactiveMs} ms, ${Math.round(cold.transferred / 1024)} KB `
    + `transferred (${Math.round(cold.decoded / 1024)} KB of /pkg files decoded, ${cold.files.length} files)`);
  expect(cold.files.some((f) => f.endsWith('.wasm'))).toBeTruthy();

  await page.goto('/console/groups');
  await expect(page.getByTestId('principal-arn')).toBeVisible();
  await page.waitForLoadState('load');
  const warm = await page.evaluate(() => (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
    .filter((r) => new URL(r.name).pathname.startsWith('/pkg/'))
    .map((r) => ({ file: new URL(r.name).pathname, transferred: r.transferSize })));
  // Only files the first page loaded too must come from the cache.
  const hashed = warm.filter((r) => /\.[A-Za-z0-9_-]{16,}\.(wasm|js|css|json)$/.test(r.file) && cold.files.includes(r.file));
  expect(hashed.length).toBeGreaterThan(0);
  for (const r of hashed) {
    const res = await page.request.get(r.file);
    expect(res.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    // Chromium keeps no single entry this large in a fresh context's in-memory cache: a debug
    // build's wasm (13 MB) is fetched again; the release one (well under 1 MB) is not.
    const size = Number(res.headers()['content-length'] ?? (await res.body()).length);
    if (size < 4 * 1024 * 1024) {
      expect(r.transferred, `${r.file} should come from the cache`).toBe(0);
    }
  }
});
