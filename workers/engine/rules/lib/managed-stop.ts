/**
 * deploy-termination for an app server run by docker compose, systemd or supervisord: the
 * manager sends its stop signal, waits (compose `stop_grace_period`, 10 s by default; systemd
 * `TimeoutStopSec`, 90 s; supervisord `stopwaitsecs`, 10), then SIGKILLs. gunicorn drains on
 * SIGTERM for up to `graceful_timeout` (30 s by default) but stops at once on SIGINT or SIGQUIT;
 * uvicorn drains on SIGTERM and SIGINT, for up to `--timeout-graceful-shutdown` when set; uWSGI
 * drains only through its graceful hook (uwsgiDrain). A wait not above the drain, or a signal the
 * app does not drain on, cuts the requests running at every deploy.
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../../model.ts';
import type { ParsedFile } from '../../formats/types.ts';
import { addUwsgiOption, type UwsgiTree } from '../../formats/uwsgi/index.ts';
import { stopPolicy, type StopPolicy } from '../../formats/gunicorn/stop-policy.ts';
import type { Backend, Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { numberOf, sourceOf, writtenAt } from './app-values.ts';
import { placedSeconds } from './event-time.ts';
import { failuresOfRoutes } from './route-of.ts';

/** Room above the app's drain for the manager's wait. */
const MARGIN = 5;

/** What an app server does on a stop signal: finish running requests, exit at once, or go on. */
type Outcome = 'drains' | 'exits' | 'stays';

interface Drain {
  program: string;
  /** Seconds the app may take to finish running requests; null when it sets no limit. */
  seconds: number | null;
  setting: string;
  value: Backend['settings'][string] | undefined;
  /** The app's own words for a signal it does not drain on ("reloads instead of exiting"). */
  on(signal: string): { outcome: Outcome; words: string };
  /**
   * Edits that make SIGTERM drain, where it does not yet (uWSGI's graceful hook); null when
   * TERM already drains, [] when no pasted file can carry the change.
   */
  termDrains(topology: Topology): Edit[] | null;
}

const EXITS = { outcome: 'exits', words: 'exits at once' } as const;
const DRAINS = { outcome: 'drains', words: 'finishes running requests' } as const;

/** uWSGI's signal numbers as `unix_signal:<n>` hooks name them. */
const SIGNAL_NUMBERS: Readonly<Record<string, string>> = {
  '1': 'HUP',
  '2': 'INT',
  '3': 'QUIT',
  '15': 'TERM',
};
const GRACEFUL_HOOK = 'unix_signal:15 gracefully_kill_them_all';

function drainOf(backend: Backend): Drain | null {
  if (backend.kind === 'gunicorn') {
    const value = backend.settings.graceful_timeout;
    return {
      program: 'gunicorn',
      seconds: numberOf(value),
      setting: 'graceful_timeout',
      value,
      // HUP reloads its workers, USR1/USR2/WINCH/TTIN/TTOU do their own jobs: none exits.
      on: (signal) =>
        signal === 'TERM'
          ? DRAINS
          : /^(INT|QUIT|KILL)$/.test(signal)
            ? EXITS
            : { outcome: 'stays', words: 'does not exit (it handles that signal otherwise)' },
      termDrains: () => null,
    };
  }
  if (backend.kind === 'uvicorn') {
    const value = backend.settings.timeout_graceful_shutdown;
    return {
      program: 'uvicorn',
      seconds: numberOf(value),
      setting: 'timeout_graceful_shutdown',
      value,
      // It handles INT and TERM; any other signal ends it the default way, at once.
      on: (signal) => (/^(INT|TERM)$/.test(signal) ? DRAINS : EXITS),
      termDrains: () => null,
    };
  }
  if (backend.kind === 'uwsgi') return uwsgiDrain(backend);
  return null;
}

/**
 * uWSGI 2.0 (uWSGI's "Managing the uWSGI server"): SIGTERM brutally reloads — workers are killed
 * mid-request and uWSGI goes on running — unless `die-on-term`, when it exits at once; SIGINT and
 * SIGQUIT kill it at once; SIGHUP reloads gracefully. It finishes running requests on a stop
 * only through a hook (`hook-master-start = unix_signal:15 gracefully_kill_them_all`), for up to
 * `worker-reload-mercy` (60 s by default).
 */
