/**
 * keepalive-race through ingress-nginx: Ingress → Service → Deployment running gunicorn. The
 * controller's pool (upstream-keepalive-timeout, 60 s by default) against the app server's idle
 * timeout; the fix goes into the ingress-nginx ConfigMap when it is pasted, else raises the app
 * server's keepalive on the container's command line. Exact outputs, re-analysed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze as analyzeAll } from '../../workers/engine/analyze.ts';
import { rules } from '../../workers/engine/rules/index.ts';
import { webDeployment } from './lib/deployment.ts';
import type { SourceFile } from '../../workers/engine/model.ts';

const RULE = 'keepalive-race';
// Only this rule's fixes: other rules (deploy-termination, …) may fix the same manifests.
const analyze = (files: SourceFile[]) =>
  analyzeAll(files, { disabledFixes: rules.map((r) => r.meta.id).filter((id) => id !== RULE) });

const manifest = (opts: { command?: string; className?: string } = {}) => `${webDeployment(
  opts.command ??
    '["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--threads", "8"]',
)}---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8000
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: ${opts.className ?? 'nginx'}
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
`;

const configMap = (extra = '') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
data:
  proxy-body-size: "20m"${extra}
`;

const LOG = {
  name: 'controller.log',
  text: '2026/11/21 07:56:13 [error] 41#41: *8812 upstream prematurely closed connection while reading response header from upstream, client: 10.2.0.7, server: shop.example.com, request: "POST /cart HTTP/1.1", upstream: "http://10.244.1.17:8000/cart", host: "shop.example.com"\n',
};

const hitsOf = (files: SourceFile[]) => analyze(files).findings.filter((f) => f.rule === RULE);

describe('keepalive-race through ingress-nginx', () => {
  it('with the ConfigMap pasted: upstream-keepalive-timeout goes below gunicorn keepalive', () => {
    const files = [
      { name: 'web.yaml', text: manifest() },
      { name: 'ingress-nginx.yaml', text: configMap() },
      LOG,
    ];
    const report = analyze(files);
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.compared!.map((c) => `${c.setting}=${c.value}`)).toEqual([
      'upstream-keepalive-connections=320',
      'upstream-keepalive-timeout=60s',
      'keepalive=2s',
    ]);
    expect(hit.evidence.filter((e) => e.file === 'controller.log').map((e) => e.line)).toEqual([1]);
    expect(hit.fix).toMatchObject({ safety: 'safe', applied: true });
    expect(report.fixed.map((f) => [f.name, f.text])).toEqual([
      ['ingress-nginx.yaml', configMap('\n  upstream-keepalive-timeout: "1"')],
    ]);
    const again = analyze([files[0]!, { ...files[1]!, text: report.fixed[0]!.text }, LOG]);
    expect(again.findings.filter((f) => f.rule === RULE)).toEqual([]);
  });

  it("without it: gunicorn's keepalive is raised on the container's command line", () => {
    const report = analyze([{ name: 'web.yaml', text: manifest() }, LOG]);
    expect(report.fixed.map((f) => f.name)).toEqual(['web.yaml']);
    const expected = manifest({
      command:
        '["gunicorn", "--keep-alive", "65", "shop.wsgi", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--threads", "8"]',
    });
    expect(report.fixed[0]!.text).toBe(expected);
    expect(hitsOf([{ name: 'web.yaml', text: expected }, LOG])).toEqual([]);
  });

  it('does not trigger for another ingress class, a disabled pool, a sync worker or a shorter controller timeout', () => {
    expect(hitsOf([{ name: 'web.yaml', text: manifest({ className: 'traefik' }) }])).toEqual([]);
    expect(
      hitsOf([
        { name: 'web.yaml', text: manifest() },
        { name: 'cm.yaml', text: configMap('\n  upstream-keepalive-connections: "0"') },
      ]),
    ).toEqual([]);
    expect(
      hitsOf([
        {
          name: 'web.yaml',
          text: manifest({ command: '["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000"]' }),
        },
      ]),
    ).toEqual([]);
    expect(
      hitsOf([
        { name: 'web.yaml', text: manifest() },
        { name: 'cm.yaml', text: configMap('\n  upstream-keepalive-timeout: "1"') },
      ]),
    ).toEqual([]);
  });
  it("a pasted gunicorn.conf.py gets keepalive = 65, and Debian's python3 compiles it", () => {
    const conf = {
      name: 'gunicorn.conf.py',
      text: 'bind = "0.0.0.0:8000"\nworker_class = "gthread"\nthreads = 8\n',
    };
    const command = '["gunicorn", "-c", "/etc/gunicorn/gunicorn.conf.py", "shop.wsgi"]';
    const report = analyze([{ name: 'web.yaml', text: manifest({ command }) }, conf]);
    expect(report.fixed.map((f) => [f.name, f.text])).toEqual([
      ['gunicorn.conf.py', `${conf.text}keepalive = 65\n`],
    ]);
    expect(
      compiles('/usr/bin/python3', ['-m', 'py_compile'], 'gunicorn.conf.py', report.fixed[0]!.text),
    ).toBe(true);
  });

  it('a Node server behind the Service gets keepAliveTimeout and headersTimeout above 60 s; node --check accepts it', () => {
    const server = {
      name: 'server.js',
      text: "const http = require('http');\nconst server = http.createServer((req, res) => res.end('ok'));\nserver.listen(8000);\n",
    };
    const command = '["node", "server.js"]';
    const report = analyze([{ name: 'web.yaml', text: manifest({ command }) }, server]);
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.compared!.at(-1)).toMatchObject({ setting: 'keepAliveTimeout', value: '5000 ms' });
    expect(report.fixed.map((f) => [f.name, f.text])).toEqual([
      [
        'server.js',
        server.text.replace(
          'server.listen',
          'server.keepAliveTimeout = 65000;\nserver.headersTimeout = 66000;\nserver.listen',
        ),
      ],
    ]);
    expect(compiles(process.execPath, ['--check'], 'server.js', report.fixed[0]!.text)).toBe(true);
  });

  it("a Puma app behind the Service gets persistent_timeout above the controller's 60 s", () => {
    const pumaRb = {
      name: 'config/puma.rb',
      text: 'workers 2\nthreads 5, 5\nport ENV.fetch("PORT") { 8000 }\n',
    };
    const command = '["bundle", "exec", "puma", "-C", "config/puma.rb"]';
    const report = analyze([{ name: 'web.yaml', text: manifest({ command }) }, pumaRb, LOG]);
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.compared!.at(-1)).toMatchObject({ setting: 'persistent_timeout', value: '20s' });
    expect(report.fixed.map((f) => [f.name, f.text])).toEqual([
      ['config/puma.rb', `${pumaRb.text}persistent_timeout 65\n`],
    ]);
    expect(
      hitsOf([{ name: 'web.yaml', text: manifest({ command }) }, report.fixed[0]!, LOG]),
    ).toEqual([]);
  });
});

function compiles(program: string, args: string[], name: string, text: string): boolean {
  if (!existsSync(program)) return true;
  const dir = mkdtempSync(join(tmpdir(), 'ka-ingress-'));
  try {
    writeFileSync(join(dir, name), text);
    return spawnSync(program, [...args, join(dir, name)], { encoding: 'utf8' }).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
