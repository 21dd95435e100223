/**
 * deploy-termination for an app server run by docker compose, systemd or supervisord: the
 * manager sends its stop signal, waits (compose `stop_grace_period`, 10 s by default; systemd
 * `TimeoutStopSec`, 90 s; supervisord `stopwaitsecs`, 10), then SIGKILLs. gunicorn drains on
 * SIGTERM for up to `graceful_timeout` (30 s by default) but stops at once on SIGINT or SIGQUIT;
 * uvicorn drains on SIGTERM and SIGINT, for up to `--timeout-graceful-shutdown` when set. A wait
 * not above the drain, or a signal the app does not drain on, cuts the requests running at
 * every deploy.
 */
import type { ComparedValue, Edit, Evidence } from '../../model.ts';
import type { ParsedFile } from '../../formats/types.ts';
import { stopPolicy, type StopPolicy } from '../../formats/gunicorn/stop-policy.ts';
import type { Backend, Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { numberOf, sourceOf, writtenAt } from './app-values.ts';

/** Room above the app's drain for the manager's wait. */
const MARGIN = 5;

interface Drain {
  program: string;
  /** Seconds the app may take to finish running requests; null when it sets no limit. */
  seconds: number | null;
  setting: string;
  value: Backend['settings'][string] | undefined;
  /** Signals it stops on at once, without draining (names without SIG). */
  quick: ReadonlySet<string>;
}

function drainOf(backend: Backend): Drain | null {
  if (backend.kind === 'gunicorn') {
    const value = backend.settings.graceful_timeout;
    return {
      program: 'gunicorn',
      seconds: numberOf(value),
      setting: 'graceful_timeout',
      value,
      quick: new Set(['INT', 'QUIT', 'KILL']),
    };
  }
  if (backend.kind === 'uvicorn') {
    const value = backend.settings.timeout_graceful_shutdown;
    return {
      program: 'uvicorn',
      seconds: numberOf(value),
      setting: 'timeout_graceful_shutdown',
      value,
      quick: new Set(['QUIT', 'KILL']),
    };
  }
  return null;
}

export function managedStopHits(topology: Topology): RuleHit[] {
  const hits: RuleHit[] = [];
  const byName = new Map(topology.files.map((f) => [f.name, f]));
  for (const backend of topology.backends) {
    const drain = backend.pod ? null : drainOf(backend);
    if (!drain) continue;
    for (const name of new Set(backend.files)) {
      const file = byName.get(name);
      const policy =
        file && stopPolicy(file.name, file.text, new RegExp(`\\b${drain.program}3?\\b`));
      if (!file || !policy) continue;
      const hit = check(file, policy, backend, drain);
      if (hit) hits.push(hit);
    }
  }
  return hits;
}

function check(
  file: ParsedFile,
  policy: StopPolicy,
  backend: Backend,
  drain: Drain,
): RuleHit | null {
  const signal = policy.signal.value.toUpperCase().replace(/^SIG/, '');
  const quick = drain.quick.has(signal);
  const short =
    drain.seconds !== null && policy.waitSeconds !== null && policy.waitSeconds <= drain.seconds;
  if (!quick && !short) return null;
  const problems: string[] = [];
  const edits: Edit[] = [];
  const changes: string[] = [];
  if (quick) {
    problems.push(
      `${policy.label} stops it with SIG${signal} (${policy.signalSetting}), on which ${drain.program} exits at once: every request running at a deploy is cut.`,
    );
    edits.push(...setValue(file, policy, policy.signal, policy.signalSetting, policy.termText));
    changes.push(`${policy.signalSetting} ${policy.termText}`);
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
  return {
    key: `deploy-termination ${file.name} ${policy.label}`,
    title: `${policy.manager} cuts ${drain.program}'s requests when it stops it`,
    message: `${backend.label}: ${problems.join(' ')}`,
    evidence: evidence(file, policy, drain, quick, short),
    compared: compared(file, policy, drain),
    fix: {
      safety: 'safe',
      description:
        `Set ${changes.join(' and ')} for ${policy.label}, so ${drain.program} drains its running ` +
        'requests before it is killed. A stop then takes as long as the slowest request, at most that.',
      edits,
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