function uwsgiDrain(backend: Backend): Drain {
  const s = backend.settings;
  const hooks = s['hook-master-start']?.value ?? '';
  const graceful = new Set(
    [...hooks.matchAll(/unix_signal:(\d+)\s+gracefully_kill_them_all/g)].map(
      (m) => SIGNAL_NUMBERS[m[1]!] ?? m[1]!,
    ),
  );
  const dieOnTerm = /^(true|1|yes|on|)$/i.test(s['die-on-term']?.value ?? 'false');
  const value = s['worker-reload-mercy'];
  return {
    program: 'uWSGI',
    seconds: numberOf(value),
    setting: 'worker-reload-mercy',
    value,
    on: (signal) => {
      if (graceful.has(signal)) return DRAINS;
      if (signal === 'TERM' && !dieOnTerm)
        return {
          outcome: 'stays',
          words:
            'reloads brutally instead of exiting (its workers are killed mid-request and it goes on running; die-on-term is off)',
        };
      if (signal === 'HUP') return { outcome: 'stays', words: 'reloads instead of exiting' };
      return {
        outcome: 'exits',
        words: `kills its workers at once${signal === 'TERM' ? ' (die-on-term)' : ''}`,
      };
    },
    termDrains: (topology) => {
      if (graceful.has('TERM')) return null;
      const ini = backend.files
        .map((name) => topology.files.find((f) => f.name === name))
        .find((f) => f?.kind === 'uwsgi' && (f.tree as UwsgiTree).form === 'ini');
      return ini
        ? addUwsgiOption(ini as ParsedFile<UwsgiTree>, 'hook-master-start', GRACEFUL_HOOK)
        : [];
    },
  };
}

export function managedStopHits(topology: Topology, events: readonly LogEvent[]): RuleHit[] {
  const byName = new Map(topology.files.map((f) => [f.name, f]));
  const found: { file: ParsedFile; policy: StopPolicy; backend: Backend; drain: Drain }[] = [];
  for (const backend of topology.backends) {
    const drain = backend.pod ? null : drainOf(backend);
    if (!drain) continue;
    for (const name of new Set(backend.files)) {
      const file = byName.get(name);
      const program = new RegExp(`\\b${drain.program.toLowerCase()}3?\\b`);
      const policy = file && stopPolicy(file.name, file.text, program);
      if (file && policy) found.push({ file, policy, backend, drain });
    }
  }
  const stops = events.filter((e) => e.source === 'process-manager');
  return found.flatMap(({ file, policy, backend, drain }) => {
    const alone = found.filter((f) => f.policy.manager === policy.manager).length === 1;
    const service = stopsOf(policy, stops, alone);
    const cut = cutAtKills(topology, backend, service, events);
    const hit = check(topology, file, policy, backend, drain, service.kills, cut);
    return hit ? [hit] : [];
  });
}

/** What a kill of the app cuts: requests in flight, closed or reset under nginx. */
const CUT = new Set(['premature-close', 'connection-reset', 'broken-pipe']);

/** A stop longer than this is not one stop (the manager waits minutes at most). */
const LONGEST_STOP = 600;

/**
 * nginx's requests to this app server cut by a stop that ended in a kill: in-flight failures
 * logged from the stop's first line (the manager's "stopping", else the kill itself) less 1 s
 * to 2 s after the kill (same-second lines come in either order). An app that does not drain
 * on the signal (uWSGI's brutal reload) cuts them at the signal, long before the kill.
 */
function cutAtKills(
  topology: Topology,
  backend: Backend,
  { kills, stopping }: ServiceStops,
  events: readonly LogEvent[],
): LogEvent[] {
  const at = placedSeconds(events);
  const starts = stopping.map(at).filter((t): t is number => t !== null);
  // supervisord says "waiting for … to stop" every 2 s: a stop starts at its first such line
  // after the previous kill.
  const times = kills
    .map(at)
    .filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
  const windows = times.map((kill, i) => {
    const previous = i > 0 ? times[i - 1]! : -Infinity;
    const from = starts.filter((s) => s > previous && s <= kill && kill - s <= LONGEST_STOP);
    return [(from.length > 0 ? Math.min(...from) : kill) - 1, kill + 2] as const;
  });
  if (windows.length === 0) return [];
  const routes = topology.routes.filter((r) => r.backends.some((l) => l.backend === backend));
  const candidates = routes.length > 0 ? failuresOfRoutes(topology, events, routes) : events;
  return candidates.filter((e) => {
    if (e.source !== 'nginx-error' || !CUT.has(e.kind) || e.phase === 'sending-to-client')
      return false;
    const t = at(e);
    return t !== null && windows.some(([from, to]) => t >= from && t <= to);
  });
}

