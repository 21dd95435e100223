import { test, expect } from './fixtures.ts';

// One bundled sample per cause; each must show its own cause (first, except where another
// cause is rightly as strong: retry-policy's timeouts are also plain 504s).
const ids = [
  'keepalive-race',
  'keepalive-race-uvicorn',
  'keepalive-race-hypercorn',
  'keepalive-race-apache',
  'keepalive-race-alb',
  'keepalive-race-alb-ingress',
  'keepalive-inert',
  'app-timeout',
  'proxy-timeout',
  'worker-recycle',
  'oom-kill',
  'deploy-termination',
  'deploy-termination-supervisord',
  'backend-down',
  'address-mismatch',
  'backlog-full',
  'protocol-mismatch',
  'body-limit',
  'header-size',
  'upgrade-header',
  'retry-policy',
  'permission-denied',
  'edge-timeout',
  'edge-timeout-gke',
];

test('every sample is one click away and shows the cause it is named for', async ({ page }) => {
  await page.goto('/');
  const select = page.getByLabel('Sample incident');
  await expect(select.locator('option')).toHaveCount(ids.length + 1);
  for (const id of ids) {
    const cause = id.replace(/-(uvicorn|hypercorn|apache|alb|alb-ingress|gke|supervisord)$/, '');
    await select.selectOption(id);
    await expect(page).toHaveURL(new RegExp(`sample=${id}`));
    const findings = page.locator('[data-testid="finding"]');
    await expect(findings.locator(`xpath=self::*[@data-cause="${cause}"]`).first()).toBeVisible();
    if (id !== 'retry-policy') await expect(findings.first()).toHaveAttribute('data-cause', cause);
    await expect(page.getByTestId('file-card').locator('.bad')).toHaveCount(0);
  }
});

test('a sample chosen while the default is still loading stays chosen', async ({ page }) => {
  // Hold back the default sample's module so it arrives after the user's choice.
  await page.route(/keepalive-inert-[^/]*\.js$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.goto('/');
  await page.getByLabel('Sample incident').selectOption('oom-kill');
  const findings = page.locator('[data-testid="finding"]');
  await expect(findings.first()).toHaveAttribute('data-cause', 'oom-kill');
  await page.waitForTimeout(2500);
  await expect(findings.first()).toHaveAttribute('data-cause', 'oom-kill');
  await expect(page.getByLabel('Sample incident')).toHaveValue('oom-kill');
});
