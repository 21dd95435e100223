import type { ParsedFile } from '../types.ts';

/**
 * The nginx syntax tree. Offsets are UTF-16 string offsets into the file's text (as JS strings
 * index), lines are 1-based. The tree is read-only: edits are text edits computed from these
 * offsets (see edit.ts), and the edited text is parsed again.
 */

/** One directive: `name args…;` or `name args… { … }`. */
export interface Directive {
  name: string;
  /**
   * Logical values as nginx sees them: quotes removed, `\"` `\'` `\\` unescaped and `\t` `\r`
   * `\n` turned into the control characters (ngx_conf_read_token); other escapes such as `\.`
   * or `\$` are kept with their backslash, because nginx keeps them too.
   */
  args: string[];
  /** 1-based line of the directive name. */
  line: number;
  /** 1-based line of the directive's last byte (`;` or the block's `}`). */
  endLine: number;
  /** Offset of the first byte of the name. */
  start: number;
  /** Offset just past `;` or the block's `}`; past the last argument when unterminated. */
  end: number;
  /** Offset just past the name. */
  nameEnd: number;
  /** Offsets of the raw argument text (first argument's first byte, last argument's end). */
  argsStart: number;
  argsEnd: number;
  block?: Block;
  file: string;
  /** The enclosing block's name ('http', 'server', 'location', 'if', …) or 'main' in this file. */
  context: string;
  /** The block holding this directive (the file's root block at top level). */
  parent: Block;
  /** The body of a `*_by_lua_block { … }`, kept verbatim (it is Lua, not nginx syntax). */
  raw?: string;
}

/** A `{ … }` body, or the file's top level (directive null, open/close -1). */
export interface Block {
  directive: Directive | null;
  children: Directive[];
  /** Offset of `{` (-1 for the top level). */
  open: number;
  /** Offset of the matching `}` (-1 for the top level or when the file ends first). */
  close: number;
  openLine: number;
  closeLine: number;
}

export interface Comment {
  /** Offset of `#`; the comment runs to the end of the line (the newline is not part of it). */
  start: number;
  end: number;
  line: number;
  text: string;
}

/** Token kinds of the lossless token stream. */
export const TOKEN = {
  space: 0,
  comment: 1,
  word: 2,
  semicolon: 3,
  open: 4,
  close: 5,
  raw: 6,
  /** A `{% … %}` / `{# … #}` template statement where a token could start. */
  template: 7,
} as const;

/**
 * Every byte of the input belongs to exactly one token; tokens are stored as parallel typed
 * arrays (kind, start) because a 10 MB config has millions of them. A token ends where the
 * next one starts.
 */
export interface TokenStream {
  count: number;
  kinds: Uint8Array;
  starts: Int32Array;
}

export interface NginxTree {
  root: Block;
  comments: Comment[];
  tokens: TokenStream;
}

export interface NginxFile extends ParsedFile<NginxTree> {
  /** Every directive of the file in document order (nested ones included). */
  directives(): Directive[];
}
