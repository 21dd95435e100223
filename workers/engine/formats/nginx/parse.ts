import type { FileError } from '../../model.ts';
import type { Setting } from '../types.ts';
import { DirectiveNode } from './directive.ts';
import { EOF, Lexer } from './lexer.ts';
import { checkNested, checkTop } from './placement.ts';
import { collectSettings } from './settings.ts';
import {
  TOKEN,
  type Block,
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
  block: Block;
  /** A `{` with no directive before it: its children go to the enclosing block. */
  anonymous: boolean;
  context: string;
  /** Where this block's children start in `pending` (they are copied out when it closes). */
  first: number;
}

/**
 * Parses an nginx config losslessly. Never throws: unbalanced braces, unterminated quotes,
 * stray `;`/`{`/`}` and non-nginx text give located errors (1-based lines) and a partial tree.
 * The parser is iterative (an explicit stack), so 1 MB of `{` does not overflow the call stack.
 */
export function parseNginx(name: string, text: string): NginxFile {
  const errors: FileError[] = [];
  let dropped = 0;
  const error = (line: number, message: string): void => {
    if (errors.length < MAX_ERRORS) errors.push({ line, message });
    else dropped++;
  };
  const lx = new Lexer(text, error);
  const root: Block = {
    directive: null,
    children: [],
    open: -1,
    close: -1,
    openLine: 1,
    closeLine: 1,
  };
  const stack: Frame[] = [{ block: root, anonymous: false, context: 'main', first: 0 }];
  // Children of the open blocks, innermost last. Each block gets an exact-size copy when it
  // closes: arrays grown by push() reserve 16+ slots, most of the heap for small blocks.
  const pending: Directive[] = [];
  // Names repeat (proxy_set_header ×10^4): one shared string per name keeps the heap small.
  const names = new Map<string, string>();
  const source = { name, text };
  const all: Directive[] = [];

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
        block: frame.block,
        anonymous: true,
        context: frame.context,
        first: pending.length,
      });
      k = tooDeep(stack, lx, error) ? lx.kind : lx.next();
      continue;
    }
    if (k === TOKEN.close) {
      closeBlock(stack, pending, lx, error);
      k = lx.next();
      continue;
    }
    // A word: a directive's name, then its arguments up to `;` or `{`.
    const word = lx.value();
    let internedName = names.get(word);
    if (internedName === undefined) names.set(word, (internedName = word));
    const d = new DirectiveNode(source, internedName, lx.tokLine, lx.start, lx.pos, frame.block);
    pending.push(d);
    all.push(d);
    k = lx.next();
    if (k === TOKEN.word) {
      d.argsStart = lx.start;
      while (k === TOKEN.word) {
        d.argsEnd = d.end = lx.pos;
        d.endLine = lx.line;
        k = lx.next();
      }
    }
    // Nested placement is checked here, once the directive is known to be a block or not.
    if (frame.block.directive) checkNested(d.name, k === TOKEN.open, d.line, frame.context, error);
    if (k === TOKEN.semicolon) {
      d.end = lx.pos;
      d.endLine = lx.tokLine;
      k = lx.next();
    } else if (k === TOKEN.open) {
      if (d.argsEnd === lx.start && QUANTIFIER.test(text.slice(lx.start, lx.start + 12))) {
        error(
          d.line,
          `the regex quantifier "${(QUANTIFIER.exec(text.slice(lx.start, lx.start + 12)) as RegExpExecArray)[0]}" ` +
            'is read by nginx as the start of a block: put the regex in quotes',
        );
      }
      const block: Block = {
        directive: d,
        children: [],
        open: lx.start,
        close: -1,
        openLine: lx.tokLine,
        closeLine: lx.tokLine,
      };
      d.block = block;
      stack.push({ block, anonymous: false, context: d.name, first: pending.length });
      if (d.name.endsWith('_by_lua_block')) {
        d.raw = lx.rawLua();
      }
      // (A Lua body was already read up to its `}`: nothing to skip.)
      k = d.raw === undefined && tooDeep(stack, lx, error) ? lx.kind : lx.next();
    } else if (k === TOKEN.close) {
      error(d.line, `"${d.name}" is not terminated by ";" before the "}" on line ${lx.tokLine}`);
    } else {
      error(d.line, `unexpected end of file: "${d.name}" is not terminated by ";"`);
    }
  }
  for (let i = stack.length - 1; i > 0; i--) {
    const frame = stack[i] as Frame;
    const open = frame.block;
    if (!frame.anonymous) {
      open.children = pending.slice(frame.first);
      pending.length = frame.first;
    }
    const what = open.directive ? `"${open.directive.name}" block` : 'block';
    error(
      open.openLine,
      `unexpected end of file: the ${what} opened on line ${open.openLine} is never closed (expecting "}")`,
    );
    if (open.directive) {
      open.directive.end = text.length;
      open.directive.endLine = lx.line;
    }
  }
  root.children = pending.slice(0);
  checkTop(root, error);
  // Errors in line order (placement errors are found at different times than syntax errors).
  errors.sort((a, b) => a.line - b.line);
  // Text where not one directive is complete with a plausible (unquoted, identifier) name is
  // most likely not nginx at all: say so first, rather than only listing syntax errors.
  const plausible = (d: Directive): boolean =>
    d.end > d.argsEnd &&
    /^[a-z_][a-z0-9_]*$/i.test(d.name) &&
    text[d.start] !== '"' &&
    text[d.start] !== "'";
  if (errors.length > 0 && !all.some(plausible)) {
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
  const tree: NginxTree = { root, comments: lx.comments, tokens: lx.tokens() };
  return makeFile(name, text, errors, tree, all);
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
  pending: Directive[],
  lx: Lexer,
  error: (line: number, message: string) => void,
): void {
  if (stack.length === 1) {
    error(lx.tokLine, 'unexpected "}" (no block is open here)');
    return;
  }
  const frame = stack.pop() as Frame;
  if (frame.anonymous) return;
  const block = frame.block;
  block.children = pending.slice(frame.first);
  pending.length = frame.first;
  block.close = lx.start;
  block.closeLine = lx.tokLine;
  if (block.directive) {
    block.directive.end = lx.pos;
    block.directive.endLine = lx.tokLine;
  }
}

function makeFile(
  name: string,
  text: string,
  errors: FileError[],
  tree: NginxTree,
  all: Directive[],
): NginxFile {
  let settings: Setting[] | null = null;
  return {
    name,
    kind: 'nginx',
    text,
    errors,
    tree,
    print: () => printTokens(text, tree.tokens),
    settings: () => (settings ??= collectSettings(tree.root)),
    directives: () => all,
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
