/**
 * Formatting-preserving edits to uWSGI inputs: set an option in the [uwsgi] section of an
 * ini file (replace the last occurrence's value, or add a line after the section's last
 * option in the file's `key = value` style), or on a uWSGI command line.
 */
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../types.ts';
import { newlineOf } from '../gunicorn/text.ts';
import { canonicalOption } from './defaults.ts';
import { entryStyle, type IniDoc } from './ini.ts';
import { UWSGI_SECTION, type UwsgiTree } from './parse.ts';

export function setUwsgiOption(
  parsed: ParsedFile<UwsgiTree>,
  key: string,
  value: string | number | boolean,
): Edit[] {
  const tree = parsed.tree;
  const file = parsed.name;
  const v = typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
  const canon = canonicalOption(key);
  if (tree.form === 'launch') {
    const edits: Edit[] = [];
    for (const c of tree.commands) {
      const found = c.args.filter((a) => a.name === canon);
      const last = found[found.length - 1];
      if (last) {
        const raw = parsed.text.slice(last.start, last.end);
        const eq = raw.indexOf('=');
        if (raw.startsWith('--') && eq > 0 && !/\s/.test(raw))
          edits.push({ file, start: last.start, end: last.end, text: raw.slice(0, eq + 1) + v });
        else {
          const m = /^(\S+)(\s+)/.exec(raw);
          if (m) edits.push({ file, start: last.start + m[0].length, end: last.end, text: v });
        }
      }
    }
    return edits;
  }
  const lines = tree.doc.lines;
  const entries = lines.filter(
    (l) => l.kind === 'entry' && l.section === UWSGI_SECTION && canonicalOption(l.key!) === canon,
  );
  const last = entries[entries.length - 1];
  if (last) {
    // A bare key gets ` = value` in the file's style.
    if (last.value === '')
      return [
        {
          file,
          start: last.valueEnd!,
          end: last.valueEnd!,
          text: `${entryStyle(tree.doc).sep}${v}`,
        },
      ];
    return [{ file, start: last.valueStart!, end: last.valueEnd!, text: v }];
  }
  return insertEntry(parsed, tree.doc, key, v);
}

/**
 * Edits that add one more `key = value` line to the [uwsgi] section of an ini file, for an
 * option every occurrence of which counts (`hook-master-start`); [] for a command line.
 */
export function addUwsgiOption(parsed: ParsedFile<UwsgiTree>, key: string, value: string): Edit[] {
  const tree = parsed.tree;
  return tree.form === 'launch' ? [] : insertEntry(parsed, tree.doc, key, value);
}

function insertEntry(parsed: ParsedFile<UwsgiTree>, doc: IniDoc, key: string, v: string): Edit[] {
  const file = parsed.name;
  const lines = doc.lines;
  const nl = newlineOf(parsed.text);
  const style = entryStyle(doc);
  const line = `${style.indent}${key}${style.sep}${v}`;
  const inSection = lines.filter(
    (l) => l.section === UWSGI_SECTION && (l.kind === 'entry' || l.kind === 'section'),
  );
  const anchor = inSection[inSection.length - 1];
  if (!anchor) {
    const end = parsed.text.length;
    const sep = end > 0 && !parsed.text.endsWith('\n') ? nl : '';
    return [{ file, start: end, end, text: `${sep}[${UWSGI_SECTION}]${nl}${line}${nl}` }];
  }
  const at = anchor.start + anchor.raw.length + anchor.eol.length;
  const sep = anchor.eol === '' ? nl : '';
  return [{ file, start: at, end: at, text: `${sep}${line}${nl}` }];
}
