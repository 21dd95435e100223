/** Reading a Report as its consumers do. */
import type { Finding, Report } from '../../workers/engine/model.ts';
import { eachPlace } from '../../workers/engine/pipeline/places.ts';

/** A changed file's text before the fixes: its `original`, else the source of its name. */
export function originalOf(report: Report, fixed: Report['fixed'][number]): string {
  const text = fixed.original ?? report.sources?.find((s) => s.name === fixed.name)?.text;
  if (text === undefined) throw new Error(`${fixed.name}: no original text in the report`);
  return text;
}

/** Every finding place by place (a finding in N places is N here). */
export function allPlaces(report: Report): Finding[] {
  return report.findings.flatMap(eachPlace);
}
