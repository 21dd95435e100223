/**
 * app-timeout, RuleTester-style: app servers whose per-request limit is not longer than
 * nginx's read timeout (with the exact fixed output, re-analysed; gunicorn output read back by
 * Debian's gunicorn, uWSGI output by uWSGI in strict mode, php-fpm output by php-fpm -tt,
 * Node output by `node --check`), and near misses that must not trigger.
 * The log evidence, ingress-nginx and property tests are in app-timeout.evidence.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';
import {
  PHP_FPM,
  UWSGI,
  debianGunicorn,
  fpmReads,
  gunicornReads,
  inTemp,
  uwsgiStrict,
} from './lib/app-server-oracles.ts';

const RULE = 'app-timeout';
const V = '1.22.1';
const ofRule = (files: SourceFile[]) =>
  analyze(files, { nginxVersion: V, unsafe: true }).findings.filter((f) => f.rule === RULE);

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
      // Opted in (unsafe: true), an unsafe raise is the alternative applied instead of the fix.
      const applied = c.safety === 'unsafe' ? hit!.fix!.alternative : hit!.fix;
      expect(applied).toMatchObject({ safety: c.safety, applied: true });
      expect(hit!.compared!.map((v) => [v.setting, v.source])).toEqual(c.compared);
      expect(report.fixed.map((f) => f.name)).toEqual([c.file]);
      expect(report.fixed[0]!.text).toBe(c.output);
      const fixedInputs = c.input.map((f) => (f.name === c.file ? { ...f, text: c.output } : f));
      expect(ofRule(fixedInputs)).toEqual([]);
      expect(analyze(fixedInputs, { nginxVersion: V, unsafe: true }).fixed).toEqual([]);
      if (c.file.endsWith('.py') && debianGunicorn)
        expect(gunicornReads(c.output, ['timeout'])).toEqual({
          timeout: Number(/timeout = (\d+)/.exec(c.output)![1]),
        });
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

  it('a raise above 300 s is opt-in; by default nginx gives up just under the app limit', () => {
    const c = invalid.find((x) => x.safety === 'unsafe')!;
    const report = analyze(c.input, { nginxVersion: V });
    const fix = report.findings.find((f) => f.rule === RULE)!.fix!;
    expect(fix).toMatchObject({
      safety: 'safe',
      applied: true,
      alternative: { safety: 'unsafe', applied: false },
    });
    expect(fix.description).toMatch(/Lower the read timeout to 55s, just under harakiri = 60 s/);
    const site = c.input.find((f) => f.name === 'site.conf')!;
    const lowered = site.text.replace('uwsgi_read_timeout 600;', 'uwsgi_read_timeout 55s;');
    expect(report.fixed.map((f) => [f.name, f.text])).toEqual([['site.conf', lowered]]);
    // Re-analysed, the cause is gone and nothing is left to fix; real nginx accepts it.
    const fixed = c.input.map((f) => (f.name === 'site.conf' ? { ...f, text: lowered } : f));
    const again = analyze(fixed, { nginxVersion: V });
    expect(again.findings.filter((f) => f.rule === RULE)).toEqual([]);
    expect(again.fixed).toEqual([]);
    if (!nginxMissing) expect(nginxTest([{ name: 'site.conf', text: lowered }]).ok).toBe(true);
  });

  it('the same lowering for gunicorn when its raise would be unsafe, in every location over it', () => {
    const conf = `server {\n    listen 80;\n    location /exports/ {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_read_timeout 10m;\n    }\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n    location /health {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_read_timeout 5s;\n    }\n}\n`;
    const report = analyze(
      [
        { name: 'site.conf', text: conf },
        { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\ntimeout = 30\n' },
      ],
      { nginxVersion: V },
    );
    expect(report.findings.find((f) => f.rule === RULE)!.fix).toMatchObject({
      safety: 'safe',
      applied: true,
      alternative: { safety: 'unsafe', applied: false },
    });
    // /exports/ (10 min) and / (60 s default) outlast gunicorn's 30 s; /health (5 s) does not.
    const expected = conf
      .replace('proxy_read_timeout 10m;', 'proxy_read_timeout 25s;')
      .replace(
        '    location / {\n        proxy_pass http://127.0.0.1:8000;\n',
        '    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_read_timeout 25s;\n',
      );
    expect(report.fixed.map((f) => f.text)).toEqual([expected]);
    if (!nginxMissing) expect(nginxTest([{ name: 'site.conf', text: expected }]).ok).toBe(true);
  });

  it('a raise within 300 s stays the default fix, with no alternative', () => {
    const c = invalid.find((x) => x.safety === 'safe' && x.file === 'gunicorn.conf.py')!;
    const fix = analyze(c.input, { nginxVersion: V }).findings.find((f) => f.rule === RULE)!.fix!;
    expect(fix).toMatchObject({ safety: 'safe', applied: true });
    expect(fix.alternative).toBeUndefined();
  });

  for (const c of valid) {
    it(`does not trigger: ${c.name}`, () => {
      expect(ofRule(c.input)).toEqual([]);
    });
  }

  it.skipIf(nginxMissing)('every nginx config above is valid nginx', () => {
    for (const c of [...invalid, ...valid]) {
      for (const f of c.input.filter((x) => x.name === 'site.conf')) {
        const result = nginxTest([f]);
        expect(result.ok, `${c.name}\n${result.output}`).toBe(true);
      }
    }
  });
});
