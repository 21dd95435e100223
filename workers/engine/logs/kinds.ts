import type { EventSource, NginxErrorKind } from '../model.ts';

/**
 * Every event kind the decoders emit, per source. The kinds DESIGN.md lists come first and keep
 * their meaning; the rest are extensions (never a new meaning for a listed kind). `other` means
 * "a line of this source's log format whose message is not one we classify".
 */
const NGINX_ERROR_KINDS: readonly NginxErrorKind[] = [
  'premature-close',
  'upstream-timeout',
  'connect-refused',
  'socket-missing',
  'connect-eagain',
  'address-unavailable',
  'no-live-upstreams',
  'connection-reset',
  'broken-pipe',
  'header-too-big',
  'body-too-large',
  'invalid-header',
  'server-disabled',
  'ssl-error',
  'other',
];

export const SOURCE_KINDS: Record<EventSource, readonly string[]> = {
  'nginx-error': [
    ...NGINX_ERROR_KINDS,
    // extensions
    'host-unreachable',
    'permission-denied',
    'request-too-big',
    'client-closed',
    'client-timeout',
  ],
  'nginx-access': ['response'],
  gunicorn: [
    'worker-timeout',
    'worker-killed',
    'worker-exit',
    'worker-boot',
    'worker-recycle',
    'socket-error',
    'shutdown',
    // extensions
    'request-error',
    'reload',
    'startup',
    'other',
  ],
  uwsgi: [
    'harakiri',
    'worker-killed',
    'header-too-big',
    'worker-recycle',
    // extensions
    'worker-exit',
    'worker-respawn',
    'worker-boot',
    'listen-queue-full',
    'body-too-large',
    'connection-reset',
    'broken-pipe',
    'request',
    'shutdown',
    'startup',
    'other',
  ],
  kernel: ['oom-kill', 'oom-invoked', 'oom-target', 'other'],
  kubernetes: [
    'oom-killed',
    'exit-code',
    'probe-failed',
    'container-killed',
    'crash-loop',
    'evicted',
    'pod-status',
    'other',
  ],
  'php-fpm': [
    'worker-killed',
    'worker-exit',
    'request-timeout',
    'slow-request',
    'max-children',
    'startup',
    'shutdown',
    'other',
  ],
  node: ['heap-oom', 'crash', 'startup'],
  selinux: ['avc-denied', 'other'],
  uvicorn: ['startup', 'shutdown', 'worker-recycle', 'other'],
  'aws-lb': ['response'],
  'process-manager': ['stopping', 'stop-timeout', 'killed', 'stopped', 'started'],
};

/** nginx error kinds that mean a request failed (or was refused) at or because of the upstream. */
export const NGINX_FAILURE_KINDS: ReadonlySet<string> = new Set([
  'premature-close',
  'upstream-timeout',
  'connect-refused',
  'socket-missing',
  'connect-eagain',
  'address-unavailable',
  'no-live-upstreams',
  'connection-reset',
  'broken-pipe',
  'header-too-big',
  'body-too-large',
  'invalid-header',
  'ssl-error',
  'host-unreachable',
  'permission-denied',
  'request-too-big',
]);

/** Access-log statuses that count as upstream failures (bad gateway, unavailable, timeout). */
export const FAILURE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * App-side, kernel and orchestrator kinds that are failures in themselves (a request killed, a
 * process gone, a request refused), not just activity such as a boot or a recycle. A finding
 * that explains one of them accounts for part of the incident even with no nginx line.
 */
export const SIDE_FAILURE_KINDS: Readonly<Partial<Record<EventSource, ReadonlySet<string>>>> = {
  gunicorn: new Set(['worker-timeout', 'worker-killed', 'worker-exit', 'socket-error']),
  uwsgi: new Set([
    'harakiri',
    'worker-killed',
    'listen-queue-full',
    'header-too-big',
    'body-too-large',
  ]),
  kernel: new Set(['oom-kill']),
  kubernetes: new Set(['oom-killed', 'container-killed', 'crash-loop', 'evicted']),
  'php-fpm': new Set(['worker-killed', 'request-timeout', 'max-children']),
  node: new Set(['heap-oom', 'crash']),
  selinux: new Set(['avc-denied']),
  // A stop that ended in SIGKILL cut the requests still running.
  'process-manager': new Set(['stop-timeout', 'killed']),
};

/**
 * Sources whose lines are one response each, with its status: nginx's access log and the log of
 * a load balancer in front of nginx. Their 502/503/504 count as failed requests.
 */
export function isResponseLine(e: { source: string }): boolean {
  return e.source === 'nginx-access' || e.source === 'aws-lb';
}
