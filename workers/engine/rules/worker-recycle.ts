/**
 * worker-recycle: app servers that restart their own workers (gunicorn `max_requests`, uWSGI
 * `max-requests`, `max-worker-lifetime`, `reload-on-rss`, uvicorn `--limit-max-requests`,
 * hypercorn `max_requests`, Apache `MaxConnectionsPerChild`), seen
 * from nginx.
 *
 * Two findings. (1) The 502s: a recycling worker that keeps connections alive (gunicorn
 * gthread/async, uWSGI with HTTP keep-alive) closes them when it exits, and when nginx pools
 * connections to it, a request nginx has just written to one of them fails ("connection reset
 * by peer", "upstream prematurely closed connection") right next to gunicorn's
 * "Autorestarting worker after current request" lines; non-idempotent requests are not
 * retried and get 502. The lab measured it (tests/lab/NOTES.md): jitter does not help, removing
 * the pool does. (2) Restarts all at once: workers that share the load evenly reach
 * `max_requests` together when there is no jitter, so capacity dips while they all boot. (3) One
 * uvicorn process with --limit-max-requests ends the whole server (lib/uvicorn-exit.ts).
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../model.ts';
import { setGunicornSetting, type GunicornTree } from '../formats/gunicorn/index.ts';
import { setUwsgiOption, type UwsgiTree } from '../formats/uwsgi/index.ts';
import { setUvicornSetting } from '../formats/uvicorn/edit.ts';
import type { UvicornTree } from '../formats/uvicorn/index.ts';
import { setHypercornSetting, type HypercornTree } from '../formats/hypercorn/index.ts';
import type { ParsedFile } from '../formats/types.ts';
import type { Backend, Route, Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { editableFile, numberOf, ownLines, sourceOf, writtenAt } from './lib/app-values.ts';
import { pooledUpstreams, recyclers, removePool, type PooledUpstream } from './lib/recycle-pool.ts';
import { causesNear, eventEvidence, nearInTime } from './lib/route-events.ts';
import { eventsOfRoutes, failuresOfRoutes } from './lib/route-of.ts';
import { endsWhole, uvicornExitHit } from './lib/uvicorn-exit.ts';

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
// limit_max_requests_jitter is uvicorn 0.37 and later (older releases refuse the option).
const UVICORN: Pair[] = [
  {
    limit: 'limit_max_requests',
    spread: 'limit_max_requests_jitter',
    unit: 'requests',
    everywhere: false,
  },
];
// hypercorn's max_requests and its jitter came together (0.16.0).
const HYPERCORN: Pair[] = [
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

const PAIRS: Partial<Record<Backend['kind'], Pair[]>> = {
  gunicorn: GUNICORN,
  uwsgi: UWSGI,
  uvicorn: UVICORN,
  hypercorn: HYPERCORN,
};
const PROGRAM: Partial<Record<Backend['kind'], string>> = {
  gunicorn: 'gunicorn',
  uwsgi: 'uWSGI',
  uvicorn: 'uvicorn',
  hypercorn: 'hypercorn',
};

/** nginx failures a worker exiting under a request (or an idle pooled connection) produces. */
const DROPPED = ['premature-close', 'connection-reset', 'broken-pipe'];
const DROPPED_PHASES = new Set(['sending-request', 'reading-response-header', 'reading-upstream']);

