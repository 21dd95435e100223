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
 *   When the paste holds failures (nginx's, or an app server's, kernel's or orchestrator's
 *   own: a killed worker, an OOM kill) a hit must explain at least one of them to count as
 *   explaining anything: lines such as a worker boot or recycle alone leave it config-only.
 * Ties (after rounding to 0.01) go to severity, then the number of explained events, then
 * the rules' order.
 *
 * Role: a hit that explains pasted failures is a `cause`; one that does not is a `risk`
 * (true of the configs, not seen in the logs), listed after every cause, and never an
 * `error` when the paste holds failures it does not explain. With no logs every hit is a risk.
 *
 * Symptoms below their explanation: a timer that fired (proxy-timeout) or a refused
 * connection (backend-down) is what nginx saw; a contradiction in the configs (protocol
 * mismatch, wrong address, an app timer shorter than nginx's) that explains the same failure
 * lines is why. The explanation ranks first and names the symptom it explains.
 *
 * `rank` remembers each hit's standing so the report shows the values the order was made with.
 */
import type { LogEvent, Severity } from '../model.ts';
import {
  FAILURE_STATUSES,
  NGINX_FAILURE_KINDS,
  SIDE_FAILURE_KINDS,
  isResponseLine,
} from '../logs/index.ts';
import type { Hit } from './index.ts';

const severityWeight: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** The rule id of the fallback finding (rules/lib/unexplained.ts). */
export const UNEXPLAINED_RULE = 'unexplained-events';

/** What nginx saw fail: ranked below a contradiction that explains the same lines. */
const SYMPTOMS: ReadonlySet<string> = new Set(['proxy-timeout', 'backend-down']);
/** Contradictions in the configs that explain why the upstream never answered or was not there. */
const EXPLANATIONS: ReadonlySet<string> = new Set([
  'protocol-mismatch',
  'address-mismatch',
  'app-timeout',
]);

/** An upstream failure as the incident counts it: nginx error of a failure kind, or 502/503/504. */
export function isUpstreamFailure(e: LogEvent): boolean {
  if (e.source === 'nginx-error') return NGINX_FAILURE_KINDS.has(e.kind);
  return isResponseLine(e) && e.status !== undefined && FAILURE_STATUSES.has(e.status);
}

/** A failure logged on the far side of the hop: a killed worker, an OOM kill, a crash. */
export function isSideFailure(e: LogEvent): boolean {
  return SIDE_FAILURE_KINDS[e.source]?.has(e.kind) === true;
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

/** Where a hit stands in the report: what the order was made with. */
export interface Standing {
  confidence: number;
  role: 'cause' | 'risk';
  /** Pasted failure events it accounts for (nginx's; else the app side's; else any it explains). */
  explains: number;
  /** The rule's severity, lowered from error to warning for a risk beside failures. */
  severity: Severity;
  /** Symptom hits (ranked below) whose failure lines this hit explains. */
  symptoms: Hit[];
  /** For a symptom: the hits (ranked above) that explain its failure lines. */
  explainedBy: Hit[];
  /**
   * Whether a safe fix is applied without asking: always for a cause and in a config audit;
   * not for a risk beside failures, so the default diff fixes what happened.
   */
  fixByDefault: boolean;
}

/** What the paste shows failing: nginx's failed requests, and whether anything failed at all. */
interface Paste {
  failures: number;
  failed: boolean;
}

function pasteOf(events: readonly LogEvent[]): Paste {
  return {
    failures: failureCount(events),
    failed: events.some((e) => isUpstreamFailure(e) || isSideFailure(e)),
  };
}

/** The pasted failures a hit accounts for (see Standing.explains). */
function explained({ hit }: Hit, paste: Paste): number {
  const explains = hit.explains ?? [];
  const nginx = failureCount(explains);
  if (nginx > 0) return nginx;
  const side = explains.filter(isSideFailure).length;
  return side > 0 || paste.failed ? side : explains.length;
}

const remembered = new WeakMap<Hit, Standing>();

/** The standing `rank` gave this hit; computed from its own events when it was never ranked. */
export function standingOf(hit: Hit): Standing {
  return remembered.get(hit) ?? stand(hit, pasteOf(hit.hit.explains ?? []));
}

/**
 * The confidence of one hit. `failures` is how many upstream failures the paste holds (the
 * denominator of coverage); without it, the value `rank` gave it (or, never ranked, one from
 * its own events alone).
 */
export function confidenceOf(hit: Hit, failures?: number): number {
  if (failures === undefined) return standingOf(hit).confidence;
  const own = pasteOf(hit.hit.explains ?? []);
  return stand(hit, { ...own, failures }).confidence;
}

function stand(hit: Hit, paste: Paste): Standing {
  const { severity } = hit.rule.meta;
  if (hit.rule.meta.id === UNEXPLAINED_RULE)
    return {
      confidence: 0.5,
      role: 'cause',
      explains: explained(hit, paste),
      severity,
      symptoms: [],
      explainedBy: [],
      fixByDefault: true,
    };
  const count = explained(hit, paste);
  if (count === 0) {
    const configOnly = Math.min(0.49, 0.2 + 0.1 * severityWeight[severity]);
    return {
      confidence: round(hit.hit.latent ? configOnly - 0.1 : configOnly),
      role: 'risk',
      explains: 0,
      severity: paste.failed && severity === 'error' ? 'warning' : severity,
      symptoms: [],
      explainedBy: [],
      fixByDefault: !paste.failed,
    };
  }
  const explains = hit.hit.explains ?? [];
  const explainedFailures = failureCount(explains);
  const total = paste.failures || explainedFailures;
  const coverage = total === 0 ? 1 : Math.min(1, explainedFailures / total);
  const sources = new Set(explains.map((e) => e.source)).size;
  const volume = Math.min(1, Math.log10(1 + explains.length) / 2);
  const score = 0.55 + 0.25 * coverage + (sources >= 2 ? 0.1 : 0) + 0.1 * volume;
  return {
    confidence: round(Math.min(1, score)),
    role: 'cause',
    explains: count,
    severity,
    symptoms: [],
    explainedBy: [],
    fixByDefault: true,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Symptoms go below the contradiction that explains their failure lines (its confidence minus
 * 0.01 at most), and the explanation remembers them to name them.
 */
function belowExplanations(standings: Map<Hit, Standing>): void {
  // Each explanation's lines as a set, built once: symptoms are many on a big config.
  const explanations = [...standings]
    .filter(([h, s]) => s.role === 'cause' && EXPLANATIONS.has(h.rule.meta.cause))
    .map(([h, s]) => ({ hit: h, standing: s, lines: new Set(h.hit.explains ?? []) }));
  if (explanations.length === 0) return;
  for (const [symptom, standing] of standings) {
    if (standing.role !== 'cause' || !SYMPTOMS.has(symptom.rule.meta.cause)) continue;
    const lines = (symptom.hit.explains ?? []).filter(isUpstreamFailure);
    for (const why of explanations) {
      if (!lines.some((e) => why.lines.has(e))) continue;
      standing.confidence = Math.min(standing.confidence, round(why.standing.confidence - 0.01));
      why.standing.symptoms.push(symptom);
      standing.explainedBy.push(why.hit);
    }
  }
}

/**
 * Hits in the order the findings are shown: causes, most likely first, then risks by severity.
 * `events` (all decoded events) gives coverage its denominator; without it the failures any
 * hit explains are used.
 */
export function rank(hits: readonly Hit[], events?: readonly LogEvent[]): Hit[] {
  const paste = pasteOf(events ?? [...new Set(hits.flatMap((h) => h.hit.explains ?? []))]);
  const standings = new Map(hits.map((hit) => [hit, stand(hit, paste)]));
  belowExplanations(standings);
  const scored = hits.map((hit, order) => {
    const standing = standings.get(hit)!;
    remembered.set(hit, standing);
    return { hit, order, standing, explained: hit.hit.explains?.length ?? 0 };
  });
  const byRole = (s: Standing) => (s.role === 'cause' ? 1 : 0);
  return scored
    .sort(
      (a, b) =>
        byRole(b.standing) - byRole(a.standing) ||
        b.standing.confidence - a.standing.confidence ||
        severityWeight[b.standing.severity] - severityWeight[a.standing.severity] ||
        b.explained - a.explained ||
        a.order - b.order,
    )
    .map(({ hit }) => hit);
}
