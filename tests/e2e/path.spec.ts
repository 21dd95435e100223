import { test, expect } from './fixtures.ts';

test('the compact path marks the mismatched values on their hops, below the causes', async ({
  page,
}) => {
  await page.goto('/?sample=app-timeout');
  await expect(page.locator('[data-testid="finding"]').first()).toHaveAttribute(
    'data-cause',
    'app-timeout',
  );
  // Plain words first: how many failed and the most likely cause, above everything else.
  const lead = page.getByTestId('summary-lead');
  await expect(lead).toContainText('2 failed requests');
  await expect(lead).toContainText('Most likely cause');
  const y = async (testId: string) => (await page.getByTestId(testId).first().boundingBox())!.y;
  expect(await y('incident-summary')).toBeLessThan(await y('finding'));
  expect(await y('finding')).toBeLessThan(await y('request-path'));

  // nginx waits 300 s, gunicorn kills at 30 s: both marked, each on its own hop's row.
  const path = page.getByTestId('request-path');
  const nginxHop = path.locator('[data-hop="nginx"]');
  const appHop = path.locator('[data-hop="app"]');
  await expect(
    nginxHop.getByTestId('path-mismatch').filter({ hasText: 'proxy_read_timeout' }),
  ).toContainText('300');
  await expect(
    appHop.getByTestId('path-mismatch').filter({ hasText: 'timeout' }).first(),
  ).toContainText('30');
  await expect(nginxHop).toContainText('nginx 1.22.1');
  // One row per hop: a hop nothing was compared on is named in the chain, with no row.
  await expect(path.locator('[data-hop="client"]')).toHaveCount(0);
  await expect(path.getByTestId('path-chain')).toHaveText(
    'client → nginx 1.22.1 → app server → pod / system',
  );
  // Values no warning rests on wait behind "more", so the row shows what matters.
  for (const hop of [nginxHop, appHop])
    await expect(hop.locator('> dd > ul [data-testid="path-value"]')).toHaveCount(0);
  // The timer ladder is part of the path picture.
  await expect(path.getByTestId('timer-ladder')).toBeVisible();
});

test('a timeline of events by kind is drawn for pasted logs', async ({ page }) => {
  await page.goto('/?sample=app-timeout');
  const summary = page.getByTestId('incident-summary');
  await expect(summary.locator('figure svg rect').first()).toBeAttached();
  await expect(summary.locator('figcaption')).toContainText('premature-close');
});
