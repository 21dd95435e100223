import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Lexer } from 'yaml';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import {
  handler,
  kubernetesIngresses,
  kubernetesIngressNginx,
  kubernetesServices,
  kubernetesWorkloads,
  type KubernetesTree,
} from '../../workers/engine/formats/kubernetes/index.ts';
import {
  addPreStopHook,
  setContainerField,
  setIngressAnnotation,
  setIngressNginxConfig,
  setTerminationGracePeriod,
} from '../../workers/engine/formats/kubernetes/edit.ts';
import { setContainerGunicornSetting } from '../../workers/engine/formats/kubernetes/edit-args.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import { corpusFiles } from './corpus.ts';

const parse = (text: string, name = 'deploy.yaml') =>
  handler.parse(name, text) as ParsedFile<KubernetesTree>;
const files = corpusFiles('k8s');
const corpus = (prefix: string) => files.find((f) => f.name.startsWith(prefix))!;
const comments = (text: string) =>
  Array.from(new Lexer().lex(text)).filter((t) => t.startsWith('#'));

describe('Kubernetes corpus', () => {
  it('has files', () => expect(files.length).toBeGreaterThan(10));
  for (const f of files) {
    it(`round-trips ${f.name} and is detected`, () => {
      const p = handler.parse(f.name, f.text);
      expect(p.print()).toBe(f.text);
      expect(p.errors).toEqual([]);
      expect(handler.detect(f.name, f.text)).toBeGreaterThan(0.5);
    });
  }
  it('finds workloads across documents with grace periods (explicit and default)', () => {
    const f = corpus('GoogleCloudPlatform__microservices-demo__release');
    const ws = kubernetesWorkloads(parse(f.text, f.name));
    const ad = ws.find((w) => w.name === 'adservice')!;
    expect(ad.kind).toBe('Deployment');
    expect(ad.terminationGracePeriodSeconds.value).toBe('5');
    expect(
      f.text.split('\n')[(ad.terminationGracePeriodSeconds.source as { line: number }).line - 1],
    ).toContain('terminationGracePeriodSeconds: 5');
    const redis = ws.find((w) => w.name === 'redis-cart')!;
    expect(redis.terminationGracePeriodSeconds).toMatchObject({
      value: '30',
      source: { default: expect.stringContaining('Kubernetes') },
    });
    expect(redis.containers[0]!.memoryLimit.value).toBe('256Mi');
  });
  it('reads preStop hooks and the ingress-nginx ConfigMap', () => {
    const f = corpus('kubernetes__ingress-nginx__deploy__static');
    const p = parse(f.text, f.name);
    const ctl = kubernetesWorkloads(p).find((w) => w.name === 'ingress-nginx-controller')!;
    expect(ctl.containers[0]!.preStop).toMatchObject({
      action: 'exec',
      command: ['/wait-shutdown'],
      seconds: null,
    });
    expect(ctl.terminationGracePeriodSeconds.value).toBe('300');
    const g = kubernetesIngressNginx(p);
    expect(g['proxy-read-timeout']).toMatchObject({
      value: '60',
      source: { default: expect.stringContaining('ingress-nginx') },
    });
    expect(g['upstream-keepalive-timeout']!.value).toBe('60');
    const lc = corpus('kubernetes__website');
    const pod = kubernetesWorkloads(parse(lc.text, lc.name))[0]!;
    expect(pod.containers[0]!.preStop).toMatchObject({ action: 'exec', seconds: null, line: 22 });
  });
});

const GUNICORN_DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # the API
spec:
  template:
    spec:
      containers:
        - name: app
          image: example/app:1
          command: ["gunicorn"]
          args: ["--workers", "$(WORKERS)", "--timeout", "120", "--bind", "0.0.0.0:$(PORT)", "app:app"]
          env:
            - name: WORKERS
              value: "4"
            - name: GUNICORN_CMD_ARGS
              value: "--keep-alive 5 --timeout 10"
            - name: SECRET
              valueFrom:
                secretKeyRef: {name: s, key: k}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ingress-nginx-controller
data:
  proxy-read-timeout: "30"
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: "300"
spec:
  ingressClassName: nginx
  rules:
    - host: api.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 8000
