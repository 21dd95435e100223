import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { storedInputs, test, expect, switchOnSafeFixes } from './fixtures.ts';

/**
 * Planted-canary test (issue 6, item 4): fake credentials of every kind, built at run time
 * (no secret-looking literal in the repo), in inputs of every kind. None may appear in the
 * page's DOM, the clipboard, the share link or a redacted download; the raw download may
 * hold them, and only after the user chose raw.
 */
const alnum = (n: number, set = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') =>
  Array.from(randomBytes(n), (b) => set[b % set.length]).join('');
const upper = (n: number) => alnum(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');

const canary = {
  bearer: `${alnum(8)}.${alnum(24)}`,
  awsKeyId: `AKIA${upper(16)}`,
  awsSecret: alnum(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+'),
  github: `ghp_${alnum(36)}`,
  dbPassword: `pw${alnum(18)}`,
  djangoKey: `dj${alnum(38)}`,
  k8sPassword: `k8s${alnum(21)}`,
  apiToken: `tok${alnum(29)}`,
  stripe: ['sk', 'live', alnum(24)].join('_'),
  pem: alnum(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
  // A credential only because of where its variable ends up (Authorization).
  partner: `pt${alnum(28)}`,
  telegram: `${alnum(10, '0123456789')}:AA${alnum(33)}`,
};
const values = Object.entries(canary);

const nginx = `upstream backend {
    server 127.0.0.1:8000;
    keepalive 16;
}

map $host $partner {
    default "${canary.partner}";
}

server {
    listen 80;
    server_name app.test;
    set $api_secret "${canary.apiToken}";

    location / {
        proxy_pass http://backend;
        proxy_set_header Host $host;
        proxy_set_header Authorization "Bearer ${canary.bearer}";
    }
    location /partner/ {
        proxy_pass http://backend;
        proxy_set_header Authorization "Token $partner";
    }
}
`;
const gunicorn = `bind = "127.0.0.1:8000"
workers = 2
raw_env = ["DATABASE_URL=postgres://app:${canary.dbPassword}@db.internal:5432/app"]
`;
const uwsgi = `[uwsgi]
module = app.wsgi
http-socket = 127.0.0.1:9000
env = DJANGO_SECRET_KEY=${canary.djangoKey}
`;
const secret = `apiVersion: v1
kind: Secret
metadata:
  name: app
stringData:
  password: ${canary.k8sPassword}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
        - name: web
          image: registry.example.com/app:1.0.0
          env:
            - name: API_TOKEN
              value: "${canary.apiToken}"
`;
const dotenv = `AWS_ACCESS_KEY_ID=${canary.awsKeyId}
AWS_SECRET_ACCESS_KEY=${canary.awsSecret}
STRIPE_SECRET_KEY=${canary.stripe}
`;
const pemHeader = ['-----BEGIN', 'PRIVATE', 'KEY-----'].join(' ');
const pemFooter = ['-----END', 'PRIVATE', 'KEY-----'].join(' ');
const log =
  readFileSync(new URL('./files/upload-error.log', import.meta.url), 'utf8') +
  `[2026-03-14 10:02:12 +0000] [812] [ERROR] token rejected: ${canary.github}\n` +
  `2026/03/14 10:02:13 [error] 812#812: *9 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.7, server: app.test, request: "POST /bot${canary.telegram}/sendMessage HTTP/1.1", upstream: "http://127.0.0.1:8000/bot${canary.telegram}/sendMessage", host: "app.test"\n`;
const key = `${pemHeader}\n${canary.pem}\n${canary.pem.slice(0, 40)}\n${pemFooter}\n`;

/** Each canary and a 12-character slice from its middle, to catch partial leaks too. */
const needles = values.flatMap(([name, v]) => [
  { name, text: v },
  {
    name: `${name} (part)`,
    text: v.slice(Math.floor(v.length / 2) - 6, Math.floor(v.length / 2) + 6),
  },
]);
function leaks(where: string, text: string): string[] {
  return needles.filter((n) => text.includes(n.text)).map((n) => `${n.name} in ${where}`);
}

/** Everything the page shows: markup, and the values of inputs other than the user's own paste. */
async function shown(page: Page): Promise<string> {
  return page.evaluate(() => {
    const fields = [...document.querySelectorAll('input, textarea, select')]
      .filter((el) => !el.matches('[data-testid="log-input"], [data-testid="paste-text"]'))
      .map((el) => (el as HTMLInputElement).value);
    const frames = [...document.querySelectorAll('iframe')].map(
      (f) => f.contentDocument?.documentElement.outerHTML ?? '',
    );
    return [document.documentElement.outerHTML, ...fields, ...frames].join('\n');
  });
}

async function downloadText(page: Page, testId: string): Promise<string[]> {
  const count = testId === 'download-files' ? await fixedCount(page) : 1;
  const texts: string[] = [];
  const downloads: Promise<string>[] = [];
  page.on('download', (d) => downloads.push(d.path().then((p) => readFileSync(p, 'utf8'))));
  await page.getByTestId(testId).click();
  await expect.poll(() => downloads.length).toBe(count);
  texts.push(...(await Promise.all(downloads)));
  page.removeAllListeners('download');
  return texts;
}
const fixedCount = (page: Page) =>
  page
    .getByRole('tab')
    .evaluateAll((tabs) => tabs.filter((t) => t.textContent?.includes('•')).length);

test('planted secrets never reach the page, the clipboard, the share link or a redacted export', async ({
  page,
  context,
}) => {
  test.setTimeout(90_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  await page.getByTestId('file-input').setInputFiles(
    [
      ['app.conf', nginx],
      ['gunicorn.conf.py', gunicorn],
      ['uwsgi.ini', uwsgi],
      ['k8s.yaml', secret],
      ['.env', dotenv],
      ['client.key', key],
    ].map(([name, text]) => ({ name: name!, mimeType: 'text/plain', buffer: Buffer.from(text!) })),
  );
  await page.getByLabel('Paste anything').fill(log);
  await expect(page.locator('[data-testid="finding"][data-cause="keepalive-inert"]')).toBeVisible();
  await expect(page.getByTestId('incident-summary')).toContainText('Upstream closed');
  // Every fix on, so the patch and fixed files hold as much of the inputs as they can.
  await switchOnSafeFixes(page);
  await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();

  const found: string[] = [];
  // Every file, opened in the diff view in turn (Monaco renders what is on screen).
  const tabs = page.getByRole('tab');
  for (let i = 0; i < (await tabs.count()); i++) {
    await tabs.nth(i).click();
    await page.waitForTimeout(150);
    found.push(...leaks(`page with tab ${i}`, await shown(page)));
  }
  // Every evidence line clicked opens its file with the line marked.
  const evidence = page.locator('[data-testid="finding"] button.loc:visible');
  for (let i = 0; i < Math.min(await evidence.count(), 12); i++) {
    await evidence.nth(i).click();
    found.push(...leaks(`page after evidence ${i}`, await shown(page)));
  }

  await page.getByTestId('copy-patch').click();
  await expect(page.getByText('Patch copied')).toBeVisible();
  found.push(
    ...leaks('clipboard (patch)', await page.evaluate(() => navigator.clipboard.readText())),
  );

  for (const text of await downloadText(page, 'download-patch'))
    found.push(...leaks('patch', text));
  const files = await downloadText(page, 'download-files');
  expect(files.length).toBeGreaterThan(0);
  for (const text of files) found.push(...leaks('fixed file', text));

  await page.getByTestId('copy-markdown').click();
  const markdown = await page.evaluate(() => navigator.clipboard.readText());
  expect(markdown).toContain('## Proposed change');
  found.push(...leaks('clipboard (Markdown)', markdown));

  await page.getByTestId('share-open').click();
  // The link is built in the worker: wait for it rather than read an empty field.
  await expect(page.getByTestId('share-link')).toHaveValue(/#share=/);
  found.push(...leaks('share dialog', await shown(page)));
  const link = await page.getByTestId('share-link').inputValue();
  await page.getByTestId('share-copy').click();
  found.push(
    ...leaks('clipboard (link)', await page.evaluate(() => navigator.clipboard.readText())),
  );
  const payload = link.split('#share=')[1]!;
  const shared = inflateRawSync(Buffer.from(payload, 'base64url')).toString('utf8');
  expect(shared).toContain('proxy_pass http://backend');
  found.push(...leaks('share link', link + shared));
  await page.keyboard.press('Escape');

  // "Remember my inputs" stores the masked text only.
  await page.getByTestId('remember').check();
  await expect.poll(() => storedInputs(page)).toContain('proxy_pass http://backend');
  found.push(...leaks('IndexedDB', await storedInputs(page)));

  // The share link opened elsewhere shows nothing either.
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  found.push(...leaks('opened share link', await shown(other)));
  await other.close();

  expect(found).toEqual([]);

  // Raw, explicitly chosen: the user's own secrets come back in their download.
  await page.getByTestId('export-raw').check();
  await expect(page.getByTestId('raw-warning')).toBeVisible();
  const raw = (await downloadText(page, 'download-files')).join('\n');
  expect(raw).toContain(canary.bearer);
  // ...and still not on the page.
  expect(leaks('page after raw download', await shown(page))).toEqual([]);
});
