/**
 * The inheritance rules of effective() checked against a running nginx: a location with `if`
 * blocks, served on loopback, and the headers nginx really sends compared with what effective()
 * predicts from the same config (ordinary directives inherited into `if`; array directives
 * inherited only when the `if` defines none).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildConfig,
  effective,
  parseNginx,
  type ConfigNode,
} from '../../workers/engine/formats/nginx/index.ts';
import { NGINX_BIN, nginxMissing, nginxMissingReason } from '../helpers/nginx-t.ts';

const SITE = (port: number) => `server {
  listen 127.0.0.1:${port};
  default_type text/x-server;
  add_header X-Server s always;
  location / {
    default_type text/x-location;
    add_header X-Loc l always;
    if ($arg_a) { return 200 "a"; }
    if ($arg_b) { add_header X-If i always; return 200 "b"; }
    return 200 "plain";
  }
  location /inner {
    return 200 "inner";
  }
  location /p {
    proxy_pass http://127.0.0.1:9;
    if ($arg_c) { add_header X-C c always; }
    location /p/nested { }
  }
}
`;

const title = 'effective() agrees with a running nginx on inheritance into if';
describe.skipIf(nginxMissing)(nginxMissing ? `${title} (${nginxMissingReason})` : title, () => {
  let dir = '';
  let child: ChildProcess | null = null;
  let port = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nginx-live-'));
    mkdirSync(join(dir, 'logs'));
    for (let attempt = 0; attempt < 5 && !child; attempt++) {
      port = 20000 + Math.floor(Math.random() * 20000);
      const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
        .map((t) => `${t}_temp_path ${join(dir, t)};`)
        .join(' ');
      writeFileSync(join(dir, 'site.conf'), SITE(port));
      writeFileSync(
        join(dir, 'nginx.conf'),
        `daemon off; master_process off; pid ${join(dir, 'nginx.pid')}; error_log ${join(dir, 'logs/error.log')};\n` +
          `events {}\nhttp { access_log off; ${temp} include ${join(dir, 'site.conf')}; }\n`,
      );
      const proc = spawn(NGINX_BIN as string, ['-p', dir + '/', '-c', join(dir, 'nginx.conf')], {
        stdio: 'ignore',
      });
      for (let i = 0; i < 50; i++) {
        if (proc.exitCode !== null) break;
        const up = await fetch(`http://127.0.0.1:${port}/inner`).then(
          () => true,
          () => false,
        );
        if (up) {
          child = proc;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      if (!child && proc.exitCode === null) proc.kill();
    }
    if (!child)
      throw new Error(`nginx did not start: ${readFileSync(join(dir, 'logs/error.log'), 'utf8')}`);
  });

  afterAll(() => {
    child?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const headersOf = async (query: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/${query}`);
    await res.text();
    return res.headers;
  };

  it('matches content type (ordinary directive) and added headers (array directive)', async () => {
    const config = buildConfig([parseNginx('site.conf', SITE(port))]);
    const location = config.locations().find((l) => l.path === '/')!;
    const ifs = location.node.children.filter((n) => n.name === 'if') as [ConfigNode, ConfigNode];
    const cases: [string, ConfigNode][] = [
      ['', location.node],
      ['?a=1', ifs[0]],
      ['?b=1', ifs[1]],
    ];
    for (const [query, node] of cases) {
      const headers = await headersOf(query);
      const type = effective(config, node, 'default_type', '1.22.1').value?.[0];
      expect(headers.get('content-type'), query).toBe(type);
      const added = (effective(config, node, 'add_header', '1.22.1').entries ?? []).map((e) =>
        e.value[0]?.toLowerCase(),
      );
      const sent = [...headers.keys()].filter((h) => h.startsWith('x-'));
      expect(sent.sort(), query).toEqual(added.sort());
    }
  });

  it('matches where proxy_pass applies: into if, not into a nested location', async () => {
    const config = buildConfig([parseNginx('site.conf', SITE(port))]);
    const p = config.locations().find((l) => l.path === '/p')!;
    const nested = config.locations().find((l) => l.path === '/p/nested')!;
    const ifNode = p.node.children.find((n) => n.name === 'if')!;
    const cases: [string, ConfigNode][] = [
      ['p', p.node],
      ['p?c=1', ifNode],
      ['p/nested', nested.node],
    ];
    for (const [path, node] of cases) {
      const res = await fetch(`http://127.0.0.1:${port}/${path}`);
      await res.text();
      const proxied = effective(config, node, 'proxy_pass', '1.22.1').value !== null;
      // Port 9 refuses connections: proxied requests fail with 502; the static handler gives 404.
      expect(res.status, path).toBe(proxied ? 502 : 404);
    }
  });
});
