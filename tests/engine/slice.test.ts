/**
 * The vertical slice through every stage: an nginx error line decoded into an event, an nginx
 * config whose keepalive pool is inert, the finding with evidence pointing at both, and the
 * fix as fixed text and as a patch the real `patch -p1` and `git apply` accept.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { originalOf } from '../helpers/report.ts';

const conf = `upstream api {
    server 10.1.0.7:8080;
    keepalive 32;
}

server {
    listen 80;
    server_name api.test;

    location / {
        proxy_pass http://api;
        proxy_set_header Host $host;
    }
}
`;
const log = [
  '2026/02/03 04:05:06 [crit] 41#41: *9001 connect() to 10.1.0.7:8080 failed (99: Cannot assign requested address) while connecting to upstream, client: 192.0.2.1, server: api.test, request: "POST /orders HTTP/1.1", upstream: "http://10.1.0.7:8080/orders", host: "api.test"',
  'this line is not a log line at all',
  '',
].join('\n');

const inputs: SourceFile[] = [
  { name: 'conf.d/api.conf', text: conf },
  { name: 'logs/error.log', text: log },
];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('analyze(): the keepalive-inert slice', () => {
  const report = analyze(inputs, { nginxVersion: '1.22.1' });

  it('detects each input and says which nginx version it assumed', () => {
    expect(report.schema).toBe(1);
    expect(report.nginxVersion).toBe('1.22.1');
    expect(report.nginxVersionSource).toBe('user');
    expect(report.files.map((f) => [f.name, f.kind])).toEqual([
      ['conf.d/api.conf', 'nginx'],
      ['logs/error.log', 'log'],
    ]);
    expect(report.files[0]!.errors).toEqual([]);
  });

  it('decodes the error line into an event and reports the line it could not read', () => {
    expect(report.events).toHaveLength(1);
    expect(report.events[0]).toMatchObject({
      file: 'logs/error.log',
      line: 1,
      source: 'nginx-error',
      kind: 'address-unavailable',
      phase: 'connecting',
      method: 'POST',
      path: '/orders',
      upstream: 'http://10.1.0.7:8080/orders',
    });
    expect(report.unrecognised).toEqual([{ file: 'logs/error.log', lines: [2] }]);
  });

  it('finds the inert pool, with the config lines and the log line as evidence', () => {
    const finding = report.findings[0]!;
    expect(finding).toMatchObject({ rule: 'keepalive-inert', cause: 'keepalive-inert' });
    const where = finding.evidence.map((e) => `${e.file}:${e.line}`);
    expect(where).toEqual(
      expect.arrayContaining(['conf.d/api.conf:3', 'conf.d/api.conf:11', 'logs/error.log:1']),
    );
    expect(finding.evidence.find((e) => e.line === 3)!.text).toContain('keepalive 32;');
    expect(finding.compared).toContainEqual(
      expect.objectContaining({
        setting: 'proxy_http_version',
        value: '1.0',
        source: 'nginx 1.22 default',
      }),
    );
  });

  it('applies the safe fix and shows it as fixed text and a unified patch', () => {
    expect(report.fixed).toHaveLength(1);
    expect(originalOf(report, report.fixed[0]!)).toBe(conf);
    expect(report.fixed[0]!.text).toBe(
      conf
        .replace(
          '        proxy_set_header Host $host;\n',
          '        proxy_set_header Host $host;\n        proxy_set_header Connection "";\n',
        )
        .replace(
          '        proxy_pass http://api;\n',
          '        proxy_pass http://api;\n        proxy_http_version 1.1;\n',
        ),
    );
    expect(report.patch).toContain('--- a/conf.d/api.conf\n+++ b/conf.d/api.conf\n');
    expect(report.patch).toContain('+        proxy_http_version 1.1;\n');
  });

  it('the patch applies to the originals with patch -p1 and git apply', () => {
    for (const tool of ['patch', 'git'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'ud-patch-'));
      dirs.push(dir);
      for (const input of inputs) {
        mkdirSync(join(dir, dirname(input.name)), { recursive: true });
        writeFileSync(join(dir, input.name), input.text);
      }
      writeFileSync(join(dir, 'fix.patch'), report.patch);
      if (tool === 'patch') execFileSync('patch', ['-p1', '-i', 'fix.patch'], { cwd: dir });
      else execFileSync('git', ['apply', 'fix.patch'], { cwd: dir });
      expect(readFileSync(join(dir, 'conf.d/api.conf'), 'utf8')).toBe(report.fixed[0]!.text);
    }
  });

  it('re-analysing the fixed files finds nothing left to fix', () => {
    const again = analyze([{ name: 'conf.d/api.conf', text: report.fixed[0]!.text }, inputs[1]!], {
      nginxVersion: '1.22.1',
    });
    expect(again.findings.map((f) => f.rule)).not.toContain('keepalive-inert');
    expect(again.fixed).toEqual([]);
    expect(again.patch).toBe('');
  });
});

describe('analyze(): inputs it cannot use', () => {
  it('reports text that is neither a log nor a config, without throwing', () => {
    const report = analyze([{ name: 'notes.txt', text: 'Dear team,\nthe site is down again.\n' }]);
    expect(report.files[0]).toMatchObject({ kind: 'unknown' });
    expect(report.files[0]!.errors[0]!.message).toMatch(/not recognised/);
    expect(report.findings).toEqual([]);
  });

  it('says an empty file is empty, not of an unknown format', () => {
    const report = analyze([{ name: 'error.log', text: '\n' }]);
    expect(report.files[0]!.errors[0]!.message).toMatch(/^empty/);
  });

  it('takes the nginx version from pasted `nginx -v` output and says so', () => {
    const report = analyze([
      { name: 'version.txt', text: 'nginx version: nginx/1.18.0 (Ubuntu)\n' },
      { name: 'app.conf', text: conf },
    ]);
    expect(report.nginxVersion).toBe('1.18.0');
    expect(report.nginxVersionSource).toBe('input');
  });

  it('assumes a version, and says it assumed, when nothing tells', () => {
    const report = analyze([{ name: 'app.conf', text: conf }]);
    expect(report.nginxVersionSource).toBe('assumed');
    expect(report.nginxVersion).toMatch(/^1\.\d+\.\d+$/);
  });
});

describe('analyze(): incidents follow the upstream blocks of the config', () => {
  it('failures on two servers of one upstream block and on its name are one incident', () => {
    const config = `upstream shop { server 10.0.3.17:8000; server 10.0.3.18; }
server { location / { proxy_pass http://shop; } }
`;
    const line = (upstream: string, kind: string) =>
      `2026/11/20 23:41:07 [error] 1#1: *1 ${kind}, client: 192.0.2.1, server: s, request: "GET / HTTP/1.1", upstream: "${upstream}", host: "s"`;
    const log = [
      line(
        'http://10.0.3.17:8000/',
        'upstream prematurely closed connection while reading response header from upstream',
      ),
      line(
        'http://10.0.3.18:80/',
        'upstream prematurely closed connection while reading response header from upstream',
      ),
      line('http://shop/', 'no live upstreams while connecting to upstream'),
      line(
        'http://10.9.9.9:8000/',
        'upstream prematurely closed connection while reading response header from upstream',
      ),
    ].join('\n');
    const report = analyze([
      { name: 'site.conf', text: config },
      { name: 'error.log', text: log },
    ]);
    const shop = report.incidents!.find((i) => i.upstream === 'upstream shop')!;
    expect(shop.count).toBe(3);
    expect(report.incidents!.filter((i) => i !== shop).map((i) => i.count)).toEqual([1]);
  });
});

describe('analyze(): access logs in the config’s own log_format', () => {
  it('are recognised as logs once the config that defines the format is pasted', () => {
    const config = `http {
  log_format timed '$remote_addr [$time_local] "$request" $status $upstream_addr uct=$upstream_connect_time';
  server { listen 80; access_log /var/log/nginx/a.log timed; location / { proxy_pass http://127.0.0.1:8000; } }
}
events {}
`;
    const log = [
      '192.0.2.1 [20/Nov/2026:23:41:07 +0000] "POST /api/orders HTTP/1.1" 502 127.0.0.1:8000 uct=0.000',
      '192.0.2.2 [20/Nov/2026:23:41:08 +0000] "GET /api/cart HTTP/1.1" 200 127.0.0.1:8000 uct=0.001',
    ].join('\n');
    const alone = analyze([{ name: 'access.log', text: log }]);
    expect(alone.files[0]!.kind).toBe('unknown');
    const together = analyze([
      { name: 'nginx.conf', text: config },
      { name: 'access.log', text: log },
    ]);
    expect(together.files.find((f) => f.name === 'access.log')!.kind).toBe('log');
    expect(together.events.map((e) => [e.source, e.status])).toEqual([
      ['nginx-access', 502],
      ['nginx-access', 200],
    ]);
  });
});
