/**
 * Offset and line helpers shared by the formats in this group (gunicorn, uWSGI, Kubernetes,
 * Node, php-fpm, Puma, dotenv). Offsets are UTF-16 indexes, as in model.ts `Edit`.
 */

/** Offsets where each line starts (line 1 starts at 0). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line of `offset`, by binary search over `lineStarts()`. */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** A line with its terminator kept apart, so printers can give back CRLF or a missing final newline. */
export interface RawLine {
  /** 1-based. */
  line: number;
  start: number;
  /** The line's text without its terminator. */
  body: string;
  /** "\n", "\r\n" or "" (last line without newline). */
  eol: string;
}

export function splitLines(text: string): RawLine[] {
  const out: RawLine[] = [];
  let start = 0;
  let line = 1;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const cr = end > start && text.charCodeAt(end - 1) === 13;
    const bodyEnd = cr ? end - 1 : end;
    out.push({
      line,
      start,
      body: text.slice(start, bodyEnd),
      eol: nl === -1 ? (cr ? '\r' : '') : cr ? '\r\n' : '\n',
    });
    start = nl === -1 ? text.length : nl + 1;
    line++;
  }
  return out;
}

/** The newline style a file mostly uses, for inserted lines. */
export function newlineOf(text: string): string {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

/** Where a value came from, for the topology: a line, a default with the versions it holds for, or unknowable. */
export type Provenance =
  | { file: string; line: number; layer?: string; dynamic?: string }
  | { default: string }
  | { dynamic: string; file?: string; line?: number };

export interface EffectiveValue {
  /** As the program would read it (unquoted); null when it cannot be known. */
  value: string | null;
  source: Provenance;
  /** Semantics worth knowing when comparing, e.g. "ignored by the sync worker". */
  note?: string;
}

export type EffectiveSettings = Record<string, EffectiveValue>;

/** A per-format defaults table row. */
export interface DefaultRow {
  value: string | null;
  /** Versions the default holds for, e.g. "gunicorn 19.2–23". */
  holds: string;
}

/** A settings table's defaults as effective settings, each saying whose default it is. */
export function defaultsOf(
  table: readonly { name: string; def: DefaultRow }[],
  program: string,
): EffectiveSettings {
  const out: EffectiveSettings = {};
  for (const { name, def } of table)
    out[name] = { value: def.value, source: { default: `${program} default (${def.holds})` } };
  return out;
}
