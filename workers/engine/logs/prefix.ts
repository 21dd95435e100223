import { fromIsoLike } from './time.ts';
import type { Wrapper } from './types.ts';

/**
 * Removing what wraps a log line when people copy it: Docker JSON (`{"log":"…"}`), CRI
 * (`<time> stderr F …`), quote marks (`> `, backticks, quotes), journald/syslog
 * (`Jan 02 03:04:05 host nginx[12]: `), docker-compose/swarm (`web_1  | `), kubectl
 * (`[pod/x/nginx] `), Fabric (`[user@host] out: `) and leading timestamps. Each function
 * removes one layer, or returns null when its layer is not there.
 */

export interface Peeled {
  body: string;
  wrapper: Wrapper;
}

// Terminal colour codes (docker compose, kubectl) are ESC [ … letter.
const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*[A-Za-z]', 'g');

export function stripAnsi(text: string): string {
  return text.includes('\u001b') ? text.replace(ANSI, '') : text;
}

function withTime(w: Wrapper, iso: string | undefined): void {
  if (iso) w.time = iso;
}

/** journald's JSON export (`journalctl -o json`): MESSAGE, SYSLOG_IDENTIFIER, time in µs. */
function journalJson(o: Record<string, unknown>, w: Wrapper): string | null {
  if (typeof o.MESSAGE !== 'string') return null;
  const id = o.SYSLOG_IDENTIFIER ?? o._COMM;
  if (typeof id === 'string') w.program = id;
  const us = Number(o.__REALTIME_TIMESTAMP);
  if (Number.isFinite(us) && us > 0) withTime(w, new Date(us / 1000).toISOString());
  return o.MESSAGE;
}

/**
 * A line wrapped in JSON: Docker's json-file driver (`{"log":"…","stream":…,"time":…}`, the
 * line JSON-escaped and possibly cut mid-string), journald's JSON, Cloud Logging's textPayload.
 */
function jsonWrapped(body: string, w: Wrapper): string | null {
  if (!body.startsWith('{') || !/"(?:log|MESSAGE|textPayload)"/.test(body)) return null;
  try {
    const obj: unknown = JSON.parse(body);
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
      const o = obj as Record<string, unknown>;
      if (typeof o.log === 'string') {
        if (typeof o.stream === 'string') w.fields.stream = o.stream;
        if (typeof o.time === 'string')
          withTime(w, fromIsoLike(o.time.replace(/(\.\d{1,9})\d*/, '$1')));
        return o.log.replace(/\r?\n$/, '');
      }
      if (typeof o.textPayload === 'string') {
        if (typeof o.timestamp === 'string') withTime(w, fromIsoLike(o.timestamp));
        return o.textPayload.replace(/\r?\n$/, '');
      }
      return journalJson(o, w);
    }
  } catch {
    // cut or broken JSON: read the "log" string up to where it stops
  }
  const m = /"log"\s*:\s*"((?:[^"\\]|\\.)*)("?)/.exec(body);
  if (!m) return null;
  let raw = m[1]!;
  if (!m[2]) {
    w.fields.truncated = 1;
    raw = raw.replace(/\\u[0-9a-fA-F]{0,3}$|\\$/, '');
  }
  try {
    return (JSON.parse(`"${raw}"`) as string).replace(/\r?\n$/, '');
  } catch {
    return null;
  }
}

const CRI = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) [FP] /;
const QUOTES = /^(?:\s+|(?:>[ \t]?)+|[`'"]+)/;
const FABRIC = /^\[[^\]\s@]*@[^\]\s]*\] (?:out|err): /;
const KUBECTL = /^\[pod\/([^\]\s/]+)\/([^\]\s]+)\] /;
const SYSLOG =
  /^([A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d)(?:\.\d+)? (\S+) ([^\s:[\]]+)(?:\[(\d+)\])?: ?/;
const ISO_SYSLOG =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) (\S+) ([^\s:[\]]+)(?:\[(\d+)\])?: ?/;
const OPENWRT = /^[a-z]+\.[a-z]+ ([^\s:[\]]+)(?:\[(\d+)\])?: /;
const PROGRAM = /^([A-Za-z][\w.-]*)\[(\d+)\]: /;
const COMPOSE = /^(?:\d\d:\d\d:\d\d\s+)?([A-Za-z0-9][\w.@-]*)\s*\| ?/;
const ISO_PREFIX =
  /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?: ?(?:Z|[+-]\d\d:?\d\d))?)(?:\t| +|: )/;

/** Layers that never belong to a line itself: removed before any decoder looks at it. */
export function peelAlways(body: string, w: Wrapper): string {
  for (let guard = 0; guard < 16; guard++) {
    let next: string | null = null;
    const j = jsonWrapped(body, w);
    if (j !== null) next = j;
    else {
      const cri = CRI.exec(body);
      if (cri) {
        withTime(w, fromIsoLike(cri[1]!.replace(/(\.\d{1,9})\d*/, '$1')));
        w.fields.stream = cri[2]!;
        next = body.slice(cri[0].length);
      } else {
        const q = QUOTES.exec(body);
        if (q && q[0].length) next = body.slice(q[0].length);
      }
    }
    if (next === null || next === body) return body;
    body = next;
  }
  return body;
}

/** Layers that might also be the start of a real line: removed only when no decoder matched. */
export function peelOnce(body: string, w: Wrapper): string | null {
  let m: RegExpExecArray | null;
  if ((m = FABRIC.exec(body))) return body.slice(m[0].length);
  if ((m = KUBECTL.exec(body))) {
    w.fields.pod = m[1]!;
    w.program = m[2]!;
    return body.slice(m[0].length);
  }
  if ((m = SYSLOG.exec(body))) {
    w.syslogTime = m[1]!.replace(/ {2}/, ' ');
    w.fields.host = m[2]!;
    w.program = m[3]!;
    if (m[4]) w.fields.programPid = Number(m[4]);
    return body.slice(m[0].length);
  }
  if ((m = ISO_SYSLOG.exec(body))) {
    withTime(w, fromIsoLike(m[1]!));
    w.fields.host = m[2]!;
    w.program = m[3]!;
    if (m[4]) w.fields.programPid = Number(m[4]);
    return body.slice(m[0].length);
  }
  if ((m = OPENWRT.exec(body)) ?? (m = PROGRAM.exec(body))) {
    w.program = m[1]!;
    if (m[2]) w.fields.programPid = Number(m[2]);
    return body.slice(m[0].length);
  }
  if ((m = COMPOSE.exec(body))) {
    w.program = m[1]!;
    return body.slice(m[0].length);
  }
  if ((m = ISO_PREFIX.exec(body))) {
    withTime(w, fromIsoLike(m[1]!));
    return body.slice(m[0].length);
  }
  return null;
}
