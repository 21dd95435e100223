/**
 * The Kubernetes objects in a (multi-document) manifest that matter for a 502: workloads and
 * their pod templates and containers, Ingresses with ingress-nginx annotations, and the
 * ingress-nginx ConfigMap. Each value keeps its line; absent values get Kubernetes' default.
 */
import { isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import type { EffectiveValue } from '../gunicorn/text.ts';
import { K8S_DEFAULTS } from './defaults.ts';
import { asMap, asSeq, get, lineOf, str } from './nodes.ts';
import { isTemplated } from './templates.ts';
import type { YamlFile } from './yamlfile.ts';
import { baseName } from '../../strings.ts';
import { isShortFlagsWithC } from '../gunicorn/shell.ts';

export interface K8sObject {
  kind: string;
  name: string;
  /** For an excerpt without `kind` (a `containers:` list quoted alone): where its pod spec is. */
  podSpecPath?: string[];
  namespace?: string;
  /** 1-based line of `kind:`. */
  line: number;
  doc: Document.Parsed;
  node: YAMLMap<Node, Node>;
}

export interface ProbeInfo {
  line: number;
  type: 'httpGet' | 'tcpSocket' | 'exec' | 'grpc' | 'unknown';
  periodSeconds: EffectiveValue;
  timeoutSeconds: EffectiveValue;
  failureThreshold: EffectiveValue;
  initialDelaySeconds: EffectiveValue;
}

export interface PreStopInfo {
  line: number;
  /** `sleep` is the native action (Kubernetes ≥ 1.30, or the PodLifecycleSleepAction gate from 1.29). */
  action: 'exec' | 'sleep' | 'httpGet' | 'tcpSocket' | 'unknown';
  /** For `sleep` and for exec commands that sleep (`sleep 5`, `sh -c "sleep 5 && …"`). */
  seconds: number | null;
  command?: string[];
}

export interface EnvVar {
  name: string;
  /** null for valueFrom (secret, configMap, field refs): known only in the cluster. */
  value: string | null;
  line: number;
  offset: number;
  dynamic?: string;
}

export interface K8sContainer {
  name: string;
  line: number;
  init: boolean;
  image: string | null;
  node: YAMLMap<Node, Node>;
  command: Node | undefined;
  args: Node | undefined;
  env: EnvVar[];
  preStop: PreStopInfo | null;
  readinessProbe: ProbeInfo | null;
  livenessProbe: ProbeInfo | null;
  startupProbe: ProbeInfo | null;
  memoryLimit: EffectiveValue;
  memoryRequest: EffectiveValue;
}

export interface K8sWorkload extends K8sObject {
  podSpec: YAMLMap<Node, Node> | null;
  /** Path from the object to its pod spec. */
  podSpecPath: string[];
  terminationGracePeriodSeconds: EffectiveValue;
  strategy: {
    type: EffectiveValue;
    maxUnavailable: EffectiveValue;
    maxSurge: EffectiveValue;
  } | null;
  minReadySeconds: EffectiveValue;
  containers: K8sContainer[];
}

const POD_SPEC: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Rollout: ['spec', 'template', 'spec'],
};

export function isWorkloadKind(kind: string): boolean {
  return kind in POD_SPEC;
}

/** Every object in the file, including the items of `kind: List`. */
export function k8sObjects(y: YamlFile): K8sObject[] {
  const out: K8sObject[] = [];
  const visit = (doc: Document.Parsed, node: Node | undefined | null) => {
    const m = asMap(node);
    if (!m) return;
    const kind = str(get(doc, m, 'kind'));
    if (!kind) {
      const excerpt = podSpecExcerpt(doc, m);
      if (excerpt)
        out.push({
          kind: 'Pod',
          name: '(excerpt)',
          podSpecPath: excerpt.path,
          line: lineOf(y.starts, excerpt.at),
          doc,
          node: m,
        });
      return;
    }
    if (kind === 'List' || kind.endsWith('List')) {
      for (const item of asSeq(doc, get(doc, m, 'items'))) visit(doc, item);
      return;
    }
    const obj: K8sObject = {
      kind,
      name: str(get(doc, m, 'metadata', 'name')) ?? '',
      line: lineOf(y.starts, get(doc, m, 'kind')),
      doc,
      node: m,
    };
    const ns = str(get(doc, m, 'metadata', 'namespace'));
    if (ns) obj.namespace = ns;
    out.push(obj);
  };
  for (const doc of y.docs) visit(doc, doc.contents as Node | null);
  return out;
}

