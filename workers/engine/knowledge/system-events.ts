import type { EventExplanation } from './types.ts';

/** Kernel and Kubernetes events that explain a worker or pod disappearing. */

export const KERNEL: Record<string, EventExplanation> = {
  'oom-kill': {
    title: 'Killed by the OOM killer',
    what: "The kernel ran out of memory (system-wide, or in a memory cgroup: a container's limit) and killed the process with the highest badness score with SIGKILL.",
    meaning:
      'The process gets no chance to clean up: its connections are reset. If it was an app-server worker, its requests fail with 502 in nginx.',
    causes: [
      "A container memory limit below the app's peak use.",
      'Too many workers for the memory available.',
      'A leak growing until the limit.',
    ],
  },
  'oom-invoked': {
    title: 'OOM killer invoked',
    what: 'An allocation by the named process could not be satisfied, so the kernel started the OOM killer (the victim chosen may be another process).',
    meaning: 'A kill follows ("Killed process …"); see that line for the victim.',
    causes: ['Memory pressure in the container or host.'],
  },
  'oom-target': {
    title: 'OOM killer chose its victim',
    what: 'Since Linux 4.19 the kernel names the process it is about to kill, and the memory cgroup it ran in (task_memcg: a container, a systemd unit), on one "oom-kill:constraint=…" line before the kill itself.',
    meaning:
      'CONSTRAINT_MEMCG means a cgroup limit (a container\'s memory limit) was hit, not the host\'s memory; the "Killed process" line follows.',
    causes: ["A container or unit memory limit below the app's peak.", 'Too many workers for it.'],
  },
  other: {
    title: 'Other kernel message',
    what: 'A kernel log line this tool does not classify.',
    meaning: 'Shown for context.',
    causes: [],
  },
};

export const KUBERNETES: Record<string, EventExplanation> = {
  'oom-killed': {
    title: 'Container OOMKilled',
    what: "A container was killed because its memory cgroup exceeded the container's limit (status/reason OOMKilled, exit code 137).",
    meaning:
      'Every request in that container is dropped; nginx logs 502s until it restarts and passes readiness.',
    causes: [
      "resources.limits.memory below the app's peak.",
      'Too many workers per pod.',
      'A memory leak.',
    ],
  },
  'exit-code': {
    title: 'Container exit code',
    what: 'The code a container ended with: 137 = 128+9 (SIGKILL: OOM kill or kill after the termination grace period), 143 = 128+15 (SIGTERM), 1 = application error.',
    meaning: '137 means the process was killed without warning: in-flight requests were lost.',
    causes: [
      'OOM kill (reason OOMKilled).',
      'terminationGracePeriodSeconds expired during shutdown.',
      'A failed liveness probe restart that did not stop in time.',
    ],
  },
  'probe-failed': {
    title: 'Probe failed',
    what: "The kubelet's readiness, liveness or startup probe did not succeed within its timeoutSeconds.",
    meaning:
      'Readiness: the pod is removed from Service endpoints (traffic stops). Liveness: after failureThreshold failures the container is restarted, dropping its requests.',
    causes: [
      'The app is overloaded or blocked, so the probe endpoint answers too slowly (timeoutSeconds default 1s).',
      'The probe hits an endpoint that depends on a database or other service.',
      'The app is still starting (no startupProbe, initialDelaySeconds too short).',
    ],
  },
  'container-killed': {
    title: 'Container being killed',
    what: 'The kubelet is stopping a container (failed liveness/startup probe, pod deletion, rollout): SIGTERM, then SIGKILL after terminationGracePeriodSeconds.',
    meaning:
      'In-flight requests are lost unless the app drains on SIGTERM and the Service stops routing to it first.',
    causes: ['A failed liveness probe.', 'A rollout or scale-down.', 'Node drain or eviction.'],
  },
  'crash-loop': {
    title: 'CrashLoopBackOff',
    what: 'The container keeps exiting and the kubelet waits longer and longer before restarting it.',
    meaning:
      'The pod is mostly not ready: nginx sees refused connections or no endpoints (502/503).',
    causes: [
      'The app fails at start-up (configuration, missing dependency).',
      'Repeated OOM kills or liveness-probe kills.',
    ],
  },
  evicted: {
    title: 'Pod evicted',
    what: 'The kubelet evicted the pod because the node ran short of memory, disk or PIDs.',
    meaning: 'The pod stops; requests to it fail until it is rescheduled.',
    causes: [
      'Node memory pressure (pods without limits, or limits above requests).',
      'Disk pressure.',
    ],
  },
  'pod-status': {
    title: 'Pod status',
    what: 'A `kubectl get pods` row: readiness, status and restarts of a pod.',
    meaning:
      'Restarts above 0 and a status other than Running show trouble; the status names what.',
    causes: [],
  },
  other: {
    title: 'Other Kubernetes event',
    what: 'A Kubernetes event this tool does not classify.',
    meaning: 'Shown for context.',
    causes: [],
  },
};

