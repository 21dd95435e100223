/**
 * deploy-termination: a Kubernetes pod running the app server is stopped (rollout, scale-in,
 * node drain) in a way that drops requests.
 *
 * When a pod is deleted the kubelet runs the preStop hook, then sends SIGTERM, while the
 * endpoint controller removes the pod from the Service at the same time; kube-proxy and
 * ingress-nginx learn about it a few seconds later. Without a preStop delay the app server
 * closes its listener at once and connections that still arrive are refused (nginx: 111);
 * pooled connections to it are closed under nginx (premature close, reset). Then the kubelet
 * waits `terminationGracePeriodSeconds` (default 30, counted from the start of the preStop
 * hook) and sends SIGKILL: if that is not above preStop + the app server's own graceful
 * shutdown (gunicorn `graceful_timeout`, default 30), requests still running are cut.
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../model.ts';
import type { ParsedFile } from '../formats/types.ts';
import {
  addPreStopHook,
  setTerminationGracePeriod,
  K8S_FEATURES,
  type KubernetesTree,
} from '../formats/kubernetes/index.ts';
import type { Backend, Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { numberOf, sourceOf, writtenAt } from './lib/app-values.ts';
import { eventEvidence } from './lib/route-events.ts';
import { failuresDuring, terminationEvents } from './lib/termination.ts';
import { hostRestartHit } from './lib/host-restart.ts';
import { managedStopHits } from './lib/managed-stop.ts';
import { isUpstreamFailure } from './rank.ts';

/** Below this a preStop sleep does not outlast endpoint propagation (kube-proxy, ingress-nginx). */
const MIN_DELAY = 5;
/** The delay the fix writes: covers endpoint propagation with room for a busy control plane. */
const FIX_DELAY = 10;
/** Room above preStop + graceful shutdown for the master to exit after its workers. */
const MARGIN = 5;
/** Workload kinds whose pods serve traffic (Jobs run to completion). */
const SERVING = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Rollout',
  'Pod',
]);
/** Images without a shell or `sleep` binary: an exec hook would fail there. */
const NO_SLEEP_BINARY = /distroless|(^|\/)scratch(:|$)|chainguard|cgr\.dev/i;

export const deployTermination: Rule = {
  meta: {
    id: 'deploy-termination',
    cause: 'deploy-termination',
    severity: 'warning',
    title: 'Pods drop requests while they are stopped',
    docs:
      'A Kubernetes workload runs the app server with no preStop delay, or with a ' +
      'terminationGracePeriodSeconds (default 30) that is not above the preStop delay plus ' +
      "the app server's graceful shutdown (gunicorn graceful_timeout, default 30). During a " +
      'rollout the pod gets SIGTERM while kube-proxy and ingress-nginx still send it traffic ' +
      '(connections refused, pooled connections closed), and requests still running when the ' +
      'grace period ends are killed. The finding cites the SIGTERM / "Killing" lines and the ' +
      'nginx failures logged while the pod was stopping. Outside Kubernetes, an app server ' +
      'whose log shows it stopped by a signal and started again, with refused or cut requests ' +
      'in between, gets manual advice to reload in place (SIGHUP) instead. Under docker ' +
      'compose (stop_grace_period, 10 s by default), systemd (TimeoutStopSec, 90 s) or ' +
      'supervisord (stopwaitsecs, 10 s) the manager must wait longer than the app drains ' +
      "(gunicorn graceful_timeout; uvicorn --timeout-graceful-shutdown; hypercorn graceful_timeout; uWSGI's " +
      'worker-reload-mercy, 60 s) and send a signal it drains on: gunicorn drains on TERM and ' +
      'stops at once on INT/QUIT; uvicorn drains on TERM/INT; hypercorn drains on TERM/INT for ' +
      'graceful_timeout (3 s); uWSGI 2.0 reloads brutally on ' +
      'TERM (exits at once with die-on-term) and dies at once on INT/QUIT, and drains only ' +
      'through `hook-master-start = unix_signal:15 gracefully_kill_them_all`.',
    fixSafety:
      'Safe: a preStop sleep only delays SIGTERM until the endpoint is gone, and a longer grace ' +
      'period only matters when the app is slow to exit; both make rollouts a little slower. ' +
      'The hook is written as `exec: sleep`, which runs on every Kubernetes version but needs a ' +
      '`sleep` binary in the image; for distroless/scratch images (or when the file already uses ' +
      `it) the native \`sleep\` action is used, which needs Kubernetes ≥ ${K8S_FEATURES.preStopSleep.since}. ` +
      'When the logs show failures unrelated to any pod stop, the change is advice only, so the ' +
      "incident's patch stays about the incident.",
  },
  check({ topology, events }) {
    const terminations = terminationEvents(events);
    const anyFailures = events.some(isUpstreamFailure);
    const pods = topology.backends.filter((b) => b.pod && SERVING.has(b.pod.workload.kind));
    const hits: RuleHit[] = [];
    // Outside Kubernetes only the logs can show a stop-then-start restart (lib/host-restart.ts).
    for (const backend of topology.backends.filter((b) => !b.pod)) {
      const hit = hostRestartHit(topology, backend, events);
      if (hit) hits.push(hit);
    }
    // docker compose and systemd stop what they run, with a signal and a wait (managed-stop.ts).
    hits.push(...managedStopHits(topology, events));
    for (const backend of pods) {
      const mine = terminations.filter((e) => isAbout(e, backend, pods));
      const hit = check(topology, backend, mine, events, anyFailures);
      if (hit) hits.push(hit);
    }
    return hits;
  },
};

