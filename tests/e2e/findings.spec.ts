import { test, expect } from './fixtures.ts';

test('switching a fix off and on updates the patch at once', async ({ page }) => {
  await page.goto('/');
  const finding = page.locator('[data-testid="finding"][data-cause="keepalive-inert"]');
  const toggle = finding.getByTestId('fix-toggle');
  await expect(toggle).toBeChecked();
  await expect(page.getByTestId('diff-view')).toContainText('proxy_http_version 1.1');
  await toggle.click();
  await expect(finding.getByTestId('fix-toggle')).not.toBeChecked();
  await expect(finding).toContainText('switched off');
  await expect(page.getByText('No automatic change is proposed')).toBeVisible();
  await finding.getByTestId('fix-toggle').click();
  await expect(finding.getByTestId('fix-toggle')).toBeChecked();
  await expect(page.getByTestId('diff-view')).toContainText('proxy_http_version 1.1');
});

test('unsafe fixes are off until the user opts in', async ({ page }) => {
  await page.goto('/');
  const retry = page.locator('[data-testid="finding"][data-cause="retry-policy"]').first();
  await expect(retry.getByTestId('fix-toggle')).not.toBeChecked();
  await retry.getByTestId('fix-toggle').click();
  await expect(retry.getByTestId('fix-toggle')).toBeChecked();
  await expect(page.getByTestId('diff-view')).toContainText('proxy_next_upstream_tries');
});

test('an evidence line opens its file with the line marked', async ({ page }) => {
  await page.goto('/');
  const finding = page.locator('[data-testid="finding"][data-cause="keepalive-inert"]');
  await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
  // A log line: the log is not changed, so it opens as it is.
  await finding.getByRole('button', { name: 'pasted:2' }).click();
  await expect(page.getByRole('tab', { name: 'pasted', exact: true })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.locator('.evidence-line').first()).toBeVisible();
  await expect(page.getByTestId('diff-view')).toContainText('POST /api/checkout');
});

test('the diff switches between side by side and inline', async ({ page }) => {
  await page.goto('/');
  const diff = page.getByTestId('diff-view');
  await expect(diff.locator('.monaco-diff-editor')).toBeVisible();
  await expect(diff.locator('.monaco-diff-editor.side-by-side')).toHaveCount(1);
  await page.getByTestId('side-by-side').uncheck();
  await expect(diff.locator('.monaco-diff-editor.side-by-side')).toHaveCount(0);
  await expect(diff).toContainText('proxy_http_version 1.1');
  await page.getByTestId('side-by-side').check();
  await expect(diff.locator('.monaco-diff-editor.side-by-side')).toHaveCount(1);
});
