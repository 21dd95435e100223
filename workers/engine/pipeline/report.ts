/**
 * Stage 8, report: findings in rank order with their fix status, the fixed files and the
 * patch. Everything here is built from redacted text unless the user asked for raw output,
 * in which case the verified edits are mapped back onto the original text.
 */
import type { AnalyzeOptions, Edit, Evidence, Finding, Report } from '../model.ts';
import type { Hit } from '../rules/index.ts';
import type { FixOutcome } from '../fix/index.ts';
import { chosenFix } from '../fix/index.ts';
import { applyEdits } from '../fix/apply.ts';
import { unifiedPatch, type FileChange } from '../fix/patch.ts';
import type { Placed } from '../fix/placed.ts';
import { unredactEdits } from '../redact/index.ts';
import { isUpstreamFailure, standingOf } from '../rules/rank.ts';
import type { RedactedInput } from './redact.ts';

/** Where each accepted edit lands: lines in the fixed text, and the edit on the text shown. */
export interface EditViews {
  placed: ReadonlyMap<Edit, Placed>;
  shown: ReadonlyMap<Edit, Edit>;
}

export function toFinding(
  hit: Hit,
  outcome: FixOutcome,
  options: AnalyzeOptions,
  views: EditViews,
): Finding {
  const { rule, hit: h } = hit;
  const standing = standingOf(hit);
  const appliedFix = outcome.applied.get(hit);
  return {
    rule: rule.meta.id,
    key: h.key,
    cause: rule.meta.cause,
    severity: standing.severity,
    role: standing.role,
    explains: standing.explains,
    title: h.title ?? rule.meta.title,
    message: h.message + namesSymptoms(hit, standing.symptoms) + namesCauses(standing.explainedBy),
    evidence: uniqueEvidence(h.evidence),
    ...(h.compared ? { compared: h.compared } : {}),
    confidence: standing.confidence,
    fix: h.fix
      ? {
          safety: h.fix.safety,
          description: h.fix.description + fixNote(hit, outcome, options),
          applied: appliedFix === h.fix,
          ...(appliedFix
            ? {
                changes: changedLines(appliedFix.edits, views.placed),
                edits: appliedFix.edits.map((e) => views.shown.get(e) ?? e),
              }
            : {}),
          // Safe fixes apply unless switched off, except a risk's beside pasted failures.
          byDefault: h.fix.safety === 'safe' && standing.fixByDefault,
          ...(h.optIn
            ? {
                alternative: {
                  safety: h.optIn.safety,
                  description: h.optIn.description,
                  applied: appliedFix === h.optIn,
                },
              }
            : {}),
          ...(standing.role === 'cause' &&
          h.fix.safety !== 'safe' &&
          !h.optIn &&
          rule.meta.cause !== 'unexplained'
            ? { noSafeChange: rule.meta.fixSafety }
            : {}),
        }
      : null,
  };
}

/** The line ranges an applied fix wrote in the fixed files, one per run of adjacent lines. */
function changedLines(edits: readonly Edit[], placed: ReadonlyMap<Edit, Placed>): Placed[] {
  const spots = edits
    .map((e) => placed.get(e))
    .filter((p): p is Placed => p !== undefined)
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const out: Placed[] = [];
  for (const spot of spots) {
    const last = out.at(-1);
    if (last && last.file === spot.file && spot.line <= last.endLine + 1)
      last.endLine = Math.max(last.endLine, spot.endLine);
    else out.push({ ...spot });
  }
  return out;
}

/**
 * The symptoms this finding explains, named so the reader sees why the timeout or refusal
 * listed below it is not a cause of its own.
 */
function namesSymptoms(hit: Hit, symptoms: readonly Hit[]): string {
  const mine = new Set(hit.hit.explains ?? []);
  return symptoms
    .map((symptom) => {
      const lines = (symptom.hit.explains ?? []).filter(isUpstreamFailure);
      const shared = lines.filter((e) => mine.has(e)).length;
      const title = symptom.hit.title ?? symptom.rule.meta.title;
      return (
        ` This is why nginx logged ${shared === lines.length ? 'the' : `${shared} of the`} ` +
        `${lines.length} failure line(s) listed under "${title}": that finding is the symptom, ` +
        'this one its cause.'
      );
    })
    .join('');
}

