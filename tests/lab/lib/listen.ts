/**
 * Where an app server listens, read from its config file as it is now. The "after" run may
 * start from a patched config (an address-mismatch fix can move the bind), so readiness
 * cannot rely on what the template said.
 */
import type { AppKind } from './servers.ts';

function target(addr: string): number | string | null {
  const a = addr.trim().replace(/^unix:/, '');
  if (a.startsWith('/')) return a;
  const m = /^(?:127\.0\.0\.1|localhost|0\.0\.0\.0)?:(\d+)$/.exec(a);
  return m?.[1] ? Number(m[1]) : null;
}

/**
 * The port or socket path `kind` will listen on per `config`, or null when it cannot tell. A
 * Node script and supervisord's program listen on the app port the templates were given.
 */
export function listenTarget(
  kind: AppKind,
  config: string,
  nodePort: number,
): number | string | null {
  if (kind === 'node' || kind === 'supervisord') return nodePort;
  if (kind === 'uvicorn') {
    const uds = /--uds[= ](\S+)/.exec(config);
    if (uds?.[1]) return uds[1];
    const port = /--port[= ](\d+)/.exec(config);
    return port?.[1] ? Number(port[1]) : 8000;
  }
  if (kind === 'gunicorn') {
    // bind = "127.0.0.1:8000" or bind = ["unix:/run/app.sock"]: the first address.
    const m = /^\s*bind\s*=\s*\[?\s*["']([^"']+)["']/m.exec(config);
    return m?.[1] ? target(m[1]) : null;
  }
  // uWSGI ini: socket / uwsgi-socket / http-socket, first one wins.
  const m = /^\s*(?:uwsgi-socket|http-socket|socket|http)\s*=\s*(\S+)/m.exec(config);
  return m?.[1] ? target(m[1]) : null;
}