/** Whether a termination line is about this backend's pod (by source, pod or container name). */
function isAbout(event: LogEvent, backend: Backend, pods: readonly Backend[]): boolean {
  if (pods.length === 1) return true;
  if (event.source === 'gunicorn' || event.source === 'uwsgi') {
    return (
      pods.filter((p) => p.kind === event.source).length === 1 && backend.kind === event.source
    );
  }
  const pod = backend.pod!;
  const name = String(event.fields?.pod ?? event.fields?.object ?? '').replace(/^pod\//, '');
  if (name) return name.startsWith(`${pod.workload.name}-`);
  const message = String(event.fields?.message ?? '');
  return new RegExp(`\\bcontainer ${escape(pod.container.name)}\\b`, 'i').test(message);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Graceful {
  setting: string;
  seconds: number;
  value: NonNullable<Backend['settings'][string]>;
}

/** How long the app server itself may take to stop after SIGTERM, when the configs say. */
function gracefulOf(backend: Backend): Graceful | null {
  if (backend.kind !== 'gunicorn') return null; // uWSGI 2.0 reloads on SIGTERM unless die-on-term
  const value = backend.settings.graceful_timeout;
  const seconds = numberOf(value);
  return value && seconds !== null ? { setting: 'graceful_timeout', seconds, value } : null;
}

function check(
  topology: Topology,
  backend: Backend,
  terminations: LogEvent[],
  events: readonly LogEvent[],
  anyFailures: boolean,
): RuleHit | null {
  const { workload, container } = backend.pod!;
  const file = podFile(topology, backend);
  if (!file) return null;
  const preStop = container.preStop;
  // A hook that does something else (httpGet, a drain script) may well delay: not judged.
  const delay = preStop === null ? 0 : preStop.seconds;
  const noDelay = delay !== null && delay < MIN_DELAY;
  const newDelay = noDelay ? FIX_DELAY : (delay ?? 0);

  const grace = workload.terminationGracePeriodSeconds;
  const graceSeconds = numberOf(grace);
  const graceful = gracefulOf(backend);
  const shutdown = graceful?.seconds ?? 0;
  // Short now (the config as written), and short once the fix's delay is added.
  const shortGrace = graceSeconds !== null && graceSeconds <= (delay ?? 0) + shutdown;
  const need = newDelay + shutdown;
  const raiseGrace = graceSeconds !== null && graceSeconds <= need;
  if (!noDelay && !shortGrace) return null;

  const window = Math.max(FIX_DELAY, (graceSeconds ?? 30) + 2);
  const failures = failuresDuring(events, terminations, window);
  const explains = failures.length > 0 ? [...terminations, ...failures] : [];
  const where = `${workload.kind} ${workload.name} / ${container.name}`;

  const action =
    hookStyle(topology, file) ?? (NO_SLEEP_BINARY.test(container.image ?? '') ? 'sleep' : 'exec');
  const parsed = file as ParsedFile<KubernetesTree>;
  const target = { workload: workload.name, container: container.name };
  const edits: Edit[] = [
    ...(noDelay ? addPreStopHook(parsed, target, FIX_DELAY, action) : []),
    ...(raiseGrace ? setTerminationGracePeriod(parsed, workload.name, need + MARGIN) : []),
  ];
  // Failures the logs show that no pod stop accounts for: advice only, the patch is theirs.
  const advice = anyFailures && explains.length === 0;

  const problems: string[] = [];
  if (noDelay)
    problems.push(
      preStop === null
        ? 'it has no preStop hook, so the app server gets SIGTERM while kube-proxy and the ingress still send it new connections (refused) and the proxy in front (nginx, a load balancer) still holds pooled connections to it (closed under it)'
        : `its preStop hook sleeps only ${delay} s, less than endpoint removal takes to reach kube-proxy and the ingress`,
    );
  if (shortGrace)
    problems.push(
      `terminationGracePeriodSeconds ${grace.value} (${sourceOf(grace.source)}) is not above ` +
        `the preStop delay (${delay ?? 0} s)` +
        (graceful
          ? ` + ${backend.label.split(' ')[0]} ${graceful.setting} ${graceful.seconds} s (${sourceOf(graceful.value.source)})`
          : '') +
        ', so the kubelet SIGKILLs requests the app server would still finish',
    );
  if (raiseGrace && !shortGrace)
    problems.push(
      `with a ${newDelay} s preStop delay, terminationGracePeriodSeconds ${grace.value} ` +
        `(${sourceOf(grace.source)}) would no longer cover that delay` +
        (graceful ? ` plus ${graceful.setting} ${graceful.seconds} s` : '') +
        ', so the fix raises it too',
    );
  let message = `${where} runs ${backend.label.split(' ')[0]}, and ${problems.join('; and ')}.`;
  if (explains.length > 0) {
    message += ` The logs show the pod being stopped (${terminations.length} line(s): ${describe(terminations)}) and ${failures.length} failed request(s) in nginx while it stopped.`;
  } else if (terminations.length > 0) {
    message += ` The logs show the pod being stopped, but no nginx failure while it stopped.`;
  }
  if (backend.kind === 'uwsgi') {
    const dieOnTerm = backend.settings['die-on-term'];
    const off =
      !dieOnTerm ||
      'default' in dieOnTerm.source ||
      /^(false|0|no|off)$/i.test(dieOnTerm.value ?? '');
    message += off
      ? ` uWSGI 2.0 also treats SIGTERM as a brutal reload, not a shutdown, unless die-on-term is set (${dieOnTerm ? sourceOf(dieOnTerm.source) : 'not set'}): set it, or the kubelet's SIGKILL ends it.`
      : " uWSGI's own shutdown time is not modelled here.";
  }

  const fix = advice
    ? {
        safety: 'manual' as const,
        description: `${describeFix(noDelay, preStop !== null, raiseGrace, action, need + MARGIN)} (Not applied: the pasted failures are not from a pod stop.)`,
        edits: [],
      }
    : {
        safety: 'safe' as const,
        description: describeFix(noDelay, preStop !== null, raiseGrace, action, need + MARGIN),
        edits,
      };

  return {
    key: `deploy-termination ${file.name} ${where}`,
    message,
    evidence: evidence(file.name, backend, graceful, terminations, failures),
    compared: compared(file.name, where, backend, graceful),
    explains,
    fix,
  };
}

function podFile(topology: Topology, backend: Backend): ParsedFile | null {
  // Backends list their pod's manifest first (topology/backends.ts); workload views are
  // rebuilt per call, so the file is found by name, not by object identity.
  const name = backend.files[0];
  return topology.files.find((f) => f.name === name && f.kind === 'kubernetes') ?? null;
}

/** A preStop style the file already uses (native sleep or exec), so the new hook matches. */
function hookStyle(topology: Topology, file: ParsedFile): 'exec' | 'sleep' | null {
  const actions = topology.workloads
    .filter((w) => w.file === file.name)
    .flatMap((w) => w.workload.containers)
    .map((c) => c.preStop?.action)
    .filter((a) => a === 'sleep' || a === 'exec');
  return actions.includes('sleep') ? 'sleep' : actions.length > 0 ? 'exec' : null;
}

function describeFix(
  noDelay: boolean,
  lengthen: boolean,
  raiseGrace: boolean,
  action: string,
  grace: number,
): string {
  const parts: string[] = [];
  if (noDelay)
    parts.push(
      lengthen
        ? `Lengthen the preStop sleep to ${FIX_DELAY} s, so SIGTERM comes after the endpoint is removed`
        : action === 'sleep'
          ? `Add a preStop hook with the native sleep action (${FIX_DELAY} s; needs Kubernetes ≥ ${K8S_FEATURES.preStopSleep.since}, or the ${K8S_FEATURES.preStopSleep.gate} gate on 1.29), so SIGTERM comes after the endpoint is removed`
          : `Add a preStop hook that sleeps ${FIX_DELAY} s (exec sleep: the image needs a sleep binary), so SIGTERM comes after the endpoint is removed`,
    );
  if (raiseGrace)
    parts.push(
      `raise terminationGracePeriodSeconds to ${grace} so the delay and the app's graceful shutdown both fit before SIGKILL`,
    );
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}. Rollouts take that much longer per pod.`;
}

function describe(events: readonly LogEvent[]): string {
  const by = (e: LogEvent) =>
    e.source === 'kubernetes'
      ? e.kind === 'exit-code'
        ? 'Kubernetes exit code 143 (SIGTERM)'
        : 'Kubernetes Killing'
      : `${e.source} ${e.fields?.signal ? `${String(e.fields.signal)}` : 'shutdown'}`;
  return [...new Set(events.map(by))].join(', ');
}

function evidence(
  file: string,
  backend: Backend,
  graceful: Graceful | null,
  terminations: readonly LogEvent[],
  failures: readonly LogEvent[],
): Evidence[] {
  const { workload, container } = backend.pod!;
  const out: Evidence[] = [
    { file, line: workload.line, note: `${workload.kind} ${workload.name}` },
  ];
  out.push(
    container.preStop
      ? { file, line: container.preStop.line, note: 'preStop hook' }
      : { file, line: container.line, note: `container ${container.name}: no preStop hook` },
  );
  const grace = writtenAt(workload.terminationGracePeriodSeconds.source);
  if (grace) out.push({ ...grace, note: 'terminationGracePeriodSeconds' });
  const at = graceful ? writtenAt(graceful.value.source) : null;
  if (at) out.push({ ...at, note: graceful!.setting });
  if (failures.length > 0) {
    out.push(...eventEvidence(terminations, 3, 'the pod being stopped'));
    out.push(...eventEvidence(failures, 3));
  }
  return out;
}

function compared(
  file: string,
  where: string,
  backend: Backend,
  graceful: Graceful | null,
): ComparedValue[] {
  const { workload, container } = backend.pod!;
  const hop = `kubernetes ${where}`;
  const preStop = container.preStop;
  const out: ComparedValue[] = [
    {
      hop,
      setting: 'lifecycle.preStop',
      value:
        preStop === null
          ? 'none'
          : preStop.seconds !== null
            ? `sleep ${preStop.seconds}`
            : preStop.action,
      source: preStop === null ? 'not set' : `${file}:${preStop.line}`,
    },
    {
      hop,
      setting: 'terminationGracePeriodSeconds',
      value: workload.terminationGracePeriodSeconds.value ?? 'unknown',
      source: sourceOf(workload.terminationGracePeriodSeconds.source),
    },
  ];
  if (graceful)
    out.push({
      hop: backend.label,
      setting: graceful.setting,
      value: String(graceful.seconds),
      source: sourceOf(graceful.value.source),
    });
  return out;
}
