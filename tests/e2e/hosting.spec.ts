/**
 * docs/hosting.md, checked: its Content-Security-Policy is the build's own plus
 * frame-ancestors, its `_headers` never gives a page two policies, and its nginx block, served
 * by a real nginx, lets a docs page on another origin show the live example while the app
 * itself cannot be framed.
 *
 * Two loopback origins by design (the tool and a docs site), so this spec uses Playwright's
 * own `test` rather than the fixture that fails on any origin but the preview server's.
 */
import { test, expect } from '@playwright/test';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lab/lib/net.ts';
import { stopGroup } from '../lab/lib/procs.ts';
import { NGINX, startNginx, type Running } from '../lab/lib/servers.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(join(REPO, 'docs/hosting.md'), 'utf8');
const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
/** Where the README and the hosting doc put the app. */
const README_TOOL = 'https://tools.internal';
const PREFIX = '/upstream-doctor';
const DOCS_ORIGINS = 'https://docs.internal https://wiki.internal';

/** The fenced block after `heading` in the hosting doc (or another text). */
function fenceAfter(heading: string, text = doc): string {
  const from = text.indexOf(heading);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(text.slice(from));
  if (from < 0 || !m) throw new Error(`no fenced block after ${heading}`);
  return m[1]!;
}

/** The policy the build puts in its <meta> tag. */
function builtPolicy(): string {
  const html = readFileSync(join(REPO, 'dist/index.html'), 'utf8');
  const m = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  return m![1]!.replace(/&#39;/g, "'");
}

test('the documented policy is the build policy plus frame-ancestors', () => {
  const policy = builtPolicy();
  const nginx = /add_header Content-Security-Policy "([^"]*)" always;/.exec(
    fenceAfter('## nginx'),
  )![1]!;
  expect(nginx).toBe(`${policy}; frame-ancestors $upstream_doctor_frame_ancestors`);
  const headers = fenceAfter('## Static hosts');
  const policies = [...headers.matchAll(/Content-Security-Policy: (.*)/g)].map((m) => m[1]);
  expect(policies).toEqual([
    `${policy}; frame-ancestors 'none'`,
    `${policy}; frame-ancestors 'none'`,
    `${policy}; frame-ancestors ${DOCS_ORIGINS}`,
  ]);
});

test('_headers gives each page at most one policy (same headers from two rules are joined)', () => {
  const rules: { pattern: string; headers: string[] }[] = [];
  for (const line of fenceAfter('## Static hosts').split('\n')) {
    if (!line.trim()) continue;
    if (!line.startsWith(' ')) rules.push({ pattern: line.trim(), headers: [] });
    else rules.at(-1)!.headers.push(line.trim().split(':')[0]!);
  }
  const matches = (pattern: string, path: string) =>
    pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
  const expected: Record<string, string[]> = {
    '/': ['Content-Security-Policy', 'X-Content-Type-Options', 'Referrer-Policy'],
    '/index.html': ['Content-Security-Policy', 'X-Content-Type-Options', 'Referrer-Policy'],
    '/embed.html': ['Content-Security-Policy', 'X-Content-Type-Options', 'Referrer-Policy'],
    '/upstream-doctor.js': [
      'Access-Control-Allow-Origin',
      'Cache-Control',
      'X-Content-Type-Options',
      'Referrer-Policy',
    ],
    '/assets/main-abc123.js': ['Cache-Control', 'X-Content-Type-Options', 'Referrer-Policy'],
  };
  for (const [path, names] of Object.entries(expected)) {
    const got = rules.filter((r) => matches(r.pattern, path)).flatMap((r) => r.headers);
    expect(got.sort(), path).toEqual([...names].sort());
  }
});