export const SELINUX: Record<string, EventExplanation> = {
  'avc-denied': {
    title: 'SELinux denied an access',
    what: 'The audit log records an access the SELinux policy refused: which process (comm), what it tried (name_connect: a TCP connect; connectto/write: a unix socket), and the types of both sides (httpd_t is nginx).',
    meaning:
      'When nginx is the process, its connect to the upstream fails with "13: Permission denied" although ports and file modes are right: the request never reaches the app and the client gets 502.',
    causes: [
      'httpd_t may not connect to that TCP port: `setsebool -P httpd_can_network_connect 1` (any port), or label the port (`semanage port -a -t http_port_t -p tcp 8000`).',
      "The unix socket's file label is not one httpd_t may write (create it under /run with the app's policy, or relabel with semanage fcontext + restorecon).",
      'permissive=1 means the access was only logged, not refused: look elsewhere then.',
    ],
  },
  other: {
    title: 'Other SELinux audit record',
    what: 'An audit record that is not a denial.',
    meaning: 'Shown for context.',
    causes: [],
  },
};

export const PROCESS_MANAGER: Record<string, EventExplanation> = {
  stopping: {
    title: 'Process manager stopping the app',
    what: 'systemd, supervisord or docker compose began to stop the app server: it sent the stop signal (SIGTERM unless configured otherwise).',
    meaning:
      'From here the app should finish its running requests and exit; the manager waits (systemd TimeoutStopSec 90 s, supervisord stopwaitsecs 10, compose stop_grace_period 10 s) and then kills it.',
    causes: ['A deploy, a restart, a reboot, `docker compose down`/`up` recreating the container.'],
  },
  'stop-timeout': {
    title: 'Stop timed out: the manager kills the app',
    what: 'The app server did not exit within the manager’s wait, so the manager sends SIGKILL (systemd: "State \'stop-sigterm\' timed out. Killing."; supervisord: "killing … with SIGKILL").',
    meaning:
      'Requests still running at that moment are cut: nginx logs them as "upstream prematurely closed connection" or a reset, clients get 502.',
    causes: [
      'The wait is shorter than the app’s graceful drain (gunicorn graceful_timeout, 30 s by default)',
      'The stop signal is one the app does not exit on (uWSGI reloads on SIGTERM unless die-on-term)',
      'A request or a thread that never finishes',
    ],
  },
  killed: {
    title: 'App ended by SIGKILL',
    what: 'The app server’s main process was killed (systemd "code=killed, status=9/KILL", supervisord "terminated by SIGKILL", compose "exited with code 137").',
    meaning:
      'Whatever it was still doing was cut off; exit code 137 is also what an OOM kill gives.',
    causes: [
      'The manager’s stop wait ran out (see the stop-timeout line before it)',
      'The kernel’s OOM killer (look for an oom-kill line at the same time)',
    ],
  },
  stopped: {
    title: 'App stopped',
    what: 'The app server exited by itself after the stop signal (exit status, or terminated by SIGTERM).',
    meaning: 'A clean stop: requests that arrive until it is back are refused.',
    causes: ['A deploy or restart.'],
  },
  started: {
    title: 'App started',
    what: 'The manager started the app server (systemd "Started …", supervisord "spawned: …").',
    meaning: 'After a stop, the end of the gap in which connections were refused.',
    causes: ['A deploy, a restart, a crash restart.'],
  },
};
