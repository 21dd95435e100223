/** The lab's own machinery, without servers: loopback guard, templates, bind parsing, groups. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createServer } from 'node:http';
import { assertLoopback, runLoad } from './load.ts';
import { render } from './lib/scenario.ts';
import { listenTarget } from './lib/listen.ts';
import { groupAlive, startGroup, stopGroup } from './lib/procs.ts';
import { accessStatuses } from './lib/logs.ts';
import { zeroByChance } from './lib/run-scenario.ts';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { missingTools, startNginx } from './lib/servers.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('load generator', () => {
  it('refuses any address that is not loopback', () => {
    for (const url of [
      'http://10.0.0.1:80/',
      'http://example.com/',
      'http://0.0.0.0:8080/',
      'https://127.0.0.1/',
    ]) {
      expect(() => assertLoopback(url)).toThrow();
    }
    expect(assertLoopback('http://127.0.0.1:8080/x').port).toBe('8080');
    expect(assertLoopback('http://[::1]:8080/').hostname).toBe('[::1]');
  });

  it('stops at the request bound and counts statuses, methods and bodies as sent', async () => {
    const seen: { method: string; bytes: number }[] = [];
    const srv = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', bytes });
        res.statusCode = req.url === '/bad' ? 502 : 200;
        res.end('x');
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    const r = await runLoad(`http://127.0.0.1:${port}`, {
      requests: 9,
      seconds: 20,
      concurrency: 3,
      keepAlive: true,
      method: 'POST',
      bodyBytes: 100,
      paths: ['/ok', '/ok', '/bad'],
    });
    srv.close();
    expect(r.sent).toBe(9);
    expect(r.statuses).toEqual({ '200': 6, '502': 3 });
    expect(seen.every((s) => s.method === 'POST' && s.bytes === 100)).toBe(true);
  });

  it('stops at the time bound even when requests remain', async () => {
    const srv = createServer((_req, res) => res.end('x'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    const r = await runLoad(`http://127.0.0.1:${port}`, {
      requests: 1_000_000,
      seconds: 0.5,
      concurrency: 2,
      keepAlive: false,
      paths: ['/'],
      gapMs: 100,
    });
    srv.close();
    expect(r.seconds).toBeLessThan(2);
    expect(r.sent).toBeLessThan(20);
  });
});

describe('templates and binds', () => {
  const vars = {
    DIR: '/tmp/d',
    APP_DIR: '/a',
    NGINX_PORT: 1,
    APP_PORT: 2,
    FRONT_PORT: 3,
    WIRE_PORT: 4,
  };
  it('renders placeholders and rejects unknown ones', () => {
    expect(render('listen {{NGINX_PORT}}; root {{DIR}};', vars)).toBe('listen 1; root /tmp/d;');
    expect(() => render('{{NOPE}}', vars)).toThrow(/NOPE/);
  });

  it('reads where gunicorn and uWSGI listen from their configs', () => {
    expect(listenTarget('gunicorn', 'bind = "127.0.0.1:8000"\n', 0)).toBe(8000);
    expect(listenTarget('gunicorn', "bind = ['unix:/tmp/x/app.sock']\n", 0)).toBe(
      '/tmp/x/app.sock',
    );
    expect(listenTarget('uwsgi', '[uwsgi]\nhttp-socket = 127.0.0.1:9000\n', 0)).toBe(9000);
    expect(listenTarget('uwsgi', '[uwsgi]\nsocket = /tmp/u.sock\n', 0)).toBe('/tmp/u.sock');
    expect(listenTarget('uwsgi', '[uwsgi]\nmodule = app\n', 0)).toBeNull();
    expect(listenTarget('node', '', 4321)).toBe(4321);
  });

  it('never throws on arbitrary config text', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('gunicorn', 'uwsgi', 'node') as fc.Arbitrary<'gunicorn'>,
        (text, kind) => {
          const t = listenTarget(kind, text, 1);
          expect(t === null || typeof t === 'number' || typeof t === 'string').toBe(true);
        },
      ),
    );
  });

  it('counts statuses in a combined access log', () => {
    const log = [
      '127.0.0.1 - - [21/Nov/2026:07:45:35 +0000] "POST /echo HTTP/1.1" 502 157 "-" "node"',
      '127.0.0.1 - - [21/Nov/2026:07:45:35 +0000] "GET /fast HTTP/1.1" 200 5 "-" "node"',
      '',
    ].join('\n');
    expect(accessStatuses(log)).toEqual({ '502': 1, '200': 1 });
  });
});

describe('process groups', () => {
  it('stopping a group kills its children too, even ones that ignore SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-lab-test-'));
    try {
      // A shell that starts a child ignoring SIGTERM, then waits: only SIGKILL to the group ends both.
      const g = startGroup('sh', '/bin/sh', ['-c', "trap '' TERM; sleep 30 & wait"], {
        logFile: join(dir, 'out.log'),
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(groupAlive(g.pgid)).toBe(true);
      await stopGroup(g, 300);
      expect(groupAlive(g.pgid)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(missingTools().length > 0)('servers', () => {
  it('refuses to start nginx from a broken config, quoting nginx -t with the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-lab-test-'));
    try {
      mkdirSync(join(dir, 'logs'));
      writeFileSync(join(dir, 'nginx.conf'), 'events {}\nhttp {\n    proxy_read_timeout;\n}\n');
      await expect(startNginx(dir, 'nginx.conf', 1)).rejects.toThrow(
        /nginx -t failed.*invalid number of arguments.*nginx\.conf:3/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('odds of a clean after run', () => {
  const phase = (requests: number, failures: number, errorLines = failures) => ({
    requests,
    failures,
    errorLines,
    statuses: {},
    errors: {},
    accessLog: {},
    seconds: 1,
  });
  it('is (1 - before rate)^after requests, using error lines when nothing failed', () => {
    expect(zeroByChance(phase(100, 10), phase(100, 0))).toBeCloseTo(0.9 ** 100, 12);
    expect(zeroByChance(phase(100, 0, 20), phase(50, 0))).toBeCloseTo(0.8 ** 50, 12);
  });
  it('is null when the after run was not clean or nothing failed before', () => {
    expect(zeroByChance(phase(100, 10), phase(100, 1))).toBeNull();
    expect(zeroByChance(phase(100, 0), phase(100, 0))).toBeNull();
  });
});
