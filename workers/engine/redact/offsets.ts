/**
 * Moves offsets between a raw file and its redacted text, so an edit computed on the redacted
 * text (what the engine shows) can be applied to the raw text when the user asks for raw.
 */
import type { Edit } from '../model.ts';
import type { RedactedSpan } from './types.ts';

/** Where an offset inside a replaced region lands: its start or its end. */
export type Bias = 'start' | 'end';

function sorted(spans: readonly RedactedSpan[]): readonly RedactedSpan[] {
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.start) return [...spans].sort((a, b) => a.start - b.start);
  }
  return spans;
}

/** The offset in the original text of `redactedOffset`; inside a placeholder it goes to `bias`. */
export function mapOffsetToOriginal(
  spans: readonly RedactedSpan[],
  redactedOffset: number,
  bias: Bias = 'start',
): number {
  let delta = 0; // original - redacted, for offsets after the spans seen so far
  for (const s of sorted(spans)) {
    const rStart = s.start - delta;
    const rEnd = rStart + s.replacement.length;
    if (redactedOffset <= rStart) break;
    if (redactedOffset < rEnd) return bias === 'start' ? s.start : s.end;
    delta += s.end - s.start - s.replacement.length;
  }
  return redactedOffset + delta;
}

/** The offset in the redacted text of `originalOffset`; inside a secret it goes to `bias`. */
export function mapOffsetToRedacted(
  spans: readonly RedactedSpan[],
  originalOffset: number,
  bias: Bias = 'start',
): number {
  let delta = 0; // redacted - original
  for (const s of sorted(spans)) {
    if (originalOffset <= s.start) break;
    if (originalOffset < s.end) {
      return bias === 'start' ? s.start + delta : s.start + delta + s.replacement.length;
    }
    delta += s.replacement.length - (s.end - s.start);
  }
  return originalOffset + delta;
}

/**
 * Edits on redacted text, as edits on the raw text: ranges are mapped outward (an edit that
 * touches a placeholder covers the whole secret) and placeholders in the new text are put back
 * to the secrets they stand for in this file, so a rewritten line keeps its real credential.
 */
export function unredactEdits(
  spans: readonly RedactedSpan[],
  originalText: string,
  edits: readonly Edit[],
): Edit[] {
  const secrets = new Map<string, string>();
  for (const s of spans) {
    if (!secrets.has(s.replacement)) secrets.set(s.replacement, originalText.slice(s.start, s.end));
    if (!secrets.has(s.placeholder)) secrets.set(s.placeholder, originalText.slice(s.start, s.end));
  }
  const labels = [...secrets.keys()].sort((a, b) => b.length - a.length);
  return edits.map((e) => {
    let text = e.text;
    if (text.includes('«redacted:')) {
      for (const label of labels) text = text.split(label).join(secrets.get(label)!);
    }
    return {
      file: e.file,
      start: mapOffsetToOriginal(spans, e.start, 'start'),
      end: mapOffsetToOriginal(spans, e.end, e.end > e.start ? 'end' : 'start'),
      text,
    };
  });
}