interface ServiceStops {
  /** The lines saying a stop ended in a kill (the wait ran out, SIGKILL, exit 137). */
  kills: LogEvent[];
  /** The lines saying a stop began. */
  stopping: LogEvent[];
}

/**
 * The manager's stop lines about this service, by the name its log gives the service, unit or
 * program. A unit pasted inside a text has no file name to match: then any systemd line, when
 * it is the only unit pasted.
 */
function stopsOf(policy: StopPolicy, stops: readonly LogEvent[], alone: boolean): ServiceStops {
  const unnamed = policy.manager === 'systemd' && !policy.name.endsWith('.service');
  const mine = stops.filter(
    (e) =>
      e.fields?.manager === policy.manager &&
      (unnamed ? alone : sameService(policy, String(e.fields.unit ?? ''))),
  );
  return {
    kills: mine.filter((e) => e.kind === 'stop-timeout' || e.kind === 'killed'),
    stopping: mine.filter((e) => e.kind === 'stopping'),
  };
}

function sameService(policy: StopPolicy, unit: string): boolean {
  const name = policy.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (policy.manager === 'docker compose')
    // Containers are named <project>-<service>-<n> (v2) or <project>_<service>_<n> (v1).
    return new RegExp(`(^|[-_])${name}([-_]\\d+)?$`).test(unit);
  if (policy.manager === 'supervisord')
    // A program with numprocs runs <name>_00 …; a group writes <group>:<name>.
    return new RegExp(`(^|:)${name}(_\\d+)?$`).test(unit);
  return unit === policy.name;
}

