/**
 * The proposed change as a list of places, one per applied fix's run of lines, in the order
 * the diff shows them (file by file as `Report.fixed` lists them, then by line): what "next
 * change" walks through and where a card's "Show its change" goes.
 */
import type { Report } from '../../workers/engine/model.ts';
import { groupFindings } from './finding-groups.ts';

export interface ChangeSpot {
  file: string;
  /** 1-based lines in the fixed text. */
  line: number;
  endLine: number;
  /** The card (its rank on the page) whose fix wrote these lines. */
  rank: number;
  title: string;
}

export function changeSpots(report: Report): ChangeSpot[] {
  const order = new Map(report.fixed.map((f, i) => [f.name, i]));
  const spots: ChangeSpot[] = [];
  for (const group of groupFindings(report.findings)) {
    for (const finding of [group.lead, ...group.others]) {
      for (const c of finding.fix?.changes ?? []) {
        if (!order.has(c.file)) continue;
        spots.push({ ...c, rank: group.rank, title: group.lead.title });
      }
    }
  }
  return spots.sort(
    (a, b) => order.get(a.file)! - order.get(b.file)! || a.line - b.line || a.rank - b.rank,
  );
}
