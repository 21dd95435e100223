/**
 * worker-recycle: workers restarted after a fixed number of requests (or seconds) with no
 * random spread, so they all restart at about the same moment.
 *
 * gunicorn's sync and gthread workers share one listen socket and take requests about evenly,
 * so with `max_requests = 1000` and no `max_requests_jitter` every worker reaches request 1000
 * within seconds of the others. While they exit and boot, requests already handed to an
 * exiting worker (gthread queues, pooled keepalive connections nginx is about to reuse) are
 * dropped: nginx logs "upstream prematurely closed connection" or "connection reset by peer"
 * right next to gunicorn's "Autorestarting worker after current request" lines. uWSGI's
 * `max-requests` and `max-worker-lifetime` do the same without their `-delta` options.
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../model.ts';
import { setGunicornSetting, type GunicornTree } from '../formats/gunicorn/index.ts';
import { setUwsgiOption, type UwsgiTree } from '../formats/uwsgi/index.ts';
import type { ParsedFile } from '../formats/types.ts';
import type { Backend, Route, Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { editableFile, numberOf, sourceOf, sourceOfBackend, writtenAt } from './lib/app-values.ts';
import {
  causesNear,
  eventEvidence,
  eventsOnRoutes,
  failuresOnRoutes,
  nearInTime,
} from './lib/route-events.ts';

/** A limit that recycles workers and the option that spreads it. */
interface Pair {
  limit: string;
  spread: string;
  /** What the limit counts, for messages. */
  unit: 'requests' | 'seconds';
  /** Whether the spread option exists in every version of the server the defaults cover. */
  everywhere: boolean;
}

const GUNICORN: Pair[] = [
  { limit: 'max_requests', spread: 'max_requests_jitter', unit: 'requests', everywhere: true },
];
const UWSGI: Pair[] = [
  // max-requests-delta is uWSGI 2.1, backported to 2.0 only in 2.0.29 (older 2.0 ignores it silently).
  { limit: 'max-requests', spread: 'max-requests-delta', unit: 'requests', everywhere: false },
  {
    limit: 'max-worker-lifetime',
    spread: 'max-worker-lifetime-delta',
    unit: 'seconds',
    everywhere: true,
  },
];

/** nginx failures a worker exiting under a request (or an idle pooled connection) produces. */
const DROPPED = ['premature-close', 'connection-reset', 'broken-pipe'];
const DROPPED_PHASES = new Set(['sending-request', 'reading-response-header', 'reading-upstream']);

export const workerRecycle: Rule = {
  meta: {
    id: 'worker-recycle',
    cause: 'worker-recycle',
    severity: 'warning',
    title: 'Workers are recycled all at once (no jitter)',
    docs:
      'gunicorn `max_requests` without `max_requests_jitter`, uWSGI `max-requests` without ' +
      '`max-requests-delta` or `max-worker-lifetime` without `max-worker-lifetime-delta`: ' +
      'workers that share the load evenly hit the limit together and restart together. ' +
      'Requests in flight on the exiting workers (and connections nginx reuses to them) are ' +
      'cut, which nginx logs as "upstream prematurely closed connection" or "connection reset" ' +
      "next to the app server's restart lines, and capacity drops while the new workers boot.",
    fixSafety:
      'Safe for gunicorn and for uWSGI max-worker-lifetime: the spread (10% of the limit) only ' +
      "moves each worker's restart to a random point a little later, never sooner, so memory " +
      'is still bounded and nothing else changes. Unsafe (opt-in) for uWSGI max-requests-delta: ' +
      'it exists from uWSGI 2.0.29 (and 2.1); older 2.0 releases accept the line but ignore it, ' +
      'so check `uwsgi --help | grep max-requests-delta` before relying on it.',
  },
  check({ topology, events }) {
    const hits: RuleHit[] = [];
    for (const backend of topology.backends) {
      const pairs = backend.kind === 'gunicorn' ? GUNICORN : backend.kind === 'uwsgi' ? UWSGI : [];
      for (const pair of pairs) {
        const hit = checkPair(topology, backend, pair, events);
        if (hit) hits.push(hit);
      }
    }
    return hits;
  },
};

