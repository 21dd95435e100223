/**
 * Formatting-preserving edits to Terraform: an attribute's literal replaced where it is
 * written, or a line `name = value` added first in its block, indented like the block's
 * attributes. A value Terraform computes (a variable, an expression) is not rewritten: what
 * it should be is decided where it comes from.
 */
import type { Edit } from '../../model.ts';
import type { HclBlock } from './parse.ts';

/** Edits that make `name` a number `value` in `block`; null when it is an expression. */
export function setHclNumber(
  file: string,
  text: string,
  block: HclBlock,
  name: string,
  value: number,
): Edit[] | null {
  const attr = block.attributes.find((a) => a.name === name);
  if (attr) {
    if (attr.value === null) return null;
    return [{ file, start: attr.end - attr.raw.length, end: attr.end, text: String(value) }];
  }
  const lineEnd = text.indexOf('\n', block.open);
  if (lineEnd < 0 || lineEnd >= block.close) return null;
  const at = lineEnd + 1;
  const first = block.attributes[0];
  const indent = first
    ? /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', first.start - 1) + 1))![0]
    : /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', block.open - 1) + 1))![0] + '  ';
  return [{ file, start: at, end: at, text: `${indent}${name} = ${value}\n` }];
}
