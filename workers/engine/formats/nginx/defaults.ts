import { compareVersions, parseVersion, type Version } from './version.ts';

/**
 * Directive defaults by nginx version, from the module reference ("Default:" lines) and
 * CHANGES. Covers the settings the rules compare; 1.18 … 1.30 and later.
 *
 * Change points (exact releases):
 * - 1.19.10: `keepalive_requests` default 100 → 1000 (http/server/location and upstream);
 *   `keepalive_time` appears (default 1h).
 * - 1.23.4: `ssl_protocols` default gains TLSv1.3.
 * - 1.27.3: `ssl_protocols` default drops TLSv1 and TLSv1.1.
 * - 1.29.7 (CHANGES: "now the "keepalive" directive in the "upstream" block is enabled by
 *   default"; nginx/nginx#1080): an explicit `upstream {}` block without `keepalive` caches
 *   connections as if `keepalive 32 local;` were written (ngx_http_upstream_keepalive_module:
 *   max_cached 32, local = 1, only for upstreams with their own block — an address written
 *   straight into proxy_pass gets no cache); `proxy_http_version` defaults to 1.1 and the proxy
 *   no longer sends `Connection: close` by default.
 *
 * Page-size dependent defaults ("4k|8k") are given for x86-64 Linux (4 KiB pages) and say so.
 */

export interface DefaultValue {
  /** The default's arguments; null when nginx has no such behaviour by default (no directive). */
  value: string[] | null;
  /** Anything a reader must know about this default ("one memory page: 4k on x86-64"). */
  note?: string;
  /** The release where this default started, when it changed within the covered range. */
  since?: string;
}

/** A change point: from `since` on, `value` (the earliest entry has since '0'). */
type Timeline = readonly { since: string; value: string[] | null; note?: string }[];

const fixed = (...value: string[]): Timeline => [{ since: '0', value }];
const page = (value: string): Timeline => [
  { since: '0', value: [value], note: 'one memory page: 4k on x86-64 Linux, 8k on some platforms' },
];

/** Defaults of directives valid in http/server/location (and if where allowed). */
const HTTP: Record<string, Timeline> = {
  proxy_connect_timeout: fixed('60s'),
  proxy_read_timeout: fixed('60s'),
  proxy_send_timeout: fixed('60s'),
  uwsgi_connect_timeout: fixed('60s'),
  uwsgi_read_timeout: fixed('60s'),
  uwsgi_send_timeout: fixed('60s'),
  fastcgi_connect_timeout: fixed('60s'),
  fastcgi_read_timeout: fixed('60s'),
  fastcgi_send_timeout: fixed('60s'),
  grpc_connect_timeout: fixed('60s'),
  grpc_read_timeout: fixed('60s'),
  grpc_send_timeout: fixed('60s'),
  scgi_connect_timeout: fixed('60s'),
  scgi_read_timeout: fixed('60s'),
  scgi_send_timeout: fixed('60s'),
  proxy_http_version: [
    { since: '0', value: ['1.0'] },
    { since: '1.29.7', value: ['1.1'] },
  ],
  proxy_set_header: [
    { since: '0', value: ['Host', '$proxy_host'], note: 'also "Connection close"' },
    {
      since: '1.29.7',
      value: ['Host', '$proxy_host'],
      note: 'the Connection header is no longer forced to "close"',
    },
  ],
  proxy_next_upstream: fixed('error', 'timeout'),
  uwsgi_next_upstream: fixed('error', 'timeout'),
  fastcgi_next_upstream: fixed('error', 'timeout'),
  grpc_next_upstream: fixed('error', 'timeout'),
  proxy_next_upstream_tries: fixed('0'),
  proxy_next_upstream_timeout: fixed('0'),
  proxy_buffering: fixed('on'),
  uwsgi_buffering: fixed('on'),
  fastcgi_buffering: fixed('on'),
  proxy_request_buffering: fixed('on'),
  uwsgi_request_buffering: fixed('on'),
  fastcgi_request_buffering: fixed('on'),
  proxy_buffer_size: page('4k'),
  uwsgi_buffer_size: page('4k'),
  fastcgi_buffer_size: page('4k'),
  grpc_buffer_size: page('4k'),
  proxy_buffers: [{ since: '0', value: ['8', '4k'], note: 'buffer size is one memory page' }],
  uwsgi_buffers: [{ since: '0', value: ['8', '4k'], note: 'buffer size is one memory page' }],
  fastcgi_buffers: [{ since: '0', value: ['8', '4k'], note: 'buffer size is one memory page' }],
  proxy_busy_buffers_size: page('8k'),
  proxy_max_temp_file_size: fixed('1024m'),
  proxy_ignore_client_abort: fixed('off'),
  proxy_socket_keepalive: fixed('off'),
  fastcgi_keep_conn: fixed('off'),
  client_max_body_size: fixed('1m'),
  client_body_timeout: fixed('60s'),
  client_header_timeout: fixed('60s'),
  client_body_buffer_size: [
    { since: '0', value: ['16k'], note: 'two memory pages: 16k on x86-64, 8k on 32-bit platforms' },
  ],
  client_header_buffer_size: fixed('1k'),
  large_client_header_buffers: fixed('4', '8k'),
  send_timeout: fixed('60s'),
  keepalive_timeout: fixed('75s'),
  keepalive_requests: [
    { since: '0', value: ['100'] },
    { since: '1.19.10', value: ['1000'] },
  ],
  keepalive_time: [
    { since: '0', value: null, note: 'no such directive before 1.19.10' },
    { since: '1.19.10', value: ['1h'] },
  ],
  lingering_close: fixed('on'),
  lingering_time: fixed('30s'),
  lingering_timeout: fixed('5s'),
  reset_timedout_connection: fixed('off'),
  resolver_timeout: fixed('30s'),
  ssl_protocols: [
    { since: '0', value: ['TLSv1', 'TLSv1.1', 'TLSv1.2'] },
    { since: '1.23.4', value: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] },
    { since: '1.27.3', value: ['TLSv1.2', 'TLSv1.3'] },
  ],
  proxy_ssl_server_name: fixed('off'),
  server_tokens: fixed('on'),
};

