/**
 * uWSGI options that shape the request path, with defaults as of uWSGI 2.0.x (checked on
 * Debian's 2.0.21; 2.1 changes a few, noted where it matters) and short command-line flags.
 */
import type { DefaultRow } from '../gunicorn/text.ts';

const V = 'uWSGI 2.0.x';
const d = (value: string | null, holds = V): DefaultRow => ({ value, holds });

export const UWSGI_DEFAULTS: Record<string, DefaultRow> = {
  'buffer-size': d('4096'),
  listen: d('100'),
  harakiri: d('0 (off)'),
  'http-timeout': d('60'),
  'socket-timeout': d('4'),
  'http-keepalive': d('0 (off)'),
  'limit-post': d('0 (unlimited)'),
  'post-buffering': d('0 (off)'),
  'max-requests': d('0 (off)'),
  'max-requests-delta': d('0'),
  'max-worker-lifetime': d('0 (off)'),
  'reload-on-rss': d('0 (off)'),
  processes: d('1'),
  threads: d('1'),
  master: d('false'),
  'die-on-term': d('false', 'uWSGI 2.0.x (true from 2.1)'),
  'worker-reload-mercy': d('60'),
  'reload-mercy': d('60'),
  'enable-threads': d('false'),
  'lazy-apps': d('false'),
  protocol: d('uwsgi'),
};

/** Options a command line may give without a value. */
export const UWSGI_FLAGS = new Set([
  'master',
  'vacuum',
  'enable-threads',
  'die-on-term',
  'lazy-apps',
  'lazy',
  'single-interpreter',
  'need-app',
  'thunder-lock',
  'harakiri-verbose',
  'disable-logging',
  'log-4xx',
  'log-5xx',
  'memory-report',
  'strict',
  'no-orphans',
  'py-autoreload',
  'honour-stdin',
  'ignore-sigpipe',
  'ignore-write-errors',
  'disable-write-exception',
  'http-auto-chunked',
  'http-keepalive',
  'auto-procname',
  'show-config',
  'cheap',
  'no-default-app',
  'manage-script-name',
  'so-keepalive',
  'log-master',
  'logdate',
  'catch-exceptions',
  'py-tracebacker',
  'reuse-port',
  'close-on-exec',
]);

export const UWSGI_SHORT: Record<string, string> = {
  s: 'socket',
  p: 'processes',
  M: 'master',
  t: 'harakiri',
  b: 'buffer-size',
  l: 'listen',
  w: 'module',
  T: 'enable-threads',
  L: 'disable-logging',
  R: 'max-requests',
  z: 'socket-timeout',
  H: 'home',
  C: 'chmod-socket',
  d: 'daemonize',
  A: 'sharedarea',
  Q: 'spooler',
  r: 'reaper',
  m: 'memory-report',
  v: 'vacuum',
};

/** Options whose every occurrence counts (the others: the last one wins). */
export const UWSGI_MULTI = new Set([
  'socket',
  'uwsgi-socket',
  'http-socket',
  'https-socket',
  'fastcgi-socket',
  'shared-socket',
  'http',
  'https',
  'env',
  'plugin',
  'plugins',
  'mount',
  'route',
  'hook-master-start',
  'attach-daemon',
  'static-map',
  'cron',
  'add-header',
  'exec-pre-app',
  'pythonpath',
  'python-path',
  'spooler',
  'mule',
  'logger',
  'req-logger',
]);

/** Aliases resolved to one name for queries. */
export const UWSGI_ALIASES: Record<string, string> = {
  workers: 'processes',
  'uwsgi-socket': 'socket',
  'python-path': 'pythonpath',
  pp: 'pythonpath',
  plugins: 'plugin',
  'wsgi-file': 'wsgi-file',
  file: 'wsgi-file',
  wsgi: 'module',
  limit_post: 'limit-post',
};

export function canonicalOption(key: string): string {
  const k = key.trim().toLowerCase();
  return UWSGI_ALIASES[k] ?? k;
}
