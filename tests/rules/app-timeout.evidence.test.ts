/**
 * app-timeout on evidence: which log lines it explains (the app's kills and the 502s right
 * after them, never unrelated failures), how it ranks without logs, ingress-nginx's
 * proxy-read-timeout as the wait to outlast, and a property test against an independent
 * oracle of the condition (sync worker limit not above nginx's wait) whose fix clears it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';

const RULE = 'app-timeout';
const V = '1.22.1';
const ofRule = (files: SourceFile[]) =>
  analyze(files, { nginxVersion: V, unsafe: true }).findings.filter((f) => f.rule === RULE);
const site = (pass: string, extra = '') =>
  `server {\n    listen 80;\n    server_name shop.example.com;\n    location / {\n        ${pass};\n${extra}    }\n}\n`;

describe('app-timeout: evidence, ingress-nginx, properties', () => {
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
    const report = analyze(
      [
        { name: 'gunicorn.conf.py', text: 'bind = "127.0.0.1:8000"\nworkers = 4\n' },
        { name: 'site.conf', text: site('proxy_pass http://127.0.0.1:8000') },
      ],
      { nginxVersion: V },
    );
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.confidence).toBeLessThan(0.5);
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
