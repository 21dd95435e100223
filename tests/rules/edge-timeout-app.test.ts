/**
 * edge-timeout where the balancer sends straight to the app server: its wait for a response
 * (GKE's backend service timeout, 30 s by default; an ALB's idle timeout) against the app
 * server's own request limit. The exact fixed BackendConfig, re-analysed; advice where the
 * wait lives in no pasted file or is an AWS idle timeout; near misses.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';

const lineOf = (text: string, part: string) =>
  text.split('\n').findIndex((l) => l.includes(part)) + 1;
const ours = (files: SourceFile[]) =>
  analyze(files).findings.filter((f) => f.rule === 'edge-timeout');

const gke = (
  backendConfig: string,
  gunicorn = '"--timeout", "120"',
) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: reports
  annotations:
    kubernetes.io/ingress.class: gce
spec:
  defaultBackend:
    service:
      name: reports
      port:
        number: 80
---
apiVersion: v1
kind: Service
metadata:
  name: reports
  annotations:
    cloud.google.com/backend-config: '{"default": "reports-backend"}'
spec:
  selector:
    app: reports
  ports:
    - port: 80
      targetPort: 8000
${backendConfig}---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reports
spec:
  selector:
    matchLabels:
      app: reports
  template:
    metadata:
      labels:
        app: reports
    spec:
      terminationGracePeriodSeconds: 60
      containers:
        - name: app
          image: reports:7
          command: ["gunicorn", "-b", "0.0.0.0:8000", ${gunicorn}, "reports.wsgi"]
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "10"]
`;
const CONFIG = (spec: string) =>
  `---\napiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: reports-backend\nspec:\n${spec}`;

describe('edge-timeout: a balancer sending straight to the app server', () => {
  it('GKE’s default 30 s before gunicorn’s 120 s: timeoutSec 125 in the pasted BackendConfig', () => {
    const text = gke(CONFIG('  connectionDraining:\n    drainingTimeoutSec: 30\n'));
    const [hit] = ours([{ name: 'k8s.yaml', text }]);
    expect(hit!.title).toBe('The load balancer gives up before the app server does');
    expect(hit!.compared!.map((c) => [c.setting, c.value, c.source])).toEqual([
      ['timeoutSec', '30 s', 'GKE default (backend service timeout, 30 s)'],
      ['timeout', '120 s', `k8s.yaml:${lineOf(text, '"--timeout"')}`],
    ]);
    expect(hit!.fix).toMatchObject({ safety: 'safe', applied: true });
    const fixed = analyze([{ name: 'k8s.yaml', text }]).fixed[0]!.text;
    expect(fixed).toBe(
      gke(CONFIG('  connectionDraining:\n    drainingTimeoutSec: 30\n  timeoutSec: 125\n')),
    );
    expect(ours([{ name: 'k8s.yaml', text: fixed }])).toEqual([]);
  });

  it('a BackendConfig’s own timeoutSec 60 is replaced in place', () => {
    const text = gke(CONFIG('  timeoutSec: 60\n'));
    const fixed = analyze([{ name: 'k8s.yaml', text }]).fixed[0]!.text;
    expect(fixed).toBe(gke(CONFIG('  timeoutSec: 125\n')));
  });

  it('no BackendConfig pasted: said, not made', () => {
    const [hit] = ours([{ name: 'k8s.yaml', text: gke('') }]);
    expect(hit!.fix).toMatchObject({ safety: 'manual', applied: false });
    expect(hit!.fix!.description).toContain('above 120 s');
  });

  it('an ALB (60 s) before gunicorn’s sync 120 s: advice, and the ALB’s no-answer 504s claimed', () => {
    const files = [
      {
        name: 'main.tf',
        text: 'resource "aws_lb" "reports" {\n  load_balancer_type = "application"\n}\n',
      },
      { name: 'gunicorn.conf.py', text: 'bind = "0.0.0.0:8000"\ntimeout = 120\n' },
      {
        name: 'alb.log',
        text: 'http 2026-12-07T10:00:00.000000Z app/reports/50dc6c495c0c9188 203.0.113.7:51522 10.0.1.23:8000 0.000 -1 -1 504 - 412 202 "GET http://reports.example.com:80/export HTTP/1.1" "curl/8.5.0" - - arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/reports/73e2d6bc24d8a067 "Root=1-5833-36d2" "-" "-" 0 2026-12-07T09:59:00.000000Z "forward" "-" "-" "10.0.1.23:8000" "-" "-" "-"\n',
      },
    ];
    const [hit] = ours(files);
    expect(hit!.role).toBe('cause');
    expect(hit!.explains).toBe(1);
    expect(hit!.fix).toMatchObject({ safety: 'manual' });
  });

  describe('near misses', () => {
    it('gunicorn’s gthread timeout is a heartbeat, not a request limit', () => {
      expect(
        ours([{ name: 'k8s.yaml', text: gke('', '"-k", "gthread", "--timeout", "120"') }]),
      ).toEqual([]);
    });
    it('a limit under the balancer’s wait: the app gives up first', () => {
      expect(ours([{ name: 'k8s.yaml', text: gke('', '"--timeout", "25"') }])).toEqual([]);
    });
    it('with nginx pasted the balancer talks to nginx: its read timeouts are compared instead', () => {
      const hits = ours([
        {
          name: 'nginx.conf',
          text: 'events {}\nhttp {\n    server {\n        location / {\n            proxy_pass http://127.0.0.1:8000;\n        }\n    }\n}\n',
        },
        { name: 'main.tf', text: 'resource "aws_lb" "x" {\n  idle_timeout = 300\n}\n' },
        { name: 'gunicorn.conf.py', text: 'timeout = 600\n' },
      ]);
      expect(hits.map((h) => h.title)).toEqual([]);
    });
  });
});
