/**
 * Masks the comments and string/template/regex contents of JavaScript (or TypeScript) with
 * spaces, keeping every offset, so simple patterns can find server code without matching
 * inside strings or comments. Never throws; unterminated strings and comments are errors
 * with their 1-based line.
 */
import type { FileError } from '../../model.ts';
import { lineAt, lineStarts } from '../gunicorn/text.ts';

export interface Masked {
  masked: string;
  errors: FileError[];
}

export function maskJs(text: string): Masked {
  const out = text.split('');
  const errors: FileError[] = [];
  const starts = lineStarts(text);
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++)
      if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  let i = 0;
  const n = text.length;
  // Template literal nesting: each entry is the brace depth at which a `${` opened.
  const tpl: number[] = [];
  let braces = 0;
  let lastSignificant = '';
  while (i < n) {
    const c = text[i]!;
    const d = text[i + 1];
    if (c === '/' && d === '/') {
      let e = text.indexOf('\n', i);
      if (e === -1) e = n;
      blank(i, e);
      i = e;
      continue;
    }
    if (c === '/' && d === '*') {
      let e = text.indexOf('*/', i + 2);
      if (e === -1) {
        errors.push({ line: lineAt(starts, i), message: 'unterminated /* comment' });
        e = n;
      } else e += 2;
      blank(i, e);
      i = e;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (j >= n || text[j] !== c)
        errors.push({ line: lineAt(starts, i), message: `unterminated string starting with ${c}` });
      blank(i + 1, Math.min(j, n));
      i = Math.min(j + 1, n);
      lastSignificant = 'x';
      continue;
    }
    if (c === '`' || (c === '}' && tpl.length && tpl[tpl.length - 1] === braces)) {
      if (c === '}') tpl.pop();
      let j = i + 1;
      let closed = false;
      while (j < n) {
        if (text[j] === '\\') {
          j += 2;
          continue;
        }
        if (text[j] === '`') {
          closed = true;
          break;
        }
        if (text[j] === '$' && text[j + 1] === '{') break;
        j++;
      }
      blank(i + 1, Math.min(j, n));
      if (j < n && text[j] === '$') {
        tpl.push(braces);
        i = j + 2;
        continue;
      }
      if (!closed)
        errors.push({ line: lineAt(starts, i), message: 'unterminated template literal' });
      i = Math.min(j + 1, n);
      lastSignificant = 'x';
      continue;
    }
    if (c === '/' && /[(,=:[!&|?{};+\-*%<>~^]|^$/.test(lastSignificant)) {
      // A regular expression literal.
      let j = i + 1;
      let cls = false;
      while (j < n && text[j] !== '\n') {
        if (text[j] === '\\') {
          j += 2;
          continue;
        }
        if (text[j] === '[') cls = true;
        else if (text[j] === ']') cls = false;
        else if (text[j] === '/' && !cls) break;
        j++;
      }
      if (j < n && text[j] === '/') {
        blank(i + 1, j);
        i = j + 1;
        lastSignificant = 'x';
        continue;
      }
    }
    if (c === '{') braces++;
    if (c === '}') braces = Math.max(0, braces - 1);
    if (!/\s/.test(c)) lastSignificant = /[\w$)\]]/.test(c) ? 'x' : c;
    i++;
  }
  return { masked: out.join(''), errors };
}

/** Offset just after the bracket matching the one at `open` (in masked text), or -1. */
export function matchBracket(masked: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = open; i < masked.length; i++) {
    const c = masked[i]!;
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}