export const workerRecycle: Rule = {
  meta: {
    id: 'worker-recycle',
    cause: 'worker-recycle',
    severity: 'warning',
    title: 'App server worker recycling',
    docs:
      'Worker recycling (gunicorn `max_requests`, uWSGI `max-requests`, `max-worker-lifetime`, ' +
      '`reload-on-rss`, hypercorn `max_requests` from 0.16, Apache `MaxConnectionsPerChild` under ' +
      'the event or worker MPM) drops requests when nginx pools keep-alive connections to workers that ' +
      'keep them open: an exiting worker closes its connections under requests nginx just ' +
      'sent (reset / prematurely closed, 502 for POSTs, next to the restart lines). Separately, ' +
      'a limit without jitter (`max_requests_jitter`, `max-requests-delta`, ' +
      '`max-worker-lifetime-delta`, uvicorn `--limit-max-requests-jitter`) restarts all workers ' +
      'at about the same moment. uvicorn `--limit-max-requests` without `--workers` is not ' +
      'recycling: the one process ends the server, and connects are refused until a process ' +
      'manager starts it again.',
    fixSafety:
      'Removing the upstream pool is unsafe (opt-in): every request then opens its own ' +
      'connection, a handshake that is cheap over loopback or a unix socket but adds latency ' +
      'and TIME_WAIT sockets on a busy remote hop. ' +
      'Jitter is safe for gunicorn and for uWSGI max-worker-lifetime: the spread (10% of the limit) only ' +
      "moves each worker's restart to a random point a little later, never sooner, so memory " +
      'is still bounded and nothing else changes. Unsafe (opt-in) for uWSGI max-requests-delta: ' +
      'it exists from uWSGI 2.0.29 (and 2.1); older 2.0 releases accept the line but ignore it, ' +
      'so check `uwsgi --help | grep max-requests-delta` before relying on it.',
  },
  check({ topology, events }) {
    const hits: RuleHit[] = [];
    for (const backend of topology.backends) {
      const active = recyclers(backend);
      // One uvicorn process does not recycle: it ends the server (uvicorn-exit.ts).
      if (active.length > 0 && !endsWhole(backend))
        for (const pooled of pooledUpstreams(topology, backend))
          hits.push(poolHit(topology, backend, active, pooled, events));
      for (const pair of PAIRS[backend.kind] ?? []) {
        const hit = checkPair(topology, backend, pair, events);
        if (hit) hits.push(hit);
      }
      const exit = uvicornExitHit(topology, backend, events);
      if (exit) hits.push(exit);
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
  const workersSetting = backend.kind === 'uwsgi' ? 'processes' : 'workers';
  const workers = numberOf(backend.settings[workersSetting]);
  // One worker has nobody to restart "together" with: its restart gap is the same either way.
  if (workers === 1 || endsWhole(backend)) return null;

  // Restart lines show the restarts; they are not failures, and jitter does not stop the
  // 502s that pooled connections suffer (poolHit's finding), so this one explains nothing.
  const recycles = ownLines(backend, events).filter((e) => e.kind === 'worker-recycle');

  const step = Math.max(1, Math.round(limit * 0.1));
  const edits = fixEdits(topology, backend, pair, step);
  const safety = edits.length === 0 ? 'manual' : pair.everywhere ? 'safe' : 'unsafe';
  const limitAt = sourceOf(limitValue.source);
  const spreadAt = spreadValue ? sourceOf(spreadValue.source) : 'default';
  const program = PROGRAM[backend.kind]!;

  const evidence: Evidence[] = [];
  const limitLine = writtenAt(limitValue.source);
  if (limitLine) evidence.push({ ...limitLine, note: `${pair.limit} ${limit}` });
  const spreadLine = spreadValue ? writtenAt(spreadValue.source) : null;
  if (spreadLine) evidence.push({ ...spreadLine, note: `${pair.spread} 0` });
  evidence.push(...eventEvidence(recycles, 3, 'worker restart'));

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
      : 'started together, so they reach the lifetime together and restart together.') +
    ' While they all boot, requests wait in the listen queue.';
  if (recycles.length > 0)
    message += ` The ${program} log shows ${recycles.length} worker restart line(s).`;

  return {
    key: `worker-recycle ${backend.label} ${pair.limit}`,
    title: 'Workers are recycled all at once (no jitter)',
    message,
    evidence,
    compared,
    fix: {
      safety,
      description:
        edits.length === 0
          ? `Add ${pair.spread} = ${step} where ${pair.limit} is set (${limitAt}); it is not in a file this tool can edit.`
          : `Add ${pair.spread} = ${step} (10% of ${pair.limit}) so each worker restarts after a ` +
            `random ${limit}–${limit + step} ${pair.unit} instead of all at ${limit}.` +
            (pair.everywhere
              ? ''
              : backend.kind === 'uvicorn'
                ? ' Needs uvicorn 0.37 or later: older releases refuse the option and do not start.'
                : ' Needs uWSGI 2.0.29 or 2.1: older releases ignore the option without a warning.'),
      edits,
    },
  };
}

function poolHit(
  topology: Topology,
  backend: Backend,
  active: { setting: string; value: number }[],
  pooled: PooledUpstream,
  events: readonly LogEvent[],
): RuleHit {
  const { upstream, pool, routes, idle } = pooled;
  const recycles = causesNear(
    ownLines(backend, events).filter((e) => e.kind === 'worker-recycle'),
    failuresOfRoutes(topology, events, routes),
  );
  // Only the drops logged right after a restart are the restart's doing.
  const explains =
    recycles.length > 0 ? nearInTime(droppedRequests(topology, events, routes), recycles) : [];
  const program = PROGRAM[backend.kind]!;
  const limits = active.map(({ setting, value }) => {
    const at = sourceOf(backend.settings[setting]!.source);
    return { setting, value, at, line: writtenAt(backend.settings[setting]!.source) };
  });
  let message =
    `${backend.label} restarts its workers (${limits
      .map((l) => `${l.setting} = ${l.value}, ${l.at}`)
      .join('; ')}) and nginx pools connections to it in upstream ${upstream.name} ` +
    `(${pool.size}, ${pool.sizeSource}); ${idle.why} (${idle.setting} ${idle.display}, ` +
    `${idle.source}). A worker that exits closes the connections it holds; a request nginx has ` +
    'just written to one of them fails, and nginx does not retry non-idempotent requests ' +
    '(POST, PATCH) on another connection: 502. Jitter does not help: every restart drops its ' +
    'connections.';
  if (explains.length > 0)
    message +=
      ` ${explains.length} nginx failure(s) (connection reset or closed under a request) came ` +
      `right after ${recycles.length} worker restart line(s) in the ${program} log.`;
  const edits = topology.nginx ? removePool(topology.nginx, upstream) : [];
  const evidence: Evidence[] = [
    ...limits.flatMap((l) => (l.line ? [{ ...l.line, note: `${l.setting} ${l.value}` }] : [])),
    ...(pool.sizeLine ? [{ ...pool.sizeLine, note: pool.size }] : []),
    ...(idle.line ? [{ ...idle.line, note: `${idle.setting} ${idle.display}` }] : []),
    ...eventEvidence(recycles, 3, 'worker restart'),
    ...eventEvidence(explains, 3),
  ];
  const compared: ComparedValue[] = [
    ...limits.map((l) => ({
      hop: backend.label,
      setting: l.setting,
      value: String(l.value),
      source: l.at,
    })),
    {
      hop: `nginx upstream ${upstream.name}`,
      setting: 'keepalive',
      value: pool.size,
      source: pool.sizeSource,
    },
    { hop: backend.label, setting: idle.setting, value: idle.display, source: idle.source },
  ];
  const alternatives =
    'Alternatives, not applied: let nginx retry non-idempotent requests ' +
    '(proxy_next_upstream error timeout non_idempotent: unsafe, a POST may run twice), or stop ' +
    'recycling workers if memory allows.';
  return {
    key: `worker-recycle ${backend.label} pool ${upstream.file} ${upstream.name}`,
    title: 'Recycled workers drop the connections nginx pools',
    message,
    evidence,
    compared,
    explains,
    fix: {
      safety: edits.length > 0 ? 'unsafe' : 'manual',
      description:
        (edits.length > 0
          ? `Remove the connection pool of upstream ${upstream.name} (${pool.size}): each ` +
            'request then opens its own connection, so an exiting worker never takes one with it. ' +
            'The cost is a TCP handshake per request: cheap over loopback or a unix socket, ' +
            'latency and TIME_WAIT sockets on a busy remote hop. '
          : `The pool is nginx's default (${pool.sizeSource}) and no line in the block turns it off. `) +
        alternatives,
      edits,
    },
  };
}

function droppedRequests(
  topology: Topology,
  events: readonly LogEvent[],
  routes: readonly Route[],
): LogEvent[] {
  return eventsOfRoutes(topology, events, routes, DROPPED).filter(
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
  if (backend.kind === 'uvicorn')
    return setUvicornSetting(file as ParsedFile<UvicornTree>, pair.spread, step);
  if (backend.kind === 'hypercorn')
    return setHypercornSetting(file as ParsedFile<HypercornTree>, pair.spread, step);
  return setUwsgiOption(file as ParsedFile<UwsgiTree>, pair.spread, step);
}
