/**
 * keepalive-race between a load balancer and the app server it sends to directly — an AWS Load
 * Balancer Controller Ingress (its ALB targets the pods), or a balancer with no nginx pasted
 * behind it: gunicorn's threaded workers close idle connections after 2 s, uvicorn and Node
 * after 5 s, the ALB keeps them 60 s. The exact fixed files (the app server's keep-alive raised
 * above the balancer's idle timeout), their re-analysis, the balancer's log lines claimed, and
 * near misses.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { collectFronts } from '../../workers/engine/topology/fronts.ts';
import { detectKind } from '../../workers/engine/formats/detect.ts';
import { parseInput } from '../../workers/engine/pipeline/parse.ts';

/** The parsed files, as the topology gets them. */
const analyzeFiles = (files: SourceFile[]) =>
  files.map((f) => parseInput({ ...f, kind: detectKind(f.name, f.text).kind } as never)!);

const RULE = 'keepalive-race';
const race = (files: SourceFile[]) => analyze(files).findings.filter((f) => f.rule === RULE);

const tf = (body = '') => ({
  name: 'infra/main.tf',
  text: `resource "aws_lb" "web" {\n  name               = "prod-web"\n  load_balancer_type = "application"\n${body}}\n`,
});
const gthread = (extra = '') => ({
  name: 'gunicorn.conf.py',
  text: `bind = "0.0.0.0:8000"\nworkers = 4\nworker_class = "gthread"\n${extra}`,
});
/** An ALB access log line AWS writes when the target closed the connection: 502, target "-". */
const albLine = (time: string, path: string) =>
  `http ${time} app/prod-web/50dc6c495c0c9188 203.0.113.7:51522 10.0.1.23:8000 0.000 -1 -1 502 - 912 272 "POST https://api.example.com:443${path} HTTP/1.1" "curl/8.5.0" - - arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "api.example.com" "-" 0 ${time} "forward" "-" "-" "10.0.1.23:8000" "-" "-" "-"`;
const LOG = {
  name: 'alb.log',
  text: [
    albLine('2026-12-01T10:15:03.123456Z', '/orders'),
    albLine('2026-12-01T10:41:55.004000Z', '/payments'),
  ].join('\n'),
};

/** This rule's fixed file (the pods' stop handling is deploy-termination's: its fix is off). */
function fixedAndClean(files: SourceFile[], name: string): string {
  const report = analyze(files, { disabledFixes: ['deploy-termination'] });
  expect(report.findings.find((f) => f.rule === RULE)?.fix).toMatchObject({
    safety: 'safe',
    applied: true,
  });
  const fixed = report.fixed.find((f) => f.name === name)!.text;
  const again = files.map((f) => (f.name === name ? { ...f, text: fixed } : f));
  expect(race(again)).toEqual([]);
  return fixed;
}

