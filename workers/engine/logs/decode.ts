import type { LogEvent } from '../model.ts';
import { decodeGunicorn } from './gunicorn.ts';
import { decodeKernel } from './kernel.ts';
import { decodeKubernetes } from './kubernetes.ts';
import { decodeAccess, formatsFor, type AccessFormat } from './nginx-access.ts';
import { decodeNginxError } from './nginx-error.ts';
import { decodeNode } from './node.ts';
import { decodePhpFpm } from './php-fpm.ts';
import { peelAlways, peelOnce, stripAnsi } from './prefix.ts';
import type { DecodedLine, LogContext, SourceDecoder, Wrapper } from './types.ts';
import { decodeUwsgi } from './uwsgi.ts';
import { decodeSelinux } from './selinux.ts';
import { decodeUvicorn } from './uvicorn.ts';
import { decodeAwsLb } from './aws-lb.ts';
import { decodeProcessManager } from './process-manager.ts';

/** Longer lines are decoded from their first this-many characters (and marked truncated). */
export const MAX_LINE = 16_384;
/** Wrappers nest (journald around compose around Docker JSON …), but never this deep. */
const MAX_LAYERS = 8;
const OTHER_SERVERS = /gunicorn|uwsgi|php-fpm|node|puma|uvicorn/i;

const DECODERS: readonly SourceDecoder[] = [
  decodeNginxError,
  decodeGunicorn,
  decodeUwsgi,
  decodePhpFpm,
  decodeKernel,
  decodeKubernetes,
  decodeNode,
  decodeSelinux,
  decodeUvicorn,
  decodeAwsLb,
  decodeProcessManager,
];

function tryAll(body: string, w: Wrapper, formats: AccessFormat[]): DecodedLine | null {
  for (const decode of DECODERS) {
    const ev = decode(body, w);
    if (ev) return ev;
  }
  // gunicorn's default access log is the combined format too: when a wrapper names another
  // server as the writer, the line is not nginx's.
  if (w.program && OTHER_SERVERS.test(w.program)) return null;
  for (const f of formats) {
    const ev = decodeAccess(body, f);
    if (ev) return ev;
  }
  return null;
}

/** Adds what the wrappers said (time, program, pod, …) without overriding the line's own. */
function finish(ev: DecodedLine, w: Wrapper): DecodedLine {
  const extra: Record<string, string | number> = { ...w.fields };
  if (w.program) extra.program = w.program;
  if (!ev.time) {
    if (w.time) ev.time = w.time;
    else if (w.syslogTime) extra.syslogTime = w.syslogTime;
  }
  if (Object.keys(extra).length) ev.fields = { ...extra, ...ev.fields };
  return ev;
}

/** Decodes one pasted line; null when it is not a log line we recognise (never a guess). */
export function decodeLine(text: string, ctx?: LogContext): DecodedLine | null {
  return decodeWith(text, formatsFor(ctx?.accessLogFormats));
}

/** decodeLine with the access formats compiled once by the caller (decodeLog, streaming). */
export function decodeWith(text: string, formats: AccessFormat[]): DecodedLine | null {
  const w: Wrapper = { fields: {} };
  let body = text;
  if (body.length > MAX_LINE) {
    body = body.slice(0, MAX_LINE);
    w.fields.truncated = 1;
  }
  body = peelAlways(stripAnsi(body), w);
  for (let depth = 0; depth < MAX_LAYERS; depth++) {
    body = body.trimEnd();
    if (!body) return null;
    const ev = tryAll(body, w, formats);
    if (ev) return finish(ev, w);
    const next = peelOnce(body, w);
    if (next === null) return null;
    body = peelAlways(next, w);
  }
  return null;
}

/** Splits on LF (dropping a CR before it, so CRLF works); yields 1-based line numbers. */
export function* lines(text: string): Generator<[number, string]> {
  let start = 0;
  let n = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line =
      text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    yield [n, line];
    n++;
    start = end + 1;
  }
}

export function decodeLog(
  file: string,
  text: string,
  ctx?: LogContext,
): { events: LogEvent[]; unrecognised: number[] } {
  const formats = formatsFor(ctx?.accessLogFormats);
  const events: LogEvent[] = [];
  const unrecognised: number[] = [];
  for (const [line, content] of lines(text)) {
    if (!content.trim()) continue;
    const ev = decodeWith(content, formats);
    if (ev) events.push({ file, line, ...ev });
    else unrecognised.push(line);
  }
  return { events, unrecognised };
}

/**
 * 0..1: the share of (the first 2000) non-empty lines that decode. File-kind detection calls
 * a paste a log when this is high; a config scores near 0 because its lines decode to nothing.
 */
export function logConfidence(text: string, ctx?: LogContext): number {
  const formats = formatsFor(ctx?.accessLogFormats);
  let seen = 0;
  let hits = 0;
  const head = text.length > 1_000_000 ? text.slice(0, 1_000_000) : text;
  for (const [, content] of lines(head)) {
    if (!content.trim()) continue;
    seen++;
    if (decodeWith(content, formats)) hits++;
    if (seen >= 2000) break;
  }
  return seen ? hits / seen : 0;
}
