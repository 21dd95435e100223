/**
 * Logs as configuration evidence. An nginx error line says which module and address nginx used
 * (`upstream: "uwsgi://127.0.0.1:9090"`, `http://unix:/run/app.sock:/x`) and for which server;
 * app-server start lines say where they listen and how (gunicorn `Listening at:` and `Using
 * worker:`, uWSGI's `uWSGI http bound on :9090`, a Node app's `listening on port 3000`, uvicorn's
 * `Uvicorn running on …`). These are facts about the configs that ran,
 * with the log line as their source: the topology uses them where no pasted config says.
 */
import type { LogEvent } from '../model.ts';
import type { ObservedPass } from '../formats/nginx/index.ts';
import { parseUpstream } from '../logs/index.ts';
import type { PassDirective } from '../formats/nginx/index.ts';

/** An app server's listener as its own log announced it. */
export interface ObservedListener {
  kind: 'gunicorn' | 'uwsgi' | 'node' | 'uvicorn';
  /** As the log wrote it: `http://127.0.0.1:8000`, `unix:/run/app.sock`, `:9090`. */
  address: string;
  protocol: 'http' | 'http-router';
  /** gunicorn's `Using worker:` from the same start, when logged. */
  workerClass?: { value: string; file: string; line: number };
  file: string;
  line: number;
}

export interface Observed {
  nginx: ObservedPass[];
  listeners: ObservedListener[];
}

const PASS_OF: Record<string, PassDirective> = {
  http: 'proxy_pass',
  https: 'proxy_pass',
  uwsgi: 'uwsgi_pass',
  suwsgi: 'uwsgi_pass',
  fastcgi: 'fastcgi_pass',
  grpc: 'grpc_pass',
  grpcs: 'grpc_pass',
  scgi: 'scgi_pass',
};

/** The *_pass nginx used for an upstream it logged, written as that directive takes it. */
function passOf(upstream: string): { directive: PassDirective; target: string } | null {
  const parts = parseUpstream(upstream);
  if (!parts?.scheme) return null;
  const directive = PASS_OF[parts.scheme];
  if (!directive) return null;
  const address = parts.socket ? `unix:${parts.socket}` : parts.address;
  // proxy_pass and grpc_pass take a URL; uwsgi/fastcgi/scgi_pass an address.
  const target =
    directive === 'proxy_pass' || directive === 'grpc_pass'
      ? `${parts.scheme}://${address}`
      : parts.scheme === 'suwsgi'
        ? `suwsgi://${address}`
        : address;
  return { directive, target };
}

export function observe(events: readonly LogEvent[]): Observed {
  const nginx: ObservedPass[] = [];
  const seen = new Set<string>();
  const listeners: ObservedListener[] = [];
  let workerClass: ObservedListener['workerClass'];
  for (const e of events) {
    if (e.source === 'nginx-error' && e.upstream) {
      const pass = passOf(e.upstream);
      if (!pass) continue;
      const server = typeof e.fields?.server === 'string' ? e.fields.server : '';
      const key = `${server}\u0000${pass.directive}\u0000${pass.target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      nginx.push({ server, ...pass, file: e.file, line: e.line });
    } else if (e.source === 'gunicorn' && e.kind === 'startup') {
      if (typeof e.fields?.bind === 'string')
        listeners.push({
          kind: 'gunicorn',
          address: e.fields.bind,
          protocol: 'http',
          file: e.file,
          line: e.line,
        });
      if (typeof e.fields?.workerClass === 'string')
        workerClass = { value: e.fields.workerClass, file: e.file, line: e.line };
    } else if (
      (e.source === 'node' || e.source === 'uvicorn') &&
      e.kind === 'startup' &&
      typeof e.fields?.bind === 'string'
    ) {
      listeners.push({
        kind: e.source,
        address: e.fields.bind,
        protocol: 'http',
        file: e.file,
        line: e.line,
      });
    } else if (
      e.source === 'uwsgi' &&
      e.kind === 'startup' &&
      typeof e.fields?.httpRouter === 'string'
    ) {
      listeners.push({
        kind: 'uwsgi',
        address: e.fields.httpRouter,
        protocol: 'http-router',
        file: e.file,
        line: e.line,
      });
    }
  }
  // The last start logged is the one that ran (a log may hold several restarts).
  const last = new Map(listeners.map((l) => [`${l.kind}\u0000${l.address}`, l]));
  return {
    nginx,
    listeners: [...last.values()].map((l) =>
      l.kind === 'gunicorn' && workerClass ? { ...l, workerClass } : l,
    ),
  };
}