/** Defaults of directives inside an `upstream {}` block. */
const UPSTREAM: Record<string, Timeline> = {
  keepalive: [
    { since: '0', value: null, note: 'no connection cache: a new connection per request' },
    { since: '1.29.7', value: ['32', 'local'], note: 'explicit upstream blocks cache connections' },
  ],
  keepalive_timeout: fixed('60s'),
  keepalive_requests: [
    { since: '0', value: ['100'] },
    { since: '1.19.10', value: ['1000'] },
  ],
  keepalive_time: [
    { since: '0', value: null, note: 'no such directive before 1.19.10' },
    { since: '1.19.10', value: ['1h'] },
  ],
};

/** Defaults of main and events context directives. */
const MAIN: Record<string, Timeline> = {
  worker_processes: fixed('1'),
  worker_connections: fixed('512'),
};

export type DefaultScope = 'http' | 'upstream' | 'main';

/**
 * The default of `name` in nginx `version` (e.g. "1.22.1"), or null when the table does not
 * know the directive. `scope` picks between same-named directives: `keepalive_timeout` is 75s
 * for clients (http) and 60s for upstream connections.
 */
export function defaultValue(
  name: string,
  version: string,
  scope: DefaultScope = 'http',
): DefaultValue | null {
  const table = scope === 'upstream' ? UPSTREAM : scope === 'main' ? MAIN : HTTP;
  const timeline = table[name];
  if (!timeline) return null;
  const v: Version = parseVersion(version) ?? [0, 0, 0];
  let chosen = timeline[0] as Timeline[number];
  for (const entry of timeline) {
    if (entry.since === '0' || compareVersions(v, parseVersion(entry.since) as Version) >= 0)
      chosen = entry;
  }
  const out: DefaultValue = { value: chosen.value ? [...chosen.value] : null };
  if (chosen.note) out.note = chosen.note;
  if (chosen.since !== '0') out.since = chosen.since;
  return out;
}

/** Names the defaults table knows, per scope (for documentation and tests). */
export function knownDefaults(scope: DefaultScope): string[] {
  return Object.keys(scope === 'upstream' ? UPSTREAM : scope === 'main' ? MAIN : HTTP);
}

/**
 * How a default is cited as a source: "nginx 1.22 default". The patch level is kept when the
 * directive's default changed inside that minor series (1.29.6 and 1.29.7 differ).
 */
export function defaultSource(name: string, version: string, scope: DefaultScope = 'http'): string {
  const v = parseVersion(version);
  if (!v) return `nginx ${version} default`;
  const table = scope === 'upstream' ? UPSTREAM : scope === 'main' ? MAIN : HTTP;
  const splits = (table[name] ?? []).some((e) => {
    const s = parseVersion(e.since);
    return s !== null && s[0] === v[0] && s[1] === v[1] && s[2] !== 0;
  });
  return splits ? `nginx ${v[0]}.${v[1]}.${v[2]} default` : `nginx ${v[0]}.${v[1]} default`;
}
