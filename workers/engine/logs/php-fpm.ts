import { isoTime, monthNumber } from './time.ts';
import type { DecodedLine, Fields, Wrapper } from './types.ts';

/**
 * php-fpm's master log: `[02-Jan-2024 03:04:05] WARNING: [pool www] child 12 exited on
 * signal 9 (SIGKILL) after 3.1 seconds from start`. The time has no zone (or a zone name).
 */

const HEAD =
  /^\[(\d\d)-([A-Z][a-z]{2})-(\d{4}) (\d\d:\d\d:\d\d)(?:\.\d+)?(?: ([A-Za-z_/+-]+))?\] (DEBUG|NOTICE|WARNING|ERROR|ALERT): (?:\[pool ([^\]]+)\] )?(.*)$/;

const KNOWN: readonly [RegExp, string, (m: RegExpExecArray, f: Fields) => void][] = [
  [
    /^child (\d+) exited on signal (\d+)(?: \((\w+)\))?/,
    'worker-killed',
    (m, f) => {
      f.workerPid = Number(m[1]);
      f.signal = Number(m[2]);
    },
  ],
  [
    /^child (\d+) exited with code (\d+)/,
    'worker-exit',
    (m, f) => {
      f.workerPid = Number(m[1]);
      f.exitCode = Number(m[2]);
    },
  ],
  [
    /^child (\d+), script '([^']*)' \(request: "([^"]*)"\) execution timed out \(([\d.]+) sec\)/,
    'request-timeout',
    (m, f) => {
      f.workerPid = Number(m[1]);
      f.script = m[2]!;
      f.request = m[3]!;
      f.seconds = Number(m[4]);
    },
  ],
  [
    /^child (\d+), script '([^']*)' \(request: "([^"]*)"\) executing too slow \(([\d.]+) sec\)/,
    'slow-request',
    (m, f) => {
      f.workerPid = Number(m[1]);
      f.script = m[2]!;
      f.request = m[3]!;
      f.seconds = Number(m[4]);
    },
  ],
  [
    /^server reached (?:pm\.)?max_children setting \((\d+)\)/,
    'max-children',
    (m, f) => void (f.maxChildren = Number(m[1])),
  ],
  [/^fpm is running, pid (\d+)/, 'startup', (m, f) => void (f.masterPid = Number(m[1]))],
  [/^(?:Terminating \.\.\.|exiting, bye-bye!|Finishing \.\.\.)/, 'shutdown', () => {}],
];

export function decodePhpFpm(body: string, _wrapper: Wrapper): DecodedLine | null {
  const m = HEAD.exec(body);
  if (!m) return null;
  const fields: Fields = { level: m[6]! };
  if (m[7]) fields.pool = m[7];
  const zone = m[5];
  if (zone && zone !== 'UTC') fields.zone = zone;
  const time = isoTime(
    Number(m[3]),
    monthNumber(m[2]!),
    Number(m[1]),
    m[4]!,
    zone === 'UTC' ? 'Z' : '',
  );
  const message = m[8]!.trimEnd();
  let kind = 'other';
  for (const [re, k, read] of KNOWN) {
    const hit = re.exec(message);
    if (hit) {
      read(hit, fields);
      kind = k;
      break;
    }
  }
  if (kind === 'other') fields.message = message;
  const out: DecodedLine = { source: 'php-fpm', kind, fields };
  const req = typeof fields.request === 'string' ? /^([A-Z]+) (\S+)/.exec(fields.request) : null;
  if (req) {
    out.method = req[1]!;
    out.path = req[2]!;
  }
  if (time) out.time = time;
  return out;
}
