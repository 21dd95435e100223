/**
 * deploy-termination for an app server run by docker compose, systemd or supervisord: the
 * manager sends its stop signal, waits (compose `stop_grace_period`, 10 s by default; systemd
 * `TimeoutStopSec`, 90 s; supervisord `stopwaitsecs`, 10), then SIGKILLs. gunicorn drains on
 * SIGTERM for up to `graceful_timeout` (30 s by default) but stops at once on SIGINT or SIGQUIT;
 * uvicorn drains on SIGTERM and SIGINT, for up to `--timeout-graceful-shutdown` when set; uWSGI
 * drains only through its graceful hook (app-drain.ts). A wait not above the drain, or a signal
 * the app does not drain on, cuts the requests running at every deploy; the manager's own stop
 * lines and the requests cut meanwhile back the finding (stop-lines.ts).
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../../model.ts';
import type { ParsedFile } from '../../formats/types.ts';
import { stopPolicy, type StopPolicy } from '../../formats/gunicorn/stop-policy.ts';
import type { Backend, Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { backendFile, sourceOf, writtenAt } from './app-values.ts';
import { drainOf, GRACEFUL_HOOK, type Drain } from './app-drain.ts';
import { cutAtKills, stopsOf } from './stop-lines.ts';

/** Room above the app's drain for the manager's wait. */
const MARGIN = 5;

export function managedStopHits(topology: Topology, events: readonly LogEvent[]): RuleHit[] {
  const found: { file: ParsedFile; policy: StopPolicy; backend: Backend; drain: Drain }[] = [];
  for (const backend of topology.backends) {
    const drain = backend.pod ? null : drainOf(backend);
    if (!drain) continue;
    for (const name of new Set(backend.files)) {
      const file = backendFile(topology, backend, name);
      if (!file) continue;
      const program = new RegExp(`\\b${drain.program.toLowerCase()}3?\\b`);
      // A file that starts several services: the policy of the one that runs this server.
      const at = backend.launch?.file === file.name ? backend.launch.at : undefined;
      const policy = stopPolicy(file.name, file.text, program, at);
      if (policy) found.push({ file, policy, backend, drain });
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
  if (now.outcome === 'drains' && !short) return null;
  const hook = drain.termDrains(topology);
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
