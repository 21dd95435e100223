/** Small helpers over `yaml` nodes: keyed lookup (following aliases and `<<` merges), scalars, lines. */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { lineAt } from '../gunicorn/text.ts';
import { isTemplated } from './templates.ts';

export type AnyNode = Node | null | undefined;

export function deref(doc: Document.Parsed, n: unknown): AnyNode {
  let cur = n as AnyNode;
  for (let i = 0; i < 10 && isAlias(cur); i++) cur = cur.resolve(doc) as AnyNode;
  return cur;
}

export function pairOf(
  doc: Document.Parsed,
  map: AnyNode,
  key: string,
  depth = 0,
): Pair<Node, Node> | undefined {
  const m = deref(doc, map);
  // `<<: *self` cycles and long merge chains end here.
  if (!isMap(m) || depth > 20) return undefined;
  for (const p of m.items as Pair<Node, Node>[]) {
    const k = deref(doc, p.key);
    if (isScalar(k) && String(k.value) === key) return p;
  }
  // `<<: *anchor` merges
  for (const p of m.items as Pair<Node, Node>[]) {
    const k = p.key;
    if (isScalar(k) && k.value === '<<') {
      const v = deref(doc, p.value);
      const found = isMap(v) && v !== m ? pairOf(doc, v, key, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

export function get(doc: Document.Parsed, map: AnyNode, ...path: (string | number)[]): AnyNode {
  let cur = deref(doc, map);
  for (const k of path) {
    if (typeof k === 'number') {
      cur = isSeq(cur) ? deref(doc, cur.items[k]) : undefined;
    } else cur = deref(doc, pairOf(doc, cur, k)?.value);
    if (!cur) return undefined;
  }
  return cur;
}

export function asMap(n: AnyNode): YAMLMap<Node, Node> | undefined {
  return isMap(n) ? (n as YAMLMap<Node, Node>) : undefined;
}
export function asSeq(doc: Document.Parsed, n: AnyNode): Node[] {
  return isSeq(n)
    ? (n as YAMLSeq<Node>).items.map((x) => deref(doc, x)).filter((x): x is Node => !!x)
    : [];
}

/** A scalar's value as a string (numbers and booleans printed), null otherwise. */
export function str(n: AnyNode): string | null {
  if (!isScalar(n) || n.value === null || n.value === undefined || isTemplated(n.value))
    return null;
  return String(n.value);
}

export function lineOf(starts: readonly number[], n: AnyNode | Pair): number {
  const node = n && 'range' in n ? n : n && 'key' in n ? (n.key as Node) : undefined;
  const r = node?.range;
  return r ? lineAt(starts, r[0]) : 1;
}
