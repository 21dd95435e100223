import type { FileError } from '../../model.ts';
import type { Setting } from '../types.ts';
import { TreeNodes } from './directive.ts';
import { EOF, Lexer } from './lexer.ts';
import { checkNested, checkTop } from './placement.ts';
import { collectSettings } from './settings.ts';
import { COL, DirectiveTable } from './table.ts';
import { TOKEN, type Directive, type NginxFile, type NginxTree, type TokenStream } from './tree.ts';

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
  const lx = new Lexer(text, error);
  // Real configs hold about one directive per 40 characters.
  const table = new DirectiveTable((text.length >> 5) + 16);
  const stack: Frame[] = [{ row: -1, anonymous: false, context: 'main', last: -1, line: 1 }];
  let firstTop = -1;

  /** Links a new row as the last child of the innermost named block. */
  const link = (row: number): void => {
    let i = stack.length - 1;
    while ((stack[i] as Frame).anonymous) i--;
    const frame = stack[i] as Frame;
    if (frame.last >= 0) table.set(frame.last, COL.nextSibling, row);
    else if (frame.row >= 0) table.set(frame.row, COL.firstChild, row);
    else firstTop = row;
    frame.last = row;
  };

  let k = lx.next();
  while (k !== EOF) {
    const frame = stack[stack.length - 1] as Frame;
    if (k === TOKEN.semicolon) {
      error(lx.tokLine, 'unexpected ";" (no directive before it)');
      k = lx.next();
      continue;
    }
    if (k === TOKEN.open) {
      error(lx.tokLine, 'unexpected "{" (no directive before it)');
      stack.push({
        row: frame.row,
        anonymous: true,
        context: frame.context,
        last: -1,
        line: lx.tokLine,
      });
      k = tooDeep(stack, lx, error) ? lx.kind : lx.next();
      continue;
    }
    if (k === TOKEN.close) {
      closeBlock(stack, table, lx, error);
      k = lx.next();
      continue;
    }
    // A word: a directive's name, then its arguments up to `;` or `{`.
    const id = table.intern(text, lx.start, lx.pos, lx.plain() ? undefined : lx.value());
    const dName = table.names[id] as string;
    const dLine = lx.tokLine;
    const row = table.add(id, lx.start, lx.pos, dLine, frame.row);
    link(row);
    k = lx.next();
    if (k === TOKEN.word) {
      table.set(row, COL.argsStart, lx.start);
      while (k === TOKEN.word) {
        table.set(row, COL.argsEnd, lx.pos);
        table.set(row, COL.end, lx.pos);
        table.set(row, COL.endLine, lx.line);
        k = lx.next();
      }
    }
    // Nested placement is checked here, once the directive is known to be a block or not.
    if (frame.row >= 0) checkNested(dName, k === TOKEN.open, dLine, frame.context, error);
    if (k === TOKEN.semicolon) {
      table.set(row, COL.end, lx.pos);
      table.set(row, COL.endLine, lx.tokLine);
      k = lx.next();
    } else if (k === TOKEN.open) {
      if (
        table.get(row, COL.argsEnd) === lx.start &&
        QUANTIFIER.test(text.slice(lx.start, lx.start + 12))
      ) {
        error(
          dLine,
          `the regex quantifier "${(QUANTIFIER.exec(text.slice(lx.start, lx.start + 12)) as RegExpExecArray)[0]}" ` +
            'is read by nginx as the start of a block: put the regex in quotes',
        );
      }
      table.set(row, COL.open, lx.start);
      table.set(row, COL.openLine, lx.tokLine);
      table.set(row, COL.closeLine, lx.tokLine);
      stack.push({ row, anonymous: false, context: dName, last: -1, line: lx.tokLine });
      const lua = dName.endsWith('_by_lua_block');
      if (lua) table.raw.set(row, lx.rawLua());
      // (A Lua body was already read up to its `}`: nothing to skip.)
      k = !lua && tooDeep(stack, lx, error) ? lx.kind : lx.next();
    } else if (k === TOKEN.close) {
      error(dLine, `"${dName}" is not terminated by ";" before the "}" on line ${lx.tokLine}`);
    } else {
      error(dLine, `unexpected end of file: "${dName}" is not terminated by ";"`);
    }
  }
  for (let i = stack.length - 1; i > 0; i--) {
    const frame = stack[i] as Frame;
    const row = frame.row;
    const line = frame.line;
    const what = frame.anonymous ? 'block' : `"${table.name(row)}" block`;
    error(
      line,
      `unexpected end of file: the ${what} opened on line ${line} is never closed (expecting "}")`,
    );
    if (row >= 0 && !frame.anonymous) {
      table.set(row, COL.end, text.length);
      table.set(row, COL.endLine, lx.line);
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
  if (dropped > 0) errors.push({ line: lx.line, message: `… and ${dropped} more errors` });
  const tree: NginxTree = {
    get root() {
      return nodes.root;
    },
    comments: lx.comments,
    tokens: lx.tokens(),
  };
  return makeFile(name, text, errors, tree, nodes);
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
 * as 1 MB of `a {` cheap. Returns true when it skipped, leaving the lexer on the matching `}`
 * (or at EOF).
 */
function tooDeep(
  stack: Frame[],
  lx: Lexer,
  error: (line: number, message: string) => void,
): boolean {
  if (stack.length <= MAX_DEPTH) return false;
  if (stack.length === MAX_DEPTH + 1) {
    error(
      lx.tokLine,
      `blocks nested more than ${MAX_DEPTH} deep: the body of this one is not parsed`,
    );
  }
  let depth = 1;
  for (let k = lx.next(); k !== EOF; k = lx.next()) {
    if (k === TOKEN.open) depth++;
    else if (k === TOKEN.close && --depth === 0) return true;
  }
  return true;
}

function closeBlock(
  stack: Frame[],
  table: DirectiveTable,
  lx: Lexer,
  error: (line: number, message: string) => void,
): void {
  if (stack.length === 1) {
    error(lx.tokLine, 'unexpected "}" (no block is open here)');
    return;
  }
  const frame = stack.pop() as Frame;
  if (frame.anonymous) return;
  const row = frame.row;
  table.set(row, COL.close, lx.start);
  table.set(row, COL.closeLine, lx.tokLine);
  table.set(row, COL.end, lx.pos);
  table.set(row, COL.endLine, lx.tokLine);
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
