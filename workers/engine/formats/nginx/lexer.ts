import { TOKEN, type Comment, type TokenStream } from './tree.ts';

/**
 * A lossless lexer following nginx's own tokenizer (src/core/ngx_conf_file.c,
 * ngx_conf_read_token), so that what we call an argument is what nginx calls one:
 *
 * - whitespace is space, tab, CR and LF; lines are counted on LF only (CRLF files work as is);
 * - `#` starts a comment only where a token could start (`a#b` is one word);
 * - an unquoted word ends at whitespace, `;` or `{` — not at `}` — except that `${` keeps
 *   going (`${var}`); a backslash makes the next character part of the word;
 * - quoted strings ('…' or "…") may span lines and hold `;{}#`; after the closing quote nginx
 *   wants whitespace, `;`, `{` or `)`.
 *
 * One deliberate extension: template placeholders `{{ … }}`, `{% … %}` and `{# … #}` closed on
 * the same line are read as part of a word (a `{% … %}` or `{# … #}` where a token could start
 * is trivia) (nginx would reject them; real repositories ship
 * such templates and users paste them). Every loop advances, and lookahead is bounded, so
 * lexing is linear in the input whatever it holds.
 */

export const EOF = -1;
/** ASCII characters that end or change an unquoted word: whitespace, `;`, `{`, `$`, `\\`. */
const WORD_SPECIAL = new Uint8Array(128);
for (const c of ' \t\r\n;{$\\') WORD_SPECIAL[c.charCodeAt(0)] = 1;
const TEMPLATE_LOOKAHEAD = 160;

export class Lexer {
  pos = 0;
  line = 1;
  /** The current significant token: kind, offsets, line and (for words) its logical value. */
  kind: number = EOF;
  start = 0;
  tokLine = 1;
  /** The current word's value is computed on demand (value()): most arguments are never read. */
  private vStart = 0;
  private vEnd = 0;
  private vEscaped = false;
  readonly comments: Comment[] = [];
  // Sized from the text (about one token per 6 characters in real configs) so that large
  // inputs rarely pay for growing copies.
  private kinds: Uint8Array;
  private starts: Int32Array;
  private count = 0;

  constructor(
    readonly text: string,
    private readonly error: (line: number, message: string) => void,
    start = 0,
    /** False to skip recording tokens (re-reading a directive's arguments). */
    private readonly record = true,
  ) {
    this.pos = start;
    const capacity = record ? Math.max(64, Math.ceil((text.length - start) / 6)) : 0;
    this.kinds = new Uint8Array(capacity);
    this.starts = new Int32Array(capacity);
  }

  tokens(): TokenStream {
    return { count: this.count, kinds: this.kinds, starts: this.starts };
  }

  private push(kind: number, start: number): void {
    if (!this.record) return;
    if (this.count === this.kinds.length) {
      const kinds = new Uint8Array(this.count * 2 + 64);
      kinds.set(this.kinds);
      this.kinds = kinds;
      const starts = new Int32Array(this.count * 2 + 64);
      starts.set(this.starts);
      this.starts = starts;
    }
    this.kinds[this.count] = kind;
    this.starts[this.count++] = start;
  }

