/**
 * backend-down: connect() refused (111) or the unix socket missing (2) while nginx and the
 * app server agree on the address — nothing was listening because the app was not running
 * (crashed, killed, restarting, not started yet). When the configs disagree on the address,
 * the address-mismatch rule claims those lines instead; both read lib/connect-failures.ts.
 */
import type { ComparedValue, Evidence, Incident, LogEvent } from '../model.ts';
import type { BackendLink, Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import {
  addressMismatches,
  failureGroups,
  mismatchEvents,
  type FailureGroup,
  type Mismatch,
} from './lib/connect-failures.ts';

/** App-side lines that say why nothing was listening. */
const GONE: Record<string, readonly string[]> = {
  gunicorn: ['shutdown', 'worker-exit', 'worker-killed', 'reload'],
  uwsgi: ['shutdown', 'worker-killed', 'worker-exit'],
  kernel: ['oom-kill'],
  kubernetes: [
    'oom-killed',
    'exit-code',
    'container-killed',
    'crash-loop',
    'probe-failed',
    'evicted',
  ],
  node: ['crash', 'heap-oom'],
  'php-fpm': ['shutdown', 'worker-killed'],
};

export const backendDown: Rule = {
  meta: {
    id: 'backend-down',
    cause: 'backend-down',
    severity: 'error',
    title: 'Nothing was listening where nginx connects',
    docs:
      'connect() failed with 111 (Connection refused) or, on a unix socket, 2 (No such file or ' +
      'directory), and the pasted configs agree on the address: the app server simply was not ' +
      'running at that moment. The finding cites what the app, kernel or Kubernetes logged ' +
      'just before (exits, OOM kills, restarts).',
    fixSafety:
      'Manual: no config change brings a stopped process back. Find why it stopped (the cited ' +
      'lines), run it under a supervisor that restarts it, and in Kubernetes let readiness ' +
      'probes keep traffic away from pods that are not listening yet.',
  },
  check({ topology, events, incidents }) {
    const mismatches = addressMismatches(topology);
    const hits: RuleHit[] = [];
    for (const group of failureGroups(topology, events, ['connect-refused', 'socket-missing'])) {
      if (claimedByMismatch(group, mismatches, topology, events)) continue;
      // The pasted nginx config no longer connects there: the lines predate it (or a fix).
      if (topology.nginx && topology.routes.length > 0 && group.routes.length === 0) continue;
      hits.push(hit(group, events, incidents));
    }
    return hits;
  },
};

function claimedByMismatch(
  group: FailureGroup,
  mismatches: readonly Mismatch[],
  topology: Topology,
  events: readonly LogEvent[],
): boolean {
  if (!topology.nginx) return false;
  return mismatches.some((m) => {
    const claimed = new Set(mismatchEvents(topology, m, events));
    return group.events.some((e) => claimed.has(e));
  });
}

function hit(
  group: FailureGroup,
  all: readonly LogEvent[],
  incidents: readonly Incident[],
): RuleHit {
  const links: BackendLink[] = group.routes.flatMap((r) => r.backends).filter((l) => l.listener);
  const missing = group.events.some((e) => e.kind === 'socket-missing');
  const related = relatedGone(group, all, incidents);
  const evidence: Evidence[] = [];
  const compared: ComparedValue[] = [];
  const target = group.routes.flatMap((r) => r.targets)[0];
  if (target) {
    evidence.push({
      file: target.file,
      line: target.line,
      note: `nginx connects to ${target.address}`,
    });
    compared.push({
      hop: 'nginx',
      setting: 'connects to',
      value: target.address,
      source: `${target.file}:${target.line}`,
    });
  }
  const link = links[0];
  if (link?.listener) {
    const where =
      link.listener.line !== null
        ? `${link.listener.file}:${link.listener.line}`
        : link.listener.file;
    if (link.listener.line !== null)
      evidence.push({
        file: link.listener.file,
        line: link.listener.line,
        note: `${link.backend.label} listens there`,
      });
    compared.push({
      hop: link.backend.label,
      setting: 'listens on',
      value: link.listener.address,
      source: where,
    });
  }
  for (const e of group.events.slice(0, 3)) evidence.push({ file: e.file, line: e.line });
  for (const e of related.slice(0, 3))
    evidence.push({ file: e.file, line: e.line, note: 'the app side just before' });

  const what = missing
    ? 'the socket file did not exist (2: No such file or directory)'
    : 'the connection was refused (111)';
  const agree = link
    ? ` The address matches where ${link.backend.label} listens, so the app server was not running then.`
    : ' No app-server config that listens there was pasted, so an address mismatch is not ruled out; if the address is right, the app server was not running.';
  const why = related.length
    ? ` Just before, ${related.length} app-side line(s) show it going away (${[...new Set(related.map((e) => `${e.source} ${e.kind}`))].join(', ')}).`
    : '';
  const socketNote = missing
    ? ' A missing socket can also mean nginx sees another /run or /tmp (systemd PrivateTmp, another container).'
    : '';
  return {
    key: `backend-down ${group.address}`,
    message: `${group.events.length} request(s) to ${group.address} failed because ${what}.${agree}${why}${socketNote}`,
    evidence,
    compared,
    explains: group.events,
    fix: {
      safety: 'manual',
      description:
        'Bring the app server back and keep it up: find why it stopped (the cited lines: crash, ' +
        'OOM kill, deploy), run it under a supervisor (systemd Restart=, Kubernetes restarts) and, ' +
        'in Kubernetes, use a readiness probe so traffic only reaches pods that listen.',
      edits: [],
    },
  };
}

/** App, kernel and orchestrator lines before these failures that say the app went away. */
function relatedGone(
  group: FailureGroup,
  all: readonly LogEvent[],
  incidents: readonly Incident[],
): LogEvent[] {
  const gone = (e: LogEvent) => GONE[e.source]?.includes(e.kind) ?? false;
  const mine = incidents.filter((i) => (i.address ?? i.upstream) === group.address);
  if (mine.length === 0) return all.filter(gone);
  const out = new Set<LogEvent>();
  for (const i of mine) {
    for (const r of i.related) if (gone(r.event)) out.add(r.event);
    for (const e of i.untimed ?? []) if (gone(e)) out.add(e);
  }
  return all.filter((e) => out.has(e));
}
