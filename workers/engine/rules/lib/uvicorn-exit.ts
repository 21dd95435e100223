/**
 * worker-recycle for a single uvicorn process: `--limit-max-requests` does not recycle a worker
 * there, it ends the server ("Maximum request limit of N exceeded. Terminating process."). The
 * listening socket closes with it, so until a process manager starts it again every connect is
 * refused (502) and the requests it was running are cut. With `--workers` uvicorn (0.30 and
 * later) replaces the worker that exited while the others serve: that case is recycling proper
 * (the pool finding and the jitter finding in worker-recycle.ts).
 */
import type { Evidence, LogEvent } from '../../model.ts';
import type { Backend, Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { numberOf, sourceOf, writtenAt } from './app-values.ts';
import { eventEvidence, nearInTime } from './route-events.ts';
import { failuresOfRoutes } from './route-of.ts';

/** What nginx logs while nothing listens, and for the requests the exit cut. */
const GAP = new Set(['connect-refused', 'socket-missing', 'premature-close', 'connection-reset']);

/** A single uvicorn process with --limit-max-requests: it ends, it does not recycle. */
export function endsWhole(backend: Backend): boolean {
  const limit = numberOf(backend.settings.limit_max_requests);
  const workers = numberOf(backend.settings.workers);
  return backend.kind === 'uvicorn' && limit !== null && limit > 0 && (workers ?? 1) <= 1;
}

export function uvicornExitHit(
  topology: Topology,
  backend: Backend,
  events: readonly LogEvent[],
): RuleHit | null {
  if (!endsWhole(backend)) return null;
  const value = backend.settings.limit_max_requests!;
  const limit = numberOf(value)!;
  const workers = numberOf(backend.settings.workers);
  // One uvicorn log, several uvicorn servers pasted: its lines cannot be attributed.
  const alone = topology.backends.filter((b) => b.kind === 'uvicorn').length === 1;
  const exits = alone
    ? events.filter((e) => e.source === 'uvicorn' && e.kind === 'worker-recycle')
    : [];
  const routes = topology.routes.filter((r) => r.backends.some((l) => l.backend === backend));
  const gap =
    exits.length > 0
      ? nearInTime(
          failuresOfRoutes(topology, events, routes).filter((e) => GAP.has(e.kind)),
          exits,
        )
      : [];
  const at = sourceOf(value.source);
  let message =
    `${backend.label} runs one process with limit_max_requests = ${limit} (${at}): after ` +
    `${limit} requests uvicorn does not replace a worker, it ends the server ("Terminating ` +
    'process") and closes its listening socket. Until a process manager starts it again ' +
    'nginx’s connects are refused (502), and the requests running at that moment are cut.';
  if (exits.length > 0)
    message +=
      ` The uvicorn log shows ${exits.length} such exit(s)` +
      (gap.length > 0 ? `, and nginx logged ${gap.length} failure(s) right after them.` : '.');
  const line = writtenAt(value.source);
  const evidence: Evidence[] = [
    ...(line ? [{ ...line, note: `limit_max_requests ${limit}, one process` }] : []),
    ...eventEvidence(exits, 3, 'uvicorn exits'),
    ...eventEvidence(gap, 3),
  ];
  return {
    key: `worker-recycle ${backend.label} limit_max_requests exits`,
    title: 'uvicorn ends the whole server after limit_max_requests',
    message,
    evidence,
    compared: [
      { hop: backend.label, setting: 'limit_max_requests', value: String(limit), source: at },
      {
        hop: backend.label,
        setting: 'workers',
        value: String(workers ?? 1),
        source: backend.settings.workers ? sourceOf(backend.settings.workers.source) : 'default',
      },
    ],
    explains: [...exits, ...gap],
    fix: {
      safety: 'manual',
      description:
        'Keep a process listening while one exits: run uvicorn with --workers 2 or more ' +
        '(uvicorn 0.30 and later replaces a worker that reached the limit while the others ' +
        'serve), or under gunicorn with uvicorn workers and max_requests plus ' +
        'max_requests_jitter; or drop --limit-max-requests if memory stays bounded without it. ' +
        'Each changes memory and concurrency, so it is yours to choose.',
      edits: [],
    },
  };
}