  /** Advances to the next significant token (word, `;`, `{`, `}`) or EOF, recording trivia. */
  next(): number {
    const t = this.text;
    const n = t.length;
    let p = this.pos;
    for (;;) {
      if (p >= n) {
        this.pos = n;
        this.start = n;
        this.tokLine = this.line;
        return (this.kind = EOF);
      }
      const c = t.charCodeAt(p);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        this.push(TOKEN.space, p);
        while (p < n) {
          const d = t.charCodeAt(p);
          if (d === 10) this.line++;
          else if (d !== 32 && d !== 9 && d !== 13) break;
          p++;
        }
        continue;
      }
      if (c === 0xfeff && p === 0) {
        // A byte order mark: kept (as trivia) so printing is lossless, but nginx would read it
        // as part of the first directive's name, so say so.
        this.push(TOKEN.space, p);
        this.error(
          1,
          'the file starts with a byte order mark (BOM): nginx reads it as part of the first directive name',
        );
        p++;
        continue;
      }
      if (c === 35) {
        this.push(TOKEN.comment, p);
        let e = t.indexOf('\n', p);
        if (e < 0) e = n;
        // A CR before the LF belongs to the line break, not to the comment's text.
        const textEnd = e > p && t.charCodeAt(e - 1) === 13 ? e - 1 : e;
        this.comments.push({ start: p, end: textEnd, line: this.line, text: t.slice(p, textEnd) });
        p = e;
        continue;
      }
      if (c === 123) {
        // A template statement or comment ({% if %}, {# note #}) standing where a token could
        // start produces no value: it is trivia, like a comment.
        const q = t.charCodeAt(p + 1);
        const e = q === 37 || q === 35 ? this.templateEnd(p) : -1;
        if (e >= 0) {
          this.push(TOKEN.template, p);
          p = e;
          continue;
        }
      }
      this.start = p;
      this.tokLine = this.line;
      if (c === 59) return this.single(TOKEN.semicolon, p);
      if (c === 125) return this.single(TOKEN.close, p);
      if (c === 123 && this.templateEnd(p) < 0) return this.single(TOKEN.open, p);
      return this.word(p);
    }
  }

  /** The current word's logical value (quotes removed, escapes as nginx reads them). */
  value(): string {
    return unescape(this.text.slice(this.vStart, this.vEnd), this.vEscaped);
  }

  /** Whether the current word's value is its text as written (no quotes, no escapes). */
  plain(): boolean {
    return !this.vEscaped && this.vStart === this.start && this.vEnd === this.pos;
  }

  private setValue(start: number, end: number, escaped: boolean): void {
    this.vStart = start;
    this.vEnd = end;
    this.vEscaped = escaped;
  }

  private single(kind: number, p: number): number {
    this.push(kind, p);
    this.pos = p + 1;
    return (this.kind = kind);
  }

  /** End offset of a `{{ }}` / `{% %}` / `{# #}` placeholder starting at p, or -1. */
  private templateEnd(p: number): number {
    const t = this.text;
    const q = t.charCodeAt(p + 1);
    let closer: number;
    if (q === 123) closer = 125;
    else if (q === 37 || q === 35) closer = q;
    else return -1;
    const limit = Math.min(t.length - 1, p + TEMPLATE_LOOKAHEAD);
    for (let i = p + 2; i < limit; i++) {
      const d = t.charCodeAt(i);
      // Placeholders are short and hold no `{`: stopping there keeps `{{{{…` linear and cheap.
      if (d === 10 || d === 123) return -1;
      if (d === closer && t.charCodeAt(i + 1) === 125) return i + 2;
    }
    return -1;
  }

  private word(s: number): number {
    const t = this.text;
    const n = t.length;
    let p = s;
    let escaped = false;
    const q = t.charCodeAt(p);
    this.push(TOKEN.word, s);
    if (q === 34 || q === 39) {
      p++;
      while (p < n) {
        const d = t.charCodeAt(p);
        if (d === 92) {
          escaped = true;
          if (t.charCodeAt(p + 1) === 10) this.line++;
          p += 2;
          continue;
        }
        if (d === q) break;
        if (d === 10) this.line++;
        p++;
      }
      if (p >= n) {
        this.error(
          this.tokLine,
          `unterminated quoted string (the ${q === 34 ? '"' : "'"} opened here is never closed)`,
        );
        this.setValue(s + 1, n, escaped);
        this.pos = n;
        return (this.kind = TOKEN.word);
      }
      this.setValue(s + 1, p, escaped);
      p++;
      if (p < n) {
        const d = t.charCodeAt(p);
        if (!(d === 32 || d === 9 || d === 10 || d === 13 || d === 59 || d === 123 || d === 41)) {
          this.error(
            this.line,
            `unexpected "${t[p]}" right after a quoted string (nginx wants a space)`,
          );
        }
      }
      this.pos = p;
      return (this.kind = TOKEN.word);
    }
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
        escaped = true;
        if (t.charCodeAt(p + 1) === 10) this.line++;
        p += 2;
        continue;
      }
      if (d === 123) {
        const e = this.templateEnd(p);
        if (e < 0) break;
        p = e;
        continue;
      }
      break; // whitespace or `;`
    }
    if (p > n) p = n;
    this.setValue(s, p, escaped);
    this.pos = p;
    return (this.kind = TOKEN.word);
  }

  /**
   * Reads the body of a `*_by_lua_block {` as raw text up to its matching `}` (skipping Lua
   * strings, long brackets and comments), leaving the lexer on that `}`. Returns the body.
   */
  rawLua(): string {
    const t = this.text;
    const n = t.length;
    const s = this.pos;
    let p = s;
    let depth = 0;
    while (p < n) {
      const c = t.charCodeAt(p);
      if (c === 10) {
        this.line++;
        p++;
      } else if (c === 123) {
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
        p = long >= 0 ? this.skipLong(p + 2, long) : lineEnd(t, p);
      } else if (c === 91) {
        const long = longBracket(t, p);
        p = long >= 0 ? this.skipLong(p, long) : p + 1;
      } else p++;
    }
    if (p > n) p = n;
    if (p > s) this.push(TOKEN.raw, s);
    this.pos = p;
    return t.slice(s, p);
  }

  /** Skips a Lua long bracket `[==[ … ]==]` of the given level starting at p. */
  private skipLong(p: number, level: number): number {
    const t = this.text;
    const close = ']' + '='.repeat(level) + ']';
    const e = t.indexOf(close, p + level + 2);
    const end = e < 0 ? t.length : e + close.length;
    for (let i = p; i < end; i++) if (t.charCodeAt(i) === 10) this.line++;
    return end;
  }
}

/** The level of a Lua long bracket opening at p (`[[` is 0, `[=[` is 1), or -1. */
function longBracket(t: string, p: number): number {
  if (t.charCodeAt(p) !== 91) return -1;
  let i = p + 1;
  while (t.charCodeAt(i) === 61) i++;
  return t.charCodeAt(i) === 91 ? i - p - 1 : -1;
}

function lineEnd(t: string, p: number): number {
  const e = t.indexOf('\n', p);
  return e < 0 ? t.length : e;
}

/** nginx's unescaping of a word (see Directive.args). */
export function unescape(raw: string, escaped: boolean): string {
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
