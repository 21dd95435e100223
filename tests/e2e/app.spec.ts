import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.ts';

test('the default sample shows the incident, a finding with evidence and the Monaco diff', async ({
  page,
}) => {
  const started = Date.now();
  await page.goto('/');
  const finding = page.locator('[data-testid="finding"][data-cause="keepalive-inert"]');
  await expect(finding).toBeVisible();
  const firstFindingMs = Date.now() - started;
  await expect(finding.getByText(/shop\.conf:\d+/).first()).toBeVisible();
  await expect(page.getByTestId('incident-summary')).toContainText(
    'No local address or port available',
  );
  // Monaco replaces the text patch once it has loaded lazily.
  await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
  await expect(page.getByTestId('diff-view')).toContainText('proxy_http_version');
  test.info().annotations.push({ type: 'first-finding-ms', description: String(firstFindingMs) });
  console.log(`navigation to first finding: ${firstFindingMs} ms`);
});

test('?sample= opens the named sample, and an unknown one says so', async ({ page }) => {
  await page.goto('/?sample=keepalive-inert');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.goto('/?sample=no-such-sample');
  await expect(page.getByTestId('error-notice')).toContainText('no sample called "no-such-sample"');
});

test('Monaco is not in the first chunk: the page works before it loads', async ({ page }) => {
  const html = await (await page.request.get('/')).text();
  const entry = /<script type="module"[^>]*src="([^"]+)"/.exec(html)![1]!;
  const js = await (await page.request.get(entry)).text();
  expect(js).not.toContain('monaco-diff-editor');
  expect(js.length).toBeLessThan(400_000);
  // Block Monaco's chunk: findings and the text patch must still appear.
  await page.route(/diff-editor-.*\.js$/, (route) => route.abort());
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await expect(page.getByTestId('diff-view')).toContainText('+++ b/sites-enabled/shop.conf');
});

test('uploaded files are analysed', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  await expect(page.locator('[data-testid="finding"]')).toHaveCount(0);
  // Every field is reset, the sample's nginx version included.
  await expect(page.getByLabel('nginx version')).toHaveValue('');
  await expect(page.getByLabel('Paste anything')).toHaveValue('');
  const conf = readFileSync(new URL('./files/upload-app.conf', import.meta.url));
  const log = readFileSync(new URL('./files/upload-error.log', import.meta.url));
  await page.getByTestId('file-input').setInputFiles([
    { name: 'app.conf', mimeType: 'text/plain', buffer: conf },
    { name: 'error.log', mimeType: 'text/plain', buffer: log },
  ]);
  await expect(page.getByTestId('file-card')).toHaveCount(2);
  const finding = page.locator('[data-testid="finding"][data-cause="keepalive-inert"]');
  await expect(finding).toBeVisible();
  await expect(finding).toContainText('app.conf:');
  await expect(page.getByTestId('incident-summary')).toContainText(
    'Upstream closed the connection early',
  );
});

test('an engine that fails to load is reported, and a fresh one is used next time', async ({
  page,
  context,
}) => {
  const engine = /engine\.worker-[^/]*\.js$/;
  await context.route(engine, (route) =>
    route.fulfill({ contentType: 'text/javascript', body: 'throw new Error("broken engine")' }),
  );
  await page.goto('/');
  await expect(page.getByTestId('error-notice')).toContainText('engine failed to load or crashed');
  await context.unroute(engine);
  // Any new input starts a new worker, which loads the real engine.
  await page
    .getByTestId('log-input')
    .fill(readFileSync(new URL('./files/upload-error.log', import.meta.url), 'utf8'));
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await expect(page.getByTestId('error-notice')).toHaveCount(0);
});
