import { test, expect } from './fixtures.ts';

test('the summary comes first, then the request path with the mismatched timeouts marked', async ({
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
  const summaryBox = await page.getByTestId('incident-summary').boundingBox();
  const pathBox = await page.getByTestId('request-path').boundingBox();
  const findingBox = await page.getByTestId('finding').first().boundingBox();
  expect(summaryBox!.y).toBeLessThan(pathBox!.y);
  expect(pathBox!.y).toBeLessThan(findingBox!.y);

  // nginx waits 300 s, gunicorn kills at 30 s: both marked, each on its own hop.
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
});

test('a timeline of events by kind is drawn for pasted logs', async ({ page }) => {
  await page.goto('/?sample=app-timeout');
  const summary = page.getByTestId('incident-summary');
  await expect(summary.locator('figure svg rect').first()).toBeAttached();
  await expect(summary.locator('figcaption')).toContainText('premature-close');
});
