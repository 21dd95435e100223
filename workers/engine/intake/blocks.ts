/**
 * Splitting one region into segments of one kind each. Log lines are found line by line (the
 * log decoders know them); the other lines form blocks between blank lines, each classified by
 * the format detectors, by the fragment scorers and as prose. Blocks then join the input above
 * when they cannot stand alone (an open brace, an indented body, a comment) or are of its kind
 * without starting another file; everything else starts a segment.
 */
import type { EventSource } from '../model.ts';
import { detectKind, DETECT_THRESHOLD } from '../formats/detect.ts';
import { fragmentKind, vocabularyFit } from './fragment.ts';
import type { Hint, SegmentKind } from './hints.ts';
import { isBlank, tripleQuotes } from './lines.ts';
import { logLines, type LogLine } from './log-lines.ts';
import { allLog, logPieces } from './log-pieces.ts';
import { isProseLine, isWordsLine } from './prose.ts';
import { braceDelta, type LineRef, type Region } from './structure.ts';
import { append, onlyBlankBetween, trimBlank } from './paste-lines.ts';
import {
  docstringEnd,
  hasDocstring,
  onlyComments,
  OpenInput,
  opensDocstring,
  sameSectionFamily,
  syntaxFit,
} from './syntax.ts';

type Formats = Parameters<typeof logLines>[1];

/** A segment before it is named: its lines (blank lines inside kept) and what it is. */
export interface Piece {
  lines: LineRef[];
  kind: SegmentKind;
  confidence: number;
  /** While a config piece is being read: the shape of its end (see OpenInput). */
  shape?: OpenInput;
  /** For log lines a wrap had cut: the joined text, by paste line index. */
  joined?: Map<number, string>;
  /** Paste line indexes that are wrap remnants, already in a joined line. */
  dropped?: Set<number>;
  sources?: EventSource[];
  /** The name a caption, fence or command gave it. */
  name?: string;
}

interface Block {
  lines: LineRef[];
  kind: SegmentKind | 'neutral';
  confidence: number;
}

