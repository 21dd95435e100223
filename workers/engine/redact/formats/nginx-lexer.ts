/**
 * Just enough of nginx's tokenizer to know which words belong to which directive: words,
 * quoted strings (with backslash escapes), `#` comments at the start of a word, and the `;`,
 * `{`, `}` that end statements. It never fails: an unterminated quote ends at the end of the
 * text. `*_by_lua_block { … }` bodies are Lua, so they are skipped by brace counting.
 * Not the real parser (workers/engine/formats/nginx): redaction must not wait for it or trust it
 * with half a config.
 */

export interface Word {
  /** The word without its quotes (escapes kept as written). */
  text: string;
  /** Offsets of `text` in the source (inside the quotes for a quoted word). */
  start: number;
  end: number;
  quoted: boolean;
}

export interface Statement {
  words: Word[];
  /** What ended it: `;`, `{` (a block opens), or `` when the text ended. */
  end: ';' | '{' | '';
  /** Directive of the innermost enclosing block (`map`, `server`, …), '' at top level. */
  parent: string;
  /** The first words of the statement that opened the innermost block. */
  parentWords: Word[];
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const HASH = 35;
const SEMI = 59;
const OPEN = 123;
const CLOSE = 125;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const DOLLAR = 36;

/** Char codes keep the scan allocation-free: a 5 MB config is one pass over numbers. */
function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

/**
 * Every statement of `text`, in order. With `visit`, each is handed over as it ends and nothing
 * is kept (a large config then costs no more memory than its largest statement).
 */
export function nginxStatements(text: string, visit?: (st: Statement) => void): Statement[] {
  const out: Statement[] = [];
  const stack: Statement[] = [];
  // The open blocks' directive names, lower-cased once per block rather than per statement.
  const names: string[] = [];
  let words: Word[] = [];
  let i = 0;
  const n = text.length;
  const finish = (end: ';' | '{' | '') => {
    if (words.length === 0) return null;
    const parent = stack[stack.length - 1];
    const st: Statement = {
      words,
      end,
      parent: parent ? names[names.length - 1]! : '',
      parentWords: parent ? parent.words : [],
    };
    if (visit) visit(st);
    else out.push(st);
    words = [];
    return st;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === HASH) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === SEMI) {
      finish(';');
      i++;
    } else if (c === OPEN) {
      const st = finish('{');
      i++;
      if (st && /_by_lua_block$/i.test(st.words[0]!.text)) {
        i = skipLuaBlock(text, i);
      } else if (st) {
        stack.push(st);
        names.push(st.words[0]!.text.toLowerCase());
      }
    } else if (c === CLOSE) {
      finish('');
      stack.pop();
      names.pop();
      i++;
    } else if (c === DQUOTE || c === SQUOTE) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === c) break;
        j += d === BACKSLASH ? 2 : 1;
      }
      const end = Math.min(j, n);
      words.push({ text: text.slice(i + 1, end), start: i + 1, end, quoted: true });
      i = end + 1;
    } else {
      let j = i;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isSpace(d) || d === SEMI || d === OPEN || d === CLOSE) break;
        // `${var}` inside a word: its braces are not blocks.
        if (d === DOLLAR && text.charCodeAt(j + 1) === OPEN) {
          const close = text.slice(j, j + 256).indexOf('}');
          j = close < 0 ? j + 2 : j + close + 1;
          continue;
        }
        j += d === BACKSLASH ? 2 : 1;
      }
      j = Math.min(j, n);
      words.push({ text: text.slice(i, j), start: i, end: j, quoted: false });
      i = j;
    }
  }
  finish('');
  return out;
}

/** Returns the offset after the `}` closing a Lua block that starts at `i` (after its `{`). */
function skipLuaBlock(text: string, i: number): number {
  let depth = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = Math.min(j, n - 1);
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl;
    }
    i++;
  }
  return n;
}