describe('keepalive-race: a load balancer sending straight to the app server', () => {
  it('Terraform ALB (60 s by default) before gunicorn gthread (keepalive 2 s): keepalive = 65, the 502s claimed', () => {
    const files = [tf(), gthread(), LOG];
    const [hit] = race(files);
    expect(hit!.title).toBe(
      'The load balancer reuses connections the app server has already closed',
    );
    expect(hit!.compared!.map((c) => [c.setting, c.value])).toEqual([
      ['idle_timeout', '60 s'],
      ['keepalive', '2s'],
    ]);
    expect(hit!.explains).toBe(2);
    // The default is shown on the line that makes it matter: the worker class.
    expect(hit!.evidence).toContainEqual(
      expect.objectContaining({ file: 'gunicorn.conf.py', line: 3 }),
    );
    expect(fixedAndClean(files, 'gunicorn.conf.py')).toBe(`${gthread().text}keepalive = 65\n`);
  });

  it('idle_timeout 120 before uvicorn in a Dockerfile (exec form): --timeout-keep-alive 125', () => {
    const docker = {
      name: 'Dockerfile',
      text: 'FROM python:3.12-slim\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
    };
    const files = [tf('  idle_timeout       = 120\n'), docker];
    expect(fixedAndClean(files, 'Dockerfile')).toBe(
      'FROM python:3.12-slim\nCMD ["uvicorn", "--timeout-keep-alive", "125", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]\n',
    );
  });

  it('hypercorn: keep_alive_timeout = 65 in its TOML file; a lower read_timeout is raised with it', () => {
    const toml = {
      name: 'hypercorn.toml',
      text: 'bind = ["0.0.0.0:8000"]\nread_timeout = 30\n\n[logconfig_dict]\nversion = 1\n',
    };
    expect(fixedAndClean([tf(), toml], 'hypercorn.toml')).toBe(
      'bind = ["0.0.0.0:8000"]\nread_timeout = 65\nkeep_alive_timeout = 65\n\n[logconfig_dict]\nversion = 1\n',
    );
  });

  it('Apache httpd: KeepAliveTimeout 65 (a bare number: Apache reads seconds) where it is written', () => {
    const conf = {
      name: 'httpd.conf',
      text: 'ServerRoot "/etc/httpd"\nListen 8000\nKeepAlive On\nKeepAliveTimeout 300ms\n',
    };
    const [hit] = race([tf(), conf]);
    expect(hit!.fix!.description).toContain('Set KeepAliveTimeout 65 in Apache httpd');
    expect(fixedAndClean([tf(), conf], 'httpd.conf')).toBe(
      conf.text.replace('KeepAliveTimeout 300ms', 'KeepAliveTimeout 65'),
    );
  });

  it('a Node server: keepAliveTimeout 65000 and headersTimeout above it', () => {
    const server = {
      name: 'server.js',
      text: "const http = require('http');\nconst server = http.createServer((req, res) => res.end('ok'));\nserver.listen(8000);\n",
    };
    expect(fixedAndClean([tf(), server], 'server.js')).toBe(
      server.text.replace(
        'server.listen',
        'server.keepAliveTimeout = 65000;\nserver.headersTimeout = 66000;\nserver.listen',
      ),
    );
  });

  const manifest = (annotations: string, command: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations:
${annotations}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: api
                port:
                  number: 80
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
    - port: 80
      targetPort: 8000
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: api:1
          command: ${command}
`;
  const ALB = '    alb.ingress.kubernetes.io/target-type: ip';
  const IDLE =
    '    alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=300';

  it('an ALB Ingress (idle_timeout.timeout_seconds=300) before uvicorn in the pods: the container command', () => {
    const text = manifest(`${ALB}\n${IDLE}`, '["uvicorn", "app.main:app", "--port", "8000"]');
    const [hit] = race([{ name: 'k8s.yaml', text }]);
    expect(hit!.compared!.map((c) => [c.setting, c.value])).toEqual([
      ['idle_timeout.timeout_seconds', '300 s'],
      ['timeout_keep_alive', '5s'],
    ]);
    expect(hit!.evidence[0]).toMatchObject({ file: 'k8s.yaml', line: 7 });
    expect(fixedAndClean([{ name: 'k8s.yaml', text }], 'k8s.yaml')).toBe(
      manifest(
        `${ALB}\n${IDLE}`,
        '["uvicorn", "--timeout-keep-alive", "305", "app.main:app", "--port", "8000"]',
      ),
    );
  });

  it('an ALB Ingress before hypercorn in the pods: --keep-alive 305 in the container command', () => {
    const text = manifest(`${ALB}\n${IDLE}`, '["hypercorn", "--bind", "0.0.0.0:8000", "app:app"]');
    const [hit] = race([{ name: 'k8s.yaml', text }]);
    expect(hit!.compared!.map((c) => [c.setting, c.value])).toEqual([
      ['idle_timeout.timeout_seconds', '300 s'],
      ['keep_alive_timeout', '5s'],
    ]);
    expect(fixedAndClean([{ name: 'k8s.yaml', text }], 'k8s.yaml')).toBe(
      manifest(
        `${ALB}\n${IDLE}`,
        '["hypercorn", "--keep-alive", "305", "--bind", "0.0.0.0:8000", "app:app"]',
      ),
    );
  });

  it('an ALB Ingress on the default 60 s before gunicorn -k gthread in the pods: --keep-alive 65', () => {
    const text = manifest(ALB, '["gunicorn", "-k", "gthread", "-b", "0.0.0.0:8000", "app:app"]');
    expect(fixedAndClean([{ name: 'k8s.yaml', text }], 'k8s.yaml')).toBe(
      manifest(
        ALB,
        '["gunicorn", "--keep-alive", "65", "-k", "gthread", "-b", "0.0.0.0:8000", "app:app"]',
      ),
    );
  });

  it('a GKE Ingress (class gce): the Google Cloud balancer keeps connections 600 s; --keep-alive 605, the BackendConfig timeout read', () => {
    const gke = (command: string, className = '    kubernetes.io/ingress.class: gce') =>
      manifest(className, command).replace(
        '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n',
        '---\napiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: api-backend\nspec:\n  timeoutSec: 120\n' +
          '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  annotations:\n    cloud.google.com/backend-config: \'{"default": "api-backend"}\'\n',
      );
    const command = '["gunicorn", "-k", "gevent", "-b", "0.0.0.0:8000", "app:app"]';
    const text = gke(command);
    const [hit] = race([{ name: 'k8s.yaml', text }]);
    expect(hit!.message).toContain('Google Cloud load balancer of Ingress api');
    expect(hit!.message).toContain('backend_connection_closed_before_data_sent_to_client');
    expect(hit!.compared!.map((c) => [c.setting, c.value])).toEqual([
      ['keep-alive timeout', '600 s'],
      ['keepalive', '2s'],
    ]);
    expect(fixedAndClean([{ name: 'k8s.yaml', text }], 'k8s.yaml')).toBe(
      gke('["gunicorn", "--keep-alive", "605", "-k", "gevent", "-b", "0.0.0.0:8000", "app:app"]'),
    );
    const [front] = collectFronts(analyzeFiles([{ name: 'k8s.yaml', text }]));
    expect(front!.wait).toMatchObject({
      value: { value: '120', source: { file: 'k8s.yaml', line: 24 } },
      setting: 'timeoutSec',
    });
    // Without a BackendConfig, GKE's 30 s.
    const [plain] = collectFronts(
      analyzeFiles([
        { name: 'k8s.yaml', text: manifest('    kubernetes.io/ingress.class: gce', command) },
      ]),
    );
    expect(plain!.wait!.value.value).toBe('30');
  });

  describe('near misses', () => {
    it("gunicorn's sync worker closes after every response: nothing is reused", () => {
      const sync = { name: 'gunicorn.conf.py', text: 'bind = "0.0.0.0:8000"\nworkers = 4\n' };
      expect(race([tf(), sync, LOG])).toEqual([]);
    });
    it('keepalive = 75 already outlasts the ALB’s 60 s', () => {
      expect(race([tf(), gthread('keepalive = 75\n')])).toEqual([]);
    });
    it('a Network Load Balancer has no HTTP idle timeout of this kind', () => {
      const nlb = {
        name: 'infra/main.tf',
        text: 'resource "aws_lb" "web" {\n  load_balancer_type = "network"\n}\n',
      };
      expect(race([nlb, gthread()])).toEqual([]);
    });
    it('with nginx pasted the balancer talks to nginx: its keepalive_timeout is compared, not gunicorn’s', () => {
      const nginx = {
        name: 'nginx.conf',
        text: 'events {}\nhttp {\n    keepalive_timeout 30s;\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://127.0.0.1:8000;\n        }\n    }\n}\n',
      };
      const hits = race([nginx, tf(), gthread()]);
      expect(hits.map((h) => h.title)).toEqual([
        'The load balancer reuses connections nginx has already closed',
      ]);
      expect(analyze([nginx, tf(), gthread()]).fixed.map((f) => f.name)).toEqual(['nginx.conf']);
    });
    it('an Ingress of ingress-nginx is not an ALB, and an ALB Ingress whose Service selects no pods reaches no app server', () => {
      const nginxClass = manifest(
        '    kubernetes.io/ingress.class: nginx',
        '["uvicorn", "app.main:app"]',
      );
      expect(
        race([{ name: 'k8s.yaml', text: nginxClass }]).filter((h) => h.key?.includes('front')),
      ).toEqual([]);
      const orphan = manifest(ALB, '["uvicorn", "app.main:app"]').replace(
        '    app: api\n  ports',
        '    app: other\n  ports',
      );
      expect(race([{ name: 'k8s.yaml', text: orphan }])).toEqual([]);
    });
  });
});
