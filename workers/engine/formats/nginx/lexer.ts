import { TOKEN, type TokenStream } from './tree.ts';

/**
 * A lossless tokenizer following nginx's own (src/core/ngx_conf_file.c, ngx_conf_read_token),
 * so that what we call an argument is what nginx calls one:
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
 * The whole text is tokenized in one flat loop into typed arrays before the parser walks them:
 * keeping the scanner's state in locals made lexing about three times faster than a
 * token-at-a-time lexer object.
 */

/** ASCII characters that end or change an unquoted word: whitespace, `;`, `{`, `$`, `\`. */
const WORD_SPECIAL = new Uint8Array(128);
for (const c of ' \t\r\n;{$\\') WORD_SPECIAL[c.charCodeAt(0)] = 1;
const TEMPLATE_LOOKAHEAD = 160;
const LUA_BLOCK = '_by_lua_block';

export interface Tokens extends TokenStream {
  /** 1-based line of each token's first character. */
  lines: Int32Array;
  /** The line the text ends on. */
  lastLine: number;
  /** Words that start a statement: how many directives the parser will find. */
  statements: number;
  /**
   * Indexes of statement-first words that are quoted or hold a backslash (names whose value is
   * not their text), ascending; null when there are none, as in almost every real config.
   */
  oddNames: number[] | null;
}

/**
 * Tokenizes text[from, to). Problems (unterminated quotes, a byte order mark, a character glued
 * to a closing quote) go to `error` with their line; tokenizing never fails.
 */
