import { readFileSync, writeFileSync } from 'node:fs';
import { test, expect } from './fixtures.ts';

test.use({ serviceWorkers: 'allow' });

const swPath = new URL('../../dist/sw.js', import.meta.url);

test('a new deployed version is offered with a prompt, and taken on "Reload to update"', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.evaluate(() => navigator.serviceWorker.ready);
  const original = readFileSync(swPath, 'utf8');
  try {
    // "Deploy" a new version: any byte change to sw.js is a new service worker.
    writeFileSync(swPath, `${original}\n// next version\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const prompt = page.getByTestId('update-prompt');
    await expect(prompt).toBeVisible();
    const reloaded = page.waitForEvent('framenavigated');
    await prompt.getByRole('button', { name: 'Reload to update' }).click();
    await reloaded;
    await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);
  } finally {
    writeFileSync(swPath, original);
  }
});
