/**
 * The whole token stream of a config: every byte of the text in exactly one token (space,
 * comment, word, `;`, `{`, `}`, a Lua body, a template statement). The parser does not need it
 * (read.ts reads the text directly); it is built when a caller asks for tokens, comments or a
 * directive's arguments, with the same scanners (scan.ts, lua.ts), so both read the text alike.
 */
import { TOKEN, type TokenStream } from './tree.ts';
import { isLuaBlock, luaBodyEnd } from './lua.ts';
import {
  byteOrderMark,
  commentEnd,
  isTemplateTrivia,
  scanned,
  spaceEnd,
  templateEnd,
  wordEnd,
  type Report,
} from './scan.ts';

export interface Tokens extends TokenStream {
  /** 1-based line of each token's first character. */
  lines: Int32Array;
}

/**
 * Tokenizes text[from, to). Problems (unterminated quotes, a byte order mark, a character glued
 * to a closing quote) go to `error` with their line; tokenizing never fails. The parser reads
 * the text with the same scanners in its own loop (read.ts); this stream is built only when a
 * caller asks for tokens, comments or a directive's arguments.
 */
export function tokenize(text: string, error: Report, from = 0, to = text.length): Tokens {
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
      p = spaceEnd(t, p, n);
      line += scanned.lines;
      continue;
    }
    if (c === 35) {
      kinds[count++] = TOKEN.comment;
      p = commentEnd(t, p, n);
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
      if (e >= 0 && isTemplateTrivia(t, p)) {
        kinds[count++] = TOKEN.template;
        p = e;
        continue;
      }
      if (e < 0) {
        kinds[count++] = TOKEN.open;
        p++;
        if (!statementStart && isLuaBlock(t, nameStart, nameEnd)) {
          const bodyStart = p;
          p = luaBodyEnd(t, p, n);
          line += scanned.lines;
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
      kinds[count++] = TOKEN.space;
      byteOrderMark(error);
      p++;
      continue;
    }
    kinds[count++] = TOKEN.word;
    const s = p;
    p = wordEnd(t, p, n, line, error);
    line += scanned.lines;
    if (statementStart) {
      nameStart = s;
      nameEnd = p;
      statementStart = false;
    }
  }
  return { count, kinds, starts, lines };
}
