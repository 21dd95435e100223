import type { FileError } from '../../model.ts';
import type { Setting } from '../types.ts';
import { TreeNodes } from './directive.ts';
import { tokenize, type Tokens } from './lexer.ts';
import { checkTop } from './placement.ts';
import { printTable } from './print.ts';
import { readDirectives } from './read.ts';
import type { Report } from './scan.ts';
import { collectSettings } from './settings.ts';
import { COL, DirectiveTable } from './table.ts';
import {
  TOKEN,
  type Block,
  type Comment,
  type Directive,
  type NginxFile,
  type NginxTree,
} from './tree.ts';

/** At most this many errors are kept per file: adversarial input must not allocate millions. */
const MAX_ERRORS = 50;
/**
 * Rows reserved up front per byte of text: real configs hold a directive per 30–60 bytes; the
 * table grows when they run out.
 */
const BYTES_PER_DIRECTIVE = 40;

/**
 * Parses an nginx config losslessly. Never throws: unbalanced braces, unterminated quotes,
 * stray `;`/`{`/`}` and non-nginx text give located errors (1-based lines) and a partial tree.
 * The parser is iterative (an explicit stack), so 1 MB of `{` does not overflow the call stack.
 * It writes rows (table.ts); the Directive objects are built from them when a caller asks.
 */
export function parseNginx(name: string, text: string): NginxFile {
  const errors: FileError[] = [];
  let dropped = 0;
  const error: Report = (line, message) => {
    if (errors.length < MAX_ERRORS) errors.push({ line, message });
    else dropped++;
  };
  const table = new DirectiveTable(Math.ceil(text.length / BYTES_PER_DIRECTIVE));
  const lastLine = readDirectives(text, table, error);
  checkTop(table, error);
  const nodes = new TreeNodes(table, { name, text });
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
  if (dropped > 0) errors.push({ line: lastLine, message: `… and ${dropped} more errors` });
  return new NginxParsed(name, text, errors, new LazyTree(text, nodes), nodes);
}

/**
 * The token stream and the comments are not needed to build the tree: they are read from the
 * text (with the same scanners) when first asked for. Classes rather than object literals with
 * closures: a fleet's dump is tens of thousands of files, and three closures and their context
 * per file cost about a kilobyte each.
 */
class LazyTree implements NginxTree {
  #text: string;
  #nodes: TreeNodes;
  #tokens: Tokens | undefined;
  #comments: Comment[] | undefined;

  constructor(text: string, nodes: TreeNodes) {
    this.#text = text;
    this.#nodes = nodes;
  }

  get root(): Block {
    return this.#nodes.root;
  }

  get tokens(): Tokens {
    return (this.#tokens ??= tokenize(this.#text, () => {}));
  }

  get comments(): Comment[] {
    return (this.#comments ??= collectComments(this.#text, this.tokens));
  }
}

class NginxParsed implements NginxFile {
  readonly kind = 'nginx';
  declare loose?: boolean;
  #nodes: TreeNodes;
  #all: Directive[] | undefined;
  #settings: Setting[] | undefined;

  constructor(
    public name: string,
    public text: string,
    public errors: FileError[],
    public tree: NginxTree,
    nodes: TreeNodes,
  ) {
    this.#nodes = nodes;
  }

  print(): string {
    return printTable(this.text, this.#nodes.table);
  }

  settings(): Setting[] {
    return (this.#settings ??= collectSettings(this.tree.root));
  }

  directives(): Directive[] {
    return (this.#all ??= this.#nodes.all());
  }

  release(): void {
    this.#nodes.forget();
    this.#all = undefined;
  }
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
