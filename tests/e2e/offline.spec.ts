import { test, expect } from './fixtures.ts';

test.use({ serviceWorkers: 'allow' });

test('once loaded, the app (Monaco and the engine included) works with the network gone', async ({
  page,
  context,
}) => {
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  // The first visit says it can now work offline: in the header's free corner, over nothing,
  // and gone by itself.
  const notice = page.getByTestId('offline-ready');
  await expect(notice).toBeVisible();
  const box = (await notice.boundingBox())!;
  const overlaps = await page.evaluate(
    ({ x, y, width, height }) =>
      [...document.querySelectorAll('h1, .brand p, .controls > *, main')]
        .map((el) => el.getBoundingClientRect())
        .filter((r) => r.left < x + width && x < r.right && r.top < y + height && y < r.bottom)
        .length,
    box,
  );
  expect(overlaps).toBe(0);
  await expect(notice).toHaveCount(0, { timeout: 12_000 });
  // Wait until the service worker has precached everything and controls the page.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
      );
    }
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
  await context.setOffline(false);
});

test('the manifest makes the app installable', async ({ page }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await page.request.get(href!)).json();
  expect(manifest.display).toBe('standalone');
  const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons) {
    expect((await page.request.get(icon.src)).status()).toBe(200);
  }
});
