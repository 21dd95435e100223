import type { Phase } from '../model.ts';
import { isoTime } from './time.ts';
import type { DecodedLine, Fields, Wrapper } from './types.ts';
import { parseUpstream } from './upstream.ts';

/**
 * nginx error log lines: `2024/01/02 03:04:05 [error] 12#12: *3 <message> while <action>,
 * client: …, server: …, request: "…", upstream: "…", host: "…"`. Any part may be missing
 * (cut timestamps, truncated tails); we decode what is there and never fill in the rest.
 */

const HEADER =
  /(?:(\d{4})\/(\d\d)\/(\d\d) )?(?:(\d\d:\d\d:\d\d) )?\[(debug|info|notice|warn|error|crit|alert|emerg)\] (?:(\d+)#(\d+): )?(?:\*(\d+) )?/;
const PID_HEADER = /^(\d+)#(\d+): (?:\*(\d+) )?/;
const CONN_HEADER = /^\*(\d+) /;
const FIELD_KEYS =
  /, (client|server|request|subrequest|upstream|host|referrer|login|bytes from\/to client|bytes from\/to upstream):(?: |$)/g;

const FIELD_NAMES: Record<string, string> = {
  'bytes from/to client': 'bytesClient',
  'bytes from/to upstream': 'bytesUpstream',
};

/** The `while …` actions nginx writes, longest first so prefixes do not shadow each other. */
const ACTIONS: readonly [string, Phase | undefined][] = [
  ['reading response header from upstream', 'reading-response-header'],
  ['SSL handshaking to upstream', 'ssl-handshake'],
  ['sending request to upstream', 'sending-request'],
  ['connecting to upstream', 'connecting'],
  ['reading upstream', 'reading-upstream'],
  ['sending to client', 'sending-to-client'],
];

/** Linux errno numbers, used only when a truncated line cut the error text. */
const ERRNO_KIND: Record<number, string> = {
  111: 'connect-refused',
  2: 'socket-missing',
  11: 'connect-eagain',
  99: 'address-unavailable',
  104: 'connection-reset',
  32: 'broken-pipe',
  113: 'host-unreachable',
  101: 'host-unreachable',
  110: 'upstream-timeout',
  13: 'permission-denied',
};

/** Kinds that only make sense for connect(): elsewhere the same errno is not about the upstream. */
const CONNECT_ONLY = new Set(['socket-missing', 'connect-eagain', 'permission-denied']);

function kindFromErrorText(text: string): string | undefined {
  const t = text.toLowerCase();
  if (t.startsWith('connection refused')) return 'connect-refused';
  if (t.startsWith('no such file or directory')) return 'socket-missing';
  if (t.startsWith('resource temporarily unavailable')) return 'connect-eagain';
  if (t.startsWith('cannot assign requested address') || t.startsWith('address not available'))
    return 'address-unavailable';
  if (t.startsWith('connection reset by peer')) return 'connection-reset';
  if (t.startsWith('broken pipe')) return 'broken-pipe';
  if (/^(no route to host|network is unreachable|host is unreachable)/.test(t))
    return 'host-unreachable';
  if (/^(connection|operation) timed out/.test(t)) return 'upstream-timeout';
  if (t.startsWith('permission denied')) return 'permission-denied';
  return undefined;
}

interface Classified {
  kind: string;
  fields: Fields;
}

/** What the message (the text before `while` / `, client:`) says happened. */
function classify(message: string, upstreamSide: boolean): Classified | null {
  const fields: Fields = {};
  // Fixed phrases are found with includes() on the lower-cased text (hot path for big logs);
  // regular expressions only where a number has to be read.
  const lower = message.toLowerCase();
  let m: RegExpExecArray | null;
  if (lower.includes('upstream prematurely closed connection'))
    return { kind: 'premature-close', fields };
  // The FastCGI module's own wordings (old and new) for the same event.
  if (/upstream (?:prematurely closed|closed prematurely) fastcgi (?:stdout|request)/.test(lower)) {
    fields.detail = 'fastcgi';
    return { kind: 'premature-close', fields };
  }
  if (lower.includes('client prematurely closed connection'))
    return { kind: 'client-closed', fields };
  if (lower.includes('upstream timed out')) {
    m = /upstream timed out \((\d+)(?:: ([^)]*))?/i.exec(message);
    if (m) {
      fields.errno = Number(m[1]);
      if (m[2]) fields.error = m[2];
    }
    return { kind: 'upstream-timeout', fields };
  }
  if (lower.includes('client timed out')) return { kind: 'client-timeout', fields };
  if (lower.includes('no live upstreams')) return { kind: 'no-live-upstreams', fields };
  if (lower.includes('upstream server temporarily disabled'))
    return { kind: 'server-disabled', fields };
  if (lower.includes('upstream sent ')) {
    if (lower.includes('upstream sent too big header')) return { kind: 'header-too-big', fields };
    if (
      /upstream sent (?:invalid header|no valid http\/1\.0 header|invalid status|duplicate header|invalid "content-length"|unexpected)/.test(
        lower,
      )
    )
      return { kind: 'invalid-header', fields };
  }
  if (
    lower.includes('client intended to send too large body') ||
    lower.includes('client intended to send too large chunked body')
  ) {
    // Chunked bodies are logged as "N+M bytes": what was read plus the chunk that crossed.
    m = /too large (?:chunked )?body: (\d+)(?:\+(\d+))? bytes/.exec(lower);
    if (m) fields.bytes = Number(m[1]) + Number(m[2] ?? 0);
    return { kind: 'body-too-large', fields };
  }
  if (lower.includes('uwsgi request is too big')) {
    m = /too big: (\d+)/.exec(lower);
    if (m) fields.bytes = Number(m[1]);
    return { kind: 'request-too-big', fields };
  }
  if (
    lower.includes('ssl') &&
    /upstream ssl certificate|ssl_\w+\(\) failed|peer closed connection in ssl handshake|certificate verify/.test(
      lower,
    )
  ) {
    // TLS errors with clients are noise for this tool; only the upstream side is an ssl-error.
    if (upstreamSide || lower.includes('upstream')) return { kind: 'ssl-error', fields };
    fields.detail = 'client-ssl';
    return { kind: 'other', fields };
  }
  if (
    lower.includes('() ') &&
    (m = /\b(\w+)\(\)(?: to (\S+))? failed \((\d+)(?:: ([^)]*)(\))?)?/.exec(message))
  ) {
    const syscall = m[1]!;
    fields.syscall = syscall;
    if (m[2]) fields.peer = m[2];
    fields.errno = Number(m[3]);
    if (m[4] !== undefined) fields.error = m[4];
    // Prefer the text (BSD numbers differ from Linux); fall back to the number when cut.
    let kind = (m[5] ? kindFromErrorText(m[4] ?? '') : undefined) ?? ERRNO_KIND[fields.errno];
    if (kind && CONNECT_ONLY.has(kind) && syscall !== 'connect') kind = undefined;
    if (kind && syscall !== 'connect' && !upstreamSide && kind !== 'broken-pipe') kind = undefined;
    return { kind: kind ?? 'other', fields };
  }
  return null;
}

