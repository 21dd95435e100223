/**
 * A lossless line parser for the INI dialects of uWSGI and php-fpm: `[section]`, `key = value`,
 * `#`/`;` comment lines, blank lines. Every line keeps its raw text and terminator, so printing
 * gives the input back byte for byte; lines that are none of these are kept and reported.
 */
import type { FileError } from '../../model.ts';
import { splitLines } from '../gunicorn/text.ts';

export interface IniLine {
  kind: 'section' | 'entry' | 'comment' | 'blank' | 'junk';
  /** 1-based. */
  line: number;
  start: number;
  raw: string;
  eol: string;
  /** The section this line belongs to ('' before the first header). */
  section: string;
  key?: string;
  value?: string;
  /** Offsets (in the file) of the value as written, trimmed. */
  valueStart?: number;
  valueEnd?: number;
}

export interface IniDoc {
  lines: IniLine[];
  errors: FileError[];
}

export interface IniDialect {
  /** Characters that start a comment line (after leading blanks). */
  comment: string;
  /**
   * Comment characters that end a value when preceded by a blank. uWSGI keeps such text in
   * the value but reads numbers and flags from its start, so the meaning is the same.
   */
  inlineComment?: string;
  /** A line that is just a key (uWSGI: an option with an empty value, i.e. a flag set). */
  bareKeys?: boolean;
}

export function parseIni(text: string, dialect: IniDialect): IniDoc {
  const lines: IniLine[] = [];
  const errors: FileError[] = [];
  let section = '';
  for (const l of splitLines(text)) {
    const base = { line: l.line, start: l.start, raw: l.body, eol: l.eol, section };
    const trimmed = l.body.trim();
    if (trimmed === '') {
      lines.push({ ...base, kind: 'blank' });
      continue;
    }
    if (dialect.comment.includes(trimmed[0]!)) {
      lines.push({ ...base, kind: 'comment' });
      continue;
    }
    const sec = /^\s*\[([^\]]*)\]\s*$/.exec(l.body);
    if (sec) {
      section = sec[1]!.trim();
      lines.push({ ...base, section, kind: 'section' });
      continue;
    }
    const eq = l.body.indexOf('=');
    if (eq < 0 && dialect.bareKeys && /^\s*[\w.-]+\s*$/.test(l.body)) {
      const end = l.start + l.body.length;
      lines.push({
        ...base,
        kind: 'entry',
        key: trimmed,
        value: '',
        valueStart: end,
        valueEnd: end,
      });
      continue;
    }
    if (eq <= 0 || l.body.slice(0, eq).trim() === '') {
      errors.push({
        line: l.line,
        message: `expected \`key = value\`, found \`${trimmed.slice(0, 60)}\``,
      });
      lines.push({ ...base, kind: 'junk' });
      continue;
    }
    const key = l.body.slice(0, eq).trim();
    let vStart = eq + 1;
    let vEnd = l.body.length;
    while (vStart < vEnd && /\s/.test(l.body[vStart]!)) vStart++;
    if (dialect.inlineComment) {
      const c = findInlineComment(l.body, vStart, dialect.inlineComment);
      if (c >= 0) vEnd = c;
    }
    while (vEnd > vStart && /\s/.test(l.body[vEnd - 1]!)) vEnd--;
    lines.push({
      ...base,
      kind: 'entry',
      key,
      value: l.body.slice(vStart, vEnd),
      valueStart: l.start + vStart,
      valueEnd: l.start + vEnd,
    });
  }
  return { lines, errors };
}

/** A comment character outside double quotes, preceded by a blank. */
function findInlineComment(s: string, from: number, chars: string): number {
  let q = false;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '"') q = !q;
    else if (!q && chars.includes(s[i]!) && (i === from || /\s/.test(s[i - 1]!))) return i;
  }
  return -1;
}

export function printIni(doc: IniDoc): string {
  return doc.lines.map((l) => l.raw + l.eol).join('');
}

/** The file's own `key = value` spacing, for inserted lines. */
export function entryStyle(doc: IniDoc): { sep: string; indent: string } {
  const entries = doc.lines.filter((l) => l.kind === 'entry');
  let spaced = 0;
  for (const e of entries) if (/\s=\s/.test(e.raw)) spaced++;
  const indents = entries.map((e) => /^\s*/.exec(e.raw)![0]);
  const indent =
    indents.filter((i) => i !== '').length > entries.length / 2
      ? (indents.find((i) => i !== '') ?? '')
      : '';
  return { sep: entries.length === 0 || spaced >= entries.length / 2 ? ' = ' : '=', indent };
}
