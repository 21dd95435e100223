/**
 * Stage 8, report: the same cause in many places is one finding with `places`. A fleet's
 * `nginx -T` has the same missing setting in every one of its thousands of locations; the
 * report then grows with the distinct problems plus what tells each place apart (its key,
 * message, evidence and the change written there), not with a full finding per place.
 * Findings group when they stand the same way: same rule, cause, role, severity, confidence and
 * fix state — so one switch can move the fix in every place and one card can speak for all.
 */
import type { ComparedValue, Finding, Place } from '../model.ts';

function standing(f: Finding): string {
  const fix = f.fix
    ? [f.fix.safety, f.fix.applied, f.fix.byDefault, f.fix.alternative?.applied ?? '-'].join(':')
    : 'none';
  return [f.rule, f.cause, f.role, f.severity, (f.confidence ?? 0).toFixed(3), fix].join('|');
}

/** Findings in report order, each with the places that stand like it (kept in order). */
export function withPlaces(findings: readonly Finding[]): Finding[] {
  const leads: Finding[] = [];
  const byStanding = new Map<string, Finding>();
  for (const finding of findings) {
    const key = standing(finding);
    const lead = byStanding.get(key);
    if (!lead) {
      const fresh = { ...finding };
      leads.push(fresh);
      byStanding.set(key, fresh);
    } else {
      (lead.places ??= []).push(placeOf(lead, finding));
      // The card explains the failures of all its places.
      lead.explains += finding.explains;
    }
  }
  return leads;
}

/** What one more place says that its lead does not. */
function placeOf(lead: Finding, f: Finding): Place {
  const fix = f.fix && {
    ...(f.fix.description !== lead.fix?.description ? { description: f.fix.description } : {}),
    ...(f.fix.changes ? { changes: f.fix.changes } : {}),
    ...(f.fix.edits ? { edits: f.fix.edits } : {}),
  };
  return {
    ...(f.key ? { key: f.key } : {}),
    ...(f.title !== lead.title ? { title: f.title } : {}),
    message: f.message,
    // Lines without their text: it is in `sources` already, and a place is meant to be a line.
    evidence: f.evidence.map(({ text: _text, ...at }) => at),
    ...(f.compared && !sameCompared(f.compared, lead.compared) ? { compared: f.compared } : {}),
    ...(f.explains > 0 ? { explains: f.explains } : {}),
    ...(fix && Object.keys(fix).length > 0 ? { fix } : {}),
  };
}

function sameCompared(a: readonly ComparedValue[], b: readonly ComparedValue[] = []): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i]!;
      return (
        x.hop === y.hop && x.setting === y.setting && x.value === y.value && x.source === y.source
      );
    })
  );
}

/**
 * Each place as the whole finding it stands for (the lead's fields, the place's own over them):
 * for readers that go place by place — SARIF results, GitHub annotations, per-key lookups.
 */
export function eachPlace(finding: Finding): Finding[] {
  const { places, ...all } = finding;
  // The finding's count is its places' together: its own is what they leave.
  const others = (places ?? []).reduce((n, p) => n + (p.explains ?? 0), 0);
  const lead = { ...all, explains: all.explains - others };
  return [
    lead,
    ...(places ?? []).map((p): Finding => {
      const { key: _key, compared: _compared, ...shared } = lead;
      return {
        ...shared,
        ...(p.key ? { key: p.key } : {}),
        title: p.title ?? lead.title,
        message: p.message,
        evidence: p.evidence,
        ...((p.compared ?? lead.compared) ? { compared: p.compared ?? lead.compared } : {}),
        explains: p.explains ?? 0,
        fix: lead.fix && {
          ...withoutChanges(lead.fix),
          description: p.fix?.description ?? lead.fix.description,
          ...(p.fix?.changes ? { changes: p.fix.changes } : {}),
          ...(p.fix?.edits ? { edits: p.fix.edits } : {}),
        },
      };
    }),
  ];
}

function withoutChanges(fix: NonNullable<Finding['fix']>): NonNullable<Finding['fix']> {
  const { changes: _changes, edits: _edits, ...rest } = fix;
  return rest;
}