/** The phase an action names; also accepts a line cut inside the action ("…from upstream"). */
function phaseOf(action: string): { phase?: Phase; known: boolean } {
  for (const [text, phase] of ACTIONS) {
    if (action.startsWith(text)) return phase ? { phase, known: true } : { known: true };
  }
  return { known: false };
}

function phaseOfFragment(fragment: string): Phase | undefined {
  const f = fragment.trim();
  if (f.length < 4) return undefined;
  const hits = ACTIONS.filter(([text]) => ('while ' + text).endsWith(f));
  return hits.length === 1 ? hits[0]![1] : undefined;
}

/** The value of one `key: value` segment; a quoted value with no closing quote was cut. */
function unquote(segment: string, key: string, fields: Fields): { value: string; cut: boolean } {
  if (!segment.startsWith('"')) {
    const value = segment.trim();
    return { value, cut: false };
  }
  const close = segment.lastIndexOf('"');
  if (close > 0) return { value: segment.slice(1, close), cut: false };
  fields.truncated = 1;
  fields.truncatedField = key;
  return { value: segment.slice(1), cut: true };
}

/** Reads `, client: …, server: …, request: "…", …` into the event. */
function readFields(tail: string, out: DecodedLine, fields: Fields): void {
  const marks: { key: string; start: number; end: number }[] = [];
  FIELD_KEYS.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = FIELD_KEYS.exec(tail)) !== null) {
    marks.push({ key: m[1]!, start: m.index, end: m.index + m[0].length });
  }
  marks.forEach((mark, i) => {
    const segment = tail.slice(mark.end, i + 1 < marks.length ? marks[i + 1]!.start : undefined);
    const { value, cut } = unquote(segment, mark.key, fields);
    if (i === marks.length - 1 && segment.trim() === '') {
      fields.truncated = 1;
      fields.truncatedField = mark.key;
    }
    switch (mark.key) {
      case 'request': {
        const r = /^([A-Z][A-Z_-]*) +(\S+)(?: +(HTTP\/[\d.]+))?/.exec(value);
        if (r) {
          out.method = r[1]!;
          out.path = r[2]!;
          if (r[3]) fields.protocol = r[3];
        } else if (value) fields.request = value;
        break;
      }
      case 'upstream': {
        if (!value) break;
        out.upstream = value;
        // A cut upstream ("grpc://192.16") would name another server: no address from it.
        const p = cut ? null : parseUpstream(value);
        if (p) {
          fields.upstreamAddress = p.address;
          if (p.scheme) fields.scheme = p.scheme;
          if (p.socket) fields.socket = p.socket;
        }
        break;
      }
      default:
        if (value !== '') fields[FIELD_NAMES[mark.key] ?? mark.key] = value;
    }
  });
  const client = fields.client;
  if (typeof client === 'string' && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(client)) {
    fields.clientIpv4 = client.slice(7);
  }
}

