/**
 * worker-recycle on pooled connections, the finding that explains 502s: gthread workers that
 * recycle while nginx pools connections to them drop requests next to their restart lines (the
 * lab measured it, and that jitter does not help); opting in removes the pool, which nginx -t
 * accepts. Without a pool, or with sync workers or no recycling, there is no such finding.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';

const RULE = 'worker-recycle';

describe('worker-recycle: pooled connections', () => {
  const pooledSite = `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
    keepalive_timeout 30s;
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
`;
  const gthread =
    'bind = "127.0.0.1:8000"\nworkers = 4\nworker_class = "gthread"\nthreads = 4\nkeepalive = 75\nmax_requests = 1000\n';
  const restarts: SourceFile = {
    name: 'gunicorn.log',
    text: [
      '[2024-05-02 10:15:01 +0000] [7] [INFO] Autorestarting worker after current request.',
      '[2024-05-02 10:15:01 +0000] [9] [INFO] Autorestarting worker after current request.',
      '[2024-05-02 10:15:02 +0000] [7] [INFO] Worker exiting (pid: 7)',
    ].join('\n'),
  };
  const drops: SourceFile = {
    name: 'error.log',
    text: [
      '2024/05/02 10:15:02 [error] 31#31: *8812 upstream prematurely closed connection while reading response header from upstream, client: 10.1.2.3, server: _, request: "GET /api/items HTTP/1.1", upstream: "http://127.0.0.1:8000/api/items", host: "shop.example.com"',
      '2024/05/02 10:15:02 [error] 31#31: *8815 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.1.2.4, server: _, request: "POST /api/cart HTTP/1.1", upstream: "http://127.0.0.1:8000/api/cart", host: "shop.example.com"',
      // Another upstream's failure is not this backend's.
      '2024/05/02 10:15:02 [error] 31#31: *8816 connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.2.5, server: _, request: "GET /x HTTP/1.1", upstream: "http://10.9.9.9:9000/x", host: "shop.example.com"',
      // An hour later: no restart near it.
      '2024/05/02 11:20:00 [error] 31#31: *9900 upstream prematurely closed connection while reading response header from upstream, client: 10.1.2.9, server: _, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "shop.example.com"',
    ].join('\n'),
  };

  it('pooled connections to recycling gthread workers: explains the drops next to restarts', () => {
    const files: SourceFile[] = [
      { name: 'gunicorn.conf.py', text: gthread },
      { name: 'site.conf', text: pooledSite },
      restarts,
      drops,
    ];
    const report = analyze(files, { nginxVersion: '1.22.1' });
    const hit = report.findings[0]!;
    expect(hit.rule).toBe(RULE);
    expect(hit.title).toMatch(/drop the connections nginx pools/);
    expect(hit.confidence).toBeGreaterThan(0.5);
    expect(hit.compared!.map((c) => [c.setting, c.value, c.source])).toEqual([
      ['max_requests', '1000', 'gunicorn.conf.py:6'],
      ['keepalive', 'keepalive 16', 'site.conf:3'],
      ['keepalive', '75s', 'gunicorn.conf.py:5'],
    ]);
    const cited = hit.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining([
        'gunicorn.conf.py:6',
        'site.conf:3',
        'gunicorn.log:1',
        'gunicorn.log:2',
        'error.log:1',
        'error.log:2',
      ]),
    );
    expect(cited).not.toContain('error.log:3');
    expect(cited).not.toContain('error.log:4');
    expect(hit.message).toMatch(/2 nginx failure\(s\)/);
    // Removing the pool is opt-in; jitter (the other finding) is a risk beside these drops,
    // so it is not in the default change either.
    expect(hit.fix).toMatchObject({ safety: 'unsafe', applied: false });
    expect(report.fixed).toEqual([]);
  });

  it('opting in removes the pool (and its keepalive_* lines); nginx accepts the result', () => {
    const files: SourceFile[] = [
      { name: 'gunicorn.conf.py', text: gthread },
      { name: 'site.conf', text: pooledSite },
      restarts,
      drops,
    ];
    const report = analyze(files, { nginxVersion: '1.22.1', unsafe: true });
    const output = pooledSite.replace('    keepalive 16;\n    keepalive_timeout 30s;\n', '');
    expect(report.fixed.find((f) => f.name === 'site.conf')!.text).toBe(output);
    const again = analyze(
      [
        { name: 'gunicorn.conf.py', text: gthread },
        { name: 'site.conf', text: output },
        restarts,
        drops,
      ],
      { nginxVersion: '1.22.1' },
    );
    expect(again.findings.filter((f) => f.title.includes('pools'))).toEqual([]);
    if (!nginxMissing) {
      const result = nginxTest([{ name: 'site.conf', text: output }]);
      expect(result.ok, result.output).toBe(true);
    }
  });

  it('without a pool the restarts explain no failure (the lab: nothing is lost then)', () => {
    const site = pooledSite.replace('    keepalive 16;\n    keepalive_timeout 30s;\n', '');
    const report = analyze(
      [
        { name: 'gunicorn.conf.py', text: gthread },
        { name: 'site.conf', text: site },
        restarts,
        drops,
      ],
      { nginxVersion: '1.22.1' },
    );
    const hits = report.findings.filter((f) => f.rule === RULE);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.confidence).toBeLessThan(0.5);
  });

  const poolValid: { name: string; gunicorn: string; site: string }[] = [
    {
      name: 'sync workers close every connection: nothing sits in the pool',
      gunicorn:
        'bind = "127.0.0.1:8000"\nworkers = 4\nmax_requests = 1000\nmax_requests_jitter = 100\n',
      site: pooledSite,
    },
    {
      name: 'gthread workers that never recycle',
      gunicorn: gthread.replace('max_requests = 1000\n', ''),
      site: pooledSite,
    },
    {
      name: 'a pool HTTP/1.0 cannot use (keepalive-inert territory)',
      gunicorn: gthread,
      site: pooledSite.replace('        proxy_http_version 1.1;\n', ''),
    },
  ];
  for (const c of poolValid) {
    it(`no pooled-recycle finding: ${c.name}`, () => {
      const found = analyze(
        [
          { name: 'gunicorn.conf.py', text: c.gunicorn },
          { name: 'site.conf', text: c.site },
          restarts,
          drops,
        ],
        { nginxVersion: '1.22.1' },
      ).findings.filter((f) => f.rule === RULE && f.title.includes('pools'));
      expect(found).toEqual([]);
    });
  }

  it('restart lines alone (no nginx failure near them) do not make it the explanation', () => {
    const report = analyze(
      [
        { name: 'gunicorn.conf.py', text: 'workers = 4\nmax_requests = 1000\n' },
        {
          name: 'gunicorn.log',
          text: '[2024-05-02 10:15:01 +0000] [7] [INFO] Autorestarting worker after current request.\n',
        },
      ],
      { nginxVersion: '1.22.1' },
    );
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.confidence).toBeLessThan(0.5);
    expect(hit.evidence.map((e) => `${e.file}:${e.line}`)).toContain('gunicorn.log:1');
  });
});
