import { test, expect } from './fixtures.ts';

// Not an assertion on pixels: it renders what a user sees so a person can look at it
// (test-results/screens/), and refreshes the README screenshot when asked to.
for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots of the sample incident, wide and phone-sized, ${scheme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto('/?sample=app-timeout');
    await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
    // The first cause's change marked in the diff beside it, as a reader would leave it.
    await page.getByTestId('show-change').first().click();
    await expect(page.locator('.change-line').first()).toBeVisible();
    // The click scrolled to the button; the first screen is what a user lands on.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    await page.screenshot({ path: `test-results/screens/wide-${scheme}.png` });
    await page.screenshot({ path: `test-results/screens/wide-${scheme}-full.png`, fullPage: true });
    if (process.env.UPDATE_README_SCREENSHOT && scheme === 'light')
      await page.screenshot({ path: 'docs/screenshot.png' });
    await page.getByTestId('request-path').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `test-results/screens/wide-${scheme}-scrolled.png` });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(200);
    await page.screenshot({ path: `test-results/screens/phone-${scheme}.png` });
    await page.screenshot({
      path: `test-results/screens/phone-${scheme}-full.png`,
      fullPage: true,
    });
  });
}
