import { commentEnd, isTemplateTrivia, spaceEnd, templateEnd, wordEnd, wordValue } from './scan.ts';
import { COL, type DirectiveTable } from './table.ts';
import type { Block, Directive } from './tree.ts';

interface Source {
  readonly name: string;
  readonly text: string;
}

/**
 * The objects callers see, built from the parser's rows (table.ts) when first reached and then
 * kept, so a directive is always the same object. Parsing a 10 MB config allocates none of
 * them; a rule that walks one server block builds only that block's.
 */
export class TreeNodes {
  #root: Block;
  private nodes: (DirectiveNode | undefined)[] | undefined;

  constructor(
    readonly table: DirectiveTable,
    readonly source: Source,
  ) {
    this.#root = this.topBlock();
  }

  get root(): Block {
    return this.#root;
  }

  /** Rows are in document order, so the first directive of a file is at its top level. */
  private topBlock(): Block {
    return new BlockNode(this, null, -1, -1, 1, 1, this.table.count > 0 ? 0 : -1);
  }

  /**
   * Lets go of the objects built so far; the rows stay and objects are built again when asked
   * for (new ones: call this only when nothing holds the old). A fleet's analysis holds two
   * configurations while it verifies fixes, and the first one's objects were half of its peak.
   */
  forget(): void {
    this.nodes = undefined;
    this.#root = this.topBlock();
  }

  node(row: number): DirectiveNode {
    const nodes = (this.nodes ??= new Array<DirectiveNode | undefined>(this.table.count));
    return (nodes[row] ??= new DirectiveNode(this, row));
  }

  /** The directives of the chain starting at `row` (a block's first child). */
  chain(row: number): Directive[] {
    const out: Directive[] = [];
    for (let r = row; r >= 0; r = this.table.nextSibling(r)) out.push(this.node(r));
    return rightSized(out);
  }

  /** Every directive in document order (rows are numbered in that order). */
  all(): Directive[] {
    const out = new Array<Directive>(this.table.count);
    for (let r = 0; r < this.table.count; r++) out[r] = this.node(r);
    return out;
  }
}

class BlockNode implements Block {
  #children: Directive[] | undefined;

  constructor(
    private readonly nodes: TreeNodes,
    readonly directive: Directive | null,
    readonly open: number,
    readonly close: number,
    readonly openLine: number,
    readonly closeLine: number,
    private readonly first: number,
  ) {}

  get children(): Directive[] {
    return (this.#children ??= this.nodes.chain(this.first));
  }
}

/**
 * One directive. Arguments are read from the text on first access and cached: a 10 MB config
 * has ~10^6 arguments and most are never looked at. Reading them again with the same lexer
 * gives exactly what a single pass would.
 *
 * `args`, `file` and `context` are accessors on the prototype: a structuredClone or JSON copy of
 * a directive does not carry them (copy them explicitly, or use settings(), when data must leave
 * the worker).
 */
class DirectiveNode implements Directive {
  readonly name: string;
  readonly line: number;
  readonly endLine: number;
  readonly start: number;
  readonly end: number;
  readonly nameEnd: number;
  readonly argsStart: number;
  readonly argsEnd: number;
  readonly parent: Block;
  readonly block: Block | undefined;
  readonly raw: string | undefined;
  // Private fields: never enumerated, logged or copied by structuredClone (the file's whole text).
  #source: Source;
  #cached: string[] | undefined = undefined;

  constructor(nodes: TreeNodes, row: number) {
    const t = nodes.table;
    this.#source = nodes.source;
    this.name = t.name(row);
    this.line = t.get(row, COL.line);
    this.endLine = t.get(row, COL.endLine);
    this.start = t.get(row, COL.start);
    this.end = t.get(row, COL.end);
    this.nameEnd = t.get(row, COL.nameEnd);
    this.argsStart = t.get(row, COL.argsStart);
    this.argsEnd = t.get(row, COL.argsEnd);
    this.raw = t.raw(row);
    const parent = t.get(row, COL.parent);
    this.parent = parent < 0 ? nodes.root : (nodes.node(parent).block as Block);
    const open = t.get(row, COL.open);
    if (open < 0) this.block = undefined;
    else {
      const close = t.close(row);
      const openLine = this.line + linesIn(nodes.source.text, this.start, open);
      const closeLine = close >= 0 ? this.endLine : openLine;
      this.block = new BlockNode(nodes, this, open, close, openLine, closeLine, t.firstChild(row));
    }
  }

  get file(): string {
    return this.#source.name;
  }

  /** The enclosing block's name, or 'main' at the top of the file. */
  get context(): string {
    return this.parent.directive ? this.parent.directive.name : 'main';
  }

  get args(): string[] {
    return (this.#cached ??= readArgs(this.#source.text, this.argsStart, this.argsEnd));
  }
}

/** Line feeds in text[start, end) (a directive's head: the `{` line is not stored per row). */
function linesIn(text: string, start: number, end: number): number {
  let lines = 0;
  for (let i = text.indexOf('\n', start); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/**
 * The logical values of the words in text[start, end) (a directive's argument span), read with
 * the lexer's scanners in the lexer's order (lexer.ts) but without its token arrays: a fleet's
 * config has ~10^6 argument spans, and three typed arrays for each was most of what reading
 * them cost.
 */
function readArgs(text: string, start: number, end: number): string[] {
  const out: string[] = [];
  const quiet = () => {};
  let p = start;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c === 32 || c === 10 || c === 9 || c === 13) p = spaceEnd(text, p, end);
    else if (c === 35) p = commentEnd(text, p, end);
    else if (c === 59 || c === 125) p++;
    else {
      if (c === 123) {
        // `{{ … }}` trivia of a template is no word; a lone `{` would open a block (never
        // inside an argument span, which ends before it).
        const e = templateEnd(text, p, end);
        if (e >= 0 && isTemplateTrivia(text, p)) {
          p = e;
          continue;
        }
        if (e < 0) {
          p++;
          continue;
        }
      }
      const from = p;
      p = wordEnd(text, p, end, 0, quiet);
      out.push(wordValue(text, from, p));
    }
  }
  return rightSized(out);
}

/**
 * A list grown by push keeps room for 17 entries (V8's first growth); a fleet's config keeps
 * 10^6 lists of one or two entries alive, so kept lists are copied to their size.
 */
export function rightSized<T>(list: T[]): T[] {
  return list.length === 0 ? list : list.slice();
}
