import type { FileError } from '../../model.ts';
import type { Setting } from '../types.ts';
import { TreeNodes } from './directive.ts';
import { tokenize, wordValue, type Tokens } from './lexer.ts';
import { checkNested, checkTop } from './placement.ts';
import { collectSettings } from './settings.ts';
import { COL, DirectiveTable } from './table.ts';
import {
  TOKEN,
  type Comment,
  type Directive,
  type NginxFile,
  type NginxTree,
  type TokenStream,
} from './tree.ts';

/** At most this many errors are kept per file: adversarial input must not allocate millions. */
const MAX_ERRORS = 50;
/** Deepest block nesting parsed (nginx configs rarely pass 6). */
const MAX_DEPTH = 64;
/** `{2}`, `{2,}`, `{2,4}` right after an argument: a regex quantifier nginx takes for a block. */
const QUANTIFIER = /^\{\d+(,\d*)?\}/;

interface Frame {
  /** The block's directive row; -1 for the top of the file (and anonymous blocks there). */
  row: number;
  /** A `{` with no directive before it: its children go to the enclosing block. */
  anonymous: boolean;
  context: string;
  /** The last child row added to this block so far, -1 for none. */
  last: number;
  /** Line of the `{`. */
  line: number;
}

/**
 * Parses an nginx config losslessly. Never throws: unbalanced braces, unterminated quotes,
 * stray `;`/`{`/`}` and non-nginx text give located errors (1-based lines) and a partial tree.
 * The parser is iterative (an explicit stack), so 1 MB of `{` does not overflow the call stack.
 * It writes rows (table.ts); the Directive objects are built from them when a caller asks.
 */
