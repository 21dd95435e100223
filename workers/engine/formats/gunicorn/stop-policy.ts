/**
 * How a process manager stops the app server a launch file starts, read from that file: docker
 * compose (`stop_grace_period`, 10 s by default; `stop_signal`, SIGTERM), a systemd unit
 * (`TimeoutStopSec=` or `TimeoutSec=`, 90 s by default; `KillSignal=`, SIGTERM), supervisord
 * (`stopwaitsecs`, 10; `stopsignal`, TERM). After the signal the manager waits that long, then
 * sends SIGKILL. Each value keeps its offsets, and each manager says how its values are
 * written, so a fix can replace one or add it where it belongs.
 */
import { isMap, isScalar, parseDocument, type Node, type Pair } from 'yaml';
import { launchForm } from './launch.ts';
import { lineAt, lineStarts } from './text.ts';

export interface StopValue {
  /** As written ("1m30s", "SIGQUIT"), or the default. */
  value: string;
  /** 1-based line, or null for the manager's default. */
  line: number | null;
  /** Offsets of the value, to replace it. */
  start?: number;
  end?: number;
}

export interface StopPolicy {
  manager: 'docker compose' | 'systemd' | 'supervisord';
  /** "compose service api", "systemd unit app.service". */
  label: string;
  /** What the manager's own log lines call it: the service, the unit file, the program. */
  name: string;
  /** Seconds between the stop signal and SIGKILL; null when the value does not read as a time. */
  waitSeconds: number | null;
  wait: StopValue;
  /** The setting that holds the wait, in the manager's own words. */
  waitSetting: string;
  signal: StopValue;
  signalSetting: string;
  /** The line of the service, unit section or program that holds the settings. */
  headerLine: number;
  /** Where a missing setting is added (a line start). */
  insertAt: number;
  /** The line that sets `setting` to `value`, in this manager's syntax. */
  lineOf(setting: string, value: string): string;
  /** A wait of `seconds` and the signal TERM, as this manager writes them. */
  waitText(seconds: number): string;
  termText: string;
}

/**
 * The stop policy of the first service or unit that runs `program` — of the one whose text
 * holds offset `at`, when given (a file that starts the program in several services) — or
 * null: not a manager's file.
 */
export function stopPolicy(
  name: string,
  text: string,
  program: RegExp,
  at?: number,
): StopPolicy | null {
  const form = launchForm(name, text);
  const holds = (from: number, to: number) => at === undefined || (at >= from && at < to);
  if (form === 'compose') return composePolicy(text, program, holds);
  if (form === 'systemd') return systemdPolicy(name, text);
  if (form === 'supervisord') return supervisordPolicy(text, program, holds);
  return null;
}

/** Does the section [from, to) hold the process asked about? */
type Holds = (from: number, to: number) => boolean;

/**
 * A time span written as numbers with units ("1m30s", "1min 30s", "500ms"), summed; a bare
 * number is seconds. Read part by part from where the last one ended (sticky), so no part is
 * searched for twice. Null when a part or a unit does not read.
 */
function span(value: string, units: Readonly<Record<string, number>>): number | null {
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const part = /[ \t]*(\d+(?:\.\d+)?)[ \t]*([a-zµ]+)/y;
  let total = 0;
  let at = 0;
  while (at < s.length) {
    part.lastIndex = at;
    const m = part.exec(s);
    const unit = m ? units[m[2]!] : undefined;
    if (!m || unit === undefined) return null;
    total += Number(m[1]) * unit;
    at = part.lastIndex;
  }
  return at > 0 ? total : null;
}

/** docker compose (Go durations). */
const COMPOSE_UNITS = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };
/** systemd time spans ("infinity" aside). */
const SYSTEMD_UNITS = { h: 3600, hr: 3600, m: 60, min: 60, s: 1, sec: 1, ms: 1e-3, msec: 1e-3 };

function composePolicy(text: string, program: RegExp, holds: Holds): StopPolicy | null {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const services = doc.get('services', true) as Node | undefined;
  if (!isMap(services)) return null;
  const starts = lineStarts(text);
  for (const item of services.items as Pair<Node, Node>[]) {
    const service = item.value;
    if (!isMap(service) || !isScalar(item.key)) continue;
    const runs = ['command', 'entrypoint'].some((k) => {
      const v = service.get(k, true) as Node | undefined;
      return v?.range ? program.test(text.slice(v.range[0], v.range[1])) : false;
    });
    if (!runs || service.flow || !holds(item.key.range?.[0] ?? 0, service.range?.[2] ?? 0))
      continue;
    const read = (key: string, fallback: string): StopValue => {
      const v = service.get(key, true) as Node | undefined;
      if (!isScalar(v) || !v.range) return { value: fallback, line: null };
      return {
        value: String(v.value),
        line: lineAt(starts, v.range[0]),
        start: v.range[0],
        end: v.range[1],
      };
    };
    const wait = read('stop_grace_period', '10s');
    // A missing key goes first in the service, at its keys' indentation.
    const first = (service.items[0] as Pair<Node, Node>).key;
    const at = first?.range?.[0] ?? 0;
    const lineStart = starts[lineAt(starts, at) - 1]!;
    const indent = text.slice(lineStart, at);
    return {
      manager: 'docker compose',
      label: `compose service ${String(item.key.value)}`,
      name: String(item.key.value),
      waitSeconds: span(wait.value, COMPOSE_UNITS),
      wait,
      waitSetting: 'stop_grace_period',
      signal: read('stop_signal', 'SIGTERM'),
      signalSetting: 'stop_signal',
      headerLine: lineAt(starts, item.key.range?.[0] ?? 0),
      insertAt: lineStart,
      lineOf: (setting, value) => `${indent}${setting}: ${value}\n`,
      waitText: (seconds) => `${seconds}s`,
      termText: 'SIGTERM',
    };
  }
  return null;
}

