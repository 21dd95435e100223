import type { DecodedLine, Fields, Wrapper } from './types.ts';

/**
 * What Kubernetes users paste: `kubectl get pods` rows, `kubectl describe pod` state lines and
 * events, `kubectl get events` rows and kubelet's prober lines. Their times are relative
 * ("3m", "57s ago"), so they stay in fields and never become `time`.
 */

const POD_ROW =
  /^([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)\s+(\d+)\/(\d+)\s+([A-Za-z][\w:/-]*)\s+(\d+)(?:\s+\(([^)]*) ago\))?\s+(\d+[smhdy]\w*)(?:\s.*)?$/;
const REASON = /^\s*Reason:\s+(OOMKilled|CrashLoopBackOff|Evicted|Error|Completed)\s*$/;
const EXIT_CODE = /^\s*Exit Code:\s+(\d+)\s*$/;
const TERMINATED_WITH = /command terminated with exit code (\d+)/;
const EVENT_DESCRIBE = /^\s*(?:Normal|Warning)\s{2,}[A-Za-z]+\s{2,}\S/;
const EVENT_GET =
  /^(\S+)\s+(Normal|Warning)\s+([A-Za-z]+)\s+((?:pod|deployment|replicaset|node|statefulset)\/\S+)\s(.*)$/;
const PROBE = /(Readiness|Liveness|Startup) probe failed(?::(.*))?$/;
const KUBELET_PROBE = /"Probe failed" probeType="(\w+)" pod="([^"]*)"/;

function statusKind(status: string): string {
  if (status === 'OOMKilled') return 'oom-killed';
  if (status === 'CrashLoopBackOff') return 'crash-loop';
  if (status === 'Evicted') return 'evicted';
  return 'pod-status';
}

function eventKind(reason: string, message: string, fields: Fields): string {
  const probe = PROBE.exec(message);
  if (probe) {
    fields.probe = probe[1]!.toLowerCase();
    if (probe[2]?.trim()) fields.output = probe[2].trim();
    return 'probe-failed';
  }
  const killing = /Container (\S+) failed (liveness|startup) probe/.exec(message);
  if (killing) {
    fields.container = killing[1]!;
    fields.probe = killing[2]!;
    return 'container-killed';
  }
  if (reason === 'Killing') return 'container-killed';
  if (reason === 'BackOff' && /restarting failed container/i.test(message)) return 'crash-loop';
  if (reason === 'OOMKilling' || /OOMKilled/.test(message)) return 'oom-killed';
  if (reason === 'Evicted') return 'evicted';
  return 'other';
}

export function decodeKubernetes(body: string, _wrapper: Wrapper): DecodedLine | null {
  const fields: Fields = {};
  let m: RegExpExecArray | null;
  let kind: string | null = null;
  if ((m = POD_ROW.exec(body))) {
    fields.pod = m[1]!;
    fields.ready = `${m[2]}/${m[3]}`;
    fields.status = m[4]!;
    fields.restarts = Number(m[5]);
    if (m[6]) fields.lastRestart = m[6];
    fields.age = m[7]!;
    kind = statusKind(m[4]!);
  } else if ((m = REASON.exec(body))) {
    fields.reason = m[1]!;
    kind = statusKind(m[1]!);
    if (kind === 'pod-status') return null;
  } else if ((m = EXIT_CODE.exec(body)) ?? (m = TERMINATED_WITH.exec(body))) {
    fields.exitCode = Number(m[1]);
    kind = 'exit-code';
  } else if ((m = EVENT_GET.exec(body))) {
    fields.age = m[1]!;
    fields.type = m[2]!;
    fields.reason = m[3]!;
    fields.object = m[4]!;
    fields.message = m[5]!.trimStart();
    kind = eventKind(m[3]!, m[5]!, fields);
  } else if (EVENT_DESCRIBE.test(body)) {
    // Columns are separated by two or more spaces; splitting keeps this linear on long lines.
    const [type, reason, age, from, ...rest] = body.trim().split(/\s{2,}/);
    if (!rest.length) return null;
    const message = rest.join('  ');
    Object.assign(fields, { type, reason, age, from, message });
    kind = eventKind(reason!, message, fields);
  } else if ((m = KUBELET_PROBE.exec(body))) {
    fields.probe = m[1]!.toLowerCase();
    fields.pod = m[2]!;
    kind = 'probe-failed';
  } else if ((m = PROBE.exec(body)) && m.index === 0) {
    fields.probe = m[1]!.toLowerCase();
    if (m[2]?.trim()) fields.output = m[2].trim();
    kind = 'probe-failed';
  }
  if (!kind) return null;
  return { source: 'kubernetes', kind, fields };
}
