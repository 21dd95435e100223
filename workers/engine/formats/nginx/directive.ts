import { Lexer } from './lexer.ts';
import { TOKEN, type Block, type Directive } from './tree.ts';

/**
 * The parser's Directive. Arguments are read from the text on first access and cached: a
 * 10 MB config has ~10^6 arguments and most are never looked at, and allocating them all up
 * front made garbage collection the largest cost of parsing. Reading them again with the same
 * lexer gives exactly what a single pass would.
 *
 * `args`, `file` and `context` are accessors on the prototype: a structuredClone or JSON copy of
 * a directive does not carry them (copy them explicitly, or use settings(), when data must leave
 * the worker).
 */
export class DirectiveNode implements Directive {
  block: Block | undefined = undefined;
  raw: string | undefined = undefined;
  endLine: number;
  end: number;
  argsStart: number;
  argsEnd: number;
  // Private fields: never enumerated, logged or copied by structuredClone (the file's whole text).
  // The file (name and text) is one object shared by all its directives: every field here costs
  // 8 bytes on each of 10^5 directives.
  #source: { readonly name: string; readonly text: string };
  #cached: string[] | undefined = undefined;

  constructor(
    source: { readonly name: string; readonly text: string },
    public name: string,
    public line: number,
    public start: number,
    public nameEnd: number,
    public parent: Block,
  ) {
    this.#source = source;
    this.endLine = line;
    this.end = nameEnd;
    this.argsStart = nameEnd;
    this.argsEnd = nameEnd;
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

  set args(value: string[]) {
    this.#cached = value;
  }
}

/** The logical values of the words in text[start, end) (a directive's argument span). */
export function readArgs(text: string, start: number, end: number): string[] {
  const out: string[] = [];
  if (end <= start) return out;
  const lx = new Lexer(text, () => {}, start, false);
  while (lx.next() === TOKEN.word && lx.start < end) {
    out.push(lx.value());
    if (lx.pos >= end) break;
  }
  return out;
}
