/** Kubernetes manifests parsed losslessly, with the settings that matter on the request path. */
import type { ParsedFile, Setting } from '../types.ts';
import type { EffectiveValue } from '../gunicorn/text.ts';
import { ingresses, ingressNginxConfigMaps, isIngressNginxConfigMap } from './ingress.ts';
import { asMap, get, lineOf, str } from './nodes.ts';
import { workloads, type K8sWorkload } from './objects.ts';
import { containerRuntime } from './runtime.ts';
import { printYaml, readYaml, type YamlFile } from './yamlfile.ts';
import { isScalar, type Node } from 'yaml';

export type KubernetesTree = YamlFile;

export function parseKubernetes(name: string, text: string): ParsedFile<KubernetesTree> {
  const y = readYaml(text);
  return {
    name,
    kind: 'kubernetes',
    text,
    errors: y.errors,
    tree: y,
    print: () => printYaml(y),
    settings: () => kubernetesSettings(y, name),
  };
}

function fromEffective(key: string, v: EffectiveValue, scope: string): Setting | null {
  if (
    !('file' in v.source) ||
    v.source.file === undefined ||
    !('line' in v.source) ||
    v.source.line === undefined
  )
    return null;
  const s: Setting = { key, value: v.value, file: v.source.file, line: v.source.line, scope };
  if ('dynamic' in v.source && v.source.dynamic) s.dynamic = v.source.dynamic;
  return s;
}

function kubernetesSettings(y: YamlFile, file: string): Setting[] {
  const out: Setting[] = [];
  const add = (s: Setting | null) => {
    if (s) out.push(s);
  };
  for (const w of workloads(y, file)) {
    const scope = `${w.kind}/${w.name}`;
    add(fromEffective('terminationGracePeriodSeconds', w.terminationGracePeriodSeconds, scope));
    if (w.strategy) {
      add(fromEffective('strategy.type', w.strategy.type, scope));
      add(fromEffective('strategy.rollingUpdate.maxUnavailable', w.strategy.maxUnavailable, scope));
      add(fromEffective('strategy.rollingUpdate.maxSurge', w.strategy.maxSurge, scope));
    }
    add(fromEffective('minReadySeconds', w.minReadySeconds, scope));
    for (const c of w.containers) containerSettings(y, w, c, file, out);
  }
  for (const ing of ingresses(y)) {
    for (const [k, a] of Object.entries(ing.annotations)) {
      out.push({
        key: `nginx.ingress.kubernetes.io/${k}`,
        value: a.value,
        file,
        line: a.line,
        scope: `Ingress/${ing.name}`,
      });
    }
  }
  for (const cm of ingressNginxConfigMaps(y)) {
    for (const p of asMap(get(cm.doc, cm.node, 'data'))?.items ?? []) {
      const k = str(p.key as Node);
      if (k)
        out.push({
          key: k,
          value: isScalar(p.value) ? str(p.value) : null,
          file,
          line: lineOf(y.starts, p.value ?? p.key),
          scope: `ConfigMap/${cm.name} (ingress-nginx)`,
        });
    }
  }
  return out;
}

function containerSettings(
  y: YamlFile,
  w: K8sWorkload,
  c: K8sWorkload['containers'][number],
  file: string,
  out: Setting[],
): void {
  const scope = `${w.kind}/${w.name} > ${c.init ? 'initContainer' : 'container'} ${c.name}`;
  const add = (s: Setting | null) => {
    if (s) out.push(s);
  };
  if (c.preStop) {
    const v =
      c.preStop.action === 'sleep' || c.preStop.action === 'exec'
        ? c.preStop.seconds === null
          ? c.preStop.action
          : `${c.preStop.action} ${c.preStop.seconds}s`
        : c.preStop.action;
    out.push({ key: 'lifecycle.preStop', value: v, file, line: c.preStop.line, scope });
  }
  for (const [k, p] of [
    ['readinessProbe', c.readinessProbe],
    ['livenessProbe', c.livenessProbe],
    ['startupProbe', c.startupProbe],
  ] as const) {
    if (!p) continue;
    out.push({ key: k, value: p.type, file, line: p.line, scope });
    for (const f of [
      'periodSeconds',
      'timeoutSeconds',
      'failureThreshold',
      'initialDelaySeconds',
    ] as const)
      add(fromEffective(`${k}.${f}`, p[f], scope));
  }
  add(fromEffective('resources.limits.memory', c.memoryLimit, scope));
  add(fromEffective('resources.requests.memory', c.memoryRequest, scope));
  for (const e of c.env) {
    const s: Setting = { key: `env.${e.name}`, value: e.value, file, line: e.line, scope };
    if (e.dynamic) s.dynamic = e.dynamic;
    out.push(s);
  }
  const rt = containerRuntime(w.doc, c, file, y.starts);
  for (const l of rt.gunicorn?.layers ?? []) {
    for (const s of l.settings) {
      const st: Setting = {
        key: `gunicorn.${s.name}`,
        value: s.value,
        file,
        line: s.line,
        scope: `${scope} (${l.kind === 'env' ? 'GUNICORN_CMD_ARGS' : 'command line'})`,
      };
      if (s.dynamic) st.dynamic = s.dynamic;
      out.push(st);
    }
  }
  for (const s of rt.uwsgi?.applied ?? [])
    out.push({ ...s, key: `uwsgi.${s.key}`, scope: `${scope} (${s.scope})` });
}

export { isIngressNginxConfigMap };
