/**
 * app-timeout, RuleTester-style: app servers whose per-request limit is not longer than
 * nginx's read timeout (with the exact fixed output, re-analysed; gunicorn output read back by
 * Debian's gunicorn, uWSGI output by uWSGI in strict mode, Node output by `node --check`),
 * near misses that must not trigger, and the log lines it explains.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';

const RULE = 'app-timeout';
const V = '1.22.1';
const ofRule = (files: SourceFile[]) =>
  analyze(files, { nginxVersion: V, unsafe: true }).findings.filter((f) => f.rule === RULE);

const debianGunicorn =
  existsSync('/usr/bin/python3') &&
  spawnSync('/usr/bin/python3', ['-c', 'import gunicorn']).status === 0;
const UWSGI = existsSync('/usr/bin/uwsgi') ? '/usr/bin/uwsgi' : null;
const PHP_FPM = ['/usr/sbin/php-fpm8.2', '/usr/sbin/php-fpm'].find((p) => existsSync(p)) ?? null;

/** php-fpm's own reading of a pool (`-tt` prints every value it parsed), socket moved to a temp dir. */
function fpmReads(pool: string): string {
  return inTemp('pool.conf', '', (path, dir) => {
    writeFileSync(path, pool.replace(/^listen = .*$/m, `listen = ${join(dir, 'fpm.sock')}`));
    const main = join(dir, 'main.conf');
    writeFileSync(
      main,
      `[global]\npid = ${join(dir, 'fpm.pid')}\nerror_log = ${join(dir, 'err.log')}\ninclude = ${path}\n`,
    );
    const run = spawnSync(PHP_FPM!, ['-tt', '-y', main], { encoding: 'utf8', timeout: 20_000 });
    if (run.status !== 0) throw new Error(`${run.stdout}${run.stderr}`);
    return `${run.stdout}${run.stderr}`;
  });
}

