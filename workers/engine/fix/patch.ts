/**
 * A unified diff over the changed files that `git apply` and `patch -p1` accept when run in a
 * directory holding the originals under the same names (hence the a/ and b/ prefixes).
 *
 * Built from the edits themselves, not by diffing whole files: each edit widens to the whole
 * lines it touches, edits on the same lines merge, and hunks carry three lines of context,
 * joined when two changes are closer than that. The cost is the lines touched plus their
 * context, so a fleet's `nginx -T` with thousands of one-line fixes costs what its fixes do.
 */
import type { Edit } from '../model.ts';
import { lineAt, lineStarts } from '../formats/gunicorn/text.ts';

const CONTEXT = 3;

export interface FileChange {
  name: string;
  before: string;
  /** Non-overlapping edits on `before` (UTF-16 offsets), in any order. */
  edits: readonly Edit[];
}

/** One run of changed lines: `removed` lines from `at` (0-based) replaced by `added`. */
interface LineChange {
  at: number;
  removed: string[];
  added: string[];
}

export function unifiedPatch(changes: readonly FileChange[]): string {
  return changes
    .map((change) => filePatch(change))
    .filter((patch) => patch !== '')
    .join('');
}

function filePatch({ name, before, edits }: FileChange): string {
  const starts = lineStarts(before);
  const lines = splitLines(before);
  const changed = lineChanges(before, starts, edits)
    .map(withoutSameLines)
    .filter((c) => c.removed.length + c.added.length > 0);
  if (changed.length === 0) return '';
  const file = name.replace(/^\/+/, '');
  const out = [`--- a/${file}\n`, `+++ b/${file}\n`];
  let shift = 0; // new line number minus old, before the current change
  for (let i = 0; i < changed.length;) {
    // The changes one hunk holds: those whose context would touch or overlap.
    let j = i;
    while (
      j + 1 < changed.length &&
      changed[j + 1]!.at - (changed[j]!.at + changed[j]!.removed.length) <= 2 * CONTEXT
    )
      j++;
    const first = changed[i]!;
    const last = changed[j]!;
    const from = Math.max(0, first.at - CONTEXT);
    const to = Math.min(lines.length, last.at + last.removed.length + CONTEXT);
    const body: string[] = [];
    let oldCount = 0;
    let newCount = 0;
    let cursor = from;
    let hunkShift = shift;
    for (let k = i; k <= j; k++) {
      const c = changed[k]!;
      for (; cursor < c.at; cursor++, oldCount++, newCount++) body.push(line(' ', lines[cursor]!));
      for (const l of c.removed) body.push(line('-', l));
      for (const l of c.added) body.push(line('+', l));
      oldCount += c.removed.length;
      newCount += c.added.length;
      cursor = c.at + c.removed.length;
      hunkShift += c.added.length - c.removed.length;
    }
    for (; cursor < to; cursor++, oldCount++, newCount++) body.push(line(' ', lines[cursor]!));
    const oldStart = oldCount === 0 ? from : from + 1;
    const newStart = newCount === 0 ? from + shift : from + shift + 1;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n`, ...body);
    shift = hunkShift;
    i = j + 1;
  }
  return out.join('');
}

/**
 * A change without the whole lines it leaves as they were at its start and end: a line
 * appended after `keepalive 32;` is an added line, not that line removed and written again.
 */
function withoutSameLines({ at, removed, added }: LineChange): LineChange {
  let head = 0;
  while (head < removed.length && head < added.length && removed[head] === added[head]) head++;
  let tail = 0;
  while (
    tail < removed.length - head &&
    tail < added.length - head &&
    removed[removed.length - 1 - tail] === added[added.length - 1 - tail]
  )
    tail++;
  return {
    at: at + head,
    removed: removed.slice(head, removed.length - tail),
    added: added.slice(head, added.length - tail),
  };
}

const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);

/** A diff line; a line without its newline (the file's last) gets the marker patch expects. */
function line(sign: string, text: string): string {
  return text.endsWith('\n') ? `${sign}${text}` : `${sign}${text}\n\\ No newline at end of file\n`;
}

/** The text's lines, each with its newline (the last one may have none). */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    out.push(text.slice(from, i + 1));
    from = i + 1;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

/**
 * The edits as whole-line changes, in order. Each group of edits covers the original lines
 * from the start of the line its first edit starts on to a line start at or after its last
 * edit's end, extended until the new text ends a line too (or the file ends); an edit that
 * starts inside a group's lines joins it. Whole lines inserted at a line start replace none.
 */
function lineChanges(
  before: string,
  starts: readonly number[],
  edits: readonly Edit[],
): LineChange[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const lineOf = (offset: number) => lineAt(starts, offset) - 1;
  const startOf = (n: number) => (n < starts.length ? starts[n]! : before.length);
  /** The first line start at or after `offset` (the text's end if none). */
  const boundaryAfter = (offset: number) =>
    startOf(lineOf(offset)) === offset ? offset : startOf(lineOf(offset) + 1);
  const out: LineChange[] = [];
  for (let i = 0; i < sorted.length;) {
    const from = startOf(lineOf(sorted[i]!.start));
    let to = from;
    let text = '';
    let cursor = from;
    for (let first = true; ;) {
      // Take the edits that start on the lines taken so far (an append to a last line without
      // a newline starts on that line, at the text's end).
      for (; i < sorted.length && (first || startOf(lineOf(sorted[i]!.start)) < to); i++) {
        first = false;
        const edit = sorted[i]!;
        text += before.slice(cursor, edit.start) + edit.text;
        cursor = edit.end;
        to = Math.max(to, boundaryAfter(edit.end));
      }
      // The new text must end a line as the old one does, or the next line joins the change
      // (and any edit on it joins the group).
      const whole = text + before.slice(cursor, to);
      if (whole === '' || whole.endsWith('\n') || to >= before.length) {
        text = whole;
        break;
      }
      to = startOf(lineOf(to) + 1);
    }
    out.push({
      at: lineOf(from),
      removed: splitLines(before.slice(from, to)),
      added: splitLines(text),
    });
  }
  return out;
}
