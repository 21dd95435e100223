/**
 * deploy-termination outside Kubernetes: an app server on a host stopped with a signal
 * (gunicorn "Handling signal: term", uWSGI's shutdown) and started again later in its own log
 * — the stop-then-start restart a naive deploy does. The listening socket closes at the stop
 * and only reopens at the start, so every request in between is refused (or, for in-flight
 * ones on a quick shutdown, cut). Nothing in a config causes that: the advice is to reload in
 * place, which keeps the socket open. A stop with no start after it is not a restart: the
 * server stayed down, which is backend-down's finding.
 */
import type { ComparedValue, Evidence, LogEvent } from '../../model.ts';
import type { Backend, Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { eventEvidence } from './route-events.ts';
import { failuresOfRoutes } from './route-of.ts';
import { wallSeconds } from './event-time.ts';
import { isStopFailure, terminationEvents } from './termination.ts';

interface Restart {
  stop: LogEvent;
  start: LogEvent;
  from: number;
  to: number;
}

/** Each timed stop of this source paired with the first start logged after it. */
function restarts(events: readonly LogEvent[], source: string): Restart[] {
  const timed = (e: LogEvent) => ({ e, t: wallSeconds(e) });
  const stops = terminationEvents(events)
    .filter((e) => e.source === source)
    .map(timed);
  const starts = events
    .filter((e) => e.source === source && e.kind === 'startup')
    .map(timed)
    .filter((s): s is { e: LogEvent; t: number } => s.t !== null);
  const out: Restart[] = [];
  let last = -Infinity;
  for (const { e, t } of stops) {
    // Several stop lines of one shutdown (TERM, then QUIT) belong to the same restart.
    if (t === null || t <= last) continue;
    const start = starts.find((s) => s.t >= t);
    if (!start) continue;
    out.push({ stop: e, start: start.e, from: t, to: start.t });
    last = start.t;
  }
  return out;
}

const ADVICE: Record<Backend['kind'], string> = {
  gunicorn:
    'Reload in place instead of stopping: SIGHUP to the master (systemd: ExecReload=/bin/kill ' +
    '-s HUP $MAINPID, then `systemctl reload`) keeps the listening socket open and replaces ' +
    "the workers gracefully; new code without a gap: USR2 (gunicorn's binary upgrade), then " +
    'TERM the old master. Otherwise take the server out of nginx first (with a second server, ' +
    'proxy_next_upstream retries refused connects).',
  uwsgi:
    'Reload in place instead of stopping: SIGHUP (graceful reload) or --touch-chain-reload ' +
    'with lazy-apps keeps the socket open while workers are replaced. Otherwise take the ' +
    'server out of nginx first (with a second server, proxy_next_upstream retries refused ' +
    'connects).',
  node: 'Restart behind a second instance, or hand the listening socket over (systemd socket activation).',
  puma:
    'Restart in place instead of stopping: a phased restart (`pumactl phased-restart`, cluster ' +
    'mode without preload_app!) or a hot restart (SIGUSR2) keeps the listening socket open. ' +
    'Otherwise take the server out of nginx first (with a second server, proxy_next_upstream ' +
    'retries refused connects).',
  uvicorn:
    'uvicorn alone closes its socket on restart. Run it where the socket outlives the process: ' +
    'gunicorn with uvicorn workers (SIGHUP replaces them in place) or systemd socket activation ' +
    '(`uvicorn --fd 0`). Otherwise take the server out of nginx first (with a second server, ' +
    'proxy_next_upstream retries refused connects).',
  hypercorn:
    'hypercorn closes its socket on restart. Hand it a socket that outlives the process ' +
    '(systemd socket activation, `hypercorn --bind fd://3`), or run a second server and take ' +
    'each out of nginx in turn (proxy_next_upstream retries refused connects).',
  apache:
    'Restart in place instead of stopping: `apachectl graceful` (SIGUSR1) keeps the listening ' +
    'sockets open and lets each child finish its requests. Otherwise take the server out of ' +
    'nginx first (with a second server, proxy_next_upstream retries refused connects).',
};

/** The restart finding for an app server outside Kubernetes, when its log shows one. */
export function hostRestartHit(
  topology: Topology,
  backend: Backend,
  events: readonly LogEvent[],
): RuleHit | null {
  if (backend.pod || backend.kind === 'node') return null;
  // One log source, several servers of that kind: the lines cannot be attributed.
  if (topology.backends.filter((b) => b.kind === backend.kind && !b.pod).length > 1) return null;
  const found = restarts(events, backend.kind);
  if (found.length === 0) return null;
  const routes = topology.routes.filter((r) => r.backends.some((l) => l.backend === backend));
  const candidates = (
    routes.length > 0 ? failuresOfRoutes(topology, events, routes) : events
  ).filter(isStopFailure);
  const failures = candidates.filter((e) => {
    const t = wallSeconds(e);
    return t !== null && found.some((r) => t >= r.from - 1 && t <= r.to + 1);
  });
  if (failures.length === 0) return null;

  const lines = found.flatMap((r) => [r.stop, r.start]);
  const first = found[0]!;
  const down = Math.max(0, Math.round(first.to - first.from));
  const where = (e: LogEvent) => `${e.file}:${e.line}`;
  const listener = backend.listeners[0];
  const kinds = [...new Set(failures.map((e) => e.kind))].join(', ');
  const message =
    `${backend.label} was stopped (${String(first.stop.fields?.signal ?? 'shutdown')}, ${where(first.stop)}) ` +
    `and started again ${down} s later (${where(first.start)})` +
    (found.length > 1 ? `, ${found.length} times in the pasted log` : '') +
    `. In between nothing listened${listener ? ` on ${listener.address}` : ''}, and nginx logged ` +
    `${failures.length} failed request(s) (${kinds}). A stop-then-start restart drops every ` +
    'request that arrives while the server is down; no setting in the configs changes that.';

  const evidence: Evidence[] = [
    ...eventEvidence(
      found.map((r) => r.stop),
      2,
      'stopped',
    ),
    ...eventEvidence(
      found.map((r) => r.start),
      2,
      'started again',
    ),
  ];
  if (listener && listener.line !== null)
    evidence.push({ file: listener.file, line: listener.line, note: 'where it listens' });
  evidence.push(...eventEvidence(failures, 3));
  const compared: ComparedValue[] = [
    {
      hop: backend.label,
      setting: 'restart',
      value: `stop + start, ${down} s without a listener`,
      source: `${where(first.stop)} → ${where(first.start)}`,
    },
  ];
  return {
    key: `deploy-termination restart ${backend.label}`,
    title: 'Restarts drop requests: stopped, then started again',
    message,
    evidence,
    compared,
    explains: [...lines, ...failures],
    fix: { safety: 'manual', description: ADVICE[backend.kind], edits: [] },
  };
}
