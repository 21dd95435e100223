import { test, expect } from './fixtures.ts';

// Not an assertion on pixels: it renders what a user sees so a person can look at it
// (test-results/screens/), and refreshes the README screenshot when asked to.
test('screenshots of the sample incident, wide and phone-sized', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
  await page.waitForTimeout(300);
  await page.screenshot({ path: 'test-results/screens/wide.png', fullPage: true });
  if (process.env.UPDATE_README_SCREENSHOT) {
    await page.screenshot({ path: 'docs/screenshot.png' });
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/screens/phone.png', fullPage: true });
  await page.screenshot({ path: 'test-results/screens/phone-top.png' });
  await page.getByTestId('incident-summary').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/phone-summary.png' });
  await page.getByTestId('finding').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/phone-finding.png' });
});

test('screenshots of a cross-hop sample, light and dark', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/?sample=app-timeout');
  await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/app-timeout.png', fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(200);
  await page.screenshot({ path: 'test-results/screens/app-timeout-dark.png', fullPage: true });
});
