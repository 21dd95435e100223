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
  /** Where token i ends: where the next one starts. */
  const end = (i: number): number => (i + 1 < count ? (starts[i + 1] as number) : text.length);

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

  // One pass over the tokens. `row` is the directive being read (-1 between directives);
  // its arguments are the words up to the `;`, `{` or `}` that ends it.
  let row = -1;
  let dName = '';
  let dLine = 0;
  let firstArg = -1;
  let lastArg = -1;
  let frame = stack[0] as Frame;
  /** Records the arguments of `row`; the directive then ends where they do unless `;`/`{` follows. */
  const endArgs = (): void => {
    if (firstArg < 0) return;
    const argsEnd = end(lastArg);
    table.set(row, COL.argsStart, starts[firstArg] as number);
    table.set(row, COL.argsEnd, argsEnd);
    table.set(row, COL.end, argsEnd);
    table.set(
      row,
      COL.endLine,
      lastArg + 1 < count ? (lines[lastArg + 1] as number) : tokens.lastLine,
    );
  };
  for (let i = 0; i < count; i++) {
    const k = kinds[i] as number;
    if (k === TOKEN.word) {
      if (row >= 0) {
        if (firstArg < 0) firstArg = i;
        lastArg = i;
        continue;
      }
      // A directive's name.
      const start = starts[i] as number;
      const nameEnd = end(i);
      while (odd < oddNames.length && (oddNames[odd] as number) < i) odd++;
      const id =
        oddNames[odd] === i
          ? table.internValue(wordValue(text, start, nameEnd))
          : table.internSpan(text, start, nameEnd);
      dName = table.names[id] as string;
      dLine = lines[i] as number;
      row = table.add(id, start, nameEnd, dLine, frame.row);
      link(row);
      firstArg = -1;
      continue;
    }
    if (k < TOKEN.word || k > TOKEN.close) continue; // space, comment, template
    const line = lines[i] as number;
    if (row >= 0) {
      endArgs();
      // Nested placement is checked here, once the directive is known to be a block or not.
      if (frame.row >= 0) checkNested(dName, k === TOKEN.open, dLine, frame.context, error);
    }
    if (k === TOKEN.semicolon) {
      if (row < 0) error(line, 'unexpected ";" (no directive before it)');
      else {
        table.set(row, COL.end, (starts[i] as number) + 1);
        table.set(row, COL.endLine, line);
      }
    } else if (k === TOKEN.open) {
      if (row < 0) {
        error(line, 'unexpected "{" (no directive before it)');
        frame = { row: frame.row, anonymous: true, context: frame.context, last: -1, line };
        stack.push(frame);
        i = tooDeep(stack, tokens, i, error);
        continue;
      }
      const open = starts[i] as number;
      const quantifier =
        table.get(row, COL.argsEnd) === open ? QUANTIFIER.exec(text.slice(open, open + 12)) : null;
      if (quantifier) {
        error(
          dLine,
          `the regex quantifier "${quantifier[0]}" is read by nginx as the start of a block: put the regex in quotes`,
        );
      }
      table.set(row, COL.open, open);
      table.set(row, COL.openLine, line);
      table.set(row, COL.closeLine, line);
      frame = { row, anonymous: false, context: dName, last: -1, line };
      stack.push(frame);
      if (dName.endsWith('_by_lua_block')) {
        // The tokenizer read the body as one raw token (absent when the body is empty).
        const raw = kinds[i + 1] === TOKEN.raw;
        table.raw.set(row, raw ? text.slice(starts[i + 1] as number, end(i + 1)) : '');
        if (raw) i++;
      } else i = tooDeep(stack, tokens, i, error);
    } else {
      if (row >= 0)
        error(dLine, `"${dName}" is not terminated by ";" before the "}" on line ${line}`);
      closeBlock(stack, table, tokens, i, error);
      frame = stack[stack.length - 1] as Frame;
    }
    row = -1;
  }
  if (row >= 0) {
    endArgs();
    if (frame.row >= 0) checkNested(dName, false, dLine, frame.context, error);
    error(dLine, `unexpected end of file: "${dName}" is not terminated by ";"`);
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
