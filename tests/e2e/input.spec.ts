import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pasteText, storedInputs, test, expect } from './fixtures.ts';

const dump = `nginx: the configuration file /etc/nginx/nginx.conf syntax is ok
nginx: configuration file /etc/nginx/nginx.conf test is successful
# configuration file /etc/nginx/nginx.conf:
events {}
http {
    include /etc/nginx/conf.d/*.conf;
}

# configuration file /etc/nginx/conf.d/app.conf:
upstream app {
    server 127.0.0.1:8000;
    keepalive 8;
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
    }
}
`;

test('one paste area takes an nginx -T dump and shows the files it holds, kind changeable', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  await page.getByLabel('Paste anything').fill(dump);
  const parts = page.getByTestId('paste-part');
  await expect(parts).toHaveCount(2);
  await expect(parts.nth(0)).toContainText('/etc/nginx/nginx.conf');
  await expect(parts.nth(1)).toContainText('/etc/nginx/conf.d/app.conf');
  await expect(parts.nth(1)).toHaveAttribute('data-kind', 'nginx');
  await expect(parts.nth(1)).toContainText('parsed');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();

  // The user overrides detection: the whole paste is read as that kind.
  await page.getByLabel('Read as').selectOption('log');
  await expect(parts).toHaveCount(1);
  await expect(parts.first()).toHaveAttribute('data-kind', 'log');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toHaveCount(0);

  // Log lines pasted on their own are detected as a log.
  await page.getByLabel('Read as').selectOption('');
  await page
    .getByLabel('Paste anything')
    .fill(
      '2026/03/14 10:02:11 [error] 812#812: *4411 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.10, server: app.test, request: "GET /orders HTTP/1.1", upstream: "http://127.0.0.1:8000/orders", host: "app.test"\n',
    );
  await expect(parts.first()).toHaveAttribute('data-kind', 'log');
});

test('a folder is read whole, each file with its detected kind and parse status', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  await page
    .getByTestId('folder-input')
    .setInputFiles(fileURLToPath(new URL('./files', import.meta.url)));
  const cards = page.getByTestId('file-card');
  await expect(cards).toHaveCount(2);
  // The folder's name stays in each file's path, as in the real tree.
  const names = await cards
    .getByLabel('File name')
    .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value).sort());
  expect(names).toEqual(['files/upload-app.conf', 'files/upload-error.log']);
  const conf = cards.nth(
    await cards
      .getByLabel('File name')
      .evaluateAll((inputs) =>
        inputs.findIndex((i) => (i as HTMLInputElement).value.endsWith('.conf')),
      ),
  );
  await expect(conf.getByLabel('File kind')).toContainText('detect (nginx');
  await expect(conf).toContainText('parsed');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
});

test('inputs are kept only when the user opts in, secrets masked, and clear everything deletes them', async ({
  page,
}) => {
  const marker = '# remembered-input-marker';
  const secret = 'Zq8vR2mK7xW4pL9nT3bY6cF1hJ5sD0gA';
  const withSecret = dump.replace(
    'proxy_pass http://app;',
    `proxy_set_header Authorization "Bearer ${secret}";\n        proxy_pass http://app;`,
  );
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  await page.getByLabel('Paste anything').fill(`${marker}\n${withSecret}`);
  // A comment line before the dump: the paste holds it (set aside) and the two dumped files.
  const dumped = page.locator('[data-testid="segment"][data-kind="nginx"]');
  await expect(dumped).toHaveCount(2);

  // Not opted in: a reload starts from the default sample, and nothing was stored.
  await page.reload();
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByTestId('edit-inputs').click();
  await expect(page.getByLabel('Paste anything')).not.toHaveValue(new RegExp(marker));
  const dbs = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(await dbs()).not.toContain('upstream-doctor');

  await page.getByLabel('Paste anything').fill(`${marker}\n${withSecret}`);
  await page.getByTestId('remember').check();
  await expect(dumped).toHaveCount(2);
  // What IndexedDB holds: the paste with its token masked, never the token.
  const stored = () => storedInputs(page);
  await expect.poll(stored).toContain('remembered-input-marker');
  expect(await stored()).toContain('«redacted:');
  expect(await stored()).not.toContain(secret.slice(0, 12));
  await page.reload();
  await expect(page.getByLabel('Paste anything')).toHaveValue(new RegExp(marker));
  await expect(page.getByLabel('Paste anything')).not.toHaveValue(new RegExp(secret));
  await expect(page.getByTestId('remember')).toBeChecked();

  await page.getByRole('button', { name: 'Clear everything' }).click();
  await expect(page.getByLabel('Paste anything')).toHaveValue('');
  await expect.poll(dbs).not.toContain('upstream-doctor');
  await page.reload();
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByTestId('edit-inputs').click();
  await expect(page.getByLabel('Paste anything')).not.toHaveValue(new RegExp(marker));
});

test('Stop ends a long analysis and keeps the inputs; Analyse again resumes', async ({
  page,
}, testInfo) => {
  // A log big enough that the worker is still reading it when Stop is pressed.
  const path = testInfo.outputPath('big-error.log');
  const line =
    '2024/01/02 03:04:05 [error] 12#12: *3 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: a, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "a"\n';
  writeFileSync(path, line.repeat(Math.ceil((150 * 1024 * 1024) / line.length)));
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  await page.getByTestId('file-input').setInputFiles(path);
  await page.getByTestId('stop').click();
  await expect(page.getByText('Stopped. Your inputs are kept.')).toBeVisible();
  await expect(page.getByTestId('file-card')).toHaveCount(1);
  await expect(page.getByTestId('file-card').getByLabel('File name')).toHaveValue('big-error.log');
  await page.getByRole('button', { name: 'Analyse again' }).click();
  await expect(page.getByTestId('stop')).toBeVisible();
  await page.getByTestId('stop').click();
  await expect(page.getByText('Stopped. Your inputs are kept.')).toBeVisible();
});

test('a long analysis says which step it is at', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  const line =
    '2024/01/02 03:04:05 [error] 12#12: *3 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: a, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "a"\n';
  const big = dump + line.repeat(Math.ceil((7 * 1024 * 1024) / line.length));
  const statuses: string[] = [];
  await page.exposeFunction('sawStatus', (s: string) => statuses.push(s));
  await page.evaluate(() => {
    const status = document.querySelector('p.status')!;
    new MutationObserver(() => {
      const w = window as unknown as { sawStatus: (s: string) => void };
      w.sawStatus(status.textContent ?? '');
    }).observe(status, { childList: true, subtree: true, characterData: true });
  });
  await pasteText(page, big);
  await expect(page.locator('[data-testid="finding"]').first()).toBeVisible({ timeout: 30_000 });
  expect(statuses.join('\n')).toMatch(/Analysing: [a-z ]+ \([1-7] of 7\)/);
});

test('a huge paste becomes a file entry instead of freezing the textarea', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  const big = dump + '# padding\n'.repeat(30_000);
  await pasteText(page, big);
  // A whole incident pasted into the empty box: the inputs fold into a bar once it is read.
  // The dump's two files, each a chip of its own.
  await expect(page.getByTestId('input-chip')).toHaveText([
    /\/etc\/nginx\/nginx\.conf/,
    /\/etc\/nginx\/conf\.d\/app\.conf/,
  ]);
  await page.getByTestId('edit-inputs').click();
  await expect(page.getByTestId('file-card')).toHaveCount(1);
  await expect(page.getByTestId('file-card').getByLabel('File name')).toHaveValue('pasted text');
  await expect(page.getByLabel('Paste anything')).toHaveValue('');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
});
