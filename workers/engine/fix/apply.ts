import type { Edit } from '../model.ts';

/** Thrown when two edits touch the same bytes: the caller must drop one fix, not merge them. */
export class OverlappingEditsError extends Error {}

/**
 * Applies text edits to one file's text. Edits are sorted by position and must not overlap
 * (two insertions at the same offset are kept in the order given).
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => a.edit.start - b.edit.start || a.edit.end - b.edit.end || a.order - b.order)
    .map(({ edit }) => edit);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor || edit.end < edit.start || edit.end > text.length) {
      throw new OverlappingEditsError(
        `edit [${edit.start}, ${edit.end}) in ${edit.file} overlaps another or is out of range`,
      );
    }
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}
