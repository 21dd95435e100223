/** Reading what the servers wrote: statuses in nginx's access log, matches in its error log. */
import { existsSync, readFileSync } from 'node:fs';

export function readIfExists(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** Status -> count from an access log in nginx's `combined` format. */
export function accessStatuses(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    // `"METHOD /path HTTP/1.1" 502 157 "-" "ua"`: the status follows the quoted request.
    const m = /" (\d{3}) \d+ "/.exec(line);
    if (m?.[1]) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  }
  return counts;
}

/** Error-log lines matching `re` (whole lines, in order). */
export function matchingLines(text: string, re: RegExp): string[] {
  return text.split('\n').filter((l) => re.test(l));
}

/** Sum of `counts` over `statuses`. */
export function countOf(counts: Record<string, number>, statuses: number[]): number {
  return statuses.reduce((n, s) => n + (counts[String(s)] ?? 0), 0);
}