/** Decodes one nginx error-log line body (wrappers already removed), or null. */
export function decodeNginxError(body: string, _wrapper: Wrapper): DecodedLine | null {
  const fields: Fields = {};
  let rest: string;
  let headed = false;
  let time: string | undefined;
  const found = HEADER.exec(body);
  // `[level]` alone must open the line; with `pid#tid:` after it, any prefix before is noise.
  const h = found && (found.index === 0 || found[6]) ? found : null;
  if (h) {
    headed = true;
    if (h[1] && h[4]) time = isoTime(Number(h[1]), Number(h[2]), Number(h[3]), h[4]);
    else if (h[4]) fields.timeOfDay = h[4];
    fields.level = h[5]!;
    if (h[6]) fields.pid = Number(h[6]);
    if (h[7]) fields.tid = Number(h[7]);
    if (h[8]) fields.connection = Number(h[8]);
    rest = body.slice(h.index + h[0].length);
  } else {
    const p = PID_HEADER.exec(body) ?? CONN_HEADER.exec(body);
    rest = body;
    if (p) {
      headed = true;
      if (p.length === 4) {
        fields.pid = Number(p[1]);
        fields.tid = Number(p[2]);
        if (p[3]) fields.connection = Number(p[3]);
      } else fields.connection = Number(p[1]);
      rest = body.slice(p[0].length);
    }
  }
  const clientAt = rest.indexOf(', client: ');
  const hasFields = clientAt >= 0 && /, (server|request|host):/.test(rest.slice(clientAt));
  // Markdown bold (`**…**`) around the message is the paster's, not nginx's.
  const head = (clientAt >= 0 ? rest.slice(0, clientAt) : rest).replace(/\*\*/g, '');
  const whileAt = head.indexOf(' while ');
  const message = whileAt >= 0 ? head.slice(0, whileAt) : head;
  const action = whileAt >= 0 ? head.slice(whileAt + 7) : undefined;
  const { phase, known } = action !== undefined ? phaseOf(action) : { known: false };
  const upstreamSide = /upstream/.test(action ?? '');
  const classified = classify(message, upstreamSide);
  // Without nginx's header or its `client:` fields, only a known nginx message is enough.
  if (!headed && !hasFields && !classified) return null;
  const out: DecodedLine = { source: 'nginx-error', kind: classified?.kind ?? 'other' };
  Object.assign(fields, classified?.fields);
  if (phase) out.phase = phase;
  else if (action !== undefined && !known) fields.action = trimDotsEnd(action);
  else if (!classified && !headed && whileAt < 0) {
    const fragmentPhase = phaseOfFragment(message);
    if (fragmentPhase) out.phase = fragmentPhase;
  }
  if (!classified && message.trim()) fields.message = message.trim();
  if (time) out.time = time;
  if (clientAt >= 0) readFields(rest.slice(clientAt), out, fields);
  else if (/, (client|server|request):?$/.test(rest)) fields.truncated = 1;
  if (fields.peer && !fields.upstreamAddress) {
    const p = parseUpstream(String(fields.peer));
    if (p) {
      fields.upstreamAddress = p.address;
      if (p.socket) fields.socket = p.socket;
    }
  }
  if (Object.keys(fields).length) out.fields = fields;
  return out;
}

/** Without the dots and blanks at its end ("reading upstream." → "reading upstream"). */
function trimDotsEnd(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '.' || /\s/.test(text[end - 1]!))) end--;
  return text.slice(0, end);
}
