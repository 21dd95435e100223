/**
 * Out-of-memory evidence in decoded logs, and the memory numbers that go with it: which lines
 * say a process was killed for memory, which app server they are about, and Kubernetes memory
 * quantities in bytes.
 *
 * A SIGKILL is not always the OOM killer: gunicorn sends it itself to a worker that ignored
 * the SIGABRT of a WORKER TIMEOUT (and then logs "Perhaps out of memory?" all the same), and
 * uWSGI's harakiri ends in "killed by signal 9". Those kills belong to the app-timeout rule.
 */
import type { LogEvent } from '../../model.ts';
import type { Backend } from '../../topology/index.ts';

/** Workers a timeout (not memory) killed: gunicorn WORKER TIMEOUT, uWSGI HARAKIRI, php-fpm pids. */
function timedOutPids(events: readonly LogEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of events) {
    const pid = e.fields?.workerPid;
    if (pid === undefined) continue;
    if (
      (e.source === 'gunicorn' && e.kind === 'worker-timeout') ||
      (e.source === 'uwsgi' && e.kind === 'harakiri') ||
      (e.source === 'php-fpm' && e.kind === 'request-timeout')
    )
      out.add(`${e.source}:${pid}`);
  }
  return out;
}

/** The lines that say the OOM killer (kernel, cgroup, V8 heap) ended a process. */
export function oomEvents(events: readonly LogEvent[]): LogEvent[] {
  const timedOut = timedOutPids(events);
  const probeKills = events.some((e) => e.source === 'kubernetes' && e.kind === 'container-killed');
  // "oom-kill:constraint=…,pid=N" names the victim the "Killed process N" line kills: one kill.
  const killed = new Set(
    events
      .filter((e) => e.source === 'kernel' && e.kind === 'oom-kill')
      .map((e) => e.fields?.victimPid),
  );
  return events.filter((e) => {
    switch (e.source) {
      case 'kernel':
        return (
          e.kind === 'oom-kill' || (e.kind === 'oom-target' && !killed.has(e.fields?.victimPid))
        );
      case 'kubernetes':
        // Exit 137 is SIGKILL: the OOM killer, unless a failed probe had the kubelet kill it.
        return (
          e.kind === 'oom-killed' ||
          (e.kind === 'exit-code' && e.fields?.exitCode === 137 && !probeKills)
        );
      case 'gunicorn':
      case 'uwsgi':
      case 'php-fpm':
        return (
          e.kind === 'worker-killed' &&
          (e.fields?.signal === 9 || e.fields?.signal === 'SIGKILL') &&
          !timedOut.has(`${e.source}:${e.fields?.workerPid}`)
        );
      case 'node':
        return e.kind === 'heap-oom';
      default:
        return false;
    }
  });
}

const PROCESS_OF: Record<Backend['kind'], RegExp> = {
  gunicorn: /gunicorn|python/i,
  uwsgi: /uwsgi|python/i,
  node: /^node/i,
  puma: /puma|ruby/i,
  uvicorn: /uvicorn|python/i,
  hypercorn: /hypercorn|python/i,
  apache: /apache2|httpd/i,
};

/** Whether an OOM line is about this app server (by log source, process name or pod). */
export function oomIsAbout(
  event: LogEvent,
  backend: Backend,
  backends: readonly Backend[],
): boolean {
  if (backends.length === 1) return true;
  if (event.source === backend.kind) return true;
  if (event.source === 'kernel') {
    const process = String(event.fields?.process ?? '');
    // "python3" could be either Python server: only claim it when this is the only one.
    const pythons = backends.filter((b) => b.kind !== 'node').length;
    return PROCESS_OF[backend.kind].test(process) && (!/python/i.test(process) || pythons === 1);
  }
  if (event.source === 'kubernetes' && backend.pod) {
    const pod = String(event.fields?.pod ?? event.fields?.object ?? '');
    return pod !== '' && pod.replace(/^pod\//, '').startsWith(`${backend.pod.workload.name}-`);
  }
  return false;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3 };

/** Bytes in a Kubernetes memory quantity ("512Mi", "1G", "0.5Gi", "268435456"), or null. */
export function parseQuantity(value: string | null): number | null {
  if (value === null) return null;
  const m = /^\s*(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T|m)?\s*$/.exec(value);
  if (!m) return null;
  const unit = m[2] ?? '';
  const mult = unit === '' ? 1 : (BINARY[unit] ?? DECIMAL[unit]!);
  return Number(m[1]) * mult;
}

/** "160 MiB", "1.5 GiB" for messages. */
export function mib(bytes: number): string {
  const m = bytes / 2 ** 20;
  return m >= 1024 ? `${(m / 1024).toFixed(1)} GiB` : `${Math.round(m)} MiB`;
}
