/**
 * Effective uWSGI options with provenance: defaults < UWSGI_* environment < ini [uwsgi]
 * section < command-line options (the last occurrence of a single-valued option wins;
 * multi-valued ones such as `socket` or `env` accumulate). Also which sockets uWSGI opens
 * and the protocol each speaks, since nginx's `uwsgi_pass` needs the uwsgi protocol and
 * `proxy_pass` needs HTTP.
 */
import type { ParsedFile, Setting } from '../types.ts';
import type { EffectiveSettings, Provenance } from '../gunicorn/text.ts';
import { UWSGI_DEFAULTS, UWSGI_MULTI } from './defaults.ts';
import { UWSGI_SECTION } from './parse.ts';

const LAYER = (s: Setting): number =>
  s.scope === 'environment (UWSGI_*)'
    ? 1
    : s.scope?.startsWith('[')
      ? 2
      : s.scope?.startsWith('command line')
        ? 3
        : 2;

/** Settings uWSGI applies from these files (ini sections other than [uwsgi] are skipped). */
export function uwsgiApplied(parsed: ParsedFile | readonly ParsedFile[]): Setting[] {
  const files = Array.isArray(parsed) ? (parsed as readonly ParsedFile[]) : [parsed as ParsedFile];
  return files
    .filter((f) => f.kind === 'uwsgi')
    .flatMap((f) => f.settings())
    .filter((s) => !s.scope?.startsWith('[') || s.scope === `[${UWSGI_SECTION}]`)
    .map((s, i) => ({ s, i }))
    .sort((a, b) => LAYER(a.s) - LAYER(b.s) || a.i - b.i)
    .map(({ s }) => s);
}

export function uwsgiSettings(
  parsed: ParsedFile | readonly ParsedFile[],
  extra: readonly Setting[] = [],
): EffectiveSettings {
  return mergeUwsgiSettings([...uwsgiApplied(parsed), ...extra]);
}

/** Settings in increasing precedence → effective values. */
export function mergeUwsgiSettings(settings: readonly Setting[]): EffectiveSettings {
  const out: EffectiveSettings = {};
  for (const [k, def] of Object.entries(UWSGI_DEFAULTS))
    out[k] = { value: def.value, source: { default: `uWSGI default (${def.holds})` } };
  const multi = new Map<string, Setting[]>();
  for (const s of settings) {
    if (s.key === 'ini') continue;
    if (UWSGI_MULTI.has(s.key)) {
      const list = multi.get(s.key);
      if (list) list.push(s);
      else multi.set(s.key, [s]);
      continue;
    }
    // A bare `master` line (empty value) switches the flag on.
    out[s.key] = valueOf(s.value === '' ? { ...s, value: 'true' } : s);
  }
  for (const [k, list] of multi) {
    const v = list.map((s) => s.value);
    out[k] = { ...valueOf(list[0]!), value: v.some((x) => x === null) ? null : v.join(', ') };
  }
  const harakiri = out.harakiri!;
  if (harakiri.value === '0') harakiri.note = 'off: requests are never cut short by uWSGI';
  return out;
}

function valueOf(s: Setting): { value: string | null; source: Provenance } {
  if (s.value === null)
    return { value: null, source: { dynamic: s.dynamic ?? 'unknown', file: s.file, line: s.line } };
  const source: Provenance = { file: s.file, line: s.line, layer: s.scope ?? '' };
  if (s.dynamic) source.dynamic = s.dynamic;
  return { value: s.value, source };
}

export type UwsgiProtocol =
  'uwsgi' | 'http' | 'https' | 'fastcgi' | 'scgi' | 'http-router' | 'https-router';

export interface UwsgiSocket {
  /** As written: `127.0.0.1:8000`, `:3031`, `/run/app.sock`, or null when dynamic. */
  address: string | null;
  protocol: UwsgiProtocol;
  option: string;
  file: string;
  line: number;
  dynamic?: string;
}

/**
 * What uWSGI listens on. `socket` speaks the uwsgi protocol unless `protocol = http` says
 * otherwise; `http` starts a separate HTTP router process in front of the workers.
 */
export function uwsgiSockets(parsed: ParsedFile | readonly ParsedFile[]): UwsgiSocket[] {
  const applied = uwsgiApplied(parsed);
  const proto = applied.filter((s) => s.key === 'protocol').pop()?.value ?? 'uwsgi';
  const byOption: Record<string, UwsgiProtocol> = {
    socket: proto === 'http' ? 'http' : proto === 'fastcgi' ? 'fastcgi' : 'uwsgi',
    'http-socket': 'http',
    // HTTP/1.1 with keepalive on the same socket kind (socket-timeout bounds the idle wait).
    'http11-socket': 'http',
    'https-socket': 'https',
    'fastcgi-socket': 'fastcgi',
    'scgi-socket': 'scgi',
    http: 'http-router',
    https: 'https-router',
  };
  const out: UwsgiSocket[] = [];
  for (const s of applied) {
    const protocol = byOption[s.key];
    if (!protocol) continue;
    const sock: UwsgiSocket = {
      address: s.value === null ? null : s.value.split(',')[0]!.trim(),
      protocol,
      option: s.key,
      file: s.file,
      line: s.line,
    };
    if (s.dynamic) sock.dynamic = s.dynamic;
    out.push(sock);
  }
  return out;
}
