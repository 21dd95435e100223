/**
 * Edits to Kubernetes YAML as text patches located with the `yaml` Document API (node source
 * ranges) and written in the file's house style (see style.ts), so comments, anchors,
 * quoting and key order of everything else stay byte for byte. Values are set in place when
 * present (keeping their quote style); missing keys are inserted after the map's last entry,
 * in block or flow style like the map they go into.
 */
import {
  isMap,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../types.ts';
import { ANNOTATION_PREFIX } from './defaults.ts';
import { isTemplated } from './templates.ts';
import { ingresses, ingressNginxConfigMaps } from './ingress.ts';
import { asMap, asSeq, get, pairOf } from './nodes.ts';
import { workloads, type K8sContainer, type K8sWorkload } from './objects.ts';
import type { KubernetesTree } from './parse.ts';
import type { BackendConfig } from './gke.ts';
import { columnOf, houseStyle, render, type YamlStyle } from './style.ts';

type Parsed = ParsedFile<KubernetesTree>;
type Scalarish = string | number | boolean;

const PLAIN_SAFE = /^[A-Za-z_/][\w./:@%-]*$/;
const PLAIN_TYPED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

/** Replace a scalar's text, keeping its quote style. */
export function setScalar(parsed: Parsed, node: Scalar, value: Scalarish): Edit {
  const [start, end] = node.range!;
  const v = String(value);
  let text: string;
  if (node.type === 'QUOTE_SINGLE') text = `'${v.replace(/'/g, "''")}'`;
  else if (node.type === 'QUOTE_DOUBLE') text = JSON.stringify(v);
  else if (node.type === 'PLAIN' && typeof value !== 'string') text = v;
  else if (
    node.type === 'PLAIN' &&
    typeof node.value === 'string' &&
    PLAIN_SAFE.test(v) &&
    !PLAIN_TYPED.test(v)
  )
    text = v;
  else text = JSON.stringify(v);
  return { file: parsed.name, start, end, text };
}

/** Insert `key: value` into a map (block or flow), after its last entry. */
export function insertPair(
  parsed: Parsed,
  map: YAMLMap<Node, Node>,
  key: string,
  value: unknown,
  style: YamlStyle,
): Edit {
  const text = parsed.text;
  const file = parsed.name;
  const last = map.items[map.items.length - 1] as Pair<Node, Node> | undefined;
  if (map.flow) {
    const snippet = render({ [key]: value }, style, true)
      .replace(/^\{|\}$/g, '')
      .trim();
    if (!last) {
      const at = map.range![0] + 1;
      return { file, start: at, end: at, text: ` ${snippet} ` };
    }
    const at = (last.value ?? last.key)?.range?.[1] ?? map.range![1] - 1;
    const [mStart, , mEnd] = map.range!;
    if (text.slice(mStart, mEnd).includes('\n')) {
      // A multi-line flow map: one entry per line, keeping a trailing-comma habit.
      const col = columnOf(text, (last.key as Node).range![0]);
      let j = at;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
      if (text[j] === ',')
        return {
          file,
          start: j + 1,
          end: j + 1,
          text: `${style.newline}${' '.repeat(col)}${snippet},`,
        };
      return { file, start: at, end: at, text: `,${style.newline}${' '.repeat(col)}${snippet}` };
    }
    return { file, start: at, end: at, text: `, ${snippet}` };
  }
  const keyStart = (last?.key as Node | undefined)?.range?.[0];
  const col = keyStart !== undefined ? columnOf(text, entryStart(text, keyStart)) : 0;
  const lines = render({ [key]: value }, style).split('\n');
  const body = lines.map((l) => ' '.repeat(col) + l).join(style.newline);
  const end =
    (last?.value as Node | undefined)?.range?.[1] ??
    (last?.key as Node | undefined)?.range?.[1] ??
    map.range![1];
  // After the line where the last entry's value ends, and after any deeper-indented lines
  // that still belong to it (content the parser did not see, such as a template action).
  let at: number;
  if (end > 0 && text[end - 1] === '\n') at = end;
  else {
    const nl = text.indexOf('\n', end);
    if (nl === -1)
      return {
        file,
        start: text.length,
        end: text.length,
        text: style.newline + body + style.newline,
      };
    at = nl + 1;
  }
  at = skipDeeper(text, at, col);
  if (at === text.length && text.length > 0 && text[text.length - 1] !== '\n') {
    return { file, start: at, end: at, text: style.newline + body + style.newline };
  }
  return { file, start: at, end: at, text: body + style.newline };
}

/**
 * Where a block mapping entry really starts: before the anchor or tag written in front of its
 * key (`&a kind: Ingress` is an entry at column 0, not 3).
 */
function entryStart(text: string, keyStart: number): number {
  let at = keyStart;
  for (;;) {
    let end = at;
    while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
    let start = end;
    while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
    const token = text.slice(start, end);
    if (start === end || !(token.startsWith('&') || token.startsWith('!'))) return at;
    at = start;
  }
}

/** From line start `at`, skip lines indented deeper than `col` (and blank lines between them). */
function skipDeeper(text: string, at: number, col: number): number {
  let committed = at;
  let pos = at;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    const line = text.slice(pos, nl).replace(/\r$/, '');
    const indent = /^[ \t]*/.exec(line)![0].length;
    if (line.trim() !== '') {
      if (indent <= col) break;
      committed = Math.min(nl + 1, text.length);
    }
    pos = nl + 1;
  }
  return committed;
}

