/**
 * A lossless line parser for the INI dialects of uWSGI and php-fpm: `[section]`, `key = value`,
 * `#`/`;` comment lines, blank lines. Every line keeps its raw text and terminator, so printing
 * gives the input back byte for byte; lines that are none of these are kept and reported.
 */
import type { FileError } from '../../model.ts';
import { splitLines, type RawLine } from '../gunicorn/text.ts';

export interface IniLine {
  kind: 'section' | 'entry' | 'comment' | 'blank' | 'junk';
  /** 1-based. */
  line: number;
  start: number;
  raw: string;
  eol: string;
  /** The section this line belongs to ('' before the first header). */
  section: string;
  key: string | undefined;
  value: string | undefined;
  /** Offsets (in the file) of the value as written, trimmed. */
  valueStart: number | undefined;
  valueEnd: number | undefined;
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
  // Every line object gets the same fields in the same order (one hidden class: fast).
  const make = (
    l: RawLine,
    kind: IniLine['kind'],
    key?: string,
    value?: string,
    vs?: number,
    ve?: number,
  ): IniLine => ({
    kind,
    line: l.line,
    start: l.start,
    raw: l.body,
    eol: l.eol,
    section,
    key,
    value,
    valueStart: vs,
    valueEnd: ve,
  });
  for (const l of splitLines(text)) {
    const body = l.body;
    let i = 0;
    while (i < body.length && (body[i] === ' ' || body[i] === '\t')) i++;
    if (i === body.length || body.trim() === '') {
      lines.push(make(l, 'blank'));
      continue;
    }
    if (dialect.comment.includes(body[i]!)) {
      lines.push(make(l, 'comment'));
      continue;
    }
    if (body[i] === '[') {
      const sec = /^\s*\[([^\]]*)\]\s*$/.exec(body);
      if (sec) {
        section = sec[1]!.trim();
        lines.push(make(l, 'section'));
        continue;
      }
    }
    const eq = body.indexOf('=');
    if (eq < 0 && dialect.bareKeys && /^\s*[\w.-]+\s*$/.test(body)) {
      const end = l.start + body.length;
      lines.push(make(l, 'entry', body.trim(), '', end, end));
      continue;
    }
    if (eq <= 0 || body.slice(0, eq).trim() === '') {
      errors.push({
        line: l.line,
        message: `expected \`key = value\`, found \`${body.trim().slice(0, 60)}\``,
      });
      lines.push(make(l, 'junk'));
      continue;
    }
    const key = body.slice(0, eq).trim();
    let vStart = eq + 1;
    let vEnd = body.length;
    while (vStart < vEnd && isBlank(body.charCodeAt(vStart))) vStart++;
    if (dialect.inlineComment) {
      const c = findInlineComment(body, vStart, dialect.inlineComment);
      if (c >= 0) vEnd = c;
    }
    while (vEnd > vStart && isBlank(body.charCodeAt(vEnd - 1))) vEnd--;
    lines.push(make(l, 'entry', key, body.slice(vStart, vEnd), l.start + vStart, l.start + vEnd));
  }
  return { lines, errors };
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff;
}

/** A comment character outside double quotes, preceded by a blank. */
function findInlineComment(s: string, from: number, chars: string): number {
  let q = false;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '"') q = !q;
    else if (!q && chars.includes(s[i]!) && (i === from || isBlank(s.charCodeAt(i - 1)))) return i;
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