export function effective(
  y: YamlFile,
  doc: Document.Parsed,
  map: Node | undefined,
  path: string[],
  file: string,
  defaultKey: string | null,
): EffectiveValue {
  const n = get(doc, map, ...path);
  if (n && isScalar(n) && isTemplated(n.value)) {
    return {
      value: null,
      source: { dynamic: 'filled in by a template', file, line: lineOf(y.starts, n) },
    };
  }
  if (n && isScalar(n)) return { value: str(n), source: { file, line: lineOf(y.starts, n) } };
  if (n)
    return {
      value: null,
      source: { dynamic: 'not a plain value', file, line: lineOf(y.starts, n) },
    };
  const def = defaultKey ? K8S_DEFAULTS[defaultKey] : undefined;
  return {
    value: def?.value ?? null,
    source: { default: `Kubernetes default (${def?.holds ?? 'unset'})` },
  };
}

/**
 * A quoted piece of a manifest: no `kind`, but a pod spec at its top (`containers:`) or under
 * `spec:` / `template: spec:` / `spec: template: spec:`. Read as a Pod, so its containers'
 * limits, probes and hooks count.
 */
function podSpecExcerpt(
  doc: Document.Parsed,
  m: YAMLMap<Node, Node>,
): { path: string[]; at: Node } | null {
  for (const path of [[], ['spec'], ['template', 'spec'], ['spec', 'template', 'spec']]) {
    const containers = get(doc, m, ...path, 'containers');
    if (containers && isSeq(containers)) return { path, at: containers };
  }
  return null;
}

export function workloads(y: YamlFile, file: string): K8sWorkload[] {
  const out: K8sWorkload[] = [];
  for (const o of k8sObjects(y)) {
    const path = o.podSpecPath ?? POD_SPEC[o.kind];
    if (!path) continue;
    const podSpec = asMap(get(o.doc, o.node, ...path)) ?? null;
    const eff = (p: string[], d: string | null) => effective(y, o.doc, o.node, p, file, d);
    const w: K8sWorkload = {
      ...o,
      podSpec,
      podSpecPath: path,
      terminationGracePeriodSeconds: eff(
        [...path, 'terminationGracePeriodSeconds'],
        'terminationGracePeriodSeconds',
      ),
      strategy:
        o.kind === 'Deployment'
          ? {
              type: eff(['spec', 'strategy', 'type'], 'strategy.type'),
              maxUnavailable: eff(
                ['spec', 'strategy', 'rollingUpdate', 'maxUnavailable'],
                'strategy.rollingUpdate.maxUnavailable',
              ),
              maxSurge: eff(
                ['spec', 'strategy', 'rollingUpdate', 'maxSurge'],
                'strategy.rollingUpdate.maxSurge',
              ),
            }
          : null,
      minReadySeconds: eff(['spec', 'minReadySeconds'], 'minReadySeconds'),
      containers: [],
    };
    if (podSpec) {
      for (const [key, init] of [
        ['initContainers', true],
        ['containers', false],
      ] as const) {
        for (const c of asSeq(o.doc, get(o.doc, podSpec, key))) {
          const cm = asMap(c);
          if (cm) w.containers.push(container(y, o.doc, cm, init, file));
        }
      }
    }
    out.push(w);
  }
  return out;
}