/** Set `path` under `map` to `value`: in place when the scalar exists, else insert the missing part. */
export function setPath(
  parsed: Parsed,
  doc: Document.Parsed,
  map: YAMLMap<Node, Node>,
  path: string[],
  value: Scalarish,
  style = houseStyle(parsed.text, parsed.tree),
): Edit[] {
  let cur: YAMLMap<Node, Node> = map;
  for (let i = 0; i < path.length; i++) {
    const p = pairOf(doc, cur, path[i]!);
    const nullValue = p && (p.value === null || (isScalar(p.value) && p.value.value === null));
    if (!p || (nullValue && i < path.length - 1)) {
      let nested: unknown = value;
      for (let j = path.length - 1; j > i; j--) nested = { [path[j]!]: nested };
      if (!p) return [insertPair(parsed, cur, path[i]!, nested, style)];
      return [fillNull(parsed, p, nested, style)];
    }
    if (i === path.length - 1) {
      // A templated value belongs to the chart's values: leave it alone.
      if (isScalar(p.value) && isTemplated(p.value.value)) return [];
      if (isScalar(p.value))
        return String(p.value.value) === String(value)
          ? []
          : [setScalar(parsed, p.value as Scalar, value)];
      return [];
    }
    const next = asMap(p.value);
    if (!next) return [];
    cur = next;
  }
  return [];
}

/** `key: null`, `key: ~` or a bare `key:` becomes `key:` followed by a nested block. */
function fillNull(parsed: Parsed, p: Pair<Node, Node>, nested: unknown, style: YamlStyle): Edit {
  const text = parsed.text;
  const key = p.key.range!;
  const col = columnOf(text, key[0]);
  let start = key[1];
  while (start < text.length && text[start] !== ':') start++;
  start++;
  let end = (p.value as Node | null)?.range?.[1] ?? start;
  if (end < start || text.slice(start, end).includes('\n')) end = start;
  const body = render(nested, style)
    .split('\n')
    .map((l) => ' '.repeat(col + style.indent) + l)
    .join(style.newline);
  return { file: parsed.name, start, end, text: style.newline + body };
}

export interface ContainerTarget {
  /** Workload name (first workload when omitted). */
  workload?: string;
  /** Container name (first non-init container when omitted). */
  container?: string;
}

export function findTarget(
  parsed: Parsed,
  t: ContainerTarget,
): { w: K8sWorkload; c: K8sContainer } | null {
  for (const w of workloads(parsed.tree, parsed.name)) {
    if (t.workload && w.name !== t.workload) continue;
    const c = w.containers.find((x) => (t.container ? x.name === t.container : !x.init));
    if (c) return { w, c };
  }
  return null;
}

/**
 * A preStop hook that sleeps `seconds` so the endpoint is removed from the Service (and from
 * ingress-nginx) before the app gets SIGTERM. `action: 'sleep'` is the native action
 * (Kubernetes ≥ 1.30); `exec` runs `sleep` in the image (which must have it). An existing
 * sleeping hook is lengthened; any other existing hook is left alone (returns []).
 */
