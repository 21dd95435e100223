/**
 * Which pasted Ingress serves a logged request (ingress-nginx writes the nginx config, so the
 * Ingress rules are the "locations"): host equal, longest path prefix, host rules before
 * catch-all ones.
 */
import type { LogEvent } from '../../model.ts';
import {
  kubernetesIngresses,
  type K8sIngress,
  type KubernetesTree,
} from '../../formats/kubernetes/index.ts';
import type { EffectiveSettings } from '../../formats/gunicorn/index.ts';
import type { ParsedFile } from '../../formats/types.ts';
import type { Topology } from '../../topology/index.ts';

export type Ingress = K8sIngress & { settings: EffectiveSettings };

export function pastedIngresses(
  topology: Topology,
): { file: ParsedFile<KubernetesTree>; ingress: Ingress }[] {
  return topology.files
    .filter((f): f is ParsedFile<KubernetesTree> => f.kind === 'kubernetes')
    .flatMap((file) => kubernetesIngresses(file).map((ingress) => ({ file, ingress })));
}

/** The Ingress whose rule matches the event's host and the longest path prefix. */
export function ingressFor(
  list: { file: ParsedFile<KubernetesTree>; ingress: Ingress }[],
  event: LogEvent,
): { file: ParsedFile<KubernetesTree>; ingress: Ingress } | null {
  const host = String(event.fields?.host ?? event.fields?.server ?? '')
    .toLowerCase()
    .replace(/:\d+$/, '');
  const path = (event.path ?? '/').split('?')[0]!;
  let best: { file: ParsedFile<KubernetesTree>; ingress: Ingress; len: number } | null = null;
  for (const item of list) {
    for (const b of item.ingress.backends) {
      if (b.host && b.host.toLowerCase() !== host) continue;
      const prefix = b.path ?? '/';
      if (!path.startsWith(prefix)) continue;
      const len = prefix.length + (b.host ? 1000 : 0);
      if (!best || len > best.len) best = { ...item, len };
    }
  }
  return best;
}

/**
 * The events grouped by the pasted Ingress that served them; `rest` are the events no Ingress
 * serves (left to the rule's generic advice). Empty groups when no Ingress was pasted.
 */
export function groupByIngress(
  topology: Topology,
  events: readonly LogEvent[],
): {
  groups: Map<Ingress, { file: ParsedFile<KubernetesTree>; events: LogEvent[] }>;
  rest: LogEvent[];
} {
  const groups = new Map<Ingress, { file: ParsedFile<KubernetesTree>; events: LogEvent[] }>();
  const list = pastedIngresses(topology);
  if (list.length === 0) return { groups, rest: [...events] };
  const rest: LogEvent[] = [];
  for (const e of events) {
    const found = ingressFor(list, e);
    if (!found) {
      rest.push(e);
      continue;
    }
    const group = groups.get(found.ingress);
    if (group) group.events.push(e);
    else groups.set(found.ingress, { file: found.file, events: [e] });
  }
  return { groups, rest };
}
