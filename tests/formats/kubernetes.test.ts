import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import {
  handler,
  kubernetesIngresses,
  kubernetesIngressNginx,
  kubernetesServices,
  kubernetesWorkloads,
} from '../../workers/engine/formats/kubernetes/index.ts';
import {
  addPreStopHook,
  setTerminationGracePeriod,
} from '../../workers/engine/formats/kubernetes/edit.ts';
import { corpus, files, GUNICORN_DEPLOY, parse } from './k8s-fixtures.ts';

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

describe('Helm templates', () => {
  const chart = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    spec:
      terminationGracePeriodSeconds: {{ .Values.grace }}
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          args: ["gunicorn", "--timeout", "{{ .Values.timeout }}", "--keep-alive", "5", "app:app"]
          env:
            - name: MODE
              value: {{ .Values.mode | quote }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
`;
  it('reads around template actions: templated values are dynamic, the rest is known, print is exact', () => {
    const p = parse(chart, 'templates/deployment.yaml');
    expect(p.errors).toEqual([]);
    expect(p.print()).toBe(chart);
    const [w] = kubernetesWorkloads(p);
    expect(w!.terminationGracePeriodSeconds).toMatchObject({
      value: null,
      source: { dynamic: expect.stringContaining('template'), line: 13 },
    });
    const c = w!.containers[0]!;
    expect(c.env[0]).toMatchObject({
      name: 'MODE',
      value: null,
      dynamic: expect.stringContaining('template'),
    });
    const g = c.runtime.gunicorn!.settings;
    expect(g.keepalive).toMatchObject({ value: '5', source: { line: 17 } });
    expect(g.timeout!.value).toBeNull();
  });
  it('does not overwrite templated values, but still inserts what is missing', () => {
    const p = parse(chart, 'templates/deployment.yaml');
    expect(setTerminationGracePeriod(p, undefined, 60)).toEqual([]);
    const out = applyEdits(chart, addPreStopHook(p, {}, 5));
    // After the templated resources block, not between `resources:` and its content.
    expect(out).toContain(
      '          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n          lifecycle:\n            preStop:\n              exec:\n                command: ["sleep", "5"]\n',
    );
    expect(kubernetesWorkloads(parse(out))[0]!.containers[0]!.preStop!.seconds).toBe(5);
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
