/**
 * The keyword layer: `NAME = value`, `NAME: value`, `"NAME": "value"`, `NAME => value`,
 * `NAME := value`, `--name=value`, where NAME says credential (keywords.ts) and the value is not a
 * reference, template, path or switch (filters.ts). Works on any text, whatever its format.
 *
 * Linear: a keyword regex finds candidate names; each name is widened and the value scanned with
 * bounded loops, and a name is looked at once however many keywords it contains.
 */
import type { Candidate } from '../types.ts';
import { authSchemeLength, isNonSecretValue } from '../filters.ts';
import { secretKindOfName } from '../keywords.ts';

const KEYWORD = /pass|pwd|secret|token|key|auth|credential|creds|salt|signature|hmac/gi;
const MAX_NAME = 100;
const MAX_VALUE = 4096;
/** What ends an unquoted `name=value` value (shell-like word). */
const WORD_END = new Set([
  ' ',
  '\t',
  '\n',
  '\r',
  '\f',
  '\v',
  '"',
  "'",
  '`',
  ',',
  ';',
  '&',
  ')',
  '}',
  ']',
]);

function isNameChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 95 || // _
    c === 45 || // -
    c === 46 || // .
    c === 47 // / (annotation keys: `checksum/secret`)
  );
}

export interface GenericOptions {
  /** Accept unquoted values (false for Python, where an unquoted value is code). */
  unquoted?: boolean;
}

export function findKeywordAssignments(text: string, options: GenericOptions = {}): Candidate[] {
  const unquoted = options.unquoted ?? true;
  const out: Candidate[] = [];
  let lastNameEnd = -1;
  // Characters that may be scanned again (inside values that turned out not to be secrets):
  // a few passes over the text at most, so the cost stays linear on adversarial input.
  let rescanBudget = 4 * text.length + 4096;
  KEYWORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KEYWORD.exec(text)) !== null) {
    let nameStart = m.index;
    while (
      nameStart > 0 &&
      m.index - nameStart < MAX_NAME &&
      isNameChar(text.charCodeAt(nameStart - 1))
    )
      nameStart--;
    let nameEnd = m.index + m[0].length;
    while (
      nameEnd < text.length &&
      nameEnd - m.index < MAX_NAME &&
      isNameChar(text.charCodeAt(nameEnd))
    )
      nameEnd++;
    if (nameEnd <= lastNameEnd) continue;
    lastNameEnd = nameEnd;
    KEYWORD.lastIndex = nameEnd;
    // `$http_authorization: …` mentions a variable (nginx, shell); it assigns nothing.
    if (text[nameStart - 1] === '$') continue;
    const kind = secretKindOfName(text.slice(nameStart, nameEnd));
    if (kind === null) continue;
    const value = valueAfter(text, nameStart, nameEnd);
    if (value === null) continue;
    // An accepted value is skipped whole (names inside it are part of the secret). A rejected
    // one (`${DB_PASS} token: abc`) is read again for assignments inside it, within budget.
    rescanBudget -= value.end - nameEnd;
    const skipValue = () => {
      KEYWORD.lastIndex =
        rescanBudget > 0 ? Math.max(nameEnd, value.start) : Math.max(nameEnd, value.end);
      lastNameEnd = KEYWORD.lastIndex;
    };
    if (!value.quoted && !unquoted) {
      skipValue();
      continue;
    }
    const raw = text.slice(value.start, value.end);
    const from = authSchemeLength(raw);
    const rejected =
      isNonSecretValue(raw, value.quoted, kind) ||
      // A PEM block is left to the private-key detector, which keeps its BEGIN/END lines.
      raw.startsWith('-----BEGIN ') ||
      // Three or more plain words after `name:` are a sentence in a comment or a log message.
      (!value.quoted && /^[A-Za-z]+(?:[ \t]+[A-Za-z,.()'-]+){2,}$/.test(raw)) ||
      // `Authorization: Bearer …`: the scheme word stays, the rest must be a value.
      (from > 0 && isNonSecretValue(raw.slice(from), value.quoted));
    if (rejected) {
      skipValue();
      continue;
    }
    KEYWORD.lastIndex = Math.max(nameEnd, value.end);
    lastNameEnd = KEYWORD.lastIndex;
    out.push({ start: value.start + from, end: value.end, kind, layer: 'generic' });
  }
  return out;
}

interface ValueRange {
  start: number;
  end: number;
  quoted: boolean;
}

/** The value assigned to the name at [nameStart, nameEnd), or null when none is assigned there. */
function valueAfter(text: string, nameStart: number, nameEnd: number): ValueRange | null {
  let i = nameEnd;
  const open = text[nameStart - 1];
  if ((open === '"' || open === "'") && text[i] === open) i++;
  while (text[i] === ' ' || text[i] === '\t') i++;
  let sep: string;
  if (text.startsWith(':=', i) || text.startsWith('=>', i) || text.startsWith('?=', i))
    sep = text.slice(i, i + 2);
  else if (text[i] === '=' && text[i + 1] !== '=') sep = '=';
  else if (text[i] === ':') sep = ':';
  else return null;
  i += sep.length;
  // `key:value` without a space is a YAML scalar or a `user:password` pair, not an assignment.
  if (sep === ':' && !(text[i] === ' ' || text[i] === '\t' || text[i] === '"' || text[i] === "'"))
    return null;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const q = text[i];
  if (q === '"' || q === "'" || q === '`') {
    const start = i + 1;
    let end = start;
    while (end < text.length && end - start < MAX_VALUE && text[end] !== q && text[end] !== '\n') {
      end += text[end] === '\\' ? 2 : 1;
    }
    if (end >= text.length || text[end] !== q) return null;
    return end > start ? { start, end, quoted: true } : null;
  }
  const start = i;
  let end = start;
  if (sep === ':') {
    // YAML-like: the value may hold spaces; it ends at a comment, a flow separator or the line end.
    while (end < text.length && end - start < MAX_VALUE) {
      const c = text[end]!;
      if (c === '\n' || c === '\r' || c === '}' || c === ']' || c === ';') break;
      // `, ` separates flow-mapping entries; a comma inside a word is part of the value.
      if (c === ',' && (end + 1 >= text.length || /\s/.test(text[end + 1]!))) break;
      if (c === '"' || c === "'" || c === '`') break;
      if (c === '#' && (text[end - 1] === ' ' || text[end - 1] === '\t')) break;
      end++;
    }
    while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  } else {
    while (end < text.length && end - start < MAX_VALUE && !WORD_END.has(text[end]!)) end++;
  }
  return end > start ? { start, end, quoted: false } : null;
}
