/**
 * oom-kill: the logs say a process was killed for memory (kernel OOM killer, Kubernetes
 * OOMKilled / exit 137, gunicorn or uWSGI workers ended by SIGKILL, V8 heap exhaustion).
 *
 * A worker killed mid-request drops its connection: nginx logs "upstream prematurely closed
 * connection" or "connection reset"; a killed container refuses connections until it restarts.
 * The cure is memory (a higher limit, fewer workers, a fixed leak), which no config edit can
 * decide, so the finding is manual advice with the numbers found: workers × the killed
 * process's resident memory against the container's memory limit. Where workers are never
 * recycled, a second, safe finding adds recycling as a mitigation that bounds slow leaks.
 * Never fires without an OOM line: a memory limit alone is not evidence.
 */
import type { ComparedValue, Edit, Evidence, Incident, LogEvent } from '../model.ts';
import type { EffectiveValue, GunicornTree } from '../formats/gunicorn/index.ts';
import { setGunicornSetting } from '../formats/gunicorn/index.ts';
import { setUwsgiOption, type UwsgiTree } from '../formats/uwsgi/index.ts';
import type { ParsedFile } from '../formats/types.ts';
import type { Backend, Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { editableFile, numberOf, sourceOf, writtenAt } from './lib/app-values.ts';
import { mib, oomEvents, oomIsAbout, parseQuantity } from './lib/oom-events.ts';
import { eventEvidence, nearInTime } from './lib/route-events.ts';
import { wallSeconds } from './lib/event-time.ts';

/** What a killed worker or container does to requests in nginx's error log. */
const DROPPED = new Set([
  'premature-close',
  'connection-reset',
  'broken-pipe',
  'connect-refused',
  'socket-missing',
  'no-live-upstreams',
]);
/** gunicorn recycling used as the mitigation: the common production value, with 10% jitter. */
const RECYCLE_AFTER = 1000;
const RECYCLE_JITTER = 100;

export const oomKill: Rule = {
  meta: {
    id: 'oom-kill',
    cause: 'oom-kill',
    severity: 'error',
    title: 'Processes are killed for running out of memory',
    docs:
      'The kernel OOM killer, Kubernetes (OOMKilled, exit code 137) or the app server itself ' +
      '(gunicorn "was sent SIGKILL! Perhaps out of memory?", uWSGI "killed by signal 9") ended ' +
      'processes for memory. Requests they were serving are cut (nginx: "upstream prematurely ' +
      'closed connection", "connection reset"), and a killed container refuses connections ' +
      'until it restarts. The finding gives the numbers found (workers, resident memory of the ' +
      "killed process, the container's memory limit) so the limit or the worker count can be " +
      'sized. SIGKILLs that follow a WORKER TIMEOUT or HARAKIRI are timeouts, not memory.',
    fixSafety:
      'The cause is manual: how much memory the app needs (or where it leaks) is not in the ' +
      'configs. The mitigation is safe: workers restart gracefully (after finishing their ' +
      'request) every ~1000 requests with jitter, or uWSGI reloads a worker whose RSS passes ' +
      "80% of its share of the container's limit, which bounds slow leaks without dropping " +
      'requests; it costs a worker start now and then.',
  },
  check({ topology, events, incidents }) {
    const ooms = oomEvents(events);
    if (ooms.length === 0) return [];
    const hits: RuleHit[] = [];
    const claimed = new Set<LogEvent>();
    for (const backend of topology.backends) {
      const mine = ooms.filter((e) => oomIsAbout(e, backend, topology.backends));
      if (mine.length === 0) continue;
      for (const e of mine) claimed.add(e);
      hits.push(cause(topology, backend, mine, events, incidents));
      const mitigation = mitigate(topology, backend, mine);
      if (mitigation) hits.push(mitigation);
    }
    const rest = ooms.filter((e) => !claimed.has(e));
    if (rest.length > 0) hits.push(cause(topology, null, rest, events, incidents));
    return hits;
  },
};

interface Numbers {
  workers: { setting: string; value: number; source: EffectiveValue['source'] } | null;
  /** Largest resident memory of a killed process (kernel anon-rss), in bytes. */
  rss: { bytes: number; event: LogEvent } | null;
  limit: { bytes: number; text: string; value: EffectiveValue; container: string } | null;
}

function numbers(topology: Topology, backend: Backend | null, ooms: LogEvent[]): Numbers {
  let workers: Numbers['workers'] = null;
  if (backend && backend.kind !== 'node') {
    const setting = backend.kind === 'uwsgi' ? 'processes' : 'workers';
    const n = numberOf(backend.settings[setting]);
    if (n !== null) workers = { setting, value: n, source: backend.settings[setting]!.source };
  }
  let rss: Numbers['rss'] = null;
  for (const e of ooms) {
    const kb = e.fields?.anonRssKb;
    if (typeof kb === 'number' && (!rss || kb * 1024 > rss.bytes))
      rss = { bytes: kb * 1024, event: e };
  }
  // The backend's own container, else the only container in the manifests that sets a limit.
  const containers = backend?.pod
    ? [{ workload: backend.pod.workload, container: backend.pod.container }]
    : topology.workloads.flatMap(({ workload }) =>
        workload.containers.filter((c) => !c.init).map((container) => ({ workload, container })),
      );
  const limited = containers.filter((c) => writtenAt(c.container.memoryLimit.source) !== null);
  let limit: Numbers['limit'] = null;
  if (limited.length === 1) {
    const { workload, container } = limited[0]!;
    const bytes = parseQuantity(container.memoryLimit.value);
    if (bytes !== null)
      limit = {
        bytes,
        text: container.memoryLimit.value!,
        value: container.memoryLimit,
        container: `${workload.kind} ${workload.name} / ${container.name}`,
      };
  }
  return { workers, rss, limit };
}

function cause(
  topology: Topology,
  backend: Backend | null,
  ooms: LogEvent[],
  events: readonly LogEvent[],
  incidents: readonly Incident[],
): RuleHit {
  const dropped = droppedNear(events, incidents, ooms);
  const droppedSet = new Set(dropped);
  const oomSet = new Set(ooms);
  const n = numbers(topology, backend, ooms);
  const who = backend?.label ?? 'a process';

  const parts: string[] = [];
  if (n.workers)
    parts.push(`${n.workers.setting} = ${n.workers.value} (${sourceOf(n.workers.source)})`);
  if (n.rss)
    parts.push(
      `the killed process held ${mib(n.rss.bytes)} resident (${n.rss.event.file}:${n.rss.event.line})`,
    );
  if (n.workers && n.rss)
    parts.push(`${n.workers.value} × ${mib(n.rss.bytes)} ≈ ${mib(n.workers.value * n.rss.bytes)}`);
  if (n.limit)
    parts.push(
      `memory limit ${n.limit.text} for ${n.limit.container} (${sourceOf(n.limit.value.source)})`,
    );
  let message =
    `${ooms.length} line(s) say ${who} was killed for memory (${describe(ooms)}). ` +
    'A killed worker cuts the requests it was serving; a killed container refuses connections until it restarts.';
  if (dropped.length > 0)
    message += ` nginx logged ${dropped.length} failed request(s) right next to these kills.`;
  if (parts.length > 0) message += ` Numbers found: ${parts.join('; ')}.`;

  const evidence: Evidence[] = [...eventEvidence(ooms, 5, 'killed for memory')];
  if (n.limit) {
    const at = writtenAt(n.limit.value.source);
    if (at) evidence.push({ ...at, note: `memory limit ${n.limit.text}` });
  }
  if (n.workers) {
    const at = writtenAt(n.workers.source);
    if (at) evidence.push({ ...at, note: `${n.workers.setting} ${n.workers.value}` });
  }
  evidence.push(...eventEvidence(dropped, 3));

  const compared: ComparedValue[] = [];
  if (n.workers && backend)
    compared.push({
      hop: backend.label,
      setting: n.workers.setting,
      value: String(n.workers.value),
      source: sourceOf(n.workers.source),
    });
  if (n.rss)
    compared.push({
      hop: 'kernel',
      setting: 'anon-rss of the killed process',
      value: mib(n.rss.bytes),
      source: `${n.rss.event.file}:${n.rss.event.line}`,
    });
  if (n.limit)
    compared.push({
      hop: `kubernetes ${n.limit.container}`,
      setting: 'resources.limits.memory',
      value: n.limit.text,
      source: sourceOf(n.limit.value.source),
    });

  const sizing =
    n.workers && n.rss && n.limit
      ? n.workers.value * n.rss.bytes > n.limit.bytes * 0.9
        ? ` ${n.workers.value} workers at ${mib(n.rss.bytes)} need about ${mib(n.workers.value * n.rss.bytes)}, more than the ${n.limit.text} limit leaves: raise the limit or run fewer workers.`
        : ` ${n.workers.value} workers at ${mib(n.rss.bytes)} fit in ${n.limit.text}: look for a request that makes one worker grow (a large query or upload), or a leak.`
      : '';
  return {
    key: `oom-kill ${backend?.label ?? 'unattributed'}`,
    message,
    evidence,
    compared,
    explains: events.filter((e) => oomSet.has(e) || droppedSet.has(e)),
    fix: {
      safety: 'manual',
      description:
        'Give the app the memory it uses, or make it use less: raise the memory limit (or the ' +
        "host's memory) above workers × peak memory per worker, or run fewer workers; find what " +
        'grows (memory per worker rising request after request is a leak).' +
        sizing,
      edits: [],
    },
  };
}

function describe(ooms: readonly LogEvent[]): string {
  const by: Record<string, string> = {
    kernel: 'kernel OOM killer',
    kubernetes: 'Kubernetes OOMKilled / exit 137',
    gunicorn: 'gunicorn worker sent SIGKILL',
    uwsgi: 'uWSGI worker killed by signal 9',
    'php-fpm': 'php-fpm child killed by SIGKILL',
    node: 'V8 heap out of memory',
  };
  return [...new Set(ooms.map((e) => by[e.source] ?? e.source))].join(', ');
}

/**
 * nginx failures logged right after an OOM line. Time is the link, not the route: nginx logs
 * the address a Service name resolved to, which the configs cannot tell. OOM lines without a
 * usable time (dmesg uptime, kubectl rows) link to the failures of incidents they were listed in.
 */
function droppedNear(
  events: readonly LogEvent[],
  incidents: readonly Incident[],
  ooms: readonly LogEvent[],
): LogEvent[] {
  const failures = events.filter(
    (e) => e.source === 'nginx-error' && DROPPED.has(e.kind) && e.phase !== 'sending-to-client',
  );
  if (ooms.some((e) => wallSeconds(e) !== null)) return nearInTime(failures, ooms);
  const oomSet = new Set(ooms);
  const near = incidents.filter((i) => (i.untimed ?? []).some((e) => oomSet.has(e)));
  const addresses = new Set(near.map((i) => i.address ?? null));
  return failures.filter((e) => {
    const address = typeof e.fields?.upstreamAddress === 'string' ? e.fields.upstreamAddress : null;
    return addresses.has(address) || addresses.has(null);
  });
}

/** Worker recycling where there is none, as a safe mitigation that bounds slow leaks. */
function mitigate(topology: Topology, backend: Backend, ooms: LogEvent[]): RuleHit | null {
  let edits: Edit[];
  let description: string;
  let setting: string;
  if (backend.kind === 'gunicorn') {
    if (numberOf(backend.settings.max_requests) !== 0) return null;
    const file = editableFile(topology, backend, 'max_requests');
    if (!file) return null;
    const g = file as ParsedFile<GunicornTree>;
    edits = [
      ...setGunicornSetting(g, 'max_requests', RECYCLE_AFTER),
      ...setGunicornSetting(g, 'max_requests_jitter', RECYCLE_JITTER),
    ];
    setting = 'max_requests';
    description =
      `Recycle workers: max_requests = ${RECYCLE_AFTER} with max_requests_jitter = ${RECYCLE_JITTER}, ` +
      'so a worker that slowly grows is replaced (gracefully, after its current request) before it ' +
      'reaches the limit. A mitigation for leaks, not a cure for a limit that is too small.';
  } else if (backend.kind === 'uwsgi') {
    if (numberOf(backend.settings['reload-on-rss']) !== 0) return null;
    const n = numbers(topology, backend, ooms);
    if (!n.limit || !n.workers || n.workers.value <= 0) return null;
    const share = Math.floor((n.limit.bytes / 2 ** 20 / n.workers.value) * 0.8);
    const file = editableFile(topology, backend, 'reload-on-rss');
    if (share <= 0 || !file) return null;
    edits = setUwsgiOption(file as ParsedFile<UwsgiTree>, 'reload-on-rss', share);
    setting = 'reload-on-rss';
    description =
      `Add reload-on-rss = ${share} (MiB): 80% of each of the ${n.workers.value} processes' share ` +
      `of the ${n.limit.text} limit, so uWSGI reloads a worker (after its request) before the ` +
      'container as a whole is killed. A mitigation, not a cure for a limit that is too small.';
  } else return null;
  if (edits.length === 0) return null;
  const value = backend.settings[setting];
  const at = value ? writtenAt(value.source) : null;
  return {
    key: `oom-kill mitigation ${backend.label}`,
    title: 'Mitigation: recycle workers before they outgrow their memory',
    message:
      `${backend.label} never recycles its workers (${setting} = ${value?.value ?? '0'}, ` +
      `${value ? sourceOf(value.source) : 'default'}) and was killed for memory: ` +
      'recycling bounds how far a slow leak can grow.',
    evidence: [
      ...(at ? [{ ...at, note: `${setting} ${value!.value}` }] : []),
      ...eventEvidence(ooms, 2, 'killed for memory'),
    ],
    // The kills it mitigates: it belongs with the causes of this incident, not with the risks.
    explains: ooms,
    compared: value
      ? [{ hop: backend.label, setting, value: value.value ?? '?', source: sourceOf(value.source) }]
      : [],
    fix: { safety: 'safe', description, edits },
  };
}
