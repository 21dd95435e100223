/**
 * Which format a pasted file is: every registered handler's `detect` plus extra detectors
 * (the log decoders) score it, by name and content, and the best score wins. Below the
 * threshold, or for binary data, the file is `unknown` and is not forced into a parser.
 */
import type { FileKind } from '../model.ts';
import { formats } from './registry.ts';

export interface Detector {
  kind: FileKind;
  detect(name: string, text: string): number;
}

/** Scores under this mean "none of the formats we know". */
export const DETECT_THRESHOLD = 0.4;

/** Detectors look at the head of the file only, so a 50 MB paste is classified quickly. */
const HEAD = 256 * 1024;

export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 8192);
  if (sample.includes('\u0000')) return true;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}

export function detectKind(
  name: string,
  text: string,
  extraDetectors: readonly Detector[] = [],
): { kind: FileKind; confidence: number } {
  if (text.trim() === '' || looksBinary(text)) return { kind: 'unknown', confidence: 0 };
  const head = text.length > HEAD ? text.slice(0, HEAD) : text;
  let best: { kind: FileKind; confidence: number } = { kind: 'unknown', confidence: 0 };
  for (const d of [...formats, ...extraDetectors]) {
    let score: number;
    try {
      score = d.detect(name, head);
    } catch {
      score = 0;
    }
    if (!Number.isFinite(score)) score = 0;
    score = Math.max(0, Math.min(1, score));
    if (score > best.confidence) best = { kind: d.kind, confidence: score };
  }
  return best.confidence >= DETECT_THRESHOLD
    ? best
    : { kind: 'unknown', confidence: best.confidence };
}