export function parseNginx(name: string, text: string): NginxFile {
  const errors: FileError[] = [];
  let dropped = 0;
  const error = (line: number, message: string): void => {
    if (errors.length < MAX_ERRORS) errors.push({ line, message });
    else dropped++;
  };
  const tokens = tokenize(text, error);
  const { count, kinds, starts, lines } = tokens;
  const oddNames = tokens.oddNames ?? [];
  let odd = 0;
  /** The next significant token (word, `;`, `{`, `}`) at or after i; `count` at the end. */
  const next = (i: number): number => {
    while (i < count) {
      const k = kinds[i] as number;
      if (k >= TOKEN.word && k <= TOKEN.close) break;
      i++;
    }
    return i;
  };
  /** Where token i ends: where the next one starts. */
  const end = (i: number): number => (i + 1 < count ? (starts[i + 1] as number) : text.length);
  /** The line at the end of token i. */
  const lineAfter = (i: number): number =>
    i + 1 < count ? (lines[i + 1] as number) : tokens.lastLine;

  const table = new DirectiveTable(tokens.statements);
  const stack: Frame[] = [{ row: -1, anonymous: false, context: 'main', last: -1, line: 1 }];
  let firstTop = -1;

  /** Links a new row as the last child of the innermost named block. */
  const link = (row: number): void => {
    let f = stack.length - 1;
    while ((stack[f] as Frame).anonymous) f--;
    const frame = stack[f] as Frame;
    if (frame.last >= 0) table.set(frame.last, COL.nextSibling, row);
    else if (frame.row >= 0) table.set(frame.row, COL.firstChild, row);
    else firstTop = row;
    frame.last = row;
  };

  let i = next(0);
  while (i < count) {
    const frame = stack[stack.length - 1] as Frame;
    const k = kinds[i] as number;
    const line = lines[i] as number;
    if (k === TOKEN.semicolon) {
      error(line, 'unexpected ";" (no directive before it)');
      i = next(i + 1);
      continue;
    }
    if (k === TOKEN.open) {
      error(line, 'unexpected "{" (no directive before it)');
      stack.push({ row: frame.row, anonymous: true, context: frame.context, last: -1, line });
      i = next(tooDeep(stack, tokens, i, error) + 1);
      continue;
    }
    if (k === TOKEN.close) {
      closeBlock(stack, table, tokens, i, error);
      i = next(i + 1);
      continue;
    }
    // A word: a directive's name, then its arguments up to `;` or `{`.
    const start = starts[i] as number;
    const nameEnd = end(i);
    while (odd < oddNames.length && (oddNames[odd] as number) < i) odd++;
    const id =
      oddNames[odd] === i
        ? table.internValue(wordValue(text, start, nameEnd))
        : table.internSpan(text, start, nameEnd);
    const dName = table.names[id] as string;
    const row = table.add(id, start, nameEnd, line, frame.row);
    link(row);
    i = next(i + 1);
    if (i < count && kinds[i] === TOKEN.word) {
      table.set(row, COL.argsStart, starts[i] as number);
      let last = i;
      while (i < count && kinds[i] === TOKEN.word) {
        last = i;
        i = next(i + 1);
      }
      table.set(row, COL.argsEnd, end(last));
      table.set(row, COL.end, end(last));
      table.set(row, COL.endLine, lineAfter(last));
    }
    const k2 = i < count ? (kinds[i] as number) : -1;
    // Nested placement is checked here, once the directive is known to be a block or not.
    if (frame.row >= 0) checkNested(dName, k2 === TOKEN.open, line, frame.context, error);
    if (k2 === TOKEN.semicolon) {
      table.set(row, COL.end, (starts[i] as number) + 1);
      table.set(row, COL.endLine, lines[i] as number);
      i = next(i + 1);
    } else if (k2 === TOKEN.open) {
      const open = starts[i] as number;
      const quantifier =
        table.get(row, COL.argsEnd) === open ? QUANTIFIER.exec(text.slice(open, open + 12)) : null;
      if (quantifier) {
        error(
          line,
          `the regex quantifier "${quantifier[0]}" is read by nginx as the start of a block: put the regex in quotes`,
        );
      }
      table.set(row, COL.open, open);
      table.set(row, COL.openLine, lines[i] as number);
      table.set(row, COL.closeLine, lines[i] as number);
      stack.push({ row, anonymous: false, context: dName, last: -1, line: lines[i] as number });
      if (dName.endsWith('_by_lua_block')) {
        // The tokenizer read the body as one raw token (absent when the body is empty).
        const raw = kinds[i + 1] === TOKEN.raw;
        table.raw.set(row, raw ? text.slice(starts[i + 1] as number, end(i + 1)) : '');
        i = next(i + (raw ? 2 : 1));
      } else i = next(tooDeep(stack, tokens, i, error) + 1);
    } else if (k2 === TOKEN.close) {
      error(line, `"${dName}" is not terminated by ";" before the "}" on line ${lines[i]}`);
    } else {
      error(line, `unexpected end of file: "${dName}" is not terminated by ";"`);
    }
  }
  for (let f = stack.length - 1; f > 0; f--) {
    const frame = stack[f] as Frame;
    const row = frame.row;
    const what = frame.anonymous ? 'block' : `"${table.name(row)}" block`;
    error(
      frame.line,
      `unexpected end of file: the ${what} opened on line ${frame.line} is never closed (expecting "}")`,
    );
    if (!frame.anonymous) {
      table.set(row, COL.end, text.length);
      table.set(row, COL.endLine, tokens.lastLine);
    }
  }
  const nodes = new TreeNodes(table, { name, text }, firstTop);
  checkTop(nodes.root, error);
  // Errors in line order (placement errors are found at different times than syntax errors).
  errors.sort((a, b) => a.line - b.line);
  // Text where not one directive is complete with a plausible (unquoted, identifier) name is
  // most likely not nginx at all: say so first, rather than only listing syntax errors.
  if (errors.length > 0 && !hasPlausibleDirective(table, text)) {
    errors.unshift({
      line: 1,
      message: 'no complete nginx directive found: is this an nginx config?',
    });
    if (errors.length > MAX_ERRORS) {
      errors.pop();
      dropped++;
    }
  }
  if (dropped > 0) errors.push({ line: tokens.lastLine, message: `… and ${dropped} more errors` });
  let comments: Comment[] | undefined;
  const tree: NginxTree = {
    get root() {
      return nodes.root;
    },
    get comments() {
      return (comments ??= collectComments(text, tokens));
    },
    tokens,
  };
  return makeFile(name, text, errors, tree, nodes);
}

