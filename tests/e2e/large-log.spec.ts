import { test, expect } from './fixtures.ts';

const line = (i: number) =>
  `2026/05/06 07:08:${String(i % 60).padStart(2, '0')} [error] 12#12: *${i} upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.1, server: a.test, request: "POST /api/orders HTTP/1.1", upstream: "http://127.0.0.1:8000/api/orders", host: "a.test"\n`;

test('a log over the streaming threshold is read by the worker in chunks and summarised', async ({
  page,
}) => {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 10 * 1024 * 1024; i++) {
    lines.push(line(i));
    size += lines.at(-1)!.length;
  }
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  await page.getByTestId('file-input').setInputFiles({
    name: 'error.log',
    mimeType: 'text/plain',
    buffer: Buffer.from(lines.join('')),
  });
  const card = page.getByTestId('file-card');
  await expect(card).toContainText('large log, 10 MB, read in chunks');
  await expect(card).toContainText(`${lines.length.toLocaleString('en-US')} lines`);
  await expect(page.getByTestId('incident-summary')).toContainText(
    `${lines.length} failed requests`,
  );
});

test('a large nginx -T dump file is parsed as a config, not streamed as a log', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  const head =
    '# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n\n' +
    '# configuration file /etc/nginx/conf.d/app.conf:\nupstream app {\n    server 127.0.0.1:8000;\n    keepalive 8;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n    }\n}\n\n';
  // Over the 8 MB streaming threshold: a big include of comments, as generated map files are.
  const filler =
    '# configuration file /etc/nginx/conf.d/zz-notes.conf:\n' + '# note\n'.repeat(1_300_000);
  await page.getByTestId('file-input').setInputFiles({
    name: 'nginx-T.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from(head + filler),
  });
  const card = page.getByTestId('file-card');
  await expect(card).toHaveCount(1);
  await expect(card).not.toContainText('large log');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible({ timeout: 90_000 });
});