export function addPreStopHook(
  parsed: Parsed,
  target: ContainerTarget,
  seconds: number,
  action: 'exec' | 'sleep' = 'exec',
): Edit[] {
  const found = findTarget(parsed, target);
  if (!found) return [];
  const { w, c } = found;
  const style = houseStyle(parsed.text, parsed.tree);
  if (c.preStop) {
    if (c.preStop.seconds === null || c.preStop.seconds >= seconds) return [];
    const ps = get(w.doc, c.node, 'lifecycle', 'preStop');
    const sleepNode = get(w.doc, ps, 'sleep', 'seconds');
    if (isScalar(sleepNode)) return [setScalar(parsed, sleepNode, seconds)];
    const cmd = get(w.doc, ps, 'exec', 'command');
    const items = asSeq(w.doc, cmd);
    const sec = items.find((n) => isScalar(n) && String(n.value) === String(c.preStop!.seconds));
    if (isScalar(sec)) return [setScalar(parsed, sec, String(seconds))];
    const script = items.find((n) => isScalar(n) && /sleep\s+\d/.test(String(n.value)));
    if (isScalar(script))
      return [
        setScalar(
          parsed,
          script,
          String(script.value).replace(/sleep\s+\d+(\.\d+)?/, `sleep ${seconds}`),
        ),
      ];
    return [];
  }
  const hook =
    action === 'sleep' ? { sleep: { seconds } } : { exec: { command: ['sleep', String(seconds)] } };
  const lifecycle = asMap(get(w.doc, c.node, 'lifecycle'));
  if (lifecycle) return [insertPair(parsed, lifecycle, 'preStop', hook, style)];
  return [insertPair(parsed, c.node, 'lifecycle', { preStop: hook }, style)];
}

/** terminationGracePeriodSeconds on the workload's pod spec. */
export function setTerminationGracePeriod(
  parsed: Parsed,
  workload: string | undefined,
  seconds: number,
): Edit[] {
  const w = workloads(parsed.tree, parsed.name).find((x) => !workload || x.name === workload);
  if (!w?.podSpec) return [];
  return setPath(parsed, w.doc, w.podSpec, ['terminationGracePeriodSeconds'], seconds);
}

/** A container field such as ['resources', 'limits', 'memory']. */
export function setContainerField(
  parsed: Parsed,
  target: ContainerTarget,
  path: string[],
  value: Scalarish,
): Edit[] {
  const found = findTarget(parsed, target);
  if (!found) return [];
  return setPath(parsed, found.w.doc, found.c.node, path, value);
}

/** An ingress-nginx annotation (`proxy-read-timeout` → nginx.ingress.kubernetes.io/proxy-read-timeout), always a string. */
export function setIngressAnnotation(
  parsed: Parsed,
  ingress: string | undefined,
  key: string,
  value: Scalarish,
): Edit[] {
  const ing = ingresses(parsed.tree).find((i) => !ingress || i.name === ingress);
  if (!ing) return [];
  const full = key.startsWith(ANNOTATION_PREFIX) ? key : ANNOTATION_PREFIX + key;
  return setPath(parsed, ing.doc, ing.node, ['metadata', 'annotations', full], String(value));
}

/** A key of the ingress-nginx ConfigMap's `data` (values are strings). */
export function setIngressNginxConfig(parsed: Parsed, key: string, value: Scalarish): Edit[] {
  const cm = ingressNginxConfigMaps(parsed.tree)[0];
  if (!cm) return [];
  return setPath(parsed, cm.doc, cm.node, ['data', key], String(value));
}

/** Whether a node is a block (not flow) collection: for tests and callers choosing an edit. */
export function isBlock(n: unknown): boolean {
  return (isMap(n) || isSeq(n)) && !(n as { flow?: boolean }).flow;
}

/** Edits that set a GKE BackendConfig's `spec.timeoutSec` (the balancer's wait for a response). */
export function setBackendTimeout(parsed: Parsed, config: BackendConfig, seconds: number): Edit[] {
  return setPath(parsed, config.object.doc, config.object.node, ['spec', 'timeoutSec'], seconds);
}
