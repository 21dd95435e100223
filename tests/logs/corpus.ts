import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared/corpus/errors.tsv: [1-based file line, source label, pasted text]. */
export function corpusLines(): { line: number; label: string; text: string }[] {
  const path = fileURLToPath(new URL('../../../shared/corpus/errors.tsv', import.meta.url));
  const rows = readFileSync(path, 'utf8').split('\n');
  const out: { line: number; label: string; text: string }[] = [];
  rows.forEach((row, i) => {
    if (i === 0 || row === '') return; // header
    const tab = row.indexOf('\t'); // first tab only: one pasted line contains a tab
    out.push({ line: i + 1, label: row.slice(0, tab), text: row.slice(tab + 1) });
  });
  return out;
}
