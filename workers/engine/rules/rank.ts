/**
 * Orders hits by how well the pasted evidence supports them, and says how well as
 * `confidence` (0..1, shown on each finding):
 *
 * - A hit that explains no decoded event only holds in the configs: 0.2 + 0.1 × severity
 *   (info 0.3, warning 0.4, error 0.5 − 0.01 = 0.49), always below 0.5. A latent hit (it
 *   holds only once another finding's fix is applied) gets 0.1 less, so an error that is not
 *   there yet (0.39) ranks below a warning that is (0.4).
 * - The "nothing explains these events" fallback (rule `unexplained-events`) is exactly 0.5:
 *   the logs say something went wrong, the configs do not say why. It sits above every
 *   config-only smell (a refused connection is not a keepalive problem) and below every
 *   hit that explains events.
 * - A hit that explains events starts at 0.55 and gains, up to 1:
 *     + 0.25 × coverage: the share of the pasted upstream failures (nginx error lines of a
 *       failure kind; access-log 502/503/504 only when no error line names a failure, since
 *       they are the same requests again) it explains. Rules put an event in `explains`
 *       only when the phase, method, timing and hop fit their mechanism, so coverage is
 *       "how much of the incident this cause accounts for". When no failure line was pasted
 *       (only an app-server or kernel log), the app-side lines are the whole incident: 1.
 *     + 0.10 when the explained events come from two or more sources (nginx and the app
 *       server, kernel or Kubernetes): correlated lines on both sides of the hop.
 *     + 0.10 × volume: min(1, log10(1 + events) / 2), so 1 event adds 0.015, 9 add 0.05, 99
 *       or more add 0.1 — many matching lines are stronger than one, but not linearly.
 * Ties (after rounding to 0.01) go to severity, then the number of explained events, then
 * the rules' order. `rank` remembers each confidence so `confidenceOf` reports the value the
 * order was made with.
 */
import type { LogEvent, Severity } from '../model.ts';
import { FAILURE_STATUSES, NGINX_FAILURE_KINDS } from '../logs/index.ts';
import type { Hit } from './index.ts';

const severityWeight: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** The rule id of the fallback finding (rules/lib/unexplained.ts). */
export const UNEXPLAINED_RULE = 'unexplained-events';

/** An upstream failure as the incident counts it: nginx error of a failure kind, or 502/503/504. */
export function isUpstreamFailure(e: LogEvent): boolean {
  if (e.source === 'nginx-error') return NGINX_FAILURE_KINDS.has(e.kind);
  return e.source === 'nginx-access' && e.status !== undefined && FAILURE_STATUSES.has(e.status);
}

/**
 * How many failed requests these events show. When the error log names failures, the
 * access log's 502/503/504 lines are the same requests again, so they count only when no
 * error-log failure is there (as incidents count them).
 */
export function failureCount(events: readonly LogEvent[]): number {
  let errors = 0;
  let responses = 0;
  for (const e of events) {
    if (!isUpstreamFailure(e)) continue;
    if (e.source === 'nginx-error') errors++;
    else responses++;
  }
  return errors > 0 ? errors : responses;
}

const remembered = new WeakMap<Hit, number>();

/**
 * The confidence of one hit. `failures` is how many upstream failures the paste holds (the
 * denominator of coverage); without it, only the hit's own events are known, so coverage is
 * 1 for a hit that explains any failure.
 */
export function confidenceOf(hit: Hit, failures?: number): number {
  if (failures === undefined) {
    const known = remembered.get(hit);
    if (known !== undefined) return known;
  }
  return round(score(hit, failures));
}

function score({ rule, hit }: Hit, failures?: number): number {
  if (rule.meta.id === UNEXPLAINED_RULE) return 0.5;
  const explains = hit.explains ?? [];
  if (explains.length === 0) {
    const configOnly = Math.min(0.49, 0.2 + 0.1 * severityWeight[rule.meta.severity]);
    return hit.latent ? configOnly - 0.1 : configOnly;
  }
  const explainedFailures = failureCount(explains);
  const total = failures ?? explainedFailures;
  const coverage = total === 0 ? 1 : Math.min(1, explainedFailures / total);
  const sources = new Set(explains.map((e) => e.source)).size;
  const volume = Math.min(1, Math.log10(1 + explains.length) / 2);
  return Math.min(1, 0.55 + 0.25 * coverage + (sources >= 2 ? 0.1 : 0) + 0.1 * volume);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Hits in the order the findings are shown, most likely cause first. `events` (all decoded
 * events) gives coverage its denominator; without it the failures any hit explains are used.
 */
export function rank(hits: readonly Hit[], events?: readonly LogEvent[]): Hit[] {
  const failures = failureCount(
    events ?? [...new Set(hits.flatMap((h) => (h.hit.explains ?? []).filter(isUpstreamFailure)))],
  );
  const scored = hits.map((hit, order) => {
    const confidence = round(score(hit, failures));
    remembered.set(hit, confidence);
    return { hit, order, confidence, explained: hit.hit.explains?.length ?? 0 };
  });
  return scored
    .sort(
      (a, b) =>
        b.confidence - a.confidence ||
        severityWeight[b.hit.rule.meta.severity] - severityWeight[a.hit.rule.meta.severity] ||
        b.explained - a.explained ||
        a.order - b.order,
    )
    .map(({ hit }) => hit);
}