function checkPair(
  topology: Topology,
  backend: Backend,
  pair: Pair,
  events: Parameters<Rule['check']>[0]['events'],
): RuleHit | null {
  const limitValue = backend.settings[pair.limit];
  const spreadValue = backend.settings[pair.spread];
  const limit = numberOf(limitValue);
  // Not in the defaults table (max-worker-lifetime-delta): its default is 0 all the same.
  const spread = spreadValue ? numberOf(spreadValue) : 0;
  // Unknown values (environment, code) are not guessed at; a spread already set is the fix.
  if (!limitValue || limit === null || limit <= 0 || spread === null || spread > 0) return null;
  const workersSetting = backend.kind === 'gunicorn' ? 'workers' : 'processes';
  const workers = numberOf(backend.settings[workersSetting]);
  // One worker has nobody to restart "together" with: its restart gap is the same either way.
  if (workers === 1) return null;

  const routes = topology.routes.filter((r) => r.backends.some((l) => l.backend === backend));
  const source = sourceOfBackend(backend);
  const recycles = causesNear(
    events.filter((e) => e.source === source && e.kind === 'worker-recycle'),
    failuresOnRoutes(events, routes),
  );
  // Restart lines are routine; only nginx failures next to them are this rule's to explain.
  const explains = recycles.length > 0 ? nearInTime(droppedRequests(events, routes), recycles) : [];

  const step = Math.max(1, Math.round(limit * 0.1));
  const edits = fixEdits(topology, backend, pair, step);
  const safety = edits.length === 0 ? 'manual' : pair.everywhere ? 'safe' : 'unsafe';
  const limitAt = sourceOf(limitValue.source);
  const spreadAt = spreadValue ? sourceOf(spreadValue.source) : 'default';
  const program = backend.kind === 'gunicorn' ? 'gunicorn' : 'uWSGI';

  const evidence: Evidence[] = [];
  const limitLine = writtenAt(limitValue.source);
  if (limitLine) evidence.push({ ...limitLine, note: `${pair.limit} ${limit}` });
  const spreadLine = spreadValue ? writtenAt(spreadValue.source) : null;
  if (spreadLine) evidence.push({ ...spreadLine, note: `${pair.spread} 0` });
  evidence.push(...eventEvidence(recycles, 3, 'worker restart'));
  evidence.push(...eventEvidence(explains, 3));

  const compared: ComparedValue[] = [
    { hop: backend.label, setting: pair.limit, value: String(limit), source: limitAt },
    { hop: backend.label, setting: pair.spread, value: '0', source: spreadAt },
  ];
  if (workers !== null)
    compared.push({
      hop: backend.label,
      setting: workersSetting,
      value: String(workers),
      source: sourceOf(backend.settings[workersSetting]!.source),
    });

  const who = workers !== null ? `the ${workers} workers` : 'the workers';
  let message =
    `${backend.label} restarts each worker after ${pair.limit} = ${limit} ${pair.unit} ` +
    `(${limitAt}) with ${pair.spread} = 0 (${spreadAt}): ${who} ` +
    (pair.unit === 'requests'
      ? 'share the load evenly, so they reach the limit at about the same time and restart together.'
      : 'started together, so they reach the lifetime together and restart together.');
  if (explains.length > 0)
    message +=
      ` ${explains.length} nginx failure(s) (connection closed or reset under a request) came ` +
      `within seconds of ${recycles.length} worker restart line(s) in the ${program} log.`;
  else if (recycles.length > 0)
    message += ` The ${program} log shows ${recycles.length} worker restart line(s).`;

  return {
    key: `worker-recycle ${backend.label} ${pair.limit}`,
    message,
    evidence,
    compared,
    explains,
    fix: {
      safety,
      description:
        edits.length === 0
          ? `Add ${pair.spread} = ${step} where ${pair.limit} is set (${limitAt}); it is not in a file this tool can edit.`
          : `Add ${pair.spread} = ${step} (10% of ${pair.limit}) so each worker restarts after a ` +
            `random ${limit}–${limit + step} ${pair.unit} instead of all at ${limit}.` +
            (pair.everywhere
              ? ''
              : ' Needs uWSGI 2.0.29 or 2.1: older releases ignore the option without a warning.'),
      edits,
    },
  };
}

function droppedRequests(events: readonly LogEvent[], routes: readonly Route[]): LogEvent[] {
  return eventsOnRoutes(events, routes, DROPPED).filter(
    (e) => e.phase !== undefined && DROPPED_PHASES.has(e.phase),
  );
}

function fixEdits(topology: Topology, backend: Backend, pair: Pair, step: number): Edit[] {
  // The spread goes where it is already written (as 0), else beside the limit.
  const spreadWritten = writtenAt(backend.settings[pair.spread]?.source ?? { default: '' });
  const file = editableFile(topology, backend, spreadWritten ? pair.spread : pair.limit);
  if (!file) return [];
  if (backend.kind === 'gunicorn')
    return setGunicornSetting(file as ParsedFile<GunicornTree>, pair.spread, step);
  return setUwsgiOption(file as ParsedFile<UwsgiTree>, pair.spread, step);
}