function container(
  y: YamlFile,
  doc: Document.Parsed,
  m: YAMLMap<Node, Node>,
  init: boolean,
  file: string,
): K8sContainer {
  const eff = (p: string[], d: string | null) => effective(y, doc, m, p, file, d);
  const probe = (key: string): ProbeInfo | null => {
    const p = asMap(get(doc, m, key));
    if (!p) return null;
    const type =
      (['httpGet', 'tcpSocket', 'exec', 'grpc'] as const).find((t) => get(doc, p, t)) ?? 'unknown';
    return {
      line: lineOf(y.starts, get(doc, m, key)),
      type,
      periodSeconds: eff([key, 'periodSeconds'], 'probe.periodSeconds'),
      timeoutSeconds: eff([key, 'timeoutSeconds'], 'probe.timeoutSeconds'),
      failureThreshold: eff([key, 'failureThreshold'], 'probe.failureThreshold'),
      initialDelaySeconds: eff([key, 'initialDelaySeconds'], 'probe.initialDelaySeconds'),
    };
  };
  return {
    name: str(get(doc, m, 'name')) ?? '',
    line: lineOf(y.starts, m.items[0]),
    init,
    image: str(get(doc, m, 'image')),
    node: m,
    command: get(doc, m, 'command') ?? undefined,
    args: get(doc, m, 'args') ?? undefined,
    env: envOf(y, doc, m),
    preStop: preStop(y, doc, m),
    readinessProbe: probe('readinessProbe'),
    livenessProbe: probe('livenessProbe'),
    startupProbe: probe('startupProbe'),
    memoryLimit: eff(['resources', 'limits', 'memory'], 'resources.limits.memory'),
    memoryRequest: eff(['resources', 'requests', 'memory'], 'resources.limits.memory'),
  };
}

function envOf(y: YamlFile, doc: Document.Parsed, m: YAMLMap<Node, Node>): EnvVar[] {
  const out: EnvVar[] = [];
  for (const e of asSeq(doc, get(doc, m, 'env'))) {
    const name = str(get(doc, e, 'name'));
    if (!name) continue;
    const v = get(doc, e, 'value');
    const offset = (v ?? e).range?.[0] ?? 0;
    const templated = isScalar(v) && isTemplated(v.value);
    const entry: EnvVar = {
      name,
      value: v && !templated ? (str(v) ?? '') : null,
      line: lineOf(y.starts, v ?? e),
      offset,
    };
    if (templated) entry.dynamic = 'filled in by a template';
    if (!v) {
      const from = asMap(get(doc, e, 'valueFrom'));
      const src = from?.items[0] ? str(from.items[0].key as Node) : null;
      entry.dynamic = src ? `from ${src} (known only in the cluster)` : 'no value';
    }
    out.push(entry);
  }
  return out;
}

function preStop(y: YamlFile, doc: Document.Parsed, m: YAMLMap<Node, Node>): PreStopInfo | null {
  const ps = get(doc, m, 'lifecycle', 'preStop');
  if (!ps) return null;
  const line = lineOf(y.starts, ps);
  const sleep = get(doc, ps, 'sleep', 'seconds');
  if (get(doc, ps, 'sleep'))
    return { line, action: 'sleep', seconds: sleep ? Number(str(sleep)) : null };
  const cmdNode = get(doc, ps, 'exec', 'command');
  if (cmdNode) {
    const command = isSeq(cmdNode)
      ? asSeq(doc, cmdNode).map((n) => str(n) ?? '')
      : [str(cmdNode) ?? ''];
    return { line, action: 'exec', seconds: sleepSeconds(command), command };
  }
  if (get(doc, ps, 'httpGet')) return { line, action: 'httpGet', seconds: null };
  if (get(doc, ps, 'tcpSocket')) return { line, action: 'tcpSocket', seconds: null };
  return { line, action: 'unknown', seconds: null };
}

export function isMapNode(n: unknown): n is YAMLMap<Node, Node> {
  return isMap(n);
}

/** Seconds of an exec hook that just sleeps first (`sleep 5`, `sh -c "sleep 5 && …"`), else null. */
export function sleepSeconds(command: readonly string[]): number | null {
  const base = baseName(command[0] ?? '');
  if (base === 'sleep') return /^\d+(\.\d+)?$/.test(command[1] ?? '') ? Number(command[1]) : null;
  if (/^(ba|da|a)?sh$/.test(base)) {
    const script = command[command.findIndex(isShortFlagsWithC) + 1] ?? '';
    const m = /^\s*(?:exec\s+)?sleep\s+(\d+(?:\.\d+)?)\s*(?:$|[;&|])/.exec(script);
    return m ? Number(m[1]) : null;
  }
  return null;
}
