/**
 * The hop right behind a load balancer, as the balancer → hop keep-alive race sees it: how long
 * that hop keeps an idle client connection, where that is decided and how to change it. nginx
 * (per server block) and ingress-nginx are in front-keepalive-race.ts; the app servers a
 * balancer sends to directly (an ALB Ingress's pods, or no nginx pasted) are here.
 */
import type { Edit, Evidence } from '../../model.ts';
import type { ParsedFile } from '../../formats/types.ts';
import type { NodeTree } from '../../formats/node/index.ts';
import type { Backend, Topology } from '../../topology/index.ts';
import { backendIdle } from './backend-idle.ts';
import { raiseBackendIdle, raisedText } from './raise-idle.ts';

/** One place that decides how long the hop keeps an idle client connection. */
export interface ClientIdle {
  /** Who closes the connection: "nginx", or the app server's label. */
  hop: string;
  /** An app server: what its value means (from backend-idle.ts). */
  why?: string;
  seconds: number;
  /** As written, with its unit ("65s"). */
  value: string;
  source: string;
  /** The line to show: the setting, or the block that takes the default. */
  at: Evidence;
  /** What one edit owns: places sharing it are changed once. */
  owner: object;
  /** "keepalive_timeout" (nginx), "keep-alive" (ingress-nginx ConfigMap), "keepalive" (gunicorn)… */
  setting: string;
  /** Where the change goes, for people: "in nginx". */
  place: string;
  /** `seconds` as the setting takes it ("125s"; ingress-nginx: "125"; Node: "125000 ms"). */
  written(seconds: number): string;
  /** Edits that set it to `seconds`; [] when no pasted file can carry the change. */
  set(seconds: number): Edit[];
}

/**
 * The app servers' idle keep-alive limits (those that keep connections at all: gunicorn's sync
 * worker closes after every response and never races).
 */
export function appIdles(topology: Topology, backends: readonly Backend[]): ClientIdle[] {
  return backends.flatMap((backend): ClientIdle[] => {
    const idle = backendIdle(backend);
    if (!idle) return [];
    const shown = idle.line
      ? { ...idle.line, note: `${idle.setting} ${idle.display}` }
      : {
          ...(idle.context[0] ?? startLine(topology, backend)),
          note: `${idle.setting} ${idle.display} by default`,
        };
    return [
      {
        hop: backend.label,
        why: idle.why,
        seconds: idle.seconds,
        value: idle.display,
        source: idle.source,
        at: shown,
        owner: backend,
        setting: idle.setting,
        place: `in ${backend.label}`,
        written: (seconds) => raisedText(idle, seconds),
        set: (seconds) => raiseBackendIdle(idle, seconds, topology),
      },
    ];
  });
}

/** Where a server on its defaults starts: its container, the statement creating a Node server. */
function startLine(topology: Topology, backend: Backend): { file: string; line: number } {
  const file = backend.files[0] ?? '';
  if (backend.pod) return { file, line: backend.pod.container.line };
  const parsed = topology.files.find((f) => f.name === file);
  const server = parsed?.kind === 'node' ? (parsed as ParsedFile<NodeTree>).tree.servers[0] : null;
  return { file, line: server?.line ?? 1 };
}
