/**
 * gunicorn's Python config: `raw_env = ["NAME=value", …]` (or one string) passes environment
 * variables to the app. Values of credential-named variables go, whole up to the closing quote
 * (the keyword layer alone would stop at a space). Other Python assignments are left to the
 * keyword layer with unquoted values ignored, since an unquoted value in Python is code.
 */
import type { Candidate } from '../types.ts';
import { isNonSecretValue } from '../filters.ts';
import { secretKindOfName } from '../keywords.ts';

const RAW_ENV = /\braw_env\b["']?\s*(?:\+?=|:)\s*/g;

export function findPythonSecrets(text: string): Candidate[] {
  const out: Candidate[] = [];
  RAW_ENV.lastIndex = 0;
  while (RAW_ENV.exec(text) !== null) {
    let i = RAW_ENV.lastIndex;
    let depth = 0;
    // Walk the right-hand side: strings inside brackets, until the brackets close or the line
    // ends outside them. Bounded by the text; each character is visited once.
    while (i < text.length) {
      const c = text[i]!;
      if (c === '[' || c === '(') depth++;
      else if (c === ']' || c === ')') {
        depth--;
        if (depth <= 0) break;
      } else if (c === '#') {
        const nl = text.indexOf('\n', i);
        if (nl < 0) break;
        i = nl;
        if (depth <= 0) break;
      } else if (c === '\n' && depth <= 0) break;
      else if (c === '"' || c === "'") {
        const end = stringEnd(text, i);
        envString(text, i + 1, end, out);
        i = end;
        if (depth <= 0) break;
      }
      i++;
    }
    RAW_ENV.lastIndex = Math.max(RAW_ENV.lastIndex, i);
  }
  return out;
}

/** Offset of the quote closing the string that opens at `open` (or the line end). */
function stringEnd(text: string, open: number): number {
  const q = text[open]!;
  let j = open + 1;
  while (j < text.length && text[j] !== q && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
  return Math.min(j, text.length);
}

function envString(text: string, start: number, end: number, out: Candidate[]): void {
  const s = text.slice(start, end);
  const eq = s.indexOf('=');
  if (eq <= 0) return;
  const name = s.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) return;
  const kind = secretKindOfName(name);
  const value = s.slice(eq + 1);
  if (kind && !isNonSecretValue(value, true, kind))
    out.push({ start: start + eq + 1, end, kind, layer: 'format' });
}
