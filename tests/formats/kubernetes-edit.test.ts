import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import {
  kubernetesIngresses,
  kubernetesIngressNginx,
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
import { comments, corpus, files, GUNICORN_DEPLOY, parse } from './k8s-fixtures.ts';

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

describe('Kubernetes edits never break a valid manifest (property)', () => {
  const tok = fc.array(
    fc.constantFrom(
      'kind: Deployment\n',
      'kind: ConfigMap\n',
      'kind: Ingress\n',
      'spec:\n',
      '  template:\n',
      '    spec:\n',
      'containers:\n',
      '- name: a\n',
      '  ',
      '    ',
      '\n',
      '---\n',
      '[',
      ']',
      '{',
      '}',
      '"',
      '&a ',
      '*a',
      '<<: *a\n',
      '#c',
      ': ',
      'lifecycle:\n',
      'preStop:\n',
      'args: ["gunicorn", "-t", "5"]\n',
      '- gunicorn\n',
      '|\n',
      'null',
      'metadata:\n',
      'annotations:\n',
      'data:\n',
      '{{ .Values.x }}',
      '{{- if .x }}\n',
      'resources:\n',
      'limits:\n',
      '\r\n',
    ),
    { maxLength: 60 },
  );
  it('inserts beside a key that carries an anchor at the entry column, not the key column', () => {
    // Found by the property below: `&a kind:` is an entry at column 0.
    const text = '&a kind: Ingress\n';
    const edited = applyEdits(
      text,
      setIngressAnnotation(parse(text), undefined, 'proxy-read-timeout', 5),
    );
    expect(edited.startsWith('&a kind: Ingress\nmetadata:\n')).toBe(true);
    expect(parse(edited).errors).toEqual([]);
  });

  it('every edit of an error-free input re-parses without errors', () => {
    fc.assert(
      fc.property(
        tok.map((a) => a.join('')),
        (text) => {
          const p = parse(text);
          if (p.errors.length) return;
          for (const edits of [
            addPreStopHook(p, {}, 5),
            setTerminationGracePeriod(p, undefined, 9),
            setIngressAnnotation(p, undefined, 'proxy-read-timeout', 5),
            setContainerGunicornSetting(p, {}, 'timeout', 5),
            setIngressNginxConfig(p, 'keep-alive', 3),
            setContainerField(p, {}, ['resources', 'limits', 'memory'], '1Gi'),
          ]) {
            expect(parse(applyEdits(text, edits)).errors).toEqual([]);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
