/** The lab's report: a plain-text table for people and the same rows as JSON for machines. */
import type { ScenarioResult } from './run-scenario.ts';

function failures(r: ScenarioResult['before']): string {
  if (!r) return '-';
  const pct = r.requests ? ((100 * r.failures) / r.requests).toFixed(1) : '0';
  return `${r.failures} (${pct}%)`;
}

function topCause(r: ScenarioResult): string {
  if (r.control) return `${r.topCause ?? '-'} (control: no ${r.expectedCause})`;
  if (!r.topCause) return `- (expected ${r.expectedCause})`;
  return `${r.topCause}${r.causeMatches ? '' : ` (expected ${r.expectedCause})`}`;
}

/** For the races: how likely a clean "after" would be if the fix did nothing. */
function chance(r: ScenarioResult): string {
  const p = r.zeroByChance;
  return p !== undefined && p >= 1e-9 ? ` (0 by chance: ${p.toExponential(0)})` : '';
}

export function rows(results: ScenarioResult[]): string[][] {
  return results.map((r) => [
    r.id,
    String(r.before?.requests ?? '-'),
    failures(r.before),
    failures(r.after),
    // The scenario's proving nginx error line: how often before / after.
    r.before ? `${r.before.errorLines} / ${r.after?.errorLines ?? '-'}` : '-',
    topCause(r),
    r.fix,
    // Reasons from the CLI already start with "cli not ready:".
    (r.reason?.startsWith(r.status) ? r.reason : r.status + (r.reason ? `: ${r.reason}` : '')) +
      chance(r),
  ]);
}

export const HEADER = [
  'scenario',
  'requests',
  'failures before',
  'failures after',
  'error lines before / after',
  'top cause',
  'fix applied',
  'result',
];

/** A Markdown table (readable as plain text, pasteable into the README). */
export function table(results: ScenarioResult[]): string {
  const all = [HEADER, ...rows(results)];
  const widths = HEADER.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  return [
    line(HEADER),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows(results).map(line),
  ].join('\n');
}
