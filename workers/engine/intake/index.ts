/**
 * Intake: what a paste holds. See segment.ts for the whole story; the other files are its
 * steps (structure.ts: separators; blocks.ts: kinds inside a region; log-lines.ts: log lines,
 * wraps and tracebacks; fragment.ts, syntax.ts, prose.ts: what a short piece is).
 */
export { segmentText, isInput, type Segment, type SegmentKind } from './segment.ts';
