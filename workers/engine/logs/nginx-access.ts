import { fromIsoLike, fromSeconds, fromTimeLocal } from './time.ts';
import type { DecodedLine, Fields } from './types.ts';
import { parseUpstream } from './upstream.ts';

/**
 * nginx access logs in any `log_format`: the format is compiled once to an anchored regular
 * expression with one group per variable, each group stopping at the character that follows
 * the variable in the format, so matching is linear and never backtracks across fields.
 */

export const COMBINED =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

export interface AccessFormat {
  name: string;
  re: RegExp;
  vars: string[];
  /** Per variable, precomputed: its field name and whether it holds a (list of) number(s). */
  names: string[];
  lists: boolean[];
  numeric: boolean[];
}

/** Variables whose value is a list (`a, b` across tries, `a : b` across internal redirects). */
const LISTS =
  /^upstream_(addr|status|response_time|connect_time|header_time|response_length|bytes_received|bytes_sent|cache_status)$/;

const CAMEL = (v: string): string => v.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Compiles a log_format string (the joined value of its arguments); null if it has no variables. */
export function compileFormat(name: string, format: string): AccessFormat | null {
  const vars: string[] = [];
  let re = '^';
  // parts: literal, var, literal, var, …, literal ("${var}" and "$var" spellings)
  const parts: string[] = [];
  const token = /\$(?:\{([a-zA-Z_]\w*)\}|([a-zA-Z_]\w*))/g;
  let from = 0;
  for (let m = token.exec(format); m; m = token.exec(format)) {
    parts.push(format.slice(from, m.index), (m[1] ?? m[2])!);
    from = m.index + m[0].length;
  }
  parts.push(format.slice(from));
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 0) {
      re += escapeRe(part).replace(/ /g, ' +');
      continue;
    }
    vars.push(part);
    const next = parts[i + 1] ?? '';
    const stop = next[0];
    // Lines reach us trimmed, so a final variable takes the rest (greedy: no backtracking).
    if (stop === undefined && i + 1 >= parts.length - 1) re += '(.*)';
    // Two variables with nothing between: the first takes what it can and never gives back
    // (a lookahead emulates a possessive match), so several in a row cannot go polynomial.
    else if (stop === undefined) re += `(?=(\\S*))\\${vars.length}`;
    else if (stop === ' ' && LISTS.test(part)) re += '([^ ,]*(?:(?:, | : )[^ ,]*)*)';
    else if (stop === ' ' && part === 'time_local') re += '(\\S+ [+-]\\d{4})';
    else if (stop === ' ' && part === 'request') re += '(\\S+ \\S+ \\S+|[^ ]*)';
    else re += `([^${escapeRe(stop)}]*)`;
  }
  if (!vars.length) return null;
  try {
    return {
      name,
      re: new RegExp(re + '\\s*$'),
      vars,
      names: vars.map(CAMEL),
      lists: vars.map((v) => LISTS.test(v)),
      numeric: vars.map((v) => LISTS.test(v) || /_time$|_length$|bytes/.test(v)),
    };
  } catch {
    return null;
  }
}

function num(text: string): number | undefined {
  if (text === '' || text === '-') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** The last entry of a list variable: the try that produced the response. */
function last(text: string): string {
  const items = text.split(/, | : /);
  return items[items.length - 1]!.trim();
}

/** Decodes a line with a compiled format, or null when it does not match. */
export function decodeAccess(body: string, format: AccessFormat): DecodedLine | null {
  const m = format.re.exec(body);
  if (!m) return null;
  // A loose format ("$remote_addr $status") matches almost any text: the values nginx always
  // writes in a fixed shape must have that shape, or this is not the format's line.
  for (let i = 0; i < format.vars.length; i++) {
    const v = format.vars[i]!;
    const value = m[i + 1] ?? '';
    if (v === 'status' && !/^[1-5]\d\d$/.test(value)) return null;
    if (v === 'time_local' && !fromTimeLocal(value)) return null;
    if (v === 'time_iso8601' && !fromIsoLike(value)) return null;
  }
  const out: DecodedLine = { source: 'nginx-access', kind: 'response' };
  const fields: Fields = { format: format.name };
  format.vars.forEach((v, i) => {
    const value = m[i + 1] ?? '';
    if (value === '' || value === '-') return;
    switch (v) {
      case 'status': {
        const s = num(value);
        if (s !== undefined) out.status = s;
        break;
      }
      case 'request': {
        const r = /^([A-Z][A-Z_-]*) (\S+)(?: (\S+))?$/.exec(value);
        if (r) {
          out.method = r[1]!;
          out.path = r[2]!;
          if (r[3]) fields.protocol = r[3];
        } else fields.request = value;
        break;
      }
      case 'request_method':
        out.method = value;
        break;
      case 'request_uri':
      case 'uri':
        out.path ??= value;
        break;
      case 'time_local': {
        const t = fromTimeLocal(value);
        if (t) out.time = t;
        break;
      }
      case 'time_iso8601': {
        const t = fromIsoLike(value);
        if (t) out.time = t;
        break;
      }
      case 'msec': {
        const s = num(value);
        if (s !== undefined) out.time = fromSeconds(s, 'abs');
        break;
      }
      case 'upstream_addr': {
        out.upstream = value;
        const p = parseUpstream(last(value));
        if (p) fields.upstreamAddress = p.address;
        if (value !== last(value)) fields.upstreamTries = value.split(/, | : /).length;
        break;
      }
      case 'remote_addr':
        fields.client = value;
        break;
      default: {
        const list = format.lists[i]!;
        const lastValue = list ? last(value) : value;
        const n = format.numeric[i] ? num(lastValue) : undefined;
        fields[format.names[i]!] = n ?? value;
        if (list && value !== lastValue) fields[format.names[i]! + 'All'] = value;
      }
    }
  });
  // nginx reports 0.000 connect time for a connection taken from the keepalive cache (and for
  // connects faster than its 1 ms timer resolution): flag it so rules can weigh a reuse race.
  if (fields.upstreamConnectTime === 0) fields.connectTimeZero = 1;
  out.fields = fields;
  return out;
}

const cache = new Map<string, AccessFormat | null>();

/**
 * Formats people paste without their config: nginx's built-in `combined`, the `main` of the
 * stock nginx.conf (Debian, the official image) and ingress-nginx's default `upstreaminfo`.
 * A format of the same name in the pasted config replaces the built-in one.
 */
const BUILT_IN: Record<string, string> = {
  combined: COMBINED,
  main: COMBINED + ' "$http_x_forwarded_for"',
  'ingress-nginx':
    COMBINED +
    ' $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id',
};

/** Compiled formats for a context: the caller's log_formats first, then the built-in ones. */
export function formatsFor(extra: Record<string, string> | undefined): AccessFormat[] {
  const out: AccessFormat[] = [];
  const entries = Object.entries(extra ?? {});
  for (const [name, text] of Object.entries(BUILT_IN)) {
    if (!(extra && name in extra)) entries.push([name, text]);
  }
  for (const [name, text] of entries) {
    const key = `${name}\u0000${text}`;
    let f = cache.get(key);
    if (f === undefined) {
      f = compileFormat(name, text);
      if (cache.size > 256) cache.clear();
      cache.set(key, f);
    }
    if (f) out.push(f);
  }
  return out;
}
