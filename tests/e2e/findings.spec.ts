import { test, expect, downloadText } from './fixtures.ts';

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
  const retry = page.locator('[data-testid="finding"][data-cause="retry-policy"]');
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

test('one cause standing the same way in two locations is one card, fixed in both by one switch', async ({
  page,
}) => {
  await page.goto('/');
  // The sample's /api/ and /ws/ locations both retry without bound, neither explaining the log.
  const retry = page.locator('[data-testid="finding"][data-cause="retry-policy"]');
  await expect(retry).toHaveCount(1);
  const places = retry.getByTestId('other-places');
  await expect(places).toContainText('The same in 1 more place');
  await places.locator('summary').click();
  await expect(places).toContainText('location /ws/');
  // Its evidence opens like the card's own.
  await places.getByRole('button').first().click();
  await expect(page.getByRole('tab', { name: 'sites-enabled/shop.conf' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(retry.getByTestId('fix-toggle')).not.toBeChecked();
  await expect(retry).toContainText('Apply this fix in both places');
  await retry.getByTestId('fix-toggle').click();
  await expect(retry.getByTestId('fix-toggle')).toBeChecked();
  const patch = await downloadText(page, 'download-patch');
  expect(patch.text.match(/^\+\s*proxy_next_upstream_tries/gm)).toHaveLength(2);
  // And off again, for both.
  await retry.getByTestId('fix-toggle').click();
  await expect(retry.getByTestId('fix-toggle')).not.toBeChecked();
  await expect(page.getByTestId('diff-view')).not.toContainText('proxy_next_upstream_tries');
});

test('a thousand locations missing the same setting are one card, switched off with one click', async ({
  page,
}) => {
  const locations = Array.from(
    { length: 1000 },
    (_, i) => `    location /p${i}/ {\n        proxy_pass http://app;\n    }`,
  ).join('\n');
  const conf = `upstream app {\n    server 10.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    listen 80;\n${locations}\n}\n`;
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  await page
    .getByTestId('file-input')
    .setInputFiles([{ name: 'app.conf', mimeType: 'text/plain', buffer: Buffer.from(conf) }]);
  const card = page.locator('[data-testid="finding"][data-cause="keepalive-inert"]');
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId('other-places')).toContainText('The same in 999 more places');
  await expect(card).toContainText('Apply this fix in all 1000 places');
  const patch = await downloadText(page, 'download-patch');
  expect(patch.text.match(/^\+\s*proxy_http_version 1\.1;/gm)).toHaveLength(1000);
  await card.getByTestId('fix-toggle').click();
  await expect(card.getByTestId('fix-toggle')).not.toBeChecked();
  await expect(page.getByText('No automatic change is proposed')).toBeVisible();
});

test('causes of the pasted failures come first; a config risk is listed apart and is no error', async ({
  page,
}) => {
  // Refused connections while gunicorn was down; its 30 s timeout under nginx's 60 s is true of
  // the configs but no pasted line shows a request killed by it.
  await page.goto('/?sample=backend-down');
  const down = page.getByTestId('causes').locator('[data-cause="backend-down"]');
  const timeout = page.getByTestId('risks').locator('[data-cause="app-timeout"]');
  await expect(down).toBeVisible();
  await expect(timeout).toBeVisible();
  const heading = page.getByTestId('risks-heading');
  await expect(heading).toHaveText('Also in your configs — not seen in your logs');
  const y = async (l: typeof down) => (await l.boundingBox())!.y;
  expect(await y(down)).toBeLessThan(await y(heading));
  expect(await y(heading)).toBeLessThan(await y(timeout));
  await expect(timeout).toHaveClass(/\bwarning\b/);
  await expect(timeout.getByLabel(/^Risk \d+$/)).toBeVisible();
  await expect(page.getByTestId('summary-lead')).toContainText('Nothing was listening');
  // The default change fixes what happened (here nothing to edit); the risk's fix is one switch away.
  await expect(timeout.getByTestId('fix-toggle')).not.toBeChecked();
  await expect(timeout).toContainText('off by default: not what failed');
  await expect(page.getByText('No automatic change is proposed')).toBeVisible();
  await timeout.getByTestId('fix-toggle').click();
  await expect(timeout.getByTestId('fix-toggle')).toBeChecked();
  await expect(page.getByTestId('diff-view')).toContainText('timeout = 65');
});

test('with no logs pasted every finding is a risk of the configs, under its own heading', async ({
  page,
}) => {
  await page.goto('/?sample=backend-down');
  await expect(page.locator('[data-cause="backend-down"]')).toBeVisible();
  await page.getByTestId('edit-inputs').click();
  await page.getByLabel('Paste anything').fill('');
  await expect(page.locator('[data-cause="backend-down"]')).toHaveCount(0);
  await expect(page.getByTestId('risks-heading')).toHaveText('Risks in your configs');
  await expect(page.getByText('No log lines pasted, so nothing here is known')).toBeVisible();
  // A config audit keeps the rules' own severities.
  await expect(page.locator('[data-cause="app-timeout"]')).toHaveClass(/\berror\b/);
});

test('an unsafe raise is offered instead of the safe default; switching swaps the change', async ({
  page,
}) => {
  // The sample's exports wait 300 s; gunicorn kills at 30 s. Raising gunicorn to 305 s is unsafe.
  await page.goto('/?sample=app-timeout');
  const card = page.locator('[data-testid="finding"][data-cause="app-timeout"]');
  const diff = page.getByTestId('diff-view');
  await expect(card.getByTestId('fix-toggle')).toBeChecked();
  await expect(card.getByTestId('alternative-toggle')).not.toBeChecked();
  await expect(diff).toContainText('proxy_read_timeout 25s');

  await card.getByTestId('alternative-toggle').click();
  await expect(card.getByTestId('alternative-toggle')).toBeChecked();
  await expect(card.getByTestId('fix-toggle')).not.toBeChecked();
  await expect(diff).toContainText('timeout = 305');
  await expect(diff).not.toContainText('proxy_read_timeout 25s');

  // Back to the default by its own switch.
  await card.getByTestId('fix-toggle').click();
  await expect(card.getByTestId('fix-toggle')).toBeChecked();
  await expect(card.getByTestId('alternative-toggle')).not.toBeChecked();
  await expect(diff).toContainText('proxy_read_timeout 25s');

  // Switched off: nothing applied.
  await card.getByTestId('fix-toggle').click();
  await expect(card.getByTestId('fix-toggle')).not.toBeChecked();
  await expect(page.getByText('No automatic change is proposed')).toBeVisible();
});
