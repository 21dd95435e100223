/**
 * The proposed change as a list of places, one per applied fix's run of lines, in the order
 * the diff shows them (file by file as `Report.fixed` lists them, then by line): what "next
 * change" walks through and where a card's "Show its change" goes.
 */
import type { Report } from '../../workers/engine/model.ts';

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
  report.findings.forEach((finding, i) => {
    for (const place of [finding, ...(finding.places ?? [])]) {
      for (const c of place.fix?.changes ?? []) {
        if (!order.has(c.file)) continue;
        spots.push({ ...c, rank: i + 1, title: finding.title });
      }
    }
  });
  return spots.sort(
    (a, b) => order.get(a.file)! - order.get(b.file)! || a.line - b.line || a.rank - b.rank,
  );
}
