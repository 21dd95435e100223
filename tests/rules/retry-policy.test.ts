/**
 * retry-policy, RuleTester-style: unsafe fixes (applied only with `unsafe`), exact fixed output
 * checked by nginx -t and re-analysed, near misses, and the doubled POST the logs can prove.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxMissingReason, nginxTest } from '../helpers/nginx-t.ts';
import { checkCorpus } from './corpus-check.ts';

const RULE = 'retry-policy';
const run = (files: SourceFile[], opts: { unsafe?: boolean; nginxVersion?: string } = {}) =>
  analyze(files, { nginxVersion: '1.22.1', ...opts });
const ours = (text: string, nginxVersion?: string) =>
  run([{ name: 'app.conf', text }], nginxVersion ? { nginxVersion } : {}).findings.filter(
    (f) => f.rule === RULE,
  );

const two = (location: string, server = '') => `upstream api {
    server 10.0.0.1:8000;
    server 10.0.0.2:8000;
}
server {
    listen 80;
    server_name shop.example.com;${server}
    location / {
        proxy_pass http://api;${location}
    }
}
`;

const invalid: { name: string; input: string; output: string; titles: string[] }[] = [
  {
    name: 'two servers, default error/timeout retries with no bound',
    input: two(''),
    output: two('\n        proxy_next_upstream_tries 2;\n        proxy_next_upstream_timeout 60s;'),
    titles: ['Retries to the next upstream server are unbounded'],
  },
  {
    name: 'the bound uses the effective read timeout and replaces an explicit 0',
    input: two('\n        proxy_read_timeout 20s;\n        proxy_next_upstream_tries 0;'),
    output: two(
      '\n        proxy_next_upstream_timeout 20s;\n        proxy_read_timeout 20s;\n        proxy_next_upstream_tries 2;',
    ),
    titles: ['Retries to the next upstream server are unbounded'],
  },
  {
    name: 'non_idempotent at server level (tries bounded): the flag is removed where it is written',
    input: two(
      '\n        proxy_next_upstream_tries 2;',
      '\n    proxy_next_upstream error timeout http_502 non_idempotent;',
    ),
    output: two(
      '\n        proxy_next_upstream_tries 2;',
      '\n    proxy_next_upstream error timeout http_502;',
    ),
    titles: ['nginx may retry POST requests on another server'],
  },
  {
    name: 'a host name in proxy_pass may resolve to several servers',
    input: `server {
    location /api/ {
        proxy_pass http://api.internal:8000;
        proxy_next_upstream error non_idempotent;
    }
}
`,
    output: `server {
    location /api/ {
        proxy_pass http://api.internal:8000;
        proxy_next_upstream error;
    }
}
`,
    titles: ['nginx may retry POST requests on another server'],
  },
  {
    name: 'several locations of one server share one finding, bounded at server level',
    input: `upstream api {
    server 10.0.0.1:8000;
    server 10.0.0.2:8000;
}
server {
    listen 80;
    location /a/ {
        proxy_pass http://api;
    }
    location /b/ {
        proxy_pass http://api;
    }
}
`,
    output: `upstream api {
    server 10.0.0.1:8000;
    server 10.0.0.2:8000;
}
server {
    listen 80;
    proxy_next_upstream_tries 2;
    proxy_next_upstream_timeout 60s;
    location /a/ {
        proxy_pass http://api;
    }
    location /b/ {
        proxy_pass http://api;
    }
}
`,
    titles: ['Retries to the next upstream server are unbounded'],
  },
  {
    name: 'uwsgi_pass has the same retry directives (uwsgi_next_upstream)',
    input: `upstream app {
    server 10.0.0.1:3031;
    server 10.0.0.2:3031;
}
server {
    location / {
        include uwsgi_params;
        uwsgi_pass app;
        uwsgi_next_upstream error timeout non_idempotent;
        uwsgi_next_upstream_tries 2;
    }
}
`,
    output: `upstream app {
    server 10.0.0.1:3031;
    server 10.0.0.2:3031;
}
server {
    location / {
        include uwsgi_params;
        uwsgi_pass app;
        uwsgi_next_upstream error timeout;
        uwsgi_next_upstream_tries 2;
    }
}
`,
    titles: ['nginx may retry POST requests on another server'],
  },
];

const valid: { name: string; input: string; version?: string }[] = [
  {
    name: 'one server',
    input: `upstream api { server 10.0.0.1:8000; }\nserver { location / { proxy_pass http://api; proxy_next_upstream error timeout non_idempotent; } }\n`,
  },
  {
    name: 'bounded by tries and timeout',
    input: two('\n        proxy_next_upstream_tries 2;\n        proxy_next_upstream_timeout 30s;'),
  },
  { name: 'bounded by a timeout alone', input: two('\n        proxy_next_upstream_timeout 30s;') },
  { name: 'retries off', input: two('\n        proxy_next_upstream off;') },
  {
    name: 'only quick failures are retried (no timeout, no http_5xx)',
    input: two('\n        proxy_next_upstream error;'),
  },
  {
    name: 'non_idempotent alone lists no failure to retry',
    input: two(
      '\n        proxy_next_upstream non_idempotent;\n        proxy_next_upstream_tries 2;',
    ),
  },
  {
    name: 'the second server is down',
    input: `upstream api { server 10.0.0.1:8000; server 10.0.0.2:8000 down; }\nserver { location / { proxy_pass http://api; } }\n`,
  },
  {
    name: 'a loopback address in proxy_pass is one server',
    input: `server { location / { proxy_pass http://127.0.0.1:8000; proxy_next_upstream error timeout non_idempotent; } }\n`,
  },
];

describe('retry-policy', () => {
  for (const c of invalid) {
    it(`triggers and fixes when opted in: ${c.name}`, () => {
      const files = [{ name: 'app.conf', text: c.input }];
      const safeOnly = run(files);
      const hits = safeOnly.findings.filter((f) => f.rule === RULE);
      expect(hits.map((h) => h.title).sort()).toEqual([...c.titles].sort());
      expect(hits.every((h) => h.cause === 'retry-policy')).toBe(true);
      // Unsafe: reported, not applied by default.
      expect(hits.every((h) => h.fix?.safety === 'unsafe' && !h.fix.applied)).toBe(true);
      expect(safeOnly.fixed).toEqual([]);

      const report = run(files, { unsafe: true });
      const applied = report.findings.filter((f) => f.rule === RULE);
      expect(applied.every((h) => h.fix?.applied)).toBe(true);
      expect(report.fixed).toHaveLength(1);
      expect(report.fixed[0]!.text).toBe(c.output);
      const again = run([{ name: 'app.conf', text: c.output }], { unsafe: true });
      expect(again.findings.filter((f) => f.rule === RULE)).toEqual([]);
      expect(again.fixed).toEqual([]);
      if (!nginxMissing) {
        const result = nginxTest([{ name: 'app.conf', text: c.output }]);
        expect(result.ok, result.output).toBe(true);
      }
    });
  }

  for (const c of valid) {
    it(`does not trigger: ${c.name}`, () => {
      expect(ours(c.input, c.version)).toEqual([]);
    });
  }

  it('nginx before 1.9.13 retried POSTs anyway: advice to upgrade, no edit', () => {
    const hits = ours(two('\n        proxy_next_upstream_timeout 30s;'), '1.8.1');
    expect(hits).toHaveLength(1);
    expect(hits[0]!.fix).toMatchObject({ safety: 'manual', applied: false });
    expect(hits[0]!.message).toContain('before 1.9.13');
  });

  it.skipIf(nginxMissing)('every original above is valid nginx', () => {
    for (const c of [...invalid, ...valid]) {
      const result = nginxTest([{ name: 'app.conf', text: c.input }]);
      expect(result.ok, `${c.name}\n${result.output}`).toBe(true);
    }
  });
  if (nginxMissing) it.skip(nginxMissingReason, () => {});
});

describe('retry-policy: what the logs prove', () => {
  const config = two(
    '\n        proxy_next_upstream_tries 2;',
    '\n    proxy_next_upstream error timeout non_idempotent;',
  );
  const error = (time: string, conn: number, upstream: string, request: string, what: string) =>
    `2026/11/21 ${time} [error] 811#811: *${conn} ${what}, client: 203.0.113.7, server: shop.example.com, request: "${request} HTTP/1.1", upstream: "http://${upstream}/orders", host: "shop.example.com"`;
  const TIMEOUT =
    'upstream timed out (110: Connection timed out) while reading response header from upstream';

  it('a POST whose lines name two servers is a doubled request; a GET retry is not claimed', () => {
    const log = [
      error('09:12:03', 4411, '10.0.0.1:8000', 'POST /orders', TIMEOUT),
      error('09:13:03', 4411, '10.0.0.2:8000', 'POST /orders', TIMEOUT),
      error('09:14:00', 4500, '10.0.0.1:8000', 'GET /orders', TIMEOUT),
      error(
        '09:14:10',
        4501,
        '10.0.0.1:8000',
        'POST /orders',
        'connect() failed (111: Connection refused) while connecting to upstream',
      ),
    ].join('\n');
    const report = run([
      { name: 'app.conf', text: config },
      { name: 'error.log', text: log },
    ]);
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.title).toBe('nginx may retry POST requests on another server');
    expect(hit.message).toContain('POST /orders: 10.0.0.1:8000 → 10.0.0.2:8000');
    expect(hit.evidence.filter((e) => e.file === 'error.log').map((e) => e.line)).toEqual([1, 2]);
    expect(hit.confidence).toBeGreaterThan(0.5);
  });

  it('an access-log line listing two servers for a POST proves the retry', () => {
    const withLog = config.replace(
      'server {',
      `log_format up '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" ua="$upstream_addr"';\nserver {\n    access_log /var/log/nginx/access.log up;`,
    );
    const access =
      '203.0.113.7 - - [21/Nov/2026:09:13:04 +0000] "POST /orders HTTP/1.1" 201 88 "-" "app/1.0" ua="10.0.0.1:8000, 10.0.0.2:8000"\n';
    const hit = run([
      { name: 'app.conf', text: withLog },
      { name: 'access.log', text: access, kind: 'log' },
    ]).findings.find((f) => f.rule === RULE)!;
    expect(hit.evidence.filter((e) => e.file === 'access.log').map((e) => e.line)).toEqual([1]);
  });
});

describe('retry-policy on the real configs of the corpus', () => {
  it('fires only where expected; applied fixes pass nginx -t and leave nothing behind', () => {
    checkCorpus('retry-policy', {
      'IBM__mcp-context-forge__infra__nginx__nginx.conf': 'unsafe',
      'discourse__discourse__config__nginx.sample.conf': 'unsafe',
    });
  });
});
