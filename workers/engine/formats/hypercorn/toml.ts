/**
 * The top level of a hypercorn TOML config (`hypercorn -c hypercorn.toml`): `key = value` lines
 * with numbers, booleans, strings and arrays of strings (which may span lines), `#` comments.
 * Tables (`[logconfig_dict]`) hold nested settings hypercorn passes to logging: they end the
 * top level. Each value keeps its offsets, so an edit replaces it and nothing else.
 */
import type { FileError } from '../../model.ts';
import { splitLines } from '../gunicorn/text.ts';

export interface TomlEntry {
  key: string;
  /** Unquoted; an array's strings joined by ", ". */
  value: string;
  /** The value as written. */
  start: number;
  end: number;
  /** The whole line (or lines) of the entry, for inserting after it. */
  lineEnd: number;
}

export interface TomlTop {
  entries: TomlEntry[];
  /** Where the first table starts (new keys go above it), or the end of the text. */
  topEnd: number;
}

const KEY = /^[ \t]*([A-Za-z0-9_-]+|"[^"\n]*")[ \t]*=[ \t]*/;

export function parseTomlTop(text: string): { top: TomlTop; errors: FileError[] } {
  const errors: FileError[] = [];
  const entries: TomlEntry[] = [];
  const lines = splitLines(text);
  let topEnd = text.length;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const body = line.body;
    if (/^[ \t]*(#.*)?$/.test(body)) continue;
    if (/^[ \t]*\[/.test(body)) {
      topEnd = line.start;
      break;
    }
    const key = KEY.exec(body);
    if (!key) {
      errors.push({ line: n + 1, message: 'not a TOML `key = value` line' });
      continue;
    }
    const start = line.start + key[0].length;
    let end = valueEnd(text, start);
    // An array may span lines: take lines until its brackets close.
    if (text[start] === '[') {
      const close = arrayEnd(text, start);
      if (close < 0) {
        errors.push({ line: n + 1, message: 'array opened here is never closed' });
        break;
      }
      end = close;
      while (n + 1 < lines.length && lines[n + 1]!.start < end) n++;
    }
    const raw = text.slice(start, end);
    if (/^["']/.test(raw) && (raw.length < 2 || raw.at(-1) !== raw[0])) {
      errors.push({ line: n + 1, message: 'quote opened here is never closed' });
      continue;
    }
    entries.push({
      key: key[1]!.replace(/^"|"$/g, ''),
      value: unquote(raw),
      start,
      end,
      lineEnd: lines[n]!.start + lines[n]!.body.length,
    });
  }
  return { top: { entries, topEnd }, errors };
}

/** The end of a scalar value: its closing quote, or before a comment or the line's end. */
function valueEnd(text: string, start: number): number {
  const q = text[start];
  if (q === '"' || q === "'") {
    let i = start + 1;
    while (i < text.length && text[i] !== q && text[i] !== '\n')
      i += q === '"' && text[i] === '\\' ? 2 : 1;
    return text[i] === q ? i + 1 : i;
  }
  let i = start;
  while (i < text.length && text[i] !== '\n' && text[i] !== '#' && text[i] !== '\r') i++;
  while (i > start && /[ \t]/.test(text[i - 1]!)) i--;
  return i;
}

/** Past the `]` that closes the array opened at `start`; -1 when it never closes. */
function arrayEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (c === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return -1;
      i = nl;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i + 1;
  }
  return -1;
}

function unquote(raw: string): string {
  if (raw.startsWith('[')) {
    const items = raw.slice(1, -1).match(/"(?:[^"\\]|\\.)*"|'[^']*'|[^,\s#\]]+/g) ?? [];
    return items.map(unquote).join(', ');
  }
  if (/^"/.test(raw)) return raw.slice(1, -1).replace(/\\(.)/g, '$1');
  if (/^'/.test(raw)) return raw.slice(1, -1);
  return raw.replace(/_/g, '');
}
