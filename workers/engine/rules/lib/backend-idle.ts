/**
 * How long an app server keeps an idle keep-alive connection open before closing it — the
 * other side of nginx's upstream connection cache. Null when the server does not keep
 * connections at all (gunicorn's sync worker answers every request with Connection: close;
 * gunicorn `keepalive = 0`, Node `keepAliveTimeout = 0` (no idle limit), uWSGI without an
 * HTTP keep-alive listener) or when the value is only known at run time.
 */
import type { Evidence } from '../../model.ts';
import type { EffectiveValue } from '../../formats/gunicorn/index.ts';
import type { Backend } from '../../topology/index.ts';
import { numberOf, writtenAt } from './app-values.ts';

export interface BackendIdle {
  backend: Backend;
  seconds: number;
  /** The setting's name in the app server's own terms. */
  setting: string;
  /** The value with its unit, for messages ("2s", "5000 ms"). */
  display: string;
  /** "gunicorn.conf.py:4" or "gunicorn default (gunicorn 19.x–23.x)". */
  source: string;
  line: { file: string; line: number } | null;
  /** What the value means for this server ("gthread worker keeps idle connections …"). */
  why: string;
  /** Lines that decide the meaning (the worker class). */
  context: Evidence[];
}

function provenanceOf(v: EffectiveValue): { text: string; line: Evidence | null } | null {
  const s = v.source;
  if ('default' in s) return { text: s.default, line: null };
  if ('dynamic' in s && s.dynamic && v.value === null) return null;
  if ('file' in s && s.file && s.line !== undefined)
    return { text: `${s.file}:${s.line}`, line: { file: s.file, line: s.line } };
  return null;
}

const OFF = new Set(['0', '0 (off)', 'false', 'off', 'no', '']);

export function backendIdle(backend: Backend): BackendIdle | null {
  const s = backend.settings;
  if (backend.kind === 'gunicorn') {
    const wc = backend.workerClass;
    // sync closes after every response: nothing idles. Custom worker classes may do anything.
    if (!wc || !/^(gthread|gevent|eventlet|tornado)$|uvicorn/i.test(wc)) return null;
    const wcSource = s.worker_class ? provenanceOf(s.worker_class) : null;
    return idleSetting(backend, 'keepalive', 's', {
      why: `the ${wc} worker closes a keep-alive connection after it has been idle this long`,
      context: wcSource?.line ? [{ ...wcSource.line, note: `worker class ${wc}` }] : [],
    });
  }
  if (backend.kind === 'node') {
    return idleSetting(backend, 'keepAliveTimeout', 'ms', {
      why: 'Node closes a keep-alive socket that has been idle this long',
      context: [],
    });
  }
  if (backend.kind === 'puma') {
    // Puma's reactor keeps an idle keep-alive connection for persistent_timeout (20 s by default).
    return idleSetting(backend, 'persistent_timeout', 's', {
      why: 'Puma closes a keep-alive connection that has been idle this long',
      context: [],
    });
  }
  if (backend.kind === 'uvicorn') {
    // uvicorn keeps every HTTP/1.1 connection alive; its timer starts after each response.
    // With the default, the command line that starts it is where the value would go.
    const app = backend.settings.app;
    const keep = backend.settings.timeout_keep_alive;
    const start = app && keep && 'default' in keep.source ? writtenAt(app.source) : null;
    return idleSetting(backend, 'timeout_keep_alive', 's', {
      why: 'uvicorn closes a keep-alive connection that has been idle this long',
      context: start ? [{ ...start, note: 'starts uvicorn (no --timeout-keep-alive)' }] : [],
    });
  }
  if (backend.kind === 'hypercorn') {
    // hypercorn closes an idle connection after keep_alive_timeout, or sooner when a
    // read_timeout is set below it: a read waiting for the next request counts as idle time.
    const keep = numberOf(s.keep_alive_timeout);
    const read = numberOf(s.read_timeout);
    return read !== null && read > 0 && (keep === null || read < keep)
      ? idleSetting(backend, 'read_timeout', 's', {
          why: 'hypercorn stops reading a connection that sends nothing for this long (idle keep-alive time included)',
          context: [],
        })
      : idleSetting(backend, 'keep_alive_timeout', 's', {
          // 0.13.0–0.13.2 never re-armed the timer after a connection's first request (fixed
          // in 0.14.0; measured on Debian 12's 0.13.2): pooled connections never expire there.
          why:
            'hypercorn 0.14 and later closes a keep-alive connection that has been idle this long ' +
            '(0.13 only before its first request)',
          context: [],
        });
  }
  if (backend.kind === 'apache') {
    // KeepAlive Off: Apache closes after every response, nothing idles.
    if (OFF.has((s.KeepAlive?.value ?? 'On').toLowerCase())) return null;
    return idleSetting(backend, 'KeepAliveTimeout', 's', {
      why: 'Apache closes a keep-alive connection that has waited this long for its next request',
      context: [],
    });
  }
  if (backend.kind !== 'uwsgi') return null;
  // uWSGI keeps HTTP connections open in two places (checked on uWSGI 2.0.21): an
  // `http11-socket` worker socket waits `socket-timeout` (4 s by default) for the next request;
  // the HTTP router (`http`) with `http-keepalive` waits `http-timeout` (60 s by default).
  // A plain `http-socket`, and the router without http-keepalive, close after each response.
  if (s['http11-socket']?.value) {
    return uwsgiIdle(
      backend,
      'socket-timeout',
      'a uWSGI http11-socket waits this long for the next request',
      [],
    );
  }
  const keep = s['http-keepalive'];
  if (!s.http?.value || !keep || OFF.has((keep.value ?? '').toLowerCase())) return null;
  const keepSource = provenanceOf(keep);
  return uwsgiIdle(
    backend,
    'http-timeout',
    'the uWSGI HTTP router (http-keepalive) drops a connection idle this long',
    keepSource?.line ? [{ ...keepSource.line, note: 'http-keepalive' }] : [],
  );
}

/** The idle timeout a backend's setting holds (in seconds or ms), when it is known and on. */
function idleSetting(
  backend: Backend,
  setting: string,
  unit: 's' | 'ms',
  meaning: Pick<BackendIdle, 'why' | 'context'>,
): BackendIdle | null {
  const v = backend.settings[setting];
  const n = Number(v?.value);
  const src = v ? provenanceOf(v) : null;
  if (!v || !src || !Number.isFinite(n) || n <= 0) return null;
  return {
    backend,
    seconds: unit === 'ms' ? n / 1000 : n,
    setting,
    display: unit === 'ms' ? `${v.value} ms` : `${v.value}s`,
    source: src.text,
    line: src.line,
    ...meaning,
  };
}

function uwsgiIdle(
  backend: Backend,
  setting: string,
  why: string,
  context: Evidence[],
): BackendIdle | null {
  const v = backend.settings[setting];
  const seconds = Number.parseFloat(v?.value ?? (setting === 'socket-timeout' ? '4' : '60'));
  const src = v ? provenanceOf(v) : { text: `uWSGI default (uWSGI 2.0.x)`, line: null };
  if (!src || !Number.isFinite(seconds) || seconds <= 0) return null;
  return {
    backend,
    seconds,
    setting,
    display: `${seconds}s`,
    source: src.text,
    line: src.line,
    why,
    context,
  };
}
