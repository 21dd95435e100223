import { fromIsoLike } from './time.ts';
import type { DecodedLine, Fields, Wrapper } from './types.ts';

/**
 * gunicorn's error log: `[2024-01-02 03:04:05 +0000] [12] [CRITICAL] WORKER TIMEOUT (pid:13)`
 * (19.x+), `2015-05-18 18:32:39 [12] [CRITICAL] …` (older), `[CRITICAL] …` or just the message
 * when the paste cut the head off.
 */

const NEW =
  /^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:[.,]\d+)?(?: ([+-]\d{4}|[A-Z]{2,5}))?\] \[(\d+)\] \[([A-Z]+)\] (.*)$/;
const OLD = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \[(\d+)\] \[([A-Z]+)\] (.*)$/;
const LEVEL_ONLY = /^\[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\] (.*)$/;

interface Known {
  re: RegExp;
  kind: string;
  /** Distinct enough to be recognised without gunicorn's timestamp/pid/level head. */
  bare: boolean;
  read?: (m: RegExpExecArray, f: Fields) => void;
}

const SIGNALS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGQUIT: 3 };

const KNOWN: readonly Known[] = [
  {
    re: /^WORKER TIMEOUT \(pid:(\d+)\)/,
    kind: 'worker-timeout',
    bare: true,
    read: (m, f) => (f.workerPid = Number(m[1])),
  },
  {
    re: /^Worker \(pid:(\d+)\) was sent (SIG[A-Z]+)!(?: Perhaps out of memory\?)?/,
    kind: 'worker-killed',
    bare: true,
    read: (m, f) => {
      f.workerPid = Number(m[1]);
      f.signal = SIGNALS[m[2]!] ?? m[2]!;
      if (/out of memory/.test(m[0])) f.hint = 'out of memory';
    },
  },
  {
    re: /^Worker \(pid:(\d+)\) was sent code (\d+)!/,
    kind: 'worker-killed',
    bare: true,
    read: (m, f) => {
      f.workerPid = Number(m[1]);
      f.signal = Number(m[2]);
    },
  },
  {
    re: /^Worker with pid (\d+) was terminated due to signal (\d+)/,
    kind: 'worker-killed',
    bare: true,
    read: (m, f) => {
      f.workerPid = Number(m[1]);
      f.signal = Number(m[2]);
    },
  },
  {
    re: /^Worker \(pid:(\d+)\) exited with code:? (\d+)/,
    kind: 'worker-exit',
    bare: true,
    read: (m, f) => {
      f.workerPid = Number(m[1]);
      f.exitCode = Number(m[2]);
    },
  },
  {
    re: /^Worker exiting \(pid: ?(\d+)\)/,
    kind: 'worker-exit',
    bare: true,
    read: (m, f) => (f.workerPid = Number(m[1])),
  },
  {
    re: /^Booting worker with pid: (\d+)/,
    kind: 'worker-boot',
    bare: true,
    read: (m, f) => (f.workerPid = Number(m[1])),
  },
  { re: /^Autorestarting worker after current request\./, kind: 'worker-recycle', bare: true },
  {
    re: /^(?:Max requests, shutting down: |Maximum request limit of \d+ exceeded)/,
    kind: 'worker-recycle',
    bare: true,
  },
  {
    re: /^Handling signal: (term|int|quit)\b/,
    kind: 'shutdown',
    bare: true,
    read: (m, f) => (f.signal = `SIG${m[1]!.toUpperCase()}`),
  },
  {
    re: /^Handling signal: hup\b/,
    kind: 'reload',
    bare: true,
    read: (_m, f) => (f.signal = 'SIGHUP'),
  },
  { re: /^Shutting down: Master/, kind: 'shutdown', bare: true },
  { re: /^Socket error processing request\./, kind: 'socket-error', bare: true },
  { re: /^Error handling request\b ?(.*)$/, kind: 'request-error', bare: true },
  {
    re: /^Starting gunicorn (\S+)/,
    kind: 'startup',
    bare: true,
    read: (m, f) => (f.version = m[1]!),
  },
  {
    re: /^Listening at: (\S+)(?: \((\d+)\))?/,
    kind: 'startup',
    bare: true,
    read: (m, f) => (f.bind = m[1]!),
  },
  {
    re: /^Using worker: (\S+)/,
    kind: 'startup',
    bare: false,
    read: (m, f) => (f.workerClass = m[1]!),
  },
];

function classify(message: string, fields: Fields): string | null {
  for (const k of KNOWN) {
    const m = k.re.exec(message);
    if (m) {
      k.read?.(m, fields);
      return k.kind;
    }
  }
  return null;
}

function bareKind(message: string, fields: Fields): string | null {
  for (const k of KNOWN) {
    if (!k.bare) continue;
    const m = k.re.exec(message);
    if (m) {
      k.read?.(m, fields);
      return k.kind;
    }
  }
  return null;
}

export function decodeGunicorn(body: string, wrapper: Wrapper): DecodedLine | null {
  const fields: Fields = {};
  let time: string | undefined;
  let message: string;
  let structured = true;
  let m: RegExpExecArray | null;
  if ((m = NEW.exec(body))) {
    const zone = m[2] && /^[+-]/.test(m[2]) ? m[2] : undefined;
    time = fromIsoLike(zone ? `${m[1]} ${zone}` : m[1]!);
    if (m[2] && !zone) fields.zone = m[2];
    fields.pid = Number(m[3]);
    fields.level = m[4]!;
    message = m[5]!;
  } else if ((m = OLD.exec(body))) {
    time = fromIsoLike(m[1]!);
    fields.pid = Number(m[2]);
    fields.level = m[3]!;
    message = m[4]!;
  } else if ((m = LEVEL_ONLY.exec(body))) {
    fields.level = m[1]!;
    message = m[2]!;
    structured = false;
  } else {
    message = body;
    structured = false;
  }
  message = message.trimEnd();
  let kind = structured ? classify(message, fields) : bareKind(message, fields);
  // A `[LEVEL]` head alone is not gunicorn's: accept only known messages then.
  if (!kind && !structured) {
    // journald/syslog naming gunicorn is enough for any of its lines.
    if (!/gunicorn/i.test(wrapper.program ?? '') || !fields.level) return null;
  }
  if (!kind) {
    kind = 'other';
    fields.message = message;
  }
  const out: DecodedLine = { source: 'gunicorn', kind };
  if (time) out.time = time;
  if (Object.keys(fields).length) out.fields = fields;
  return out;
}
