/**
 * Findings of one rule that stand the same way (same confidence, severity and fix) in several
 * places — every location of a big config missing the same setting — shown as one card with the
 * other places listed under it, rather than as a wall of near-identical cards. The report keeps
 * one finding per place (for the CLI and per-place keys); grouping is only how the page shows them.
 */
import type { Finding } from '../../workers/engine/model.ts';

export interface FindingGroup {
  /** 1-based position on the page (the request path refers to causes by it). */
  rank: number;
  /** The first finding in report order; the card shows it in full. */
  lead: Finding;
  /** The same finding in other places, in report order. */
  others: Finding[];
}

function standing(f: Finding): string {
  const fix = f.fix ? `${f.fix.safety}:${f.fix.applied}` : 'none';
  return [f.rule, f.cause, f.role, f.severity, (f.confidence ?? 0).toFixed(3), fix].join('|');
}

export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups: FindingGroup[] = [];
  const byStanding = new Map<string, FindingGroup>();
  for (const finding of findings) {
    const key = standing(finding);
    const group = byStanding.get(key);
    if (group) group.others.push(finding);
    else {
      const fresh = { rank: groups.length + 1, lead: finding, others: [] };
      groups.push(fresh);
      byStanding.set(key, fresh);
    }
  }
  return groups;
}

/** The rank of each finding's card: findings grouped under one card share its rank. */
export function ranksOf(findings: readonly Finding[]): Map<Finding, number> {
  const ranks = new Map<Finding, number>();
  for (const group of groupFindings(findings))
    for (const f of [group.lead, ...group.others]) ranks.set(f, group.rank);
  return ranks;
}