export function tokenize(
  text: string,
  error: (line: number, message: string) => void,
  from = 0,
  to = text.length,
): Tokens {
  const t = text;
  const n = to;
  // Sized from the text (real configs hold about one token per 5–6 characters) so that large
  // inputs rarely pay for growing copies.
  let capacity = Math.max(16, Math.ceil((n - from) / 5));
  let kinds = new Uint8Array(capacity);
  let starts = new Int32Array(capacity);
  let lines = new Int32Array(capacity);
  let count = 0;
  let line = 1;
  let p = from;
  // The first word of the current statement (its name), for spotting `*_by_lua_block {`.
  let nameStart = -1;
  let nameEnd = -1;
  let statementStart = true;
  let statements = 0;
  let oddNames: number[] | null = null;

  while (p < n) {
    // Room for two tokens: `{` and the raw body of a Lua block are written in one step.
    if (count + 2 > capacity) {
      capacity = Math.ceil(capacity * 1.5);
      const k = new Uint8Array(capacity);
      k.set(kinds);
      kinds = k;
      const s = new Int32Array(capacity);
      s.set(starts);
      starts = s;
      const l = new Int32Array(capacity);
      l.set(lines);
      lines = l;
    }
    starts[count] = p;
    lines[count] = line;
    const c = t.charCodeAt(p);
    if (c === 32 || c === 10 || c === 9 || c === 13) {
      kinds[count++] = TOKEN.space;
      while (p < n) {
        const d = t.charCodeAt(p);
        if (d === 10) line++;
        else if (d !== 32 && d !== 9 && d !== 13) break;
        p++;
      }
      continue;
    }
    if (c === 35) {
      kinds[count++] = TOKEN.comment;
      const e = t.indexOf('\n', p);
      p = e < 0 || e > n ? n : e;
      continue;
    }
    if (c === 59 || c === 125) {
      kinds[count++] = c === 59 ? TOKEN.semicolon : TOKEN.close;
      p++;
      statementStart = true;
      continue;
    }
    if (c === 123) {
      const e = templateEnd(t, p, n);
      const q = t.charCodeAt(p + 1);
      if (e >= 0 && (q === 37 || q === 35)) {
        // A template statement or comment ({% if %}, {# note #}): no value, trivia like a comment.
        kinds[count++] = TOKEN.template;
        p = e;
        continue;
      }
      if (e < 0) {
        kinds[count++] = TOKEN.open;
        p++;
        if (!statementStart && isLuaBlock(t, nameStart, nameEnd)) {
          const bodyStart = p;
          const body = luaBodyEnd(t, p, n);
          for (let i = p; i < body; i++) if (t.charCodeAt(i) === 10) line++;
          p = body;
          if (p > bodyStart) {
            starts[count] = bodyStart;
            lines[count] = lines[count - 1] as number;
            kinds[count++] = TOKEN.raw;
          }
        }
        statementStart = true;
        continue;
      }
      // `{{ … }}` where a token could start: a word.
    }
    if (c === 0xfeff && p === 0) {
      // A byte order mark: kept (as trivia) so printing is lossless, but nginx would read it
      // as part of the first directive's name, so say so.
      kinds[count++] = TOKEN.space;
      error(
        1,
        'the file starts with a byte order mark (BOM): nginx reads it as part of the first directive name',
      );
      p++;
      continue;
    }
    // A word.
    kinds[count++] = TOKEN.word;
    const s = p;
    let plain = true;
    if (c === 34 || c === 39) {
      plain = false;
      p++;
      while (p < n) {
        const d = t.charCodeAt(p);
        if (d === 92) {
          if (t.charCodeAt(p + 1) === 10) line++;
          p += 2;
          continue;
        }
        if (d === c) break;
        if (d === 10) line++;
        p++;
      }
      if (p >= n) {
        error(
          lines[count - 1] as number,
          `unterminated quoted string (the ${c === 34 ? '"' : "'"} opened here is never closed)`,
        );
        p = n;
      } else {
        p++;
        if (p < n) {
          const d = t.charCodeAt(p);
          if (!(d === 32 || d === 9 || d === 10 || d === 13 || d === 59 || d === 123 || d === 41))
            error(line, `unexpected "${t[p]}" right after a quoted string (nginx wants a space)`);
        }
      }
    } else {
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
          plain = false;
          if (t.charCodeAt(p + 1) === 10) line++;
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
      if (p > n) p = n;
    }
    if (statementStart) {
      statements++;
      if (!plain) (oddNames ??= []).push(count - 1);
      nameStart = s;
      nameEnd = p;
      statementStart = false;
    }
  }
  return { count, kinds, starts, lines, lastLine: line, statements, oddNames };
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

function isLuaBlock(t: string, nameStart: number, nameEnd: number): boolean {
  if (nameEnd - nameStart < LUA_BLOCK.length) return false;
  if (t.startsWith(LUA_BLOCK, nameEnd - LUA_BLOCK.length)) return true;
  // A quoted or escaped name: compare what nginx would read.
  return (
    t.lastIndexOf(LUA_BLOCK, nameEnd) >= nameStart &&
    wordValue(t, nameStart, nameEnd).endsWith(LUA_BLOCK)
  );
}

/** End offset of a `{{ }}` / `{% %}` / `{# #}` placeholder starting at p, or -1. */
function templateEnd(t: string, p: number, n: number): number {
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

/**
 * Where the body of a `*_by_lua_block {` starting at p ends: at its matching `}` (skipping Lua
 * strings, long brackets and comments), or at n.
 */
function luaBodyEnd(t: string, start: number, n: number): number {
  let p = start;
  let depth = 0;
  while (p < n) {
    const c = t.charCodeAt(p);
    if (c === 123) {
      depth++;
      p++;
    } else if (c === 125) {
      if (depth === 0) break;
      depth--;
      p++;
    } else if (c === 34 || c === 39) {
      p++;
      while (p < n) {
        const d = t.charCodeAt(p);
        if (d === 92) p += 2;
        else if (d === c || d === 10) break;
        else p++;
      }
      if (p < n && t.charCodeAt(p) === c) p++;
    } else if (c === 45 && t.charCodeAt(p + 1) === 45) {
      const long = longBracket(t, p + 2);
      p = long >= 0 ? skipLong(t, p + 2, long) : lineEnd(t, p);
    } else if (c === 91) {
      const long = longBracket(t, p);
      p = long >= 0 ? skipLong(t, p, long) : p + 1;
    } else p++;
  }
  return Math.min(p, n);
}

/** The level of a Lua long bracket opening at p (`[[` is 0, `[=[` is 1), or -1. */
function longBracket(t: string, p: number): number {
  if (t.charCodeAt(p) !== 91) return -1;
  let i = p + 1;
  while (t.charCodeAt(i) === 61) i++;
  return t.charCodeAt(i) === 91 ? i - p - 1 : -1;
}

/** Skips a Lua long bracket `[==[ … ]==]` of the given level starting at p. */
function skipLong(t: string, p: number, level: number): number {
  const close = ']' + '='.repeat(level) + ']';
  const e = t.indexOf(close, p + level + 2);
  return e < 0 ? t.length : e + close.length;
}

function lineEnd(t: string, p: number): number {
  const e = t.indexOf('\n', p);
  return e < 0 ? t.length : e;
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
