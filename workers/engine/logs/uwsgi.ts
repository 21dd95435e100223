import { fromAsctime } from './time.ts';
import type { DecodedLine, Fields, Wrapper } from './types.ts';

/**
 * uWSGI's log: messages as the master and workers print them, optionally after
 * `--log-date` (`Tue Mar 26 14:03:21 2024 - `), plus its request log lines
 * (`[pid: 12|app: 0|req: 1/1] 10.0.0.1 () {…} [date] GET /x => generated … (HTTP/1.1 500) …`).
 */

const DATED = /^([A-Z][a-z]{2} [A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \d{4}) - (.*)$/;
const HTTP_ROUTER = /^\[uwsgi-http key: (\S*) client_addr: (\S*) client_port: (\d*)\] (.*)$/;
const REQUEST =
  /^\[pid: (\d+)\|app: (-?\d+)\|req: (\d+)\/(\d+)\] (\S*) \(([^)]*)\) \{(\d+) vars in (\d+) bytes\} \[([^\]]+)\] (\S+) (\S+) => generated (\d+) bytes in (\d+) (msecs|micros) \((\S+) (\d{3})\)/;
const UWSGI_ERROR =
  /^(\w+)\(\): (.+?) \[([\w/.-]+\.c) line (\d+)\](?: during (\S+) (\S+) \(([^)]*)\))?/;

/** Reads fields; returns a kind only when the message refines the default one. */
type Reader = (m: RegExpExecArray, f: Fields) => string | void;
const KNOWN: readonly [RegExp, string, Reader?][] = [
  [
    /^\*\*\* HARAKIRI ON WORKER (\d+) \(pid: (\d+)(?:, try: (\d+))?(?:, graceful: (yes|no))?\) \*\*\*/,
    'harakiri',
    (m, f) => {
      f.worker = Number(m[1]);
      f.workerPid = Number(m[2]);
      if (m[3]) f.try = Number(m[3]);
    },
  ],
  // core/uwsgi.c (1.4 to 2.1): threaded workers name the core too.
  [
    /^HARAKIRI: --- uWSGI worker (\d+)(?: core (\d+))? \(pid: (\d+)\) WAS managing request (\S+) since (.+?) ---/,
    'harakiri',
    (m, f) => {
      f.worker = Number(m[1]);
      if (m[2]) f.core = Number(m[2]);
      f.workerPid = Number(m[3]);
      f.requestPath = m[4]!;
    },
  ],
  // core/master_checks.c (2.1): "HARAKIRI triggered by worker 1 core 0 !!!", the user harakiri.
  [
    /^HARAKIRI (?:\(user\) )?triggered by worker (\d+) core (\d+) !!!/,
    'harakiri',
    (m, f) => {
      f.worker = Number(m[1]);
      f.core = Number(m[2]);
    },
  ],
  [
    /^HARAKIRI \[core (\d+)\] (\S+) - (\S+) (\S+) since (\d+)/,
    'harakiri',
    (m, f) => {
      f.core = Number(m[1]);
      f.client = m[2]!;
      f.method = m[3]!;
      f.requestPath = m[4]!;
      // When the request started (epoch seconds): with the line's time, how long it ran.
      f.since = Number(m[5]);
    },
  ],
  [
    /^F\*CK !!! i must kill myself \(pid: (\d+)(?: app_id: (-?\d+))?\)/,
    'harakiri',
    (m, f) => void (f.workerPid = Number(m[1])),
  ],
  [/^(?:Fatal Python error: )?HARAKIRI !/, 'harakiri'],
  [
    /^DAMN ! worker (\d+) \(pid: (\d+)\) died, killed by signal (\d+)/,
    'worker-killed',
    (m, f) => {
      f.worker = Number(m[1]);
      f.workerPid = Number(m[2]);
      f.signal = Number(m[3]);
    },
  ],
  [
    /^DAMN ! worker (\d+) \(pid: (\d+)\) (?:died|MURDERED)/,
    'worker-exit',
    (m, f) => {
      f.worker = Number(m[1]);
      f.workerPid = Number(m[2]);
    },
  ],
  [
    /^worker (\d+) lifetime reached, it was running for (\d+) second/,
    'worker-recycle',
    (m, f) => {
      f.worker = Number(m[1]);
      f.reason = 'lifetime';
      f.seconds = Number(m[2]);
    },
  ],
  [
    /^\.\.\.The work of process (\d+) is done(?: \((.*)\))?\. Seeya!/,
    'worker-exit',
    (m, f) => {
      f.workerPid = Number(m[1]);
      if (m[2]) f.reason = m[2];
      if (m[2] && /max requests|lifetime|max rss|max vsz|reload-on|evil/i.test(m[2]))
        return 'worker-recycle';
    },
  ],
  [
    /^worker (\d+) killed successfully \(pid: (\d+)\)/,
    'worker-exit',
    (m, f) => {
      f.worker = Number(m[1]);
      f.workerPid = Number(m[2]);
    },
  ],
  [
    /^Respawned uWSGI worker (\d+) \(new pid: (\d+)\)/,
    'worker-respawn',
    (m, f) => {
      f.worker = Number(m[1]);
      f.workerPid = Number(m[2]);
    },
  ],
  [
    /^spawned uWSGI worker (\d+) \(pid: (\d+), cores: (\d+)\)/,
    'worker-boot',
    (m, f) => {
      f.worker = Number(m[1]);
      f.workerPid = Number(m[2]);
    },
  ],
  [
    /^invalid request block size: (\d+) \(max (\d+)\)/,
    'header-too-big',
    (m, f) => {
      f.bytes = Number(m[1]);
      f.max = Number(m[2]);
    },
  ],
  [
    // limit-post exceeded (verified on uWSGI 2.0.21: the worker drops the request unanswered).
    /^Invalid \(too big\) CONTENT_LENGTH\. skip\./,
    'body-too-large',
  ],
  [
    /^\*\*\* uWSGI listen queue of socket "([^"]*)" \(fd: (\d+)\) full !!! \((\d+)\/(\d+)\) \*\*\*/,
    'listen-queue-full',
    (m, f) => {
      f.socket = m[1]!;
      f.queued = Number(m[3]);
      f.backlog = Number(m[4]);
    },
  ],
  [/^SIGINT\/SIGQUIT received\.\.\.killing workers/, 'shutdown'],
  [/^\.\.\.(?:gracefully|brutally) killing workers/, 'shutdown'],
  [/^(?:goodbye to uWSGI\.|graceful shutdown triggered)/, 'shutdown'],
  [/^\*\*\* Starting uWSGI (\S+)/, 'startup', (m, f) => void (f.version = m[1]!)],
  // plugins/corerouter/cr_common.c: "%s bound on %s fd %d", the router that `--http` starts.
  [
    /^uWSGI (https?) bound on (\S+) fd \d+/,
    'startup',
    (m, f) => void (f[m[1] === 'https' ? 'httpsRouter' : 'httpRouter'] = m[2]!),
  ],
  // core/socket.c: "uwsgi socket N bound to TCP address …" (the protocol is not in the line).
  [
    /^uwsgi socket (\d+) bound to (TCP6?|UNIX) address (\S+)/,
    'startup',
    (m, f) => void (f.socket = m[3]!),
  ],
  [
    /^detected max file descriptor number: (\d+)/,
    'startup',
    (m, f) => void (f.maxFds = Number(m[1])),
  ],
];

