/**
 * Turns overlapping candidates into disjoint spans, gives each distinct secret a stable
 * placeholder, and writes the redacted text.
 */
import type { Candidate, Layer, RedactedSpan } from './types.ts';

/** When candidates overlap, the most specific layer names the merged span. */
const LAYER_RANK: Record<Layer, number> = { vendor: 4, format: 3, common: 2, generic: 1 };

interface Merged {
  start: number;
  end: number;
  kind: string;
  rank: number;
  identity?: string;
}

/**
 * Merges overlapping or touching candidates into their union: hiding a little more is always
 * better than showing the tail of a secret two detectors measured differently.
 */
export function mergeCandidates(candidates: readonly Candidate[], textLength: number): Merged[] {
  const valid = candidates
    .filter((c) => c.start >= 0 && c.end <= textLength && c.end > c.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Merged[] = [];
  for (const c of valid) {
    const rank = LAYER_RANK[c.layer];
    const last = out[out.length - 1];
    if (last && c.start < last.end) {
      const cLonger = c.end - c.start > last.end - last.start;
      if (rank > last.rank || (rank === last.rank && cLonger)) {
        last.kind = c.kind;
        last.rank = rank;
        last.identity = c.identity;
      }
      // A union of two different measurements has no single identity: use its text.
      if (c.end !== last.end || c.start !== last.start) last.identity = undefined;
      else last.identity ??= c.identity;
      last.end = Math.max(last.end, c.end);
    } else {
      out.push({ start: c.start, end: c.end, kind: c.kind, rank, identity: c.identity });
    }
  }
  return out;
}

/** Hands out `«redacted:<kind>:<n>»`, the same one for the same secret in every file. */
export class PlaceholderBook {
  private readonly byIdentity = new Map<string, string>();
  private readonly perKind = new Map<string, number>();

  placeholderFor(kind: string, identity: string): string {
    const known = this.byIdentity.get(identity);
    if (known !== undefined) return known;
    const n = (this.perKind.get(kind) ?? 0) + 1;
    this.perKind.set(kind, n);
    // `:` rather than `#` before the number: `#` starts a comment in dotenv values and a
    // fragment in URLs, `:` is allowed in both, in YAML plain scalars, nginx words and ini.
    const placeholder = `«redacted:${kind}:${n}»`;
    this.byIdentity.set(identity, placeholder);
    return placeholder;
  }
}

/** Multi-line secrets (PEM bodies) are compared without their line breaks and indentation. */
function identityOf(text: string): string {
  return /[\r\n]/.test(text) ? text.replace(/\s+|\\n|\\r/g, '') : text;
}

/** The line breaks inside `text`, in order, so the replacement keeps the line count. */
function lineBreaks(text: string): string {
  const breaks = text.match(/\r\n|\n|\r/g);
  return breaks ? breaks.join('') : '';
}

/** Replaces every merged span in `text`; returns the redacted text and the spans. */
export function applyMask(
  text: string,
  merged: readonly Merged[],
  book: PlaceholderBook,
): { text: string; spans: RedactedSpan[] } {
  const spans: RedactedSpan[] = [];
  let out = '';
  let cursor = 0;
  for (const m of merged) {
    const secret = text.slice(m.start, m.end);
    const placeholder = book.placeholderFor(m.kind, m.identity ?? identityOf(secret));
    const replacement = placeholder + lineBreaks(secret);
    spans.push({ start: m.start, end: m.end, kind: m.kind, placeholder, replacement });
    out += text.slice(cursor, m.start) + replacement;
    cursor = m.end;
  }
  return { text: out + text.slice(cursor), spans };
}
