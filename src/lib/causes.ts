/**
 * Words the page puts on the engine's causes and confidences. The engine ranks; the page says
 * what a number means for the person reading it at 3 a.m.
 */
import type { Cause, FileKind, Finding, SegmentKind } from '../../workers/engine/model.ts';

export const causeLabels: Record<Cause, string> = {
  'keepalive-race': 'Keepalive race',
  'keepalive-inert': 'Keepalive pool unused',
  'app-timeout': 'App server timeout',
  'proxy-timeout': 'nginx timeout (504)',
  'worker-recycle': 'Worker recycling',
  'oom-kill': 'Out of memory',
  crash: 'App crash',
  'body-limit': 'Request body too large',
  'header-size': 'Headers too big',
  'protocol-mismatch': 'Protocol mismatch',
  'deploy-termination': 'App stopped during a deploy',
  'backend-down': 'Backend down',
  'address-mismatch': 'Wrong address',
  'backlog-full': 'Listen backlog full',
  'upgrade-header': 'Hard-coded Connection: upgrade',
  'retry-policy': 'Retry policy',
  'permission-denied': 'Permission denied',
  'edge-timeout': 'Load balancer timeout',
  unexplained: 'Not explained by the configs',
};

export interface ConfidenceWords {
  /** Short label next to the meter. */
  label: string;
  /** One sentence on what the level rests on. */
  why: string;
  level: 'strong' | 'likely' | 'fallback' | 'config';
}

/**
 * The engine's scale (workers/engine/rules/rank.ts): below 0.5 a finding only holds in the
 * configs, exactly 0.5 is the "nothing explains these lines" checklist, above it the finding
 * explains logged failures, more so with coverage, several sources and volume.
 */
export function confidenceWords(finding: Finding): ConfidenceWords {
  const c = finding.confidence ?? 0;
  if (finding.cause === 'unexplained' || Math.abs(c - 0.5) < 0.005)
    return {
      label: 'checklist',
      why: 'No rule matched these log lines; this is what usually causes them.',
      level: 'fallback',
    };
  if (finding.role === 'risk')
    return {
      label: 'config only',
      why: 'Holds in the configs, but no pasted log line shows it happening.',
      level: 'config',
    };
  if (c >= 0.8)
    return {
      label: 'strong evidence',
      why: 'Explains most of the pasted failures, backed by the logs.',
      level: 'strong',
    };
  return {
    label: 'matches the logs',
    why: 'Explains some of the pasted failures.',
    level: 'likely',
  };
}

/** Every kind a user can pick for an input (model.ts FileKind), in menu order. */
export const fileKinds: Exclude<FileKind, 'mixed'>[] = [
  'nginx',
  'gunicorn',
  'uwsgi',
  'kubernetes',
  'node',
  'php-fpm',
  'puma',
  'uvicorn',
  'hypercorn',
  'apache',
  'terraform',
  'cloudformation',
  'dotenv',
  'log',
  'unknown',
];

/** What a segment of a paste can be set to: any input kind, or prose (set aside, not read). */
export const segmentKinds: SegmentKind[] = [...fileKinds, 'prose'];
