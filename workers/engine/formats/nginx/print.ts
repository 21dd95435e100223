import { COL, type DirectiveTable } from './table.ts';

/**
 * Prints a parsed file from its tree: every directive is a span of the text (name, arguments,
 * `{`, its children, `}`) and what lies between spans is whitespace and comments, so the text is
 * the pieces between consecutive span boundaries in document order. When those boundaries come
 * in order that concatenation is exactly `text`, which is returned without copying 10 MB;
 * otherwise (a parser bug) the pieces are joined as they are and the difference shows.
 */
export function printTable(text: string, table: DirectiveTable): string {
  const bounds = boundaries(table, text.length);
  let ordered = true;
  for (let i = 1; ordered && i < bounds.length; i++)
    ordered = (bounds[i] as number) >= (bounds[i - 1] as number);
  if (ordered) return text;
  const parts: string[] = [];
  for (let i = 1; i < bounds.length; i++) {
    const from = bounds[i - 1] as number;
    parts.push(text.slice(from, Math.max(from, bounds[i] as number)));
  }
  return parts.join('');
}

/**
 * The span boundaries of every directive in document order (start, name end, arguments, `{`,
 * then its children, then `}` and end), between 0 and the end of the text.
 */
function boundaries(table: DirectiveTable, n: number): Int32Array {
  const out = new Int32Array(table.count * 7 + 2);
  let k = 1;
  // Blocks whose `}` is still to come (rows are numbered in document order, parents first).
  const open = new Int32Array(table.count);
  let depth = 0;
  for (let row = 0; row <= table.count; row++) {
    const parent = row < table.count ? table.get(row, COL.parent) : -2;
    while (depth > 0 && open[depth - 1] !== parent) {
      const block = open[--depth] as number;
      const brace = table.get(block, COL.close);
      if (brace >= 0) out[k++] = brace;
      out[k++] = table.get(block, COL.end);
    }
    if (row === table.count) break;
    out[k++] = table.get(row, COL.start);
    out[k++] = table.get(row, COL.nameEnd);
    out[k++] = table.get(row, COL.argsStart);
    out[k++] = table.get(row, COL.argsEnd);
    const brace = table.get(row, COL.open);
    if (brace < 0) out[k++] = table.get(row, COL.end);
    else {
      out[k++] = brace;
      open[depth++] = row;
    }
  }
  out[k++] = n;
  return out.subarray(0, k);
}
