/**
 * proxy-timeout: "upstream timed out (110)" lines matched to the location nginx used (Host and
 * path) and to the timeout of the phase they name, with value and source; manual advice, plus a
 * read-timeout raise (exact fixed output, nginx -t) when the app server's limit is known to be
 * longer. Near misses: other failures, configs without timeouts in the logs. Properties, the
 * corpus and ingress-nginx are in proxy-timeout.evidence.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxMissingReason, nginxTest } from '../helpers/nginx-t.ts';
import { RULE, V, log, ofRule, timedOut, twoLocations } from './proxy-timeout.fixtures.ts';

interface Fixable {
  name: string;
  input: SourceFile[];
  output: string;
  safety: 'safe' | 'unsafe';
  compared: [string, string, string][];
}

const fixable: Fixable[] = [
  {
    name: "gunicorn allows 120 s, nginx's default 60 s cuts first: raise to 115s (safe, default)",
    input: [
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\nworkers = 4\ntimeout = 120\n' },
      {
        name: 'site.conf',
        text: 'server {\n    listen 80;\n    server_name shop.example.com;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n',
      },
      log(timedOut('/reports/yearly')),
    ],
    output:
      'server {\n    listen 80;\n    server_name shop.example.com;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_read_timeout 115s;\n    }\n}\n',
    safety: 'safe',
    compared: [
      ['proxy_read_timeout', '60s', 'nginx 1.22 default'],
      ['timeout', '120 s', 'gunicorn.conf.py:3'],
    ],
  },
  {
    name: 'uWSGI harakiri 300 behind an explicit uwsgi_read_timeout 60s: replaced in place (opt-in)',
    input: [
      {
        name: 'uwsgi.ini',
        text: '[uwsgi]\nmodule = shop.wsgi\nsocket = 127.0.0.1:3031\nharakiri = 300\n',
      },
      {
        name: 'site.conf',
        text: 'server {\n    listen 80;\n    server_name shop.example.com;\n    location / {\n        include uwsgi_params;\n        uwsgi_pass 127.0.0.1:3031;\n        uwsgi_read_timeout 60s;  # ops ticket 12\n    }\n}\n',
      },
      log(timedOut('/export', { upstream: 'uwsgi://127.0.0.1:3031' })),
    ],
    output:
      'server {\n    listen 80;\n    server_name shop.example.com;\n    location / {\n        include uwsgi_params;\n        uwsgi_pass 127.0.0.1:3031;\n        uwsgi_read_timeout 295s;  # ops ticket 12\n    }\n}\n',
    safety: 'unsafe',
    compared: [
      ['uwsgi_read_timeout', '60s', 'site.conf:7'],
      ['harakiri', '300 s', 'uwsgi.ini:4'],
    ],
  },
  {
    name: 'server-level proxy_read_timeout: overridden in the location that timed out only',
    input: [
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\ntimeout = 90\n' },
      {
        name: 'site.conf',
        text: 'server {\n    listen 80;\n    server_name shop.example.com;\n    proxy_read_timeout 30s;\n    location /reports/ {\n        proxy_pass http://127.0.0.1:8000;\n    }\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n',
      },
      log(timedOut('/reports/q3')),
    ],
    output:
      'server {\n    listen 80;\n    server_name shop.example.com;\n    proxy_read_timeout 30s;\n    location /reports/ {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_read_timeout 85s;\n    }\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n',
    safety: 'unsafe',
    compared: [
      ['proxy_read_timeout', '30s', 'site.conf:4'],
      ['timeout', '90 s', 'gunicorn.conf.py:2'],
    ],
  },
  {
    name: 'php-fpm allows 5m behind fastcgi_pass: fastcgi_read_timeout raised to 295s',
    input: [
      {
        name: 'www.conf',
        text: '[www]\nuser = www-data\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 10\nrequest_terminate_timeout = 5m\n',
      },
      {
        name: 'site.conf',
        text: 'server {\n    listen 80;\n    server_name shop.example.com;\n    location / {\n        include fastcgi_params;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n',
      },
      log(timedOut('/index.php', { upstream: 'fastcgi://127.0.0.1:9000' })),
    ],
    output:
      'server {\n    listen 80;\n    server_name shop.example.com;\n    location / {\n        include fastcgi_params;\n        fastcgi_pass 127.0.0.1:9000;\n        fastcgi_read_timeout 295s;\n    }\n}\n',
    safety: 'safe',
    compared: [
      ['fastcgi_read_timeout', '60s', 'nginx 1.22 default'],
      ['request_terminate_timeout', '300 s', 'www.conf:6'],
    ],
  },
];

describe('proxy-timeout', () => {
  for (const c of fixable) {
    it(`raises the read timeout: ${c.name}`, () => {
      const report = analyze(c.input, { nginxVersion: V, unsafe: true });
      const found = report.findings.filter((f) => f.rule === RULE);
      expect(found.map((f) => f.fix!.safety)).toEqual([c.safety, 'manual']);
      expect(found[0]!.fix!.applied).toBe(true);
      expect(found[0]!.compared!.map((v) => [v.setting, v.value, v.source])).toEqual(c.compared);
      expect(found[0]!.evidence.map((e) => e.file)).toContain('error.log');
      expect(report.fixed.map((f) => f.name)).toEqual(['site.conf']);
      expect(report.fixed[0]!.text).toBe(c.output);
      // Re-analysed: only the advice about the logged timeouts stays; nothing new appears.
      const fixed = c.input.map((f) => (f.name === 'site.conf' ? { ...f, text: c.output } : f));
      const again = analyze(fixed, { nginxVersion: V, unsafe: true });
      expect(again.findings.filter((f) => f.rule === RULE).map((f) => f.fix!.safety)).toEqual([
        'manual',
      ]);
      expect(again.findings.map((f) => f.rule)).not.toContain('app-timeout');
      expect(again.fixed).toEqual([]);
      if (!nginxMissing) {
        const result = nginxTest([{ name: 'site.conf', text: c.output }]);
        expect(result.ok, result.output).toBe(true);
      }
    });
  }

  it('an explicitly written lower value is only raised when the user opts in', () => {
    const c = fixable.find((x) => x.safety === 'unsafe')!;
    const report = analyze(c.input, { nginxVersion: V });
    expect(report.findings.find((f) => f.rule === RULE)!.fix).toMatchObject({
      safety: 'unsafe',
      applied: false,
    });
    expect(report.fixed).toEqual([]);
  });

  it('matches the location by path: /api/ cites its own 10s, / the default', () => {
    const found = ofRule([twoLocations, log(timedOut('/api/export'), timedOut('/home'))]);
    expect(found).toHaveLength(2);
    const api = found.find((f) => f.message.includes('location /api/'))!;
    expect(api.compared![0]).toEqual({
      hop: 'nginx shop.example.com location /api/',
      setting: 'proxy_read_timeout',
      value: '10s',
      source: 'site.conf:12',
    });
    expect(api.fix).toMatchObject({ safety: 'manual' });
    expect(api.evidence.map((e) => `${e.file}:${e.line}`)).toEqual(['site.conf:12', 'error.log:1']);
    const root = found.find((f) => f.message.includes('location / '))!;
    expect(root.compared![0]!.source).toBe('nginx 1.22 default');
    expect(root.evidence.map((e) => `${e.file}:${e.line}`)).toEqual(['site.conf:7', 'error.log:2']);
  });

  it('matches the server by Host: admin.example.com cites its 5m', () => {
    const [hit] = ofRule([twoLocations, log(timedOut('/users', { host: 'admin.example.com' }))]);
    expect(hit!.compared![0]).toMatchObject({ value: '5m', source: 'site.conf:21' });
  });

  it('a connect-phase timeout cites the connect timeout, not the read timeout', () => {
    const [hit] = ofRule([
      twoLocations,
      log(timedOut('/api/x', { phase: 'connecting to upstream' })),
    ]);
    expect(hit!.compared![0]).toMatchObject({
      setting: 'proxy_connect_timeout',
      value: '2s',
      source: 'site.conf:13',
    });
    expect(hit!.message).toMatch(/did not accept the TCP connection/);
  });

  it('gthread gunicorn (timeout is a heartbeat): advice only, no raise', () => {
    const found = ofRule([
      {
        name: 'gunicorn.conf.py',
        text: 'bind = "127.0.0.1:8000"\nthreads = 4\ntimeout = 120\n',
      },
      fixable[0]!.input[1]!,
      log(timedOut('/reports/yearly')),
    ]);
    expect(found.map((f) => f.fix!.safety)).toEqual(['manual']);
  });

  it('without any nginx config: advice that says the value in effect is unknown', () => {
    const found = ofRule([log(timedOut('/reports/yearly'))]);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/no nginx config was pasted/);
    expect(found[0]!.evidence).toEqual([expect.objectContaining({ file: 'error.log', line: 1 })]);
  });

  it('ranks first among findings for a 504 incident', () => {
    const report = analyze(fixable[0]!.input, { nginxVersion: V });
    expect(report.findings[0]!.cause).toBe('proxy-timeout');
  });

  const valid: { name: string; input: SourceFile[] }[] = [
    { name: 'no timeout lines, only the config', input: [twoLocations] },
    {
      name: 'a premature close is not a timeout',
      input: [
        twoLocations,
        log(
          '2024/05/02 10:15:30 [error] 31#31: *1 upstream prematurely closed connection while reading response header from upstream, client: 10.1.2.3, server: shop.example.com, request: "GET /api/x HTTP/1.1", upstream: "http://10.0.0.5:8000/api/x", host: "shop.example.com"',
        ),
      ],
    },
    {
      name: 'a client timing out is not the upstream',
      input: [
        twoLocations,
        log(
          '2024/05/02 10:15:30 [info] 31#31: *1 client timed out (110: Connection timed out) while reading client request headers, client: 10.1.2.3, server: shop.example.com',
        ),
      ],
    },
  ];
  for (const c of valid) {
    it(`does not trigger: ${c.name}`, () => {
      expect(ofRule(c.input)).toEqual([]);
    });
  }

  it.skipIf(nginxMissing)('every nginx config above is valid nginx', () => {
    for (const f of [twoLocations, ...fixable.map((c) => c.input[1]!)]) {
      const result = nginxTest([f]);
      expect(result.ok, result.output).toBe(true);
    }
  });
  if (nginxMissing) it.skip(nginxMissingReason, () => {});
});
