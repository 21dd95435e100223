/**
 * Line arithmetic on a paste: the lines between two parts, a block appended with the blank
 * lines that separated it, blank edges trimmed. Parts hold LineRefs in paste order; `all` is
 * every line of the region, ordered by paste line.
 */
import { isBlank } from './lines.ts';
import type { LineRef } from './structure.ts';

export function onlyBlankBetween(
  all: readonly LineRef[],
  piece: { lines: LineRef[] },
  block: { lines: LineRef[] },
): boolean {
  return between(all, piece, block).every((l) => isBlank(l.text));
}

/** The paste's lines after a piece's last line and before a block's first. */
function between(
  all: readonly LineRef[],
  piece: { lines: LineRef[] },
  block: { lines: LineRef[] },
): LineRef[] {
  const first = block.lines[0]!.index;
  const out: LineRef[] = [];
  for (let k = positionAfter(all, piece.lines.at(-1)!.index); all[k] && all[k]!.index < first; k++)
    out.push(all[k]!);
  return out;
}

/** Adds a block to a piece with the blank lines between them, as they were in the paste. */
export function append(
  all: readonly LineRef[],
  piece: { lines: LineRef[] },
  block: { lines: LineRef[] },
): void {
  piece.lines.push(...between(all, piece, block), ...block.lines);
}

export function trimBlank(lines: readonly LineRef[]): LineRef[] {
  let a = 0;
  let b = lines.length;
  while (a < b && isBlank(lines[a]!.text)) a++;
  while (b > a && isBlank(lines[b - 1]!.text)) b--;
  return lines.slice(a, b);
}

/** Where in `all` (ordered by paste line) the lines after paste line `index` begin. */
function positionAfter(all: readonly LineRef[], index: number): number {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid]!.index <= index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
