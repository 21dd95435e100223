import { COL, type DirectiveTable } from './table.ts';

/**
 * Prints a parsed file from its tree: every directive is a span of the text (name, arguments,
 * `{`, its children, `}`) and what lies between spans is whitespace and comments, so the text is
 * the pieces between consecutive span boundaries in document order. When those boundaries come
 * in order that concatenation is exactly `text`, which is returned without copying 10 MB;
 * otherwise (a parser bug) the pieces are joined as they are and the difference shows.
 */
export function printTable(text: string, table: DirectiveTable): string {
  if (walk(text, table, null)) return text;
  const parts: string[] = [];
  walk(text, table, parts);
  return parts.join('');
}

/**
 * Visits the span boundaries of every directive in document order (start, name end, arguments,
 * `{`, its children, `}`, end), from 0 to the end of the text. Without `parts`, returns whether
 * they come in order (stopping at the first that does not); with it, pushes the text between
 * consecutive boundaries.
 */
function walk(text: string, table: DirectiveTable, parts: string[] | null): boolean {
  let at = 0;
  // Blocks whose `}` is still to come (rows are numbered in document order, parents first).
  const open: number[] = [];
  for (let row = 0; row <= table.count; row++) {
    const parent = row < table.count ? table.get(row, COL.parent) : -2;
    while (open.length > 0 && open[open.length - 1] !== parent) {
      const block = open.pop() as number;
      const brace = table.close(block);
      if (brace >= 0 && (at = step(text, parts, at, brace)) < 0) return false;
      if ((at = step(text, parts, at, table.get(block, COL.end))) < 0) return false;
    }
    if (row === table.count) break;
    const brace = table.get(row, COL.open);
    if (
      (at = step(text, parts, at, table.get(row, COL.start))) < 0 ||
      (at = step(text, parts, at, table.get(row, COL.nameEnd))) < 0 ||
      (at = step(text, parts, at, table.get(row, COL.argsStart))) < 0 ||
      (at = step(text, parts, at, table.get(row, COL.argsEnd))) < 0 ||
      (at = step(text, parts, at, brace < 0 ? table.get(row, COL.end) : brace)) < 0
    )
      return false;
    if (brace >= 0) open.push(row);
  }
  return step(text, parts, at, text.length) >= 0;
}

/**
 * Moves from boundary `at` to `next`: pushes the text between them, or (only checking) returns
 * -1 when `next` comes before `at`. A plain function of its arguments, so the walk's state stays
 * in registers (a closure over it ran several times slower).
 */
function step(text: string, parts: string[] | null, at: number, next: number): number {
  if (parts) {
    parts.push(text.slice(at, Math.max(at, next)));
    return next;
  }
  return next < at ? -1 : next;
}