/** The comments of the token stream (a comment's text stops before a CR ending its line). */
function collectComments(text: string, tokens: Tokens): Comment[] {
  const out: Comment[] = [];
  for (let i = 0; i < tokens.count; i++) {
    if (tokens.kinds[i] !== TOKEN.comment) continue;
    const start = tokens.starts[i] as number;
    let e = i + 1 < tokens.count ? (tokens.starts[i + 1] as number) : text.length;
    if (e > start && text.charCodeAt(e - 1) === 13) e--;
    out.push({ start, end: e, line: tokens.lines[i] as number, text: text.slice(start, e) });
  }
  return out;
}

function hasPlausibleDirective(table: DirectiveTable, text: string): boolean {
  for (let row = 0; row < table.count; row++) {
    const start = table.get(row, COL.start);
    if (
      table.get(row, COL.end) > table.get(row, COL.argsEnd) &&
      /^[a-z_][a-z0-9_]*$/i.test(table.name(row)) &&
      text[start] !== '"' &&
      text[start] !== "'"
    )
      return true;
  }
  return false;
}

/**
 * Real configs nest a handful of blocks; past MAX_DEPTH a block's body is skipped (braces still
 * matched, so the rest of the file parses) and reported once. This keeps adversarial input such
 * as 1 MB of `a {` cheap. Returns the index of the matching `}` (or of the last token) when it
 * skipped, else the index of the `{` it was given.
 */
function tooDeep(
  stack: Frame[],
  tokens: Tokens,
  open: number,
  error: (line: number, message: string) => void,
): number {
  if (stack.length <= MAX_DEPTH) return open;
  if (stack.length === MAX_DEPTH + 1) {
    error(
      tokens.lines[open] as number,
      `blocks nested more than ${MAX_DEPTH} deep: the body of this one is not parsed`,
    );
  }
  let depth = 1;
  for (let i = open + 1; i < tokens.count; i++) {
    const k = tokens.kinds[i];
    if (k === TOKEN.open) depth++;
    else if (k === TOKEN.close && --depth === 0) return i - 1;
  }
  return tokens.count;
}

function closeBlock(
  stack: Frame[],
  table: DirectiveTable,
  tokens: Tokens,
  i: number,
  error: (line: number, message: string) => void,
): void {
  const line = tokens.lines[i] as number;
  if (stack.length === 1) {
    error(line, 'unexpected "}" (no block is open here)');
    return;
  }
  const frame = stack.pop() as Frame;
  if (frame.anonymous) return;
  const row = frame.row;
  const close = tokens.starts[i] as number;
  table.set(row, COL.close, close);
  table.set(row, COL.closeLine, line);
  table.set(row, COL.end, close + 1);
  table.set(row, COL.endLine, line);
}

function makeFile(
  name: string,
  text: string,
  errors: FileError[],
  tree: NginxTree,
  nodes: TreeNodes,
): NginxFile {
  let all: Directive[] | null = null;
  let settings: Setting[] | null = null;
  return {
    name,
    kind: 'nginx',
    text,
    errors,
    tree,
    print: () => printTokens(text, tree.tokens),
    settings: () => (settings ??= collectSettings(tree.root)),
    directives: () => (all ??= nodes.all()),
  };
}

/**
 * Prints the token stream: every token's bytes in order, so an unedited tree gives `text` back.
 * A token runs from its start to the next token's start, so when the first starts at 0 and the
 * starts strictly increase, the concatenation is exactly `text` and is returned without copying
 * 10 MB; otherwise (a lexer bug) the tokens are concatenated as they are and the difference shows.
 */
export function printTokens(text: string, tokens: TokenStream): string {
  const starts = tokens.starts;
  const count = tokens.count;
  let ordered = count === 0 ? text === '' : starts[0] === 0;
  for (let i = 1; ordered && i < count; i++)
    ordered = (starts[i] as number) > (starts[i - 1] as number);
  if (ordered) return text;
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const end = i + 1 < count ? (starts[i + 1] as number) : text.length;
    parts.push(text.slice(starts[i] as number, Math.max(starts[i] as number, end)));
  }
  return parts.join('');
}
