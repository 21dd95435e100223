import type { Edit } from '../model.ts';
import { lineAt, lineStarts } from '../formats/gunicorn/text.ts';

/** Where an applied edit's text lies in the fixed file: 1-based lines, inclusive. */
export interface Placed {
  file: string;
  line: number;
  endLine: number;
}

/**
 * The lines each accepted edit occupies in its fixed text, so the page can take a finding to
 * its own hunk. One pass per file: edits in position order, each shifted by the length change
 * of those before it, lines found by binary search in the fixed text's line starts.
 */
export function placeEdits(
  edits: ReadonlyMap<string, readonly Edit[]>,
  texts: ReadonlyMap<string, string>,
): Map<Edit, Placed> {
  const out = new Map<Edit, Placed>();
  for (const [file, list] of edits) {
    const text = texts.get(file);
    if (text === undefined) continue;
    const starts = lineStarts(text);
    const sorted = [...list].sort((a, b) => a.start - b.start || a.end - b.end);
    let shift = 0;
    for (const edit of sorted) {
      const from = edit.start + shift;
      // A trailing newline ends the edit's last line; it does not start another one.
      const last = from + Math.max(0, edit.text.replace(/\n$/, '').length - 1);
      out.set(edit, { file, line: lineAt(starts, from), endLine: lineAt(starts, last) });
      shift += edit.text.length - (edit.end - edit.start);
    }
  }
  return out;
}
