/** A text as lines: each line's start offset and its end-of-line, so slices keep CRLF as written. */
export interface TextLines {
  text: string;
  /** Offset of each line's first character. */
  starts: number[];
  /** Offset just past each line's content (before its `\r\n` or `\n`). */
  ends: number[];
}

export function splitLines(text: string): TextLines {
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;
  for (;;) {
    let nl = text.indexOf('\n', start);
    const last = nl < 0;
    if (last) nl = text.length;
    starts.push(start);
    ends.push(text.charCodeAt(nl - 1) === 13 && nl > start ? nl - 1 : nl);
    if (last) break;
    start = nl + 1;
  }
  // A final newline does not start another line.
  if (starts.length > 1 && starts.at(-1) === text.length) {
    starts.pop();
    ends.pop();
  }
  return { text, starts, ends };
}

export function lineAt(lines: TextLines, i: number): string {
  return lines.text.slice(lines.starts[i], lines.ends[i]);
}

/** The line break after line `i` as written ('' for a last line without one). */
export function eolAt(lines: TextLines, i: number): string {
  const next = i + 1 < lines.starts.length ? lines.starts[i + 1]! : lines.text.length;
  return lines.text.slice(lines.ends[i], next);
}

export const isBlank = (line: string): boolean => line.trim() === '';

/** Python triple quotes on a line: an odd running count means inside a docstring. */
export const tripleQuotes = (line: string): number => (line.match(/"""|'''/g) ?? []).length;
