/**
 * Addresses on both ends of a hop: what nginx connects to (`127.0.0.1:8000`, `app:8000`,
 * `unix:/run/app.sock`) and what an app server listens on (`0.0.0.0:8000`, `:3031`,
 * `/run/app.sock`, `unix:/run/app.sock`), normalised so they can be compared.
 */
export type Endpoint =
  { type: 'unix'; path: string } | { type: 'tcp'; host: string; port: number | null };

const WILDCARD = new Set(['', '0.0.0.0', '::', '*', '[::]']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** `defaultPort` applies when the text has none (nginx: 80 for http, 443 for https). */
export function parseEndpoint(text: string, defaultPort: number | null = null): Endpoint | null {
  let t = text.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/(?=[^/])/i, '');
  if (t === '') return null;
  if (/^unix:/i.test(t))
    return { type: 'unix', path: '/' + t.slice(5).replace(/^\/+/, '').replace(/:$/, '') };
  if (t.startsWith('/') || t.startsWith('./')) return { type: 'unix', path: t };
  t = t.split('/')[0]!;
  const v6 = /^\[([^\]]*)\](?::(\d+))?$/.exec(t);
  if (v6) return { type: 'tcp', host: `[${v6[1]}]`, port: v6[2] ? Number(v6[2]) : defaultPort };
  const m = /^([^:]*)(?::(\d+))?$/.exec(t);
  if (!m) return null;
  return { type: 'tcp', host: m[1]!.toLowerCase(), port: m[2] ? Number(m[2]) : defaultPort };
}

export function isWildcard(host: string): boolean {
  return WILDCARD.has(host);
}

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host);
}

function isIp(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('[');
}

/**
 * How a connection to `target` reaches a server listening on `listener`:
 * - 'socket': the same unix socket path;
 * - 'address': the same host and port, or a wildcard listener on that port;
 * - 'port': the same port, where nginx names a host (a container, a service) the listener's
 *   own address cannot be compared with;
 * null when it cannot (different ports, socket vs TCP, two different IPs).
 */
export function connects(
  target: Endpoint,
  listener: Endpoint,
): 'socket' | 'address' | 'port' | null {
  if (target.type === 'unix' || listener.type === 'unix') {
    return target.type === 'unix' && listener.type === 'unix' && target.path === listener.path
      ? 'socket'
      : null;
  }
  if (target.port === null || listener.port === null || target.port !== listener.port) return null;
  if (isWildcard(listener.host) || target.host === listener.host) return 'address';
  // localhost may resolve to ::1 first: that is the address-mismatch rule's to judge.
  if (isLoopback(target.host) && isLoopback(listener.host)) return 'address';
  if (!isIp(target.host) && !isLoopback(target.host)) return 'port';
  return null;
}

export function formatEndpoint(e: Endpoint): string {
  return e.type === 'unix' ? `unix:${e.path}` : `${e.host}${e.port === null ? '' : `:${e.port}`}`;
}