function inTemp<T>(name: string, text: string, run: (path: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'app-timeout-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, text);
    return run(path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** gunicorn's own reading of a config file (exec, then Config.set with its validators). */
function gunicornTimeout(text: string): number {
  const py = `
import sys
from gunicorn.config import Config
ns = {"__file__": sys.argv[1], "__name__": "__config__"}
exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), ns)
cfg = Config()
for k, v in ns.items():
    if k in cfg.settings:
        cfg.set(k.lower(), v)
print(cfg.timeout)
`;
  return inTemp('gunicorn.conf.py', text, (path) => {
    const run = spawnSync('/usr/bin/python3', ['-c', py, path], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    return Number(run.stdout.trim());
  });
}

/** uWSGI's strict-mode verdict on an ini (sockets moved into the temp dir). */
function uwsgiStrict(text: string): string {
  return inTemp('uwsgi.ini', '', (path, dir) => {
    writeFileSync(path, text.replace(/^(\s*socket\s*=\s*).*$/gm, `$1${join(dir, 'app.sock')}`));
    const run = spawnSync(
      UWSGI!,
      ['--plugins', 'python3', '--strict', '--need-app', '--ini', path],
      {
        encoding: 'utf8',
        timeout: 20_000,
        cwd: dir,
      },
    );
    return `${run.stdout}${run.stderr}`;
  });
}

const site = (pass: string, extra = '') =>
  `server {\n    listen 80;\n    server_name shop.example.com;\n    location / {\n        ${pass};\n${extra}    }\n}\n`;

interface Invalid {
  name: string;
  input: SourceFile[];
  /** The changed file and its exact fixed text. */
  file: string;
  output: string;
  safety: 'safe' | 'unsafe';
  compared: [string, string][];
}

const invalid: Invalid[] = [
  {
    name: "gunicorn's default timeout (30 s) under nginx's default read timeout (60 s)",
    input: [
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\nworkers = 4\n' },
      { name: 'site.conf', text: site('proxy_pass http://127.0.0.1:8000') },
    ],
    file: 'gunicorn.conf.py',
    output: 'bind = "127.0.0.1:8000"\nworkers = 4\ntimeout = 65\n',
    safety: 'safe',
    compared: [
      ['timeout', 'gunicorn default (gunicorn 19.x–23.x)'],
      ['proxy_read_timeout', 'nginx 1.22 default'],
    ],
  },
  {
    name: 'explicit gunicorn timeout under an explicit proxy_read_timeout 2m',
    input: [
      {
        name: 'gunicorn.conf.py',
        text: "bind = 'unix:/run/shop.sock'\nworkers = 3\ntimeout = 30  # seconds\n",
      },
      {
        name: 'site.conf',
        text: `upstream shop {\n    server unix:/run/shop.sock;\n}\n${site('proxy_pass http://shop', '        proxy_read_timeout 2m;\n')}`,
      },
    ],
    file: 'gunicorn.conf.py',
    output: "bind = 'unix:/run/shop.sock'\nworkers = 3\ntimeout = 125  # seconds\n",
    safety: 'safe',
    compared: [
      ['timeout', 'gunicorn.conf.py:3'],
      ['proxy_read_timeout', 'site.conf:9'],
    ],
  },
  {
    name: 'equal limits race: gunicorn timeout 60 vs proxy_read_timeout 60s',
    input: [
      { name: 'gunicorn.conf.py', text: 'bind = "0.0.0.0:8000"\ntimeout = 60\n' },
      {
        name: 'site.conf',
        text: `upstream app {\n    server 10.0.0.7:8000;\n}\n${site('proxy_pass http://app', '        proxy_read_timeout 60s;\n')}`,
      },
    ],
    file: 'gunicorn.conf.py',
    output: 'bind = "0.0.0.0:8000"\ntimeout = 65\n',
    safety: 'safe',
    compared: [
      ['timeout', 'gunicorn.conf.py:2'],
      ['proxy_read_timeout', 'site.conf:9'],
    ],
  },
  {
    name: 'uWSGI harakiri under uwsgi_read_timeout (inherited from the server level)',
    input: [
      {
        name: 'uwsgi.ini',
        text: '[uwsgi]\nmodule = shop.wsgi\nprocesses = 4\nsocket = /run/shop.sock\nharakiri = 20\n',
      },
      {
        name: 'site.conf',
        text: `server {\n    listen 80;\n    uwsgi_read_timeout 90s;\n    location / {\n        include uwsgi_params;\n        uwsgi_pass unix:/run/shop.sock;\n    }\n}\n`,
      },
    ],
    file: 'uwsgi.ini',
    output: '[uwsgi]\nmodule = shop.wsgi\nprocesses = 4\nsocket = /run/shop.sock\nharakiri = 95\n',
    safety: 'safe',
    compared: [
      ['harakiri', 'uwsgi.ini:5'],
      ['uwsgi_read_timeout', 'site.conf:3'],
    ],
  },
  {
    name: 'a 10-minute read timeout: the raised harakiri is opt-in',
    input: [
      {
        name: 'uwsgi.ini',
        text: '[uwsgi]\nmodule = shop.wsgi\nsocket = :3031\nharakiri = 60\n',
      },
      {
        name: 'site.conf',
        text: site('uwsgi_pass 127.0.0.1:3031', '        uwsgi_read_timeout 600;\n'),
      },
    ],
    file: 'uwsgi.ini',
    output: '[uwsgi]\nmodule = shop.wsgi\nsocket = :3031\nharakiri = 605\n',
    safety: 'unsafe',
    compared: [
      ['harakiri', 'uwsgi.ini:4'],
      ['uwsgi_read_timeout', 'site.conf:6'],
    ],
  },
  {
    name: 'Node server.timeout (ms) under proxy_read_timeout',
    input: [
      {
        name: 'server.js',
        text: "const http = require('http');\nconst app = require('./app');\n\nconst server = http.createServer(app);\nserver.timeout = 30000;\nserver.listen(3000);\n",
      },
      { name: 'site.conf', text: site('proxy_pass http://127.0.0.1:3000') },
    ],
    file: 'server.js',
    output:
      "const http = require('http');\nconst app = require('./app');\n\nconst server = http.createServer(app);\nserver.timeout = 65000;\nserver.listen(3000);\n",
    safety: 'safe',
    compared: [
      ['timeout', 'server.js:5'],
      ['proxy_read_timeout', 'nginx 1.22 default'],
    ],
  },
  {
    name: 'gthread worker, but the log shows WORKER TIMEOUT: fires on the evidence',
    input: [
      {
        name: 'gunicorn.conf.py',
        text: 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nthreads = 8\ntimeout = 20\n',
      },
      { name: 'site.conf', text: site('proxy_pass http://127.0.0.1:8000') },
      {
        name: 'gunicorn.log',
        text: '[2024-05-02 10:15:31 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)\n',
      },
    ],
    file: 'gunicorn.conf.py',
    output: 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nthreads = 8\ntimeout = 65\n',
    safety: 'safe',
    compared: [
      ['timeout', 'gunicorn.conf.py:4'],
      ['proxy_read_timeout', 'nginx 1.22 default'],
    ],
  },
  {
    name: 'php-fpm request_terminate_timeout under fastcgi_read_timeout',
    input: [
      {
        name: 'www.conf',
        text: `[www]\nuser = www-data\nlisten = /run/php/php8.2-fpm.sock\npm = dynamic\npm.max_children = 10\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\nrequest_terminate_timeout = 30s\n`,
      },
      {
        name: 'site.conf',
        text: 'server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n        fastcgi_read_timeout 120s;\n    }\n}\n',
      },
    ],
    file: 'www.conf',
    output: `[www]\nuser = www-data\nlisten = /run/php/php8.2-fpm.sock\npm = dynamic\npm.max_children = 10\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\nrequest_terminate_timeout = 125s\n`,
    safety: 'safe',
    compared: [
      ['request_terminate_timeout', 'www.conf:9'],
      ['fastcgi_read_timeout', 'site.conf:7'],
    ],
  },
];

const valid: { name: string; input: SourceFile[] }[] = [
  {
    name: 'gunicorn timeout longer than nginx read timeout',
    input: [
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\ntimeout = 90\n' },
      { name: 'site.conf', text: site('proxy_pass http://127.0.0.1:8000') },
    ],
  },
  {
    name: 'gthread workers with a short timeout and no WORKER TIMEOUT in the logs (a heartbeat)',
    input: [
      {
        name: 'gunicorn.conf.py',
        text: 'bind = "127.0.0.1:8000"\nworkers = 2\nthreads = 4\ntimeout = 30\n',
      },
      { name: 'site.conf', text: site('proxy_pass http://127.0.0.1:8000') },
    ],
  },
  {
    name: 'gunicorn timeout 0 (never)',
    input: [
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\ntimeout = 0\n' },
      { name: 'site.conf', text: site('proxy_pass http://127.0.0.1:8000') },
    ],
  },
  {
    name: 'uWSGI without harakiri',
    input: [
      { name: 'uwsgi.ini', text: '[uwsgi]\nmodule = shop.wsgi\nsocket = :3031\n' },
      { name: 'site.conf', text: site('uwsgi_pass 127.0.0.1:3031') },
    ],
  },
  {
    name: 'nginx passes to another server than the gunicorn pasted',
    input: [
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8001"\ntimeout = 30\n' },
      { name: 'site.conf', text: site('proxy_pass http://127.0.0.1:9000') },
    ],
  },
  {
    name: 'no nginx config: nothing to compare with',
    input: [{ name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\ntimeout = 30\n' }],
  },
  {
    name: 'timeout from the environment (unknown) is not guessed at',
    input: [
      {
        name: 'gunicorn.conf.py',
        text: 'import os\nbind = "127.0.0.1:8000"\ntimeout = int(os.environ["GUNICORN_TIMEOUT"])\n',
      },
      { name: 'site.conf', text: site('proxy_pass http://127.0.0.1:8000') },
    ],
  },
  {
    name: 'php-fpm without request_terminate_timeout (0: off)',
    input: [
      {
        name: 'www.conf',
        text: `[www]\nuser = www-data\nlisten = /run/php/php8.2-fpm.sock\npm = dynamic\npm.max_children = 10\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n`,
      },
      {
        name: 'site.conf',
        text: site(
          'fastcgi_pass unix:/run/php/php8.2-fpm.sock',
          '        include fastcgi_params;\n',
        ),
      },
    ],
  },
  {
    name: 'php-fpm pool on another socket than the fastcgi_pass',
    input: [
      {
        name: 'www.conf',
        text: `[www]\nuser = www-data\nlisten = /run/php/php8.2-fpm.sock\npm = dynamic\npm.max_children = 10\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\nrequest_terminate_timeout = 30\n`,
      },
      {
        name: 'site.conf',
        text: site('fastcgi_pass unix:/run/php/other.sock', '        include fastcgi_params;\n'),
      },
    ],
  },
];

describe('app-timeout', () => {
  for (const c of invalid) {
    it(`triggers and fixes: ${c.name}`, () => {
      const report = analyze(c.input, { nginxVersion: V, unsafe: true });
      const hit = report.findings.find((f) => f.rule === RULE);
      expect(hit, 'finding').toBeDefined();
      expect(hit!.cause).toBe('app-timeout');
      expect(hit!.fix).toMatchObject({ safety: c.safety, applied: true });
      expect(hit!.compared!.map((v) => [v.setting, v.source])).toEqual(c.compared);
      expect(report.fixed.map((f) => f.name)).toEqual([c.file]);
      expect(report.fixed[0]!.text).toBe(c.output);
      const fixedInputs = c.input.map((f) => (f.name === c.file ? { ...f, text: c.output } : f));
      expect(ofRule(fixedInputs)).toEqual([]);
      expect(analyze(fixedInputs, { nginxVersion: V, unsafe: true }).fixed).toEqual([]);
      if (c.file.endsWith('.py') && debianGunicorn)
        expect(gunicornTimeout(c.output)).toBe(Number(/timeout = (\d+)/.exec(c.output)![1]));
      if (c.file.endsWith('.ini') && UWSGI)
        expect(uwsgiStrict(c.output)).not.toMatch(/unknown config directive/);
      if (c.file === 'www.conf' && PHP_FPM)
        expect(fpmReads(c.output)).toContain(
          `request_terminate_timeout = ${/= (\d+s)/.exec(c.output)![1]}`,
        );
      if (c.file.endsWith('.js'))
        expect(inTemp('server.js', c.output, (p) => spawnSync('node', ['--check', p]).status)).toBe(
          0,
        );
    });
  }

  it('a fix above 300 s is reported but not applied without opting in', () => {
    const c = invalid.find((x) => x.safety === 'unsafe')!;
    const report = analyze(c.input, { nginxVersion: V });
    expect(report.findings.find((f) => f.rule === RULE)!.fix).toMatchObject({
      safety: 'unsafe',
      applied: false,
    });
    expect(report.fixed).toEqual([]);
  });

  for (const c of valid) {
    it(`does not trigger: ${c.name}`, () => {
      expect(ofRule(c.input)).toEqual([]);
    });
  }

  it('explains the WORKER TIMEOUT lines and the 502s they caused, not unrelated failures', () => {
    const files: SourceFile[] = [
      { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\nworkers = 4\ntimeout = 30\n' },
      { name: 'site.conf', text: site('proxy_pass http://127.0.0.1:8000') },
      {
        name: 'gunicorn.log',
        text: [
          '[2024-05-02 10:15:31 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)',
          '[2024-05-02 10:15:32 +0000] [1] [WARNING] Worker with pid 9 was terminated due to signal 6',
          '[2024-05-02 10:15:32 +0000] [12] [INFO] Booting worker with pid: 12',
        ].join('\n'),
      },
      {
        name: 'error.log',
        text: [
          '2024/05/02 10:15:31 [error] 31#31: *8812 upstream prematurely closed connection while reading response header from upstream, client: 10.1.2.3, server: shop.example.com, request: "GET /reports/yearly HTTP/1.1", upstream: "http://127.0.0.1:8000/reports/yearly", host: "shop.example.com"',
          // A refused connection is a down backend, not a killed request.
          '2024/05/02 10:15:32 [error] 31#31: *8813 connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.2.4, server: shop.example.com, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "shop.example.com"',
        ].join('\n'),
      },
    ];
    const report = analyze(files, { nginxVersion: V });
    expect(report.findings[0]!.rule).toBe(RULE);
    const hit = report.findings[0]!;
    const cited = hit.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining([
        'gunicorn.conf.py:3',
        'gunicorn.log:1',
        'gunicorn.log:2',
        'error.log:1',
      ]),
    );
    expect(cited).not.toContain('error.log:2');
    expect(cited).not.toContain('gunicorn.log:3');
    expect(hit.message).toMatch(/timeout = 30 s \(gunicorn\.conf\.py:3\)/);
    expect(hit.message).toMatch(/proxy_read_timeout 60s \(nginx 1\.22 default\)/);
  });

  it('without app logs it is a config finding that ranks below log-backed ones', () => {
    const report = analyze(invalid[0]!.input, { nginxVersion: V });
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.confidence).toBeLessThan(0.5);
  });

  it.skipIf(nginxMissing)('every nginx config above is valid nginx', () => {
    for (const c of [...invalid, ...valid]) {
      for (const f of c.input.filter((x) => x.name === 'site.conf')) {
        const result = nginxTest([f]);
        expect(result.ok, `${c.name}\n${result.output}`).toBe(true);
      }
    }
  });

  it("property: fires exactly when a sync worker limit is not above nginx's wait, and the fix clears it", () => {
    const duration = fc.oneof(
      fc.integer({ min: 1, max: 400 }).map((n) => ({ text: `${n}s`, seconds: n })),
      fc.integer({ min: 1, max: 6 }).map((n) => ({ text: `${n}m`, seconds: n * 60 })),
      fc.integer({ min: 1, max: 400 }).map((n) => ({ text: String(n), seconds: n })),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('sync', 'gthread', 'gevent'),
        fc.constantFrom(1, 2),
        fc.integer({ min: 0, max: 400 }),
        fc.option(duration, { nil: undefined }),
        (workerClass, threads, timeout, read) => {
          const files: SourceFile[] = [
            {
              name: 'gunicorn.conf.py',
              text: `bind = "127.0.0.1:8000"\nworker_class = "${workerClass}"\nthreads = ${threads}\ntimeout = ${timeout}\n`,
            },
            {
              name: 'site.conf',
              text: site(
                'proxy_pass http://127.0.0.1:8000',
                read ? `        proxy_read_timeout ${read.text};\n` : '',
              ),
            },
          ];
          const wait = read?.seconds ?? 60;
          const sync = workerClass === 'sync' && threads === 1;
          const report = analyze(files, { nginxVersion: V, unsafe: true });
          const hits = report.findings.filter((f) => f.rule === RULE);
          expect(hits.length).toBe(sync && timeout > 0 && timeout <= wait ? 1 : 0);
          if (hits.length === 0) return;
          const raised = wait + (wait > 10 ? 5 : 1);
          expect(report.fixed[0]!.text).toContain(`timeout = ${raised}\n`);
          const fixed = files.map((f) =>
            f.name === 'gunicorn.conf.py' ? { ...f, text: report.fixed[0]!.text } : f,
          );
          expect(ofRule(fixed)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  const ingressed = (annotation: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: shop:1.2
          command: ['gunicorn', '-c', 'gunicorn.conf.py', 'shop.wsgi']
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations:
${annotation}spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port:
                  number: 8000
`;

  it('behind ingress-nginx: the Ingress proxy-read-timeout is the wait to outlast', () => {
    const files: SourceFile[] = [
      { name: 'gunicorn.conf.py', text: 'bind = "0.0.0.0:8000"\nworkers = 4\n' },
      {
        name: 'k8s.yaml',
        text: ingressed("    nginx.ingress.kubernetes.io/proxy-read-timeout: '120'\n"),
      },
      {
        name: 'controller.log',
        text: '2024/05/02 10:15:31 [error] 31#31: *8812 upstream prematurely closed connection while reading response header from upstream, client: 10.1.2.3, server: shop.example.com, request: "GET /reports HTTP/1.1", upstream: "http://10.42.0.17:8000/reports", host: "shop.example.com"\n',
      },
      {
        name: 'gunicorn.log',
        text: '[2024-05-02 10:15:31 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)\n',
      },
    ];
    const report = analyze(files, { nginxVersion: V });
    const hit = report.findings[0]!;
    expect(hit.rule).toBe(RULE);
    expect(hit.compared!.map((c) => [c.setting, c.value, c.source])).toEqual([
      ['timeout', '30 s', 'gunicorn default (gunicorn 19.x–23.x)'],
      ['proxy-read-timeout', '120', 'k8s.yaml:18'],
    ]);
    expect(hit.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'k8s.yaml:18',
      'gunicorn.log:1',
      'controller.log:1',
    ]);
    expect(report.fixed.map((f) => [f.name, f.text])).toEqual([
      ['gunicorn.conf.py', 'bind = "0.0.0.0:8000"\nworkers = 4\ntimeout = 125\n'],
    ]);
  });

  it('behind ingress-nginx: the controller default (60) against a longer app limit is fine', () => {
    const found = ofRule([
      { name: 'gunicorn.conf.py', text: 'bind = "0.0.0.0:8000"\ntimeout = 90\n' },
      { name: 'k8s.yaml', text: ingressed('    kubernetes.io/ingress.class: nginx\n') },
    ]);
    expect(found).toEqual([]);
  });
});
