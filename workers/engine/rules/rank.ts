/**
 * Orders hits by how well the pasted evidence supports them: a rule whose condition holds
 * and that explains decoded log events comes before one that merely holds in the configs;
 * then by severity; then by how many events it explains. Stable otherwise.
 */
import type { Severity } from '../model.ts';
import type { Hit } from './index.ts';

const severityWeight: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function confidenceOf({ hit }: Hit): number {
  const explained = hit.explains?.length ?? 0;
  // Config-only hits stay below 0.5; each explained event adds support, saturating at 1.
  return explained === 0 ? 0.4 : Math.min(1, 0.6 + 0.1 * explained);
}

export function rank(hits: readonly Hit[]): Hit[] {
  return hits
    .map((hit, order) => ({ hit, order, confidence: confidenceOf(hit) }))
    .sort(
      (a, b) =>
        b.confidence - a.confidence ||
        severityWeight[b.hit.rule.meta.severity] - severityWeight[a.hit.rule.meta.severity] ||
        a.order - b.order,
    )
    .map(({ hit }) => hit);
}
