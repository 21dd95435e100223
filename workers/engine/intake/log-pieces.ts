/**
 * Log lines into pieces: a region a command says is a log (every line of it), and a run of log
 * lines split where its source changes for good.
 */
import type { EventSource } from '../model.ts';
import type { Piece } from './blocks.ts';
import { isBlank } from './lines.ts';
import { logLines, type LogLine } from './log-lines.ts';
import type { LineRef } from './structure.ts';

type Formats = Parameters<typeof logLines>[1];

/** Every line of a region a command says is a log (`journalctl`, `kubectl logs`). */
export function allLog(texts: readonly string[], formats: Formats): (LogLine | undefined)[] {
  const found = logLines(texts, formats);
  const source = found.find(Boolean)?.source ?? 'nginx-error';
  return texts.map((t, i) => found[i] ?? (isBlank(t) ? undefined : { source, continuation: true }));
}

/** Splits a run of log lines where the source changes for good (two or more lines). */
export function logPieces(lines: LineRef[], logs: (LogLine | undefined)[]): Piece[] {
  const starts = (l: LogLine | undefined): l is LogLine => !!l && !l.continuation && !l.wrapped;
  // The source of the next log line after each line, read backwards once.
  const nextSource: (EventSource | undefined)[] = new Array(lines.length);
  for (let k = lines.length - 1, seen: EventSource | undefined; k >= 0; k--) {
    nextSource[k] = seen;
    const l = logs[k];
    if (starts(l)) seen = l.source;
  }
  const pieces: Piece[] = [];
  let cur: Piece | null = null;
  let source: EventSource | undefined;
  // Lines of `cur` after its last log line: a header of the next log goes with that log.
  let tail = 0;
  let blankBefore = false;
  for (let k = 0; k < lines.length; k++) {
    const log = logs[k];
    const begins = starts(log);
    const switches =
      begins &&
      source !== undefined &&
      log.source !== source &&
      (blankBefore || nextSource[k] === log.source);
    if (!cur || switches) {
      const moved: LineRef[] = cur && tail > 0 ? cur.lines.splice(cur.lines.length - tail) : [];
      while (moved.length > 0 && isBlank(moved[0]!.text)) moved.shift();
      if (cur) pieces.push(cur);
      cur = {
        lines: moved,
        kind: 'log',
        confidence: 1,
        sources: [],
        joined: new Map(),
        dropped: new Set(),
      };
    }
    const index = lines[k]!.index;
    if (begins) {
      source = log.source;
      if (!cur.sources!.includes(log.source)) cur.sources!.push(log.source);
    }
    if (log?.text !== undefined) cur.joined!.set(index, log.text);
    if (log?.wrapped) cur.dropped!.add(index);
    cur.lines.push(lines[k]!);
    tail = log ? 0 : tail + 1;
    if (log) blankBefore = false;
    else if (isBlank(lines[k]!.text)) blankBefore = true;
  }
  if (cur) pieces.push(cur);
  return pieces;
}
