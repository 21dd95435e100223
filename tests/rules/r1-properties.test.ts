/**
 * Property tests for keepalive-race, upgrade-header and retry-policy over generated nginx +
 * app-server configs: analysis never throws; keepalive-race fires exactly when an independent
 * oracle (the mechanism written out from nginx's and the app servers' documented behaviour)
 * says the race exists; and applying the fixes is idempotent — a second analysis of the fixed
 * files applies nothing more — with the fixed nginx config accepted by the real nginx -t.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';

type Backend =
  | { kind: 'gunicorn'; workerClass: 'sync' | 'gthread' | 'gevent'; keepalive: number | null }
  | { kind: 'node'; keepAliveTimeout: number | null };

interface Case {
  version: '1.14.0' | '1.22.1' | '1.29.7';
  keepalive: number | null;
  keepaliveTimeout: '1s' | '4s' | '5s' | '75s' | null;
  http11: boolean;
  connection: '""' | '"close"' | '"upgrade"' | null;
  upgrade: boolean;
  servers: 1 | 2;
  next: 'error timeout non_idempotent' | 'off' | null;
  backend: Backend;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    version: fc.constantFrom('1.14.0' as const, '1.22.1' as const, '1.29.7' as const),
    keepalive: fc.constantFrom(null, 8),
    keepaliveTimeout: fc.constantFrom(
      null,
      '1s' as const,
      '4s' as const,
      '5s' as const,
      '75s' as const,
    ),
    http11: fc.boolean(),
    connection: fc.constantFrom(null, '""' as const, '"close"' as const, '"upgrade"' as const),
    upgrade: fc.boolean(),
    servers: fc.constantFrom(1 as const, 2 as const),
    next: fc.constantFrom(null, 'error timeout non_idempotent' as const, 'off' as const),
    backend: fc.oneof(
      fc.record({
        kind: fc.constant('gunicorn' as const),
        workerClass: fc.constantFrom('sync' as const, 'gthread' as const, 'gevent' as const),
        keepalive: fc.constantFrom(null, 0, 2, 5, 90),
      }),
      fc.record({
        kind: fc.constant('node' as const),
        keepAliveTimeout: fc.constantFrom(null, 3000, 65000),
      }),
    ),
  })
  // nginx before 1.15.3 rejects keepalive_timeout in an upstream block.
  .map((c) => (c.version === '1.14.0' ? { ...c, keepaliveTimeout: null } : c));

function files(c: Case): SourceFile[] {
  const upstream = [
    'upstream app {',
    '    server 127.0.0.1:8000;',
    ...(c.servers === 2 ? ['    server 127.0.0.1:8001;'] : []),
    ...(c.keepalive !== null ? [`    keepalive ${c.keepalive};`] : []),
    ...(c.keepaliveTimeout !== null ? [`    keepalive_timeout ${c.keepaliveTimeout};`] : []),
    '}',
  ];
  const location = [
    '        proxy_pass http://app;',
    ...(c.http11 ? ['        proxy_http_version 1.1;'] : []),
    ...(c.upgrade ? ['        proxy_set_header Upgrade $http_upgrade;'] : []),
    ...(c.connection !== null ? [`        proxy_set_header Connection ${c.connection};`] : []),
    ...(c.next !== null ? [`        proxy_next_upstream ${c.next};`] : []),
  ];
  const nginx = [
    ...upstream,
    'server {',
    '    listen 80;',
    '    location / {',
    ...location,
    '    }',
    '}',
    '',
  ].join('\n');
  const b = c.backend;
  const app =
    b.kind === 'gunicorn'
      ? {
          name: 'gunicorn.conf.py',
          text: `bind = "127.0.0.1:8000"\nworker_class = "${b.workerClass}"\n${b.keepalive === null ? '' : `keepalive = ${b.keepalive}\n`}`,
        }
      : {
          name: 'server.js',
          text: `const http = require('http');\nconst server = http.createServer((req, res) => res.end('ok'));\nserver.listen(8000);\n${b.keepAliveTimeout === null ? '' : `server.keepAliveTimeout = ${b.keepAliveTimeout};\n`}`,
        };
  return [{ name: 'app.conf', text: nginx }, app];
}

const atLeast = (v: string, min: string): number => {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  return a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
};

/**
 * The race, written out: a usable pool (or one keepalive-inert's fix will make usable) whose
 * idle timeout is not below the backend's.
 */
function raceExpected(c: Case): boolean {
  const modern = atLeast(c.version, '1.29.7') >= 0;
  const pooled = c.keepalive !== null || modern;
  const http11 = c.http11 || modern;
  const keepsAlive = c.connection === null ? modern : c.connection !== '"close"';
  const b = c.backend;
  const backendIdle =
    b.kind === 'gunicorn'
      ? b.workerClass === 'sync' || b.keepalive === 0
        ? null
        : (b.keepalive ?? 2)
      : (b.keepAliveTimeout ?? 5000) / 1000;
  const nginxIdle =
    c.keepaliveTimeout !== null
      ? Number.parseInt(c.keepaliveTimeout, 10)
      : atLeast(c.version, '1.15.3') >= 0
        ? 60
        : Infinity;
  // An unusable pool that keepalive-inert will fix counts too (reported as latent).
  const closes = c.connection === '"close"' || (c.connection === null && !modern);
  const inertFixes = c.keepalive !== null && !c.upgrade && (!http11 || closes);
  const usable = (http11 && keepsAlive) || inertFixes;
  return pooled && usable && backendIdle !== null && nginxIdle >= backendIdle;
}

const MINE = new Set(['keepalive-race', 'upgrade-header', 'retry-policy']);

describe('R1 rules on generated configs', () => {
  it('keepalive-race fires exactly when the race exists', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const report = analyze(files(c), { nginxVersion: c.version });
        const race = report.findings.filter((f) => f.rule === 'keepalive-race');
        expect(race.length, JSON.stringify(c)).toBe(raceExpected(c) ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });

  it('fixes are idempotent and the fixed nginx config passes nginx -t', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const input = files(c);
        const report = analyze(input, { nginxVersion: c.version, unsafe: true });
        const mine = report.findings.filter((f) => MINE.has(f.rule));
        if (!mine.some((f) => f.fix?.applied)) return;
        const after = input.map(
          (f) => report.fixed.find((x) => x.name === f.name) ?? { name: f.name, text: f.text },
        );
        const again = analyze(
          after.map((f) => ({ name: f.name, text: f.text })),
          { nginxVersion: c.version, unsafe: true },
        );
        expect(again.fixed, JSON.stringify(c)).toEqual([]);
        for (const f of again.findings.filter((x) => MINE.has(x.rule)))
          expect(f.fix?.applied ?? false, `${f.rule} ${JSON.stringify(c)}`).toBe(false);
        if (!nginxMissing) {
          const result = nginxTest([after[0]!]);
          expect(result.ok, `${result.output}\n${after[0]!.text}`).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});