`;

describe('Kubernetes services, ports and lists', () => {
  it('maps Service ports to targetPorts and container ports, and reads kind: List items', () => {
    const y = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      selector: {app: web}
      ports:
        - port: 80
          targetPort: http
        - port: 8443
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
            - name: app
              ports:
                - {name: http, containerPort: 8000}
`;
    const p = parse(y);
    expect(kubernetesServices(p)).toMatchObject([
      {
        name: 'web',
        selector: { app: 'web' },
        ports: [
          { port: '80', targetPort: 'http', line: 10 },
          { port: '8443', targetPort: '8443', line: 12 },
        ],
      },
    ]);
    const [w] = kubernetesWorkloads(p);
    expect(w!.labels).toEqual({ app: 'web' });
    expect(w!.containers[0]!.ports).toEqual([{ name: 'http', containerPort: '8000', line: 24 }]);
  });
});

describe('Kubernetes runtime settings', () => {
  const p = parse(GUNICORN_DEPLOY);
  it('gives gunicorn settings of a container with lines in the YAML and gunicorn precedence', () => {
    const c = kubernetesWorkloads(p)[0]!.containers[0]!;
    const g = c.runtime.gunicorn!.settings;
    expect(g.timeout).toMatchObject({ value: '120', source: { line: 12, layer: 'cmdline' } });
    expect(g.keepalive).toMatchObject({ value: '5', source: { line: 17, layer: 'env' } });
    expect(g.workers!.value).toBe('4');
    expect(g.bind).toMatchObject({
      value: null,
      source: { dynamic: expect.stringContaining('PORT') },
    });
    expect(c.env.find((e) => e.name === 'SECRET')).toMatchObject({
      value: null,
      dynamic: expect.stringContaining('secretKeyRef'),
    });
    expect(
      p.settings().find((s) => s.key === 'gunicorn.timeout' && s.value === '120'),
    ).toMatchObject({ line: 12, scope: expect.stringContaining('Deployment/web > container app') });
  });
  it('reads gunicorn inside sh -c and uWSGI from args and UWSGI_* env', () => {
    const y = `kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - name: a\n    command: ["/bin/sh", "-c", "exec gunicorn -t 45 -k gthread app:app"]\n  - name: b\n    args: [uwsgi, --http-socket, ":8000", --harakiri, "20"]\n    env:\n    - name: UWSGI_BUFFER_SIZE\n      value: "32768"\n`;
    const [a, b] = kubernetesWorkloads(parse(y))[0]!.containers;
    expect(a!.runtime.gunicorn!.settings.timeout).toMatchObject({
      value: '45',
      source: { line: 6 },
    });
    expect(b!.runtime.uwsgi!.settings.harakiri).toMatchObject({ value: '20', source: { line: 8 } });
    expect(b!.runtime.uwsgi!.settings['buffer-size']).toMatchObject({
      value: '32768',
      source: { line: 11 },
    });
  });
  it('ingress annotation > ConfigMap > default', () => {
    const [ing] = kubernetesIngresses(p);
    expect(ing!.settings['proxy-read-timeout']).toMatchObject({
      value: '300',
      source: { line: 34 },
    });
    expect(ing!.settings['proxy-send-timeout']!.value).toBe('60');
    expect(ing!.backends).toEqual([
      { host: 'api.example.com', path: '/', service: 'web', port: '8000', line: 41 },
    ]);
    expect(kubernetesIngressNginx(p)['proxy-read-timeout']).toMatchObject({
      value: '30',
      source: { line: 27 },
    });
    expect(kubernetesIngressNginx(p)['upstream-keepalive-requests']!.value).toBe('10000');
  });
  it('recognises an ingress-nginx ConfigMap by its keys, not any ConfigMap', () => {
    const cm = (name: string, data: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${data}`;
    const byKeys = parse(
      cm('my-controller-config', '  proxy-read-timeout: "120"\n  keep-alive: "10"\n'),
    );
    expect(kubernetesIngressNginx(byKeys)['proxy-read-timeout']).toMatchObject({
      value: '120',
      source: { line: 6 },
    });
    const app = parse(
      cm(
        'app-settings',
        '  DATABASE_URL: x\n  proxy-read-timeout: "5"\n  LOG_LEVEL: info\n  FEATURE: on\n',
      ),
    );
    expect(kubernetesIngressNginx(app)['proxy-read-timeout']!.value).toBe('60');
  });
  it('reports YAML errors with lines and keeps the text', () => {
    const bad = 'kind: Pod\nspec:\n  containers: [\n';
    const q = parse(bad);
    expect(q.errors.length).toBeGreaterThan(0);
    expect(q.errors[0]!.line).toBeGreaterThanOrEqual(1);
    expect(q.print()).toBe(bad);
  });
});

describe('Kubernetes edits keep the house style and every comment', () => {
  const apply = (
    text: string,
    f: (p: ParsedFile<KubernetesTree>) => ReturnType<typeof addPreStopHook>,
    name = 'deploy.yaml',
  ) => applyEdits(text, f(parse(text, name)));
  it('adds a preStop hook (exec) with flow commands and 2-space indented sequences', () => {
    const out = apply(GUNICORN_DEPLOY, (p) => addPreStopHook(p, { container: 'app' }, 10));
    expect(out).toContain(
      '                secretKeyRef: {name: s, key: k}\n          lifecycle:\n            preStop:\n              exec:\n                command: ["sleep", "10"]\n---',
    );
    const c = kubernetesWorkloads(parse(out))[0]!.containers[0]!;
    expect(c.preStop).toMatchObject({ action: 'exec', seconds: 10 });
    expect(comments(out)).toEqual(comments(GUNICORN_DEPLOY));
    // Idempotent: a second application changes nothing.
    expect(addPreStopHook(parse(out), { container: 'app' }, 10)).toEqual([]);
    // A longer wait lengthens the existing sleep in place.
    const longer = apply(out, (p) => addPreStopHook(p, { container: 'app' }, 15));
    expect(longer).toContain('command: ["sleep", "15"]');
  });
  it('native sleep action, into an existing lifecycle, in a file with unindented sequences', () => {
    const y =
      'kind: Deployment\napiVersion: apps/v1\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n      - name: c  # main\n        image: x\n        lifecycle:\n          postStart:\n            exec:\n              command:\n              - echo\n';
    const out = apply(y, (p) => addPreStopHook(p, {}, 5, 'sleep'));
    expect(out).toBe(y + '          preStop:\n            sleep:\n              seconds: 5\n');
  });
  it('edits every corpus workload: re-parses, keeps comments and anchors, adds what was asked', () => {
    for (const f of files) {
      const p = parse(f.text, f.name);
      const ws = kubernetesWorkloads(p).filter((w) => w.containers.some((c) => !c.init));
      if (ws.length === 0) continue;
      const w = ws[0]!;
      const edits = [
        ...addPreStopHook(p, { workload: w.name }, 7),
        ...setTerminationGracePeriod(p, w.name, 61),
      ];
      const out = applyEdits(f.text, edits);
      const q = parse(out, f.name);
      expect(q.errors, f.name).toEqual([]);
      expect(comments(out), f.name).toEqual(comments(f.text));
      expect((out.match(/&\w+/g) ?? []).length).toBe((f.text.match(/&\w+/g) ?? []).length);
      const w2 = kubernetesWorkloads(q).find((x) => x.name === w.name && x.kind === w.kind)!;
      expect(w2.terminationGracePeriodSeconds.value, f.name).toBe('61');
      const hadHook = w.containers.find((c) => !c.init)!.preStop;
      if (!hadHook)
        expect(w2.containers.find((c) => !c.init)!.preStop, f.name).toMatchObject({ seconds: 7 });
      // Everything outside the edits is unchanged.
      expect(applyEdits(f.text, [])).toBe(f.text);
    }
  });
  it('sets ingress annotations (quoted strings), ConfigMap data (also from `data: null`) and memory limits', () => {
    const out = apply(GUNICORN_DEPLOY, (p) => [
      ...setIngressAnnotation(p, 'web', 'proxy-read-timeout', 600),
      ...setIngressAnnotation(p, 'web', 'upstream-keepalive-timeout', 30),
      ...setIngressNginxConfig(p, 'keep-alive', 10),
      ...setContainerField(p, { container: 'app' }, ['resources', 'limits', 'memory'], '512Mi'),
    ]);
    const q = parse(out);
    const ing = kubernetesIngresses(q)[0]!;
    expect(ing.settings['proxy-read-timeout']!.value).toBe('600');
    expect(ing.settings['upstream-keepalive-timeout']!.value).toBe('30');
    expect(out).toContain('nginx.ingress.kubernetes.io/upstream-keepalive-timeout: "30"');
    expect(kubernetesIngressNginx(q)['keep-alive']!.value).toBe('10');
    expect(kubernetesWorkloads(q)[0]!.containers[0]!.memoryLimit.value).toBe('512Mi');
    const f = corpus('kubernetes__ingress-nginx__deploy__static');
    const out2 = apply(
      f.text,
      (p) => setIngressNginxConfig(p, 'upstream-keepalive-timeout', 5),
      f.name,
    );
    expect(out2).toContain('data:\n  upstream-keepalive-timeout: "5"\nkind: ConfigMap');
    expect(kubernetesIngressNginx(parse(out2))['upstream-keepalive-timeout']!.value).toBe('5');
  });
  it('sets gunicorn options in container args: in place, after gunicorn, and inside sh -c', () => {
    const out = apply(GUNICORN_DEPLOY, (p) => [
      ...setContainerGunicornSetting(p, { container: 'app' }, 'timeout', 300),
      ...setContainerGunicornSetting(p, { container: 'app' }, 'keepalive', 75),
    ]);
    expect(out).toContain('command: ["gunicorn", "--keep-alive", "75"]');
    expect(out).toContain('"--timeout", "300"');
    const g = kubernetesWorkloads(parse(out))[0]!.containers[0]!.runtime.gunicorn!.settings;
    expect(g.timeout!.value).toBe('300');
    expect(g.keepalive).toMatchObject({ value: '75', source: { layer: 'cmdline' } });
    const block =
      'kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - name: a\n    args:\n    - gunicorn\n    - app:app\n';
    const b2 = apply(block, (p) => setContainerGunicornSetting(p, {}, 'timeout', 60));
    expect(b2).toBe(
      'kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - name: a\n    args:\n    - gunicorn\n    - --timeout\n    - "60"\n    - app:app\n',
    );
    const sh =
      'kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - name: a\n    command: ["sh", "-c", "exec gunicorn -t 30 app:app"]\n';
    const s2 = apply(sh, (p) => setContainerGunicornSetting(p, {}, 'timeout', 90));
    expect(s2).toContain('"exec gunicorn -t 90 app:app"');
    expect(
      kubernetesWorkloads(parse(s2))[0]!.containers[0]!.runtime.gunicorn!.settings.timeout!.value,
    ).toBe('90');
  });
  it('inserts into flow-style manifests in flow style', () => {
    const f = corpus('kubernetes__website');
    const out = apply(f.text, (p) => setTerminationGracePeriod(p, undefined, 45), f.name);
    expect(out).toContain('    }],\n    terminationGracePeriodSeconds: 45,\n  },');
    expect(kubernetesWorkloads(parse(out))[0]!.terminationGracePeriodSeconds.value).toBe('45');
  });
  it('keeps CRLF line endings', () => {
    const y =
      'kind: Pod\r\napiVersion: v1\r\nspec:\r\n  containers:\r\n  - name: a\r\n    image: b\r\n';
    const out = apply(y, (p) => addPreStopHook(p, {}, 3));
    expect(out).not.toMatch(/[^\r]\n/);
    expect(kubernetesWorkloads(parse(out))[0]!.containers[0]!.preStop!.seconds).toBe(3);
  });
});

describe('Kubernetes pathological input', () => {
  it('survives merge keys that refer to their own map (found by fuzzing)', () => {
    const p = parse('kind: Pod\nspec: &a\n  <<: *a\n  containers:\n  - name: x\n');
    expect(kubernetesWorkloads(p)[0]!.containers.map((c) => c.name)).toEqual(['x']);
    expect(addPreStopHook(p, {}, 5).length).toBe(1);
  });
  it('reports deep nesting and oversize pastes instead of throwing, and still prints the input', () => {
    const deep = 'a: ' + '['.repeat(200_000);
    const p = parse(deep);
    expect(p.print()).toBe(deep);
    expect(p.errors.length).toBeGreaterThan(0);
    const big = 'a: b\n'.repeat(1_200_000);
    const q = parse(big);
    expect(q.errors).toEqual([{ line: 1, message: expect.stringContaining('too large') }]);
    expect(q.print()).toBe(big);
    expect(kubernetesWorkloads(q)).toEqual([]);
  });
});

describe('Kubernetes parser fuzz', () => {
  const yamlish = fc.array(
    fc.constantFrom(
      'kind: Deployment',
      'kind: Pod',
      'spec:',
      'containers:',
      '- name: a',
      '  ',
      '\n',
      '---\n',
      '[',
      ']',
      '{',
      '}',
      '"',
      "'",
      '&a',
      '*a',
      '<<: *a',
      '#c',
      ': ',
      'lifecycle:',
      'preStop:',
      'command: ["gunicorn", "-t", "5"]',
      '\t',
      '|',
      '>',
    ),
    { maxLength: 60 },
  );
  it('never throws and round-trips', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          yamlish.map((a) => a.join('')),
        ),
        (text) => {
          const p = parse(text);
          expect(p.print()).toBe(text);
          p.settings();
          kubernetesWorkloads(p);
          kubernetesIngresses(p);
          handler.detect('x.yaml', text);
          const edits = addPreStopHook(p, {}, 5);
          applyEdits(text, edits);
        },
      ),
      { numRuns: 400 },
    );
  });
});