function check(
  topology: Topology,
  file: ParsedFile,
  policy: StopPolicy,
  backend: Backend,
  drain: Drain,
  kills: readonly LogEvent[],
  cut: readonly LogEvent[],
): RuleHit | null {
  const signal = policy.signal.value.toUpperCase().replace(/^SIG/, '');
  const now = drain.on(signal);
  // The wait is compared with the drain the app will do on SIGTERM once fixed.
  const short =
    drain.seconds !== null && policy.waitSeconds !== null && policy.waitSeconds <= drain.seconds;
  const hook = drain.termDrains(topology);
  if (now.outcome === 'drains' && !short) return null;
  const problems: string[] = [];
  const edits: Edit[] = [];
  const changes: string[] = [];
  if (now.outcome !== 'drains') {
    problems.push(
      now.outcome === 'exits'
        ? `${policy.label} stops it with SIG${signal} (${policy.signalSetting}), on which ${drain.program} ${now.words}: every request running at a deploy is cut.`
        : `${policy.label} stops it with SIG${signal} (${policy.signalSetting}), on which ${drain.program} ${now.words}: ${policy.manager} then SIGKILLs it after ${policy.waitSeconds ?? policy.wait.value} s, and every request running at a deploy is cut.`,
    );
    if (signal !== 'TERM') {
      edits.push(...setValue(file, policy, policy.signal, policy.signalSetting, policy.termText));
      changes.push(`${policy.signalSetting} ${policy.termText}`);
    }
    if (hook !== null) {
      edits.push(...hook);
      changes.push(`hook-master-start = ${GRACEFUL_HOOK} in uWSGI's config`);
    }
  }
  if (short) {
    const want = policy.waitText(drain.seconds! + MARGIN);
    problems.push(
      `${policy.label} waits ${policy.waitSeconds} s (${policy.waitSetting}${policy.wait.line === null ? ', default' : ''}) ` +
        `after the stop signal before SIGKILL, but ${drain.program} may take up to ${drain.seconds} s ` +
        `(${drain.setting}, ${drain.value ? sourceOf(drain.value.source) : 'default'}) to finish running requests: ` +
        `requests still running after ${policy.waitSeconds} s are killed.`,
    );
    edits.push(...setValue(file, policy, policy.wait, policy.waitSetting, want));
    changes.push(`${policy.waitSetting} ${want}`);
  }
  // uWSGI's hook has to land in a pasted ini: without one the change is said, not half made.
  const complete = hook === null || hook.length > 0 || now.outcome === 'drains';
  if (kills.length > 0)
    problems.push(
      `${policy.manager}'s log shows it: ${kills.length} line(s) where a stop ended in SIGKILL` +
        (cut.length > 0 ? `, and nginx logged ${cut.length} request(s) cut during the stop.` : '.'),
    );
  return {
    key: `deploy-termination ${file.name} ${policy.label}`,
    title: `${policy.manager} cuts ${drain.program}'s requests when it stops it`,
    message: `${backend.label}: ${problems.join(' ')}`,
    evidence: [
      ...evidence(file, policy, drain, now.outcome !== 'drains', short),
      ...[...kills.slice(0, 3), ...cut.slice(0, 3)].map((e) => ({ file: e.file, line: e.line })),
    ],
    explains: [...kills, ...cut],
    compared: compared(file, policy, drain),
    fix: complete
      ? {
          safety: 'safe',
          description:
            `Set ${changes.join(' and ')} for ${policy.label}, so ${drain.program} drains its running ` +
            'requests before it is killed. A stop then takes as long as the slowest request, at most that.',
          edits,
        }
      : {
          safety: 'manual',
          description:
            `Add \`hook-master-start = ${GRACEFUL_HOOK}\` to uWSGI's config (or \`--hook-master-start "${GRACEFUL_HOOK}"\` to its command line), so SIGTERM drains running requests, ` +
            `and set ${changes.filter((c) => !c.startsWith('hook-master-start')).join(' and ') || 'the stop signal to TERM'} for ${policy.label}.`,
          edits: [],
        },
  };
}

/** Replaces a written value, or adds the setting where the manager reads it. */
function setValue(
  file: ParsedFile,
  policy: StopPolicy,
  at: StopPolicy['wait'],
  setting: string,
  value: string,
): Edit[] {
  if (at.start !== undefined && at.end !== undefined)
    return [{ file: file.name, start: at.start, end: at.end, text: value }];
  const line = policy.lineOf(setting, value);
  return [{ file: file.name, start: policy.insertAt, end: policy.insertAt, text: line }];
}

function evidence(
  file: ParsedFile,
  policy: StopPolicy,
  drain: Drain,
  quick: boolean,
  short: boolean,
): Evidence[] {
  const out: Evidence[] = [];
  if (quick)
    out.push({
      file: file.name,
      line: policy.signal.line ?? policy.headerLine,
      note: `${policy.signalSetting} ${policy.signal.value}`,
    });
  if (short) {
    out.push({
      file: file.name,
      line: policy.wait.line ?? policy.headerLine,
      note:
        policy.wait.line === null
          ? `no ${policy.waitSetting}: ${policy.wait.value} by default`
          : `${policy.waitSetting} ${policy.wait.value}`,
    });
    const set = drain.value ? writtenAt(drain.value.source) : null;
    if (set) out.push({ ...set, note: `${drain.setting} ${drain.value!.value}` });
  }
  return out;
}

function compared(file: ParsedFile, policy: StopPolicy, drain: Drain): ComparedValue[] {
  return [
    {
      hop: policy.label,
      setting: policy.waitSetting,
      value: policy.wait.value,
      source:
        policy.wait.line === null
          ? `${policy.manager} default`
          : `${file.name}:${policy.wait.line}`,
    },
    {
      hop: policy.label,
      setting: policy.signalSetting,
      value: policy.signal.value,
      source:
        policy.signal.line === null
          ? `${policy.manager} default`
          : `${file.name}:${policy.signal.line}`,
    },
    ...(drain.value
      ? [
          {
            hop: drain.program,
            setting: drain.setting,
            value: drain.value.value ?? 'no limit',
            source: sourceOf(drain.value.source),
          },
        ]
      : []),
  ];
}
