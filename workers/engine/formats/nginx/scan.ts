/**
 * Scanning nginx config text as nginx's own tokenizer does (src/core/ngx_conf_file.c,
 * ngx_conf_read_token), so that what we call an argument is what nginx calls one:
 *
 * - whitespace is space, tab, CR and LF; lines are counted on LF only (CRLF files work as is);
 * - `#` starts a comment only where a token could start (`a#b` is one word);
 * - an unquoted word ends at whitespace, `;` or `{` — not at `}` — except that `${` keeps
 *   going (`${var}`); a backslash makes the next character part of the word;
 * - quoted strings ('…' or "…") may span lines and hold `;{}#`; after the closing quote nginx
 *   wants whitespace, `;`, `{` or `)`;
 * - the body of a `*_by_lua_block { … }` is one raw token up to its matching `}` (it is Lua).
 *
 * One deliberate extension: template placeholders `{{ … }}`, `{% … %}` and `{# … #}` closed on
 * the same line are read as part of a word (a `{% … %}` or `{# … #}` where a token could start
 * is trivia): nginx would reject them, but real repositories ship such templates and users
 * paste them. Every loop advances, and lookahead is bounded, so lexing is linear in the input
 * whatever it holds.
 *
 * The scanners here (spaceEnd, wordEnd, templateEnd, …; Lua bodies in lua.ts) are shared by two
 * loops: the parser's (read.ts), which reads the text once and records directives without
 * storing tokens, and tokenize() (lexer.ts), which lists every token for callers that want the
 * stream.
 */

/** ASCII characters that end or change an unquoted word: whitespace, `;`, `{`, `$`, `\\`. */
export const WORD_SPECIAL = new Uint8Array(128);
for (const c of ' \t\r\n;{$\\') WORD_SPECIAL[c.charCodeAt(0)] = 1;
const TEMPLATE_LOOKAHEAD = 160;

/**
 * What the last scanner call saw besides where its token ends: the line feeds inside it (also in
 * a quoted string spanning lines, or after a backslash) and, for a word, whether it held a
 * backslash or quote (its value is then not its text). Set by each scanner: returning an object
 * per token instead would allocate millions of them.
 */
export const scanned = { lines: 0, escaped: false };

/** Where problems go, with the 1-based line they are on. */
export type Report = (line: number, message: string) => void;

/** Where a run of whitespace starting at p ends; counts its line feeds into `scanned.lines`. */
export function spaceEnd(t: string, p: number, n: number): number {
  let lines = 0;
  while (p < n) {
    const d = t.charCodeAt(p);
    if (d === 10) lines++;
    else if (d !== 32 && d !== 9 && d !== 13) break;
    p++;
  }
  scanned.lines = lines;
  return p;
}

/** Where a `#` comment starting at p ends: at its line feed (not included), or at n. */
export function commentEnd(t: string, p: number, n: number): number {
  const e = t.indexOf('\n', p);
  return e < 0 || e > n ? n : e;
}

/** A `{% … %}` or `{# … #}` where a token could start is trivia, like a comment. */
export function isTemplateTrivia(t: string, p: number): boolean {
  const q = t.charCodeAt(p + 1);
  return q === 37 || q === 35;
}

/**
 * nginx would read a byte order mark as part of the first directive's name; it is kept (as
 * trivia) so printing is lossless, and reported.
 */
export function byteOrderMark(error: Report): void {
  error(
    1,
    'the file starts with a byte order mark (BOM): nginx reads it as part of the first directive name',
  );
}

/**
 * Where the word starting at p ends (quoted or not); `line` is the line it starts on, for
 * errors. Sets `scanned`.
 */
export function wordEnd(t: string, p: number, n: number, line: number, error: Report): number {
  const c = t.charCodeAt(p);
  if (c === 34 || c === 39) return quotedEnd(t, p, n, line, error);
  scanned.lines = 0;
  scanned.escaped = false;
  return bareWordEnd(t, p, n);
}