export function segmentRegion(region: Region, formats: Formats): Piece[] {
  const { hint } = region;
  const lines = trimBlank(region.lines);
  if (lines.length === 0) return [];
  // A fence or command that says what it holds is one segment of that kind.
  if (hint.kind && hint.kind !== 'log') {
    const whole = region.exact ? withOwnBlanks(region, lines[0]!, lines.at(-1)!) : lines;
    return [
      { lines: whole, kind: hint.kind, confidence: 1, ...(hint.name ? { name: hint.name } : {}) },
    ];
  }
  const texts = lines.map((l) => l.text);
  const logs = hint.kind === 'log' ? allLog(texts, formats) : logLines(texts, formats);
  if (region.exact && (hint.name || hint.lean)) {
    const file = wholeFile(region, lines, logs, formats);
    if (file) return file;
  }
  const pieces: Piece[] = [];
  let open: Piece | null = null;
  let pending: Block[] = [];
  const close = () => {
    if (open) pieces.push({ ...open, shape: undefined });
    open = null;
  };
  const textsOf = (p: { lines: LineRef[] }) => p.lines.map((l) => l.text);

  /** A run of log lines from `start`, across blank lines and lines between log lines. */
  const takeLogRun = (start: number): number => {
    let j = start;
    let end = start;
    while (j < lines.length) {
      if (logs[j]) end = j;
      else if (!isBlank(texts[j]!) && j > start && !sandwiched(texts, logs, j)) break;
      j++;
    }
    flushPending(pieces, pending, open, lines);
    pending = [];
    close();
    pieces.push(...logPieces(lines.slice(start, end + 1), logs.slice(start, end + 1)));
    named = true;
    return end + 1;
  };

  let named = false;
  let i = 0;
  while (i < lines.length) {
    if (isBlank(texts[i]!)) {
      i++;
      continue;
    }
    if (logs[i]) {
      i = takeLogRun(i);
      continue;
    }
    // A block: non-blank, non-log lines up to a blank line or a log line.
    let j = i;
    while (j < lines.length && !isBlank(texts[j]!) && !logs[j]) j++;
    // A Python docstring runs over blank lines: its paragraphs are one block, and not prose.
    if (opensDocstring(texts.slice(i, j))) j = docstringEnd(texts, i, j);
    // A heading line right above log lines (`LAST SEEN  TYPE  REASON …`) is part of that log.
    if (j < lines.length && logs[j] && j - i <= 2 && isLogHeader(texts.slice(i, j))) {
      i = takeLogRun(i);
      continue;
    }
    // Inside an open block of the input above (most of a big config): no need to ask more.
    const reading = open as Piece | null;
    if (reading?.shape && pending.length === 0 && reading.shape.continues(texts.slice(i, j))) {
      join(lines, reading, { lines: lines.slice(i, j) });
      i = j;
      continue;
    }
    // A name helps detection only for the input it names: the first one of the region.
    if (reading && reading.kind !== 'prose') named = true;
    const block = classify(
      lines.slice(i, j),
      named && !region.fenced ? { ...hint, name: undefined } : hint,
    );
    i = j;
    const current = open as Piece | null;
    if (current?.shape) {
      const { shape } = current;
      const body = textsOf(block);
      // Comments between two inputs go with whichever comes next: wait for it.
      const comments = block.kind === 'neutral' && onlyComments(body);
      const sameKind =
        block.kind === current.kind ||
        (block.kind === 'neutral' && !comments && syntaxFit(current.kind, body) >= 0.7) ||
        // A weak guess in the shape of the input above, whose names fit that input as well.
        (block.kind !== 'prose' &&
          block.kind !== 'neutral' &&
          block.confidence < 0.7 &&
          syntaxFit(current.kind, body) >= 0.9 &&
          vocabularyFit(current.kind, body) >= block.confidence);
      // Lines of another shape since the input above (`import gunicorn` after an ini) end it.
      const broken = pending.some((p) => syntaxFit(current.kind, textsOf(p)) < 0.7);
      if (shape.continues(body) || (sameKind && !broken && !shape.startsAnother(body))) {
        for (const p of pending) join(lines, current, p);
        pending = [];
        join(lines, current, block);
        if (block.kind === current.kind)
          current.confidence = Math.max(current.confidence, block.confidence);
        continue;
      }
    }
    if (block.kind === 'neutral') {
      pending.push(block);
      continue;
    }
    if (block.kind === 'prose') {
      flushPending(pieces, pending, null, lines);
      pending = [];
      if (current?.kind === 'prose') {
        append(lines, current, block);
        continue;
      }
      close();
      open = { lines: block.lines, kind: 'prose', confidence: block.confidence };
      continue;
    }
    close();
    // Comments and loose lines right above a config belong to it (a file's header), as does a
    // unit's `[Unit]` section above the `[Service]` that says what it runs.
    let first = block.lines[0]!.index;
    while (
      pending.length > 0 &&
      (syntaxFit(block.kind, textsOf(pending.at(-1)!)) >= 0.7 ||
        sameSectionFamily(textsOf(pending.at(-1)!), textsOf(block)))
    )
      first = pending.pop()!.lines[0]!.index;
    flushPending(pieces, pending, null, lines);
    pending = [];
    const taken = lines.filter((l) => l.index >= first && l.index <= block.lines.at(-1)!.index);
    open = {
      lines: taken,
      kind: block.kind,
      confidence: block.confidence,
      shape: new OpenInput(block.kind, textsOf({ lines: taken })),
    };
  }
  flushPending(pieces, pending, open, lines);
  close();
  // Blocks set aside wait for what follows them: put every piece back in text order.
  pieces.sort((a, b) => a.lines[0]!.index - b.lines[0]!.index);
  const trimmed = pieces.map(trimPiece);
  // Where the region's start is given, blank lines at its top are the first input's own.
  const first = trimmed[0];
  if (region.exact && first && first.kind !== 'prose') {
    const top = region.lines.filter((l) => l.index < first.lines[0]!.index);
    if (top.every((l) => isBlank(l.text))) first.lines.unshift(...top);
  }
  return nameFirst(trimmed, hint);
}

/**
 * A region a command, a marker or a fence gave a name or a kind (`$ cat gunicorn.conf.py`,
 * ```nginx): one file of the kind its name and content say, blank lines and docstrings
 * included — and log lines after it, when the transcript ran on without a prompt. Null when
 * it does not read as one config (a log, notes): then it is split like any text.
 */
