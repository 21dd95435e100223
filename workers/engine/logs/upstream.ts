/**
 * Reading the upstream names nginx writes: `http://127.0.0.1:8000/x`, `http://[::1]:8080/`,
 * `uwsgi://unix:/run/app.sock:`, `http://unix:/run/app.sock:/x`, `unix:///tmp/app.sock`,
 * a bare `$upstream_addr` (`10.0.0.1:80`, `unix:/run/app.sock`), or an upstream group name.
 */

export interface UpstreamParts {
  scheme?: string;
  /** Socket path for `unix:` upstreams, leading slashes collapsed (`unix:///x` is `/x`). */
  socket?: string;
  host?: string;
  port?: number;
  /** The URI nginx appended (from `proxy_pass` or the request), when written. */
  uri?: string;
  /** What identifies the server: `unix:/run/app.sock`, `127.0.0.1:8000`, `[::1]:8080`, `backend`. */
  address: string;
}

export function parseUpstream(text: string): UpstreamParts | null {
  let rest = text.trim();
  let scheme: string | undefined;
  const s = /^([a-z][a-z0-9+.-]*):\/\/(?!\/)/i.exec(rest);
  // "unix:///x" is a socket spelling, not a scheme; "http://unix:/x" has the scheme http.
  if (s && s[1]!.toLowerCase() !== 'unix') {
    scheme = s[1]!.toLowerCase();
    rest = rest.slice(s[0].length);
  }
  if (rest === '') return null;
  if (/^unix:/i.test(rest)) {
    const m = /^unix:(\/*)([^:/][^:]*|)(?::(.*))?$/i.exec(rest);
    if (!m) return null;
    const socket = '/' + m[2]!.replace(/^\/+/, '');
    const parts: UpstreamParts = { address: `unix:${socket}`, socket };
    if (scheme) parts.scheme = scheme;
    if (m[3]) parts.uri = m[3];
    return parts;
  }
  const v6 = /^\[([0-9a-fA-F:.%\w]*)\](?::(\d{1,5}))?(\/.*)?$/.exec(rest);
  const v4 = v6 ? null : /^([^/:\s[\]]+)(?::(\d{1,5}))?(\/.*)?$/.exec(rest);
  const m = v6 ?? v4;
  if (!m) return null;
  const host = m[1]!;
  const parts: UpstreamParts = {
    host,
    address: (v6 ? `[${host}]` : host) + (m[2] ? `:${m[2]}` : ''),
  };
  if (scheme) parts.scheme = scheme;
  if (m[2]) parts.port = Number(m[2]);
  if (m[3]) parts.uri = m[3];
  return parts;
}

/** `http://127.0.0.1:8000/x?y` -> `http://127.0.0.1:8000`; a bare address stays as it is. */
export function upstreamServer(text: string): string {
  const p = parseUpstream(text);
  if (!p) return text;
  return p.scheme ? `${p.scheme}://${p.address}` : p.address;
}