/**
 * Where the unquoted word starting at p ends: at whitespace, `;` or a `{` that is not part of
 * `${` or of a template placeholder. Adds to `scanned` (wordEnd resets it).
 */
function bareWordEnd(t: string, p: number, n: number): number {
  while (p < n) {
    const d = t.charCodeAt(p);
    // Most characters of a word are ordinary: one table lookup decides.
    if (d >= 128 || WORD_SPECIAL[d] === 0) {
      p++;
      continue;
    }
    if (d === 36) {
      // `${var}`: a `{` right after `$` is part of the word.
      p++;
      while (t.charCodeAt(p) === 123) p++;
      continue;
    }
    if (d === 92) {
      scanned.escaped = true;
      if (t.charCodeAt(p + 1) === 10) scanned.lines++;
      p += 2;
      continue;
    }
    if (d === 123) {
      const e = templateEnd(t, p, n);
      if (e < 0) break;
      p = e;
      continue;
    }
    break; // whitespace or `;`
  }
  return p > n ? n : p;
}

/**
 * Where the quoted string opening at p ends (past its closing quote, or n when it is never
 * closed: reported). Sets `scanned`.
 */
function quotedEnd(t: string, p: number, n: number, line: number, error: Report): number {
  const c = t.charCodeAt(p);
  let lines = 0;
  p++;
  while (p < n) {
    const d = t.charCodeAt(p);
    if (d === 92) {
      if (t.charCodeAt(p + 1) === 10) lines++;
      p += 2;
      continue;
    }
    if (d === c) break;
    if (d === 10) lines++;
    p++;
  }
  scanned.lines = lines;
  scanned.escaped = true;
  if (p >= n) {
    error(
      line,
      `unterminated quoted string (the ${c === 34 ? '"' : "'"} opened here is never closed)`,
    );
    return n;
  }
  p++;
  if (p < n) {
    const d = t.charCodeAt(p);
    if (!(d === 32 || d === 9 || d === 10 || d === 13 || d === 59 || d === 123 || d === 41))
      error(line + lines, `unexpected "${t[p]}" right after a quoted string (nginx wants a space)`);
  }
  return p;
}

/** End offset of a `{{ }}` / `{% %}` / `{# #}` placeholder starting at p, or -1. */
export function templateEnd(t: string, p: number, n: number): number {
  const q = t.charCodeAt(p + 1);
  let closer: number;
  if (q === 123) closer = 125;
  else if (q === 37 || q === 35) closer = q;
  else return -1;
  const limit = Math.min(n - 1, p + TEMPLATE_LOOKAHEAD);
  for (let i = p + 2; i < limit; i++) {
    const d = t.charCodeAt(i);
    // Placeholders are short and hold no `{`: stopping there keeps `{{{{…` linear and cheap.
    if (d === 10 || d === 123) return -1;
    if (d === closer && t.charCodeAt(i + 1) === 125) return i + 2;
  }
  return -1;
}

/** The logical value of the word token text[start, end): quotes removed, escapes as nginx reads them. */
export function wordValue(text: string, start: number, end: number): string {
  const q = text.charCodeAt(start);
  if (q !== 34 && q !== 39) {
    const raw = text.slice(start, end);
    return unescape(raw, raw.includes('\\'));
  }
  let p = start + 1;
  let escaped = false;
  while (p < end) {
    const d = text.charCodeAt(p);
    if (d === 92) {
      escaped = true;
      p += 2;
      continue;
    }
    if (d === q) break;
    p++;
  }
  return unescape(text.slice(start + 1, Math.min(p, end)), escaped);
}

/** nginx's unescaping of a word (see Directive.args). */
function unescape(raw: string, escaped: boolean): string {
  if (!escaped) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const d = raw[i + 1];
      if (d === '"' || d === "'" || d === '\\') {
        out += d;
        i++;
        continue;
      }
      if (d === 't' || d === 'r' || d === 'n') {
        out += d === 't' ? '\t' : d === 'r' ? '\r' : '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}