function classify(message: string, fields: Fields): string | null {
  for (const [re, kind, read] of KNOWN) {
    const m = re.exec(message);
    if (m) return read?.(m, fields) ?? kind;
  }
  const e = UWSGI_ERROR.exec(message);
  if (e) {
    fields.function = e[1]!;
    fields.error = e[2]!;
    const out: string = /connection reset by peer/i.test(e[2]!)
      ? 'connection-reset'
      : /broken pipe/i.test(e[2]!)
        ? 'broken-pipe'
        : 'other';
    if (e[5]) {
      fields.method = e[5];
      fields.requestPath = e[6]!;
      fields.client = e[7]!;
    }
    return out;
  }
  return null;
}

export function decodeUwsgi(body: string, wrapper: Wrapper): DecodedLine | null {
  const fields: Fields = {};
  let message = body;
  let time: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = DATED.exec(body))) {
    time = fromAsctime(m[1]!);
    message = m[2]!;
  }
  if ((m = HTTP_ROUTER.exec(message))) {
    fields.routerKey = m[1]!;
    fields.client = m[2]!;
    message = m[4]!;
  }
  message = message.replace(/^\n+/, '').trimEnd();
  const r = REQUEST.exec(message);
  if (r) {
    const out: DecodedLine = { source: 'uwsgi', kind: 'request', method: r[10]!, path: r[11]! };
    out.status = Number(r[16]);
    fields.workerPid = Number(r[1]);
    fields.client = r[5]!;
    fields.bytes = Number(r[12]);
    fields[r[14] === 'msecs' ? 'msecs' : 'micros'] = Number(r[13]);
    fields.protocol = r[15]!;
    const t = fromAsctime(r[9]!);
    if (t) out.time = t;
    else if (time) out.time = time;
    out.fields = fields;
    return out;
  }
  let kind = classify(message, fields);
  if (!kind) {
    if (!time && !/uwsgi/i.test(wrapper.program ?? '')) return null;
    kind = 'other';
    fields.message = message;
  }
  const out: DecodedLine = { source: 'uwsgi', kind };
  if (time) out.time = time;
  if (fields.method) {
    out.method = String(fields.method);
    delete fields.method;
  }
  if (fields.requestPath) {
    out.path = String(fields.requestPath);
    delete fields.requestPath;
  }
  if (Object.keys(fields).length) out.fields = fields;
  return out;
}