test.describe('served by a real nginx with the documented block', () => {
  test.skip(!existsSync(NGINX), 'nginx is not installed (apt-get install -y nginx)');
  let dir = '';
  let nginx: Running | null = null;
  let tool = '';
  let docs = '';

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ud-hosting-'));
    // Run as root, nginx's workers are `nobody`: they must be able to read the docs folder.
    chmodSync(dir, 0o755);
    for (const sub of ['logs', 'tmp', 'docs', 'www']) mkdirSync(join(dir, sub));
    // The build where the doc says to copy it: under the site's root, at /upstream-doctor/.
    symlinkSync(join(REPO, 'dist'), join(dir, 'www', PREFIX.slice(1)));
    const [toolPort, docsPort] = [await freePort(), await freePort()];
    tool = `http://127.0.0.1:${toolPort}`;
    docs = `http://127.0.0.1:${docsPort}`;
    // The documented block, with this machine's address, folder and docs site in its place.
    const block = fenceAfter('## nginx')
      .replace('listen 443 ssl;', `listen 127.0.0.1:${toolPort};`)
      .replace(/^\s*ssl_certificate.*\n/gm, '')
      .replace('root /srv/www;', `root ${dir}/www;`)
      .replace(DOCS_ORIGINS, docs);
    // The README's snippet as it stands, with this machine's address for the tool.
    const snippet = fenceAfter('## Embedding a live example', readme).replaceAll(README_TOOL, tool);
    writeFileSync(
      join(dir, 'docs/runbook.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Runbook</title></head>
<body><h1>Runbook</h1>\n${snippet}</body></html>`,
    );
    writeFileSync(
      join(dir, 'docs/frames-app.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framing</title></head>
<body><iframe id="app" src="${tool}${PREFIX}/" title="the app"></iframe></body></html>`,
    );
    writeFileSync(
      join(dir, 'nginx.conf'),
      `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    access_log ${dir}/logs/access.log;
    client_body_temp_path ${dir}/tmp/body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
${block}
    server {
        listen 127.0.0.1:${docsPort};
        root ${dir}/docs;
    }
}
`,
    );
    nginx = await startNginx(dir, 'nginx.conf', toolPort);
  });

  test.afterAll(async () => {
    if (nginx) await stopGroup(nginx.group);
    rmSync(dir, { recursive: true, force: true });
  });

  test('each file gets its headers', async () => {
    const get = (path: string) => fetch(`${tool}${PREFIX}${path}`);
    const app = await get('/');
    expect(app.status).toBe(200);
    expect(app.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'$/);
    expect(app.headers.get('access-control-allow-origin')).toBeNull();
    expect(app.headers.get('cache-control')).toBe('no-cache');
    const embed = await get('/embed.html');
    expect(embed.headers.get('content-security-policy')).toMatch(
      new RegExp(`frame-ancestors ${docs}$`),
    );
    const element = await get('/upstream-doctor.js');
    expect(element.headers.get('access-control-allow-origin')).toBe('*');
    const html = await app.text();
    // Relative URLs: the page works under any path.
    const asset = /src="\.(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await get(asset)).headers.get('cache-control')).toBe(
      'public, max-age=31536000, immutable',
    );
    expect((await get(asset)).headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('a docs page on another origin shows the live example; nobody can frame the app', async ({
    page,
  }) => {
    const third: string[] = [];
    page.on('request', (r) => {
      const origin = new URL(r.url()).origin;
      if (!/^(data|blob):/.test(r.url()) && origin !== docs && origin !== tool) third.push(r.url());
    });
    await page.goto(`${docs}/runbook.html`);
    const frame = page.frameLocator('upstream-doctor iframe').first();
    await expect(frame.locator('[data-testid="finding"]').first()).toHaveAttribute(
      'data-cause',
      'keepalive-race',
    );
    // Its height reached the docs page, which is the only page it tells.
    await expect
      .poll(
        async () => (await page.locator('upstream-doctor iframe').first().boundingBox())!.height,
      )
      .toBeGreaterThan(600);
    // The README's second example: inline text from the docs page, analysed in the frame.
    await expect(
      page.frameLocator('upstream-doctor iframe').nth(1).getByTestId('incident-summary'),
    ).toContainText('Upstream closed the connection early');
    expect(third, 'requests to a third origin').toEqual([]);

    const blocked: string[] = [];
    page.on('console', (m) => {
      if (/frame-ancestors/.test(m.text())) blocked.push(m.text());
    });
    await page.goto(`${docs}/frames-app.html`);
    await expect.poll(() => blocked.length).toBeGreaterThan(0);
    // The frame holds the browser's "refused to connect" page, not the app.
    await expect(page.frameLocator('#app').getByText('upstream-doctor')).toHaveCount(0);
    expect(
      page
        .frames()
        .find((f) => f !== page.mainFrame())
        ?.url(),
    ).toMatch(/^chrome-error:/);
  });

  test('the app under /upstream-doctor/ works, offline after the first visit, asking no other origin', async ({
    browser,
  }) => {
    const context = await browser.newContext({ serviceWorkers: 'allow' });
    const page = await context.newPage();
    const foreign: string[] = [];
    context.on('request', (r) => {
      if (!/^(data|blob):/.test(r.url()) && new URL(r.url()).origin !== tool) foreign.push(r.url());
    });
    await page.goto(`${tool}${PREFIX}/`);
    await expect(page.locator('[data-testid="finding"]').first()).toBeVisible();
    await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
    const scope = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller)
        await new Promise((resolve) =>
          navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
        );
      return registration.scope;
    });
    expect(scope).toBe(`${tool}${PREFIX}/`);
    const manifest = await (await fetch(`${tool}${PREFIX}/manifest.webmanifest`)).json();
    expect(new URL(manifest.start_url, `${tool}${PREFIX}/manifest.webmanifest`).href).toBe(
      `${tool}${PREFIX}/`,
    );
    await context.setOffline(true);
    await page.reload();
    await expect(page.locator('[data-testid="finding"]').first()).toBeVisible();
    await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
    await context.setOffline(false);
    expect(foreign).toEqual([]);
    await context.close();
  });
});
