/**
 * A tokenizer for the Python that gunicorn config files are written in, enough to split
 * them into logical lines (statements) and to evaluate simple expressions. It never
 * executes anything and never throws: an unterminated string or bracket becomes an error
 * with its 1-based line and the tokenizer carries on.
 */
import type { FileError } from '../../model.ts';
import { lineAt, lineStarts } from './text.ts';

export type TokKind = 'name' | 'number' | 'string' | 'op' | 'comment';

export interface Tok {
  kind: TokKind;
  /** Source text of the token (for strings: with prefix and quotes). */
  text: string;
  start: number;
  end: number;
}

/** One logical line: a statement that may span physical lines inside brackets or after `\`. */
export interface LogicalLine {
  /** Column of the first token: the block depth in Python terms. */
  indent: number;
  /** Code tokens, comments excluded. */
  toks: Tok[];
  /** Offsets of the statement's text, from the start of its first physical line to after its newline. */
  start: number;
  end: number;
  /** 1-based line of the first token. */
  line: number;
  /** Trailing comment on the statement's last line, if any. */
  comment?: Tok;
}

export interface PyLexResult {
  /** Lines holding code. Blank and comment-only lines are not statements but still lie within [start, end) coverage below. */
  lines: LogicalLine[];
  errors: FileError[];
}

const STRING_PREFIX = /(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])?(?='|")/y;
const NAME = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*/y;
const NUMBER = /(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?)/y;
const OPS3 = new Set(['**=', '//=', '>>=', '<<=', '...']);
const OPS2 = new Set([
  '->',
  ':=',
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '<<',
  '>>',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
]);

/** The operator at `i`: longest match first, checked with set lookups (this runs per character). */
function opAt(text: string, i: number): string {
  const three = text.slice(i, i + 3);
  if (OPS3.has(three)) return three;
  const two = three.slice(0, 2);
  if (OPS2.has(two)) return two;
  return text[i]!;
}

export function pyLex(text: string): PyLexResult {
  const starts = lineStarts(text);
  const errors: FileError[] = [];
  const lines: LogicalLine[] = [];
  let i = 0;
  let depth = 0;
  let cur: LogicalLine | null = null;
  let physStart = 0; // start of the physical line where the current statement began
  let pendingComment: Tok | undefined;
  const n = text.length;

  const finish = (end: number) => {
    if (cur && cur.toks.length > 0) {
      cur.end = end;
      if (pendingComment) cur.comment = pendingComment;
      lines.push(cur);
    }
    cur = null;
    pendingComment = undefined;
    depth = 0;
  };

  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      i++;
      if (depth === 0) {
        finish(i);
        physStart = i;
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (c === '#') {
      let e = text.indexOf('\n', i);
      if (e === -1) e = n;
      const tok: Tok = { kind: 'comment', text: text.slice(i, e), start: i, end: e };
      if (cur) pendingComment = tok;
      i = e;
      continue;
    }
    if (!cur) {
      cur = { indent: i - physStart, toks: [], start: physStart, end: n, line: lineAt(starts, i) };
    }
    pendingComment = undefined;
    STRING_PREFIX.lastIndex = i;
    const pm = c === '"' || c === "'" || /[rRbBuUfF]/.test(c) ? STRING_PREFIX.exec(text) : null;
    if (pm) {
      const q = text[i + pm[0].length]!;
      const qStart = i + pm[0].length;
      const triple = text.startsWith(q + q + q, qStart);
      const delim = triple ? q + q + q : q;
      let j = qStart + delim.length;
      let closed = false;
      while (j < n) {
        const d = text[j]!;
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (!triple && d === '\n') break;
        if (text.startsWith(delim, j)) {
          j += delim.length;
          closed = true;
          break;
        }
        j++;
      }
      if (j > n) j = n;
      if (!closed)
        errors.push({
          line: lineAt(starts, i),
          message: `unterminated string starting with ${delim}`,
        });
      cur.toks.push({ kind: 'string', text: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    NAME.lastIndex = i;
    const nm =
      c === '_' || c > '\u007f' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        ? NAME.exec(text)
        : null;
    if (nm) {
      cur.toks.push({ kind: 'name', text: nm[0], start: i, end: i + nm[0].length });
      i += nm[0].length;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = /[0-9.]/.test(c) ? NUMBER.exec(text) : null;
    if (num && num[0] !== '.' && num[0].length > 0) {
      cur.toks.push({ kind: 'number', text: num[0], start: i, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    const op = opAt(text, i);
    if (op === '(' || op === '[' || op === '{') depth++;
    if (op === ')' || op === ']' || op === '}') {
      if (depth === 0) errors.push({ line: lineAt(starts, i), message: `unmatched '${op}'` });
      else depth--;
    }
    cur.toks.push({ kind: 'op', text: op, start: i, end: i + op.length });
    i += op.length;
  }
  if (depth > 0 && cur) {
    errors.push({
      line: (cur as LogicalLine).line,
      message: 'bracket opened here is never closed',
    });
  }
  finish(n);
  return { lines, errors };
}

/** The value of a plain (non-f) Python string literal token; null for bytes. */
export function stringValue(tok: Tok): { value: string; prefix: string } {
  const m = /^([rRbBuUfF]*)('''|"""|'|")/.exec(tok.text)!;
  const prefix = m[1]!.toLowerCase();
  const delim = m[2]!;
  let body = tok.text.slice(m[0].length);
  if (body.endsWith(delim)) body = body.slice(0, body.length - delim.length);
  if (prefix.includes('r')) return { value: body, prefix };
  return { value: unescape(body), prefix };
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

function unescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|\n|.)/gs, (all, e: string) => {
    if (e === '\n') return '';
    if (e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? all;
  });
}
