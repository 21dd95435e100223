import { test, expect } from './fixtures.ts';

test.use({ serviceWorkers: 'allow' });

test('once loaded, the app (Monaco and the engine included) works with the network gone', async ({
  page,
  context,
}) => {
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
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