function systemdPolicy(name: string, text: string): StopPolicy | null {
  const starts = lineStarts(text);
  let section = '';
  let serviceHeader = -1;
  let wait: StopValue = { value: '90s', line: null };
  let signal: StopValue = { value: 'SIGTERM', line: null };
  let waitSetting = 'TimeoutStopSec';
  for (const m of text.matchAll(/^[ \t]*(\[[^\]\n]+\]|([A-Za-z]+)=(.*))$/gm)) {
    if (m[1]!.startsWith('[')) {
      section = m[1]!;
      if (section === '[Service]') serviceHeader = m.index + m[0].length;
      continue;
    }
    if (section !== '[Service]') continue;
    const value = m[3]!.trim();
    const start = m.index + m[0].indexOf('=') + 1;
    const at: StopValue = {
      value,
      line: lineAt(starts, m.index),
      start,
      end: start + m[3]!.trimEnd().length,
    };
    if (m[2] === 'TimeoutStopSec' || (m[2] === 'TimeoutSec' && wait.line === null)) {
      wait = at;
      waitSetting = m[2]!;
    }
    if (m[2] === 'KillSignal') signal = at;
  }
  if (serviceHeader < 0) return null;
  const after = text.indexOf('\n', serviceHeader);
  return {
    manager: 'systemd',
    label: `systemd unit ${name.replace(/^.*\//, '')}`,
    name: name.replace(/^.*\//, ''),
    waitSeconds: wait.value === 'infinity' ? Infinity : span(wait.value, SYSTEMD_UNITS),
    wait,
    waitSetting,
    signal,
    signalSetting: 'KillSignal',
    headerLine: lineAt(starts, serviceHeader),
    insertAt: after < 0 ? text.length : after + 1,
    lineOf: (setting, value) => `${setting}=${value}\n`,
    waitText: (seconds) => `${seconds}s`,
    termText: 'SIGTERM',
  };
}

/**
 * supervisord: the `[program:x]` section whose `command=` runs the program; `stopwaitsecs`
 * (10 by default) and `stopsignal` (TERM).
 */
function supervisordPolicy(text: string, program: RegExp, holds: Holds): StopPolicy | null {
  const starts = lineStarts(text);
  const sections = [...text.matchAll(/^[ \t]*\[([^\]\n]+)\][ \t]*$/gm)];
  for (const [i, section] of sections.entries()) {
    if (!section[1]!.startsWith('program:')) continue;
    const from = section.index + section[0].length;
    const to = sections[i + 1]?.index ?? text.length;
    const body = text.slice(from, to);
    const command = /^[ \t]*command[ \t]*=(.*)$/m.exec(body);
    if (!command || !program.test(command[1]!) || !holds(section.index, to)) continue;
    const read = (key: string, fallback: string): StopValue => {
      const m = new RegExp(`^[ \\t]*${key}[ \\t]*=[ \\t]*(\\S+)`, 'm').exec(body);
      if (!m) return { value: fallback, line: null };
      const start = from + m.index + m[0].length - m[1]!.length;
      return { value: m[1]!, line: lineAt(starts, start), start, end: start + m[1]!.length };
    };
    const wait = read('stopwaitsecs', '10');
    const nl = text.indexOf('\n', section.index);
    // Added lines follow the section's own style: `key=value` or `key = value`.
    const spaced = !/^[ \t]*command=\S/m.test(body);
    return {
      manager: 'supervisord',
      label: `supervisord ${section[1]}`,
      name: section[1]!.slice('program:'.length),
      waitSeconds: /^\d+$/.test(wait.value) ? Number(wait.value) : null,
      wait,
      waitSetting: 'stopwaitsecs',
      signal: read('stopsignal', 'TERM'),
      signalSetting: 'stopsignal',
      headerLine: lineAt(starts, section.index),
      insertAt: nl < 0 ? text.length : nl + 1,
      lineOf: (setting, value) => `${setting}${spaced ? ' = ' : '='}${value}\n`,
      // A plain number of seconds; signals are named without SIG.
      waitText: (seconds) => String(seconds),
      termText: 'TERM',
    };
  }
  return null;
}