/**
 * How sure detection is of a command that names its program (a systemd ExecStart running
 * gunicorn). A fence's language is a highlighter's choice (```ini on a systemd unit): it
 * decides only what detection leaves less sure than that.
 */
const LAUNCH = 0.75;

function wholeFile(
  region: Region,
  lines: LineRef[],
  logs: (LogLine | undefined)[],
  formats: Formats,
): Piece[] | null {
  // The file runs to the first sentence after a blank line (the transcript went on in words),
  // then back over log lines printed after it without a prompt.
  let end = proseAfterBlank(lines) ?? lines.length;
  const rest = end;
  while (end > 0 && (logs[end - 1] || isBlank(lines[end - 1]!.text))) end--;
  if (end === 0) return null;
  const head = lines.slice(0, end);
  const texts = head.map((l) => l.text);
  const detected = detectKind(region.hint.name ?? '', texts.join('\n'));
  let kind: SegmentKind | null =
    detected.kind !== 'unknown' && detected.kind !== 'log' && detected.kind !== 'mixed'
      ? detected.kind
      : null;
  let confidence = detected.confidence;
  const lean = region.hint.lean;
  if (
    lean &&
    lean !== 'log' &&
    lean !== 'prose' &&
    (!kind || kind === lean || (syntaxFit(lean, texts) >= 0.8 && confidence < LAUNCH)) &&
    (syntaxFit(lean, texts) >= 0.7 || kind === lean)
  ) {
    kind = lean;
    confidence = Math.max(confidence, 0.7);
  }
  if (!kind) return null;
  const file: Piece = {
    lines: withOwnBlanks(
      region,
      head[0]!,
      head.at(-1)!,
      rest === lines.length && end === lines.length,
    ),
    kind,
    confidence,
    ...(region.hint.name ? { name: region.hint.name } : {}),
  };
  // What follows the file (its log, a sentence, another quote) is read like any text.
  const after = lines.slice(end).filter((_, k) => k > 0 || !isBlank(lines[end]!.text));
  const more = after.some((l) => !isBlank(l.text))
    ? segmentRegion({ lines: after, hint: {}, fenced: false }, formats)
    : [];
  return [file, ...more];
}

/**
 * The first line of prose after a blank line, outside brackets and docstrings: where a file
 * printed by a command ends when the transcript goes on in words.
 */