/** For a symptom: the findings above that say why it happened. */
function namesCauses(causes: readonly Hit[]): string {
  if (causes.length === 0) return '';
  const titles = causes.map((c) => `"${c.hit.title ?? c.rule.meta.title}"`).join(' and ');
  return ` These lines are explained above by ${titles}: fix that first.`;
}

/** One entry per line: a line cited twice (a fragment's setting as limit and as location) once, notes joined. */
function uniqueEvidence(evidence: readonly Evidence[]): Evidence[] {
  const out: Evidence[] = [];
  const at = new Map<string, Evidence>();
  for (const e of evidence) {
    const key = `${e.file}\u0000${e.line}`;
    const seen = at.get(key);
    if (!seen) {
      const copy = { ...e };
      at.set(key, copy);
      out.push(copy);
    } else if (e.note && seen.note !== e.note && !seen.note?.includes(e.note))
      seen.note = seen.note ? `${seen.note}; ${e.note}` : e.note;
  }
  return out;
}

/** Why a fix that exists was not applied, for the user reading the finding. */
function fixNote(hit: Hit, outcome: FixOutcome, options: AnalyzeOptions): string {
  const rejected = outcome.rejected.get(hit);
  if (rejected) return ` (not applied: ${rejected})`;
  const uncovered = outcome.uncovered.get(hit);
  if (uncovered)
    return ` Once this is applied, more can be checked: ${uncovered
      .map((h) => h.hit.title ?? h.rule.meta.title)
      .join('; ')} (analyse the fixed files again).`;
  const applied = outcome.applied.get(hit);
  if (applied === hit.hit.fix || hit.hit.fix?.safety === 'manual') return '';
  if (applied) return ' (not applied: you chose the alternative below)';
  if (hit.hit.fix?.safety === 'safe')
    return standingOf(hit).fixByDefault
      ? ' (switched off)'
      : ' (not in the default change: this is a risk, not what failed; switch it on to include it)';
  return chosenFix(hit, options) ? '' : ' (unsafe: applied only when you opt in)';
}

/**
 * Each accepted edit as it applies to the text the report shows: the redacted text as is, or
 * (raw) mapped back onto the text the user gave.
 */
export function shownEdits(
  inputs: readonly RedactedInput[],
  outcome: FixOutcome,
  raw: boolean,
): Map<Edit, Edit> {
  const shown = new Map<Edit, Edit>();
  for (const input of inputs) {
    const edits = outcome.edits.get(input.name);
    if (!edits) continue;
    const mapped = raw ? unredactEdits(input.spans, input.raw, edits) : edits;
    edits.forEach((e, i) => shown.set(e, mapped[i]!));
  }
  return shown;
}

/**
 * Each text in the report once: a fixed file's `original` goes when `sources` holds the same
 * text under its name (a fleet's `nginx -T` is otherwise in the report three times).
 */
export function textsOnce(report: Report): Report {
  const sources = new Map((report.sources ?? []).map((s) => [s.name, s.text]));
  return {
    ...report,
    fixed: report.fixed.map(({ original, ...fixed }) =>
      sources.get(fixed.name) === original ? fixed : { ...fixed, original },
    ),
  };
}

/** The changed files and their patch, redacted or (on explicit request) raw. */
export function fixedFiles(
  inputs: readonly RedactedInput[],
  outcome: FixOutcome,
  shown: ReadonlyMap<Edit, Edit>,
  raw: boolean,
): Pick<Report, 'fixed' | 'patch'> {
  const fixed: Report['fixed'] = [];
  const changes: FileChange[] = [];
  for (const input of inputs) {
    const edits = outcome.edits.get(input.name);
    if (!edits || edits.length === 0) continue;
    const original = raw ? input.raw : input.text;
    // The edits on the text shown (shownEdits): the raw text's offsets when the report is raw.
    const onShown = edits.map((e) => shown.get(e) ?? e);
    const text = raw ? applyEdits(original, onShown) : outcome.texts.get(input.name)!;
    fixed.push({ name: input.name, kind: input.kind, text, original });
    changes.push({ name: input.name, before: original, edits: onShown });
  }
  return { fixed, patch: unifiedPatch(changes) };
}
