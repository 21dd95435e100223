/** Small helpers the detectors share: regex scanning with group offsets, line walking. */
import type { Candidate, Layer } from './types.ts';

/**
 * Every match of `re` (must have the `g` and `d` flags) as a candidate covering capture
 * `group` (0 = the whole match). `accept` can veto a match by its secret text.
 * Patterns passed here start with a literal prefix and use single bounded character classes,
 * so each attempt costs at most the bound: linear in the text.
 */
export function regexCandidates(
  text: string,
  re: RegExp,
  kind: string,
  layer: Layer,
  group = 0,
  accept?: (secret: string, match: RegExpExecArray) => boolean,
): Candidate[] {
  const out: Candidate[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const range = m.indices?.[group];
    if (!range) continue;
    const secret = text.slice(range[0], range[1]);
    if (accept && !accept(secret, m)) continue;
    out.push({ start: range[0], end: range[1], kind, layer });
  }
  return out;
}

/** Calls `fn(line, start)` for every line of `text` (without its line break). */
export function forEachLine(text: string, fn: (line: string, start: number) => void): void {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    fn(text.slice(start, lineEnd), start);
    start = end + 1;
  }
}

/** 1-based line of `offset` given the sorted offsets of every `\n` (binary search). */
export function lineOf(newlines: readonly number[], offset: number): number {
  let lo = 0;
  let hi = newlines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (newlines[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

export function newlineOffsets(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i);
  return out;
}

/** Shifts candidates found in a slice of a text back to offsets in the whole text. */
export function shift(candidates: Candidate[], by: number): Candidate[] {
  for (const c of candidates) {
    c.start += by;
    c.end += by;
  }
  return candidates;
}
