import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { test, expect } from './fixtures.ts';

const TOKEN = 'Zq8vR2mK7xW4pL9nT3bY6cF1hJ5sD0gA';

test('a share link carries the redacted inputs in its fragment and reopens the analysis', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?sample=app-timeout');
  await expect(page.locator('[data-testid="finding"]').first()).toHaveAttribute(
    'data-cause',
    'app-timeout',
  );
  await page.getByTestId('share-open').click();
  const dialog = page.getByTestId('share-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('contains your inputs');
  await expect(page.getByTestId('share-preview')).toContainText('crm.conf');
  await expect(page.getByTestId('share-preview')).toContainText('proxy_read_timeout 300s');
  await expect(page.getByTestId('share-link')).toHaveValue(/#share=/);
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:4173\/#share=[A-Za-z0-9_-]+$/);
  await page.getByTestId('share-copy').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await page.keyboard.press('Escape');
  await expect(dialog).not.toBeVisible();

  const other = await context.newPage();
  await other.goto(link);
  await expect(other.locator('[data-testid="finding"]').first()).toHaveAttribute(
    'data-cause',
    'app-timeout',
  );
  await expect(other.getByLabel('nginx version')).toHaveValue('1.22.1');
  // Opened as a whole incident: the inputs fold into chips above the diagnosis.
  await expect(other.getByTestId('input-chip').filter({ hasText: 'crm.conf' })).toHaveCount(1);
  await other.getByTestId('edit-inputs').click();
  await expect(other.getByTestId('file-card')).toHaveCount(2);
  // Opened: the inputs are on the page, and the address (and its history entry) lost them.
  expect(new URL(other.url()).hash).toBe('');

  await other.goto('/#share=not-a-real-payload');
  await other.reload();
  await expect(other.getByTestId('error-notice')).toContainText('share link is damaged');

  // A link that unpacks to hundreds of MB is refused by the worker, not inflated on the page.
  const bomb = deflateRawSync(
    JSON.stringify({ v: 1, files: [{ name: 'a', text: ' '.repeat(200 * 1024 * 1024) }] }),
    { level: 9 },
  ).toString('base64url');
  expect(bomb.length).toBeLessThan(300 * 1024);
  await other.goto(`/#share=${bomb}`);
  await other.reload();
  await expect(other.getByTestId('error-notice')).toContainText('unpacks to more than 32 MB');
});

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Team runbook</title>
<script type="module" src="/upstream-doctor.js"></script></head>
<body>
<h1>Runbook: 502 after idle periods</h1>
<upstream-doctor id="by-sample" sample="keepalive-race"></upstream-doctor>
<h2>Our own config</h2>
<upstream-doctor id="inline" nginx-version="1.24.0">
  <script type="text/plain" data-name="nginx.conf">
    upstream backend {
        server 127.0.0.1:8000;
        keepalive 16;
    }
    server {
        listen 80;
        location / {
            proxy_set_header Authorization "Bearer ${TOKEN}";
            proxy_pass http://backend;
        }
    }
  </script>
</upstream-doctor>
</body></html>`;

test('docs embed a live example with <upstream-doctor>, by sample or with inline config', async ({
  page,
}) => {
  // The docs page sits on the app's origin here; the fixture fails on any other origin.
  await page.route('**/runbook.html', (route) =>
    route.fulfill({ contentType: 'text/html', body: docsPage }),
  );
  await page.goto('/runbook.html');
  const bySample = page.frameLocator('#by-sample iframe');
  await expect(bySample.locator('[data-testid="finding"]').first()).toHaveAttribute(
    'data-cause',
    'keepalive-race',
  );
  await expect(bySample.getByTestId('incident-summary')).toContainText('failed requests');
  await expect(bySample.getByRole('link', { name: 'Open in upstream-doctor' })).toHaveAttribute(
    'href',
    /sample=keepalive-race/,
  );

  const inline = page.frameLocator('#inline iframe');
  await expect(inline.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await expect(inline.getByTestId('diff-view')).toContainText('+++ b/nginx.conf');
  await expect(inline.getByText(TOKEN.slice(0, 12))).toHaveCount(0);
  // The inline text reached the frame by message: its address holds none of it.
  const src = await page.locator('#inline iframe').getAttribute('src');
  expect(src).toMatch(/embed\.html\?inline=$/);
  // "Open in upstream-doctor" shares what the engine redacted, never the raw text.
  const open = inline.getByRole('link', { name: 'Open in upstream-doctor' });
  await expect(open).toHaveAttribute('href', /#share=/);
  const href = (await open.getAttribute('href'))!;
  const carried = inflateRawSync(
    Buffer.from(href.slice(href.indexOf('#share=') + 7), 'base64url'),
  ).toString();
  expect(carried).toContain('proxy_set_header Authorization');
  expect(carried).toContain('«redacted:');
  expect(carried).not.toContain(TOKEN.slice(0, 12));
  // The frame grows to fit its content instead of scrolling inside the docs page.
  await expect
    .poll(async () => (await page.locator('#by-sample iframe').boundingBox())!.height)
    .toBeGreaterThan(600);
});

test('embed.html alone says what is wrong with a bad sample name', async ({ page }) => {
  await page.goto('/embed.html?sample=nope');
  await expect(page.getByTestId('error-notice')).toContainText('no sample called "nope"');
});