function proseAfterBlank(lines: readonly LineRef[]): number | null {
  let depth = 0;
  let quotes = 0;
  for (let k = 0; k < lines.length; k++) {
    const text = lines[k]!.text;
    const words =
      isProseLine(text) || isWordsLine(text) || /^[A-Za-z][A-Za-z' ,-]+:$/.test(text.trim());
    if (
      k > 0 &&
      depth === 0 &&
      quotes % 2 === 0 &&
      isBlank(lines[k - 1]!.text) &&
      /^\S/.test(text) &&
      words
    )
      return k;
    depth = Math.max(0, depth + braceDelta(text));
    quotes += tripleQuotes(text);
  }
  return null;
}

/**
 * A file's lines from `first` to `last` with the blank lines around them that are the file's
 * own: all those above (the region starts where the command said), and those below as the
 * region's `tail` says — when nothing follows the file in the region.
 */
function withOwnBlanks(region: Region, first: LineRef, last: LineRef, atEnd = true): LineRef[] {
  let a = region.lines.indexOf(first);
  while (a > 0 && isBlank(region.lines[a - 1]!.text)) a--;
  let b = region.lines.indexOf(last) + 1;
  if (atEnd && region.tail) {
    b = region.lines.length;
    if (region.tail === 'one' && b > 0 && isBlank(region.lines[b - 1]!.text)) b--;
  }
  return region.lines.slice(a, b);
}

/** Column headings of a table of log rows (kubectl get events/pods): capitals, no syntax. */
function isLogHeader(texts: readonly string[]): boolean {
  return texts.every(
    (t) => /^[A-Z][A-Z_ -]*[A-Z]\s*$/.test(t.trim()) && /\s{2,}|\t/.test(t.trim()),
  );
}

/** A non-log line between log lines (no blank line on either side) that is not prose. */
function sandwiched(
  texts: readonly string[],
  logs: readonly (LogLine | undefined)[],
  j: number,
): boolean {
  if (isProseLine(texts[j]!)) return false;
  let k = j + 1;
  while (k < texts.length && !isBlank(texts[k]!) && !logs[k]) k++;
  return k < texts.length && logs[k] !== undefined;
}

function classify(lines: LineRef[], hint: Hint): Block {
  const texts = lines.map((l) => l.text);
  if (onlyComments(texts) || hasDocstring(texts)) return { lines, kind: 'neutral', confidence: 0 };
  const text = texts.join('\n');
  const prose = texts.filter(isProseLine).length;
  const nonBlank = texts.filter((t) => !isBlank(t)).length;
  const detected = detectKind(hint.name ?? '', text);
  // `init_by_lua_block {` and its Lua: nginx, whatever the Lua looks like.
  if (/^\s*[a-z_]+_by_lua_block\b[^{]*\{\s*$/.test(texts.find((t) => !/^\s*#/.test(t)) ?? ''))
    return { lines, kind: 'nginx', confidence: 0.7 };
  const fragment = fragmentKind(texts);
  let best: { kind: SegmentKind; confidence: number } =
    detected.kind !== 'unknown' && detected.kind !== 'log' && detected.kind !== 'mixed'
      ? { kind: detected.kind, confidence: detected.confidence }
      : { kind: 'unknown', confidence: 0 };
  if (fragment && fragment.confidence > best.confidence) best = fragment;
  if (hint.lean && hint.lean !== 'log' && hint.lean !== 'prose') {
    const fit = syntaxFit(hint.lean, texts);
    if (best.kind === hint.lean || (fit >= 0.8 && best.confidence < LAUNCH && prose < nonBlank / 2))
      best = { kind: hint.lean, confidence: Math.max(best.confidence, 0.6) };
  }
  if (prose >= nonBlank / 2 && best.confidence < 0.8)
    return { lines, kind: 'prose', confidence: 1 };
  if (best.confidence >= DETECT_THRESHOLD && best.kind !== 'unknown')
    return { lines, kind: best.kind, confidence: best.confidence };
  return { lines, kind: 'neutral', confidence: best.confidence };
}

/** Blocks nobody claimed: prose when they read so, else text of no known kind. */
function flushPending(
  pieces: Piece[],
  pending: readonly Block[],
  open: Piece | null,
  all: readonly LineRef[],
): void {
  let into = open;
  for (const b of pending) {
    const texts = b.lines.map((l) => l.text);
    if (into?.shape && syntaxFit(into.kind, texts) >= 0.7) {
      join(all, into, b);
      continue;
    }
    // A block that stands alone ends the input above: later ones cannot reach over it.
    into = null;
    const last = pieces.at(-1);
    const words = texts.every((t) => isBlank(t) || isProseLine(t) || isWordsLine(t));
    const kind: SegmentKind =
      texts.some(isProseLine) || words || onlyComments(texts) ? 'prose' : 'unknown';
    // Prose runs on over blank lines only, never over another piece.
    if (last?.kind === 'prose' && kind === 'prose' && onlyBlankBetween(all, last, b))
      append(all, last, b);
    else pieces.push({ lines: [...b.lines], kind, confidence: 0 });
  }
}

/** Adds a block to a config piece being read, keeping its shape up to date. */
function join(all: readonly LineRef[], piece: Piece, block: { lines: LineRef[] }): void {
  append(all, piece, block);
  piece.shape?.add(block.lines.map((l) => l.text));
}

function trimPiece(p: Piece): Piece {
  return { ...p, lines: trimBlank(p.lines) };
}

/** The region's name goes to its first segment of the kind it named (else its first input). */
function nameFirst(pieces: Piece[], hint: Hint): Piece[] {
  if (!hint.name) return pieces;
  const want = hint.kind ?? hint.lean;
  const target =
    pieces.find((p) => p.kind === want) ??
    pieces.find((p) => p.kind !== 'prose' && p.kind !== 'unknown');
  if (target) target.name = hint.name;
  return pieces;
}
