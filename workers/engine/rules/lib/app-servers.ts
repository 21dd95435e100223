/**
 * The app servers behind nginx as the timeout rules see them: a per-request limit, the routes
 * that reach the server, the lines it logs when it kills a request, and how to change the
 * limit. gunicorn, uWSGI and Node.js come from the topology's backends; php-fpm pools are read
 * here from the pasted pool files (the topology does not link php-fpm yet), matched to
 * `fastcgi_pass` locations by their `listen` address.
 */
import type { Edit, LogEvent } from '../../model.ts';
import type { ParsedFile } from '../../formats/types.ts';
import {
  phpFpmPools,
  phpFpmSettings,
  setPhpFpmSetting,
  type PhpFpmTree,
} from '../../formats/php-fpm/index.ts';
import {
  connects,
  parseEndpoint,
  type Backend,
  type Endpoint,
  type Route,
  type Topology,
} from '../../topology/index.ts';
import { appLimit, killLines, limitText, setAppLimit, type AppLimit } from './app-limit.ts';
import { writtenAt } from './app-values.ts';

export interface AppServer {
  /** The topology's backend, for servers that come from it (not php-fpm pools). */
  backend?: Backend;
  /** For people: "gunicorn (gunicorn.conf.py)", "php-fpm pool www (www.conf)". */
  label: string;
  /** The program's name in messages: gunicorn, uWSGI, Node.js, php-fpm. */
  program: string;
  limit: AppLimit;
  routes: Route[];
  /** The lines the server logs when it kills a request for running too long. */
  kills: LogEvent[];
  /** A limit in the server's own unit ("30 s", "30000 ms"). */
  text(seconds: number): string;
  /** Edits that set the limit to `seconds`; [] when no pasted file can carry it. */
  setLimit(seconds: number): Edit[];
}

const PROGRAM = {
  gunicorn: 'gunicorn',
  uwsgi: 'uWSGI',
  node: 'Node.js',
  puma: 'Puma',
  uvicorn: 'uvicorn',
  hypercorn: 'hypercorn',
  apache: 'Apache httpd',
} as const;

export function appServers(topology: Topology, events: readonly LogEvent[]): AppServer[] {
  const out: AppServer[] = [];
  for (const backend of topology.backends) {
    const limit = appLimit(backend);
    if (!limit) continue;
    out.push({
      backend,
      label: backend.label,
      program: PROGRAM[backend.kind],
      limit,
      routes: topology.routes.filter((r) => r.backends.some((l) => l.backend === backend)),
      kills: killLines(backend, events),
      text: (s) => limitText(backend, s),
      setLimit: (s) => setAppLimit(topology, backend, limit, s),
    });
  }
  return [...out, ...fpmServers(topology, events)];
}

/** php-fpm's `request_terminate_timeout`: "30", "30s", "5m", "1h", "1d"; 0 is off. */
export function fpmSeconds(value: string | null): number | null {
  const m = /^(\d+)[ \t]*([smhd]?)$/.exec((value ?? '').trim());
  if (!m) return null;
  return (
    Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd']
  );
}

/** php-fpm's `listen`: "127.0.0.1:9000", "9000" (every address), "/run/php/fpm.sock". */
function fpmEndpoint(listen: string | null): Endpoint | null {
  if (!listen) return null;
  const v = listen.trim();
  return parseEndpoint(/^\d+$/.test(v) ? `:${v}` : v);
}

function fpmServers(topology: Topology, events: readonly LogEvent[]): AppServer[] {
  const files = topology.files.filter((f): f is ParsedFile<PhpFpmTree> => f.kind === 'php-fpm');
  const fastcgi = topology.routes.filter((r) => r.pass.directive === 'fastcgi_pass');
  const pools = files.flatMap((file) => phpFpmPools(file).map((pool) => ({ file, pool })));
  const out: AppServer[] = [];
  for (const { file, pool } of pools) {
    const settings = phpFpmSettings(file, pool);
    const value = settings.request_terminate_timeout!;
    const seconds = 'dynamic' in value.source ? null : fpmSeconds(value.value);
    if (seconds === null || seconds <= 0) continue;
    const listen = fpmEndpoint(settings.listen?.value ?? null);
    const routes = fastcgi.filter((r) =>
      listen
        ? r.targets.some((t) => t.endpoint !== null && connects(t.endpoint, listen) !== null)
        : pools.length === 1,
    );
    const written = writtenAt(value.source);
    out.push({
      label: `php-fpm pool ${pool} (${file.name})`,
      program: 'php-fpm',
      limit: {
        setting: 'request_terminate_timeout',
        value,
        seconds,
        hard: true,
        how: 'terminates a child whose request runs longer than',
      },
      routes,
      kills: events.filter(
        (e) =>
          e.source === 'php-fpm' &&
          e.kind === 'request-timeout' &&
          (e.fields?.pool === undefined || e.fields.pool === pool),
      ),
      text: (s) => `${s} s`,
      // Written in [global]? The pool's own line overrides it, so the pool gets the new value.
      setLimit: (s) =>
        written && written.file !== file.name
          ? []
          : setPhpFpmSetting(file, 'request_terminate_timeout', `${s}s`, pool),
    });
  }
  return out;
}
