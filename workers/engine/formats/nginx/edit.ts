import type { Edit } from '../../model.ts';
import { isArrayDirective } from './effective.ts';
import type { Block, Directive, NginxFile } from './tree.ts';

/**
 * Format-preserving edits. Each function returns text edits (apply with fix/apply.ts) that
 * touch only the bytes they must: a new directive goes on its own line, indented like its
 * neighbours (tabs stay tabs), with the file's line ending (CRLF stays CRLF); a changed
 * directive keeps its name, spacing and trailing comment; a removed one takes its line with it
 * only when it was alone there. Edits that would change nothing return [] so applying a fix
 * twice is a no-op.
 */

export interface NewDirective {
  name: string;
  args: string[];
  /** A body for block directives (`map … { … }`); omitted for simple directives. */
  children?: NewDirective[];
}

/**
 * One argument as nginx source: bare when nginx would read it back unchanged, else double
 * quoted with `\` `"` and control characters escaped (see Directive.args for the unescaping).
 */
export function formatArg(arg: string): string {
  const bare =
    arg !== '' && !/[\s;{'"]/.test(arg) && !arg.startsWith('#') && !/\\(["'\\tnr]|$)/.test(arg);
  if (bare && !arg.startsWith('}')) return arg;
  const body = arg
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n');
  return `"${body}"`;
}

export function formatArgs(args: readonly string[]): string {
  return args.map(formatArg).join(' ');
}

function eolOf(text: string): string {
  const lf = text.indexOf('\n');
  return lf > 0 && text.charCodeAt(lf - 1) === 13 ? '\r\n' : '\n';
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Offset of the line break ending the line holding pos (before a CR), or the text's end. */
function lineEnd(text: string, pos: number): number {
  const lf = text.indexOf('\n', pos);
  if (lf < 0) return text.length;
  return lf > 0 && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
}

/** The whitespace before `pos` on its line, or null when something else precedes it. */
function indentBefore(text: string, pos: number): string | null {
  const s = text.slice(lineStart(text, pos), pos);
  return /^[ \t]*$/.test(s) ? s : null;
}

/** Only whitespace, or whitespace and a comment, from pos to the end of its line. */
function restIsBlank(text: string, pos: number): boolean {
  return /^[ \t]*(#.*)?$/.test(text.slice(pos, lineEnd(text, pos)));
}

/** The file's indent unit: a nested block's indent minus its parent's (tab, 2 or 4 spaces…). */
function indentUnit(file: NginxFile): string {
  const text = file.text;
  const stack: Block[] = [file.tree.root];
  while (stack.length > 0) {
    const b = stack.pop() as Block;
    const outer = b.directive ? indentBefore(text, b.directive.start) : '';
    for (const c of b.children) {
      const inner = indentBefore(text, c.start);
      if (
        outer !== null &&
        inner !== null &&
        inner.length > outer.length &&
        inner.startsWith(outer)
      ) {
        return inner.slice(outer.length);
      }
      if (c.block && c.raw === undefined) stack.push(c.block);
    }
  }
  return /^\t/m.test(text) ? '\t' : '    ';
}

function render(d: NewDirective, indent: string, unit: string, eol: string): string {
  const head = d.args.length > 0 ? `${d.name} ${formatArgs(d.args)}` : d.name;
  if (!d.children) return `${head};`;
  const body = d.children
    .map((c) => eol + indent + unit + render(c, indent + unit, unit, eol))
    .join('');
  return `${head} {${body}${eol}${indent}}`;
}

function blockIndent(file: NginxFile, block: Block): string {
  if (!block.directive) return '';
  return indentBefore(file.text, block.directive.start) ?? '';
}

/**
 * Inserts a directive (or a block, when `directive.children` is given) into `block` (null: the
 * file's top level): after `after` when given, else after the last simple directive that
 * precedes the block's first nested block (settings before locations, as configs are usually
 * written), else before the first nested block, else into the empty block.
 */
export function insertNode(
  file: NginxFile,
  block: Block | null,
  directive: NewDirective,
  opts: { after?: Directive } = {},
): Edit[] {
  const text = file.text;
  const b = block ?? file.tree.root;
  const eol = eolOf(text);
  const unit = indentUnit(file);
  const edit = (start: number, insert: string): Edit[] => [
    { file: file.name, start, end: start, text: insert },
  ];
  const firstBlock = b.children.findIndex((c) => c.block !== undefined);
  const simpleBefore = (firstBlock < 0 ? b.children : b.children.slice(0, firstBlock)).filter(
    (c) => !c.block,
  );
  const anchor =
    opts.after ?? simpleBefore.at(-1) ?? (firstBlock < 0 ? b.children.at(-1) : undefined);
  if (anchor) {
    const indent =
      indentBefore(text, anchor.start) ?? blockIndent(file, b) + (b.directive ? unit : '');
    if (restIsBlank(text, anchor.end)) {
      return edit(lineEnd(text, anchor.end), eol + indent + render(directive, indent, unit, eol));
    }
    return edit(anchor.end, ' ' + render(directive, indent, unit, eol));
  }
  const first = b.children[0];
  if (first) {
    const indent = indentBefore(text, first.start);
    if (indent !== null) {
      return edit(
        lineStart(text, first.start),
        indent + render(directive, indent, unit, eol) + eol,
      );
    }
    return edit(first.start, render(directive, '', unit, eol) + ' ');
  }
  if (!b.directive) {
    const sep = text === '' || text.endsWith('\n') ? '' : eol;
    return edit(text.length, sep + render(directive, '', unit, eol) + eol);
  }
  const indent = blockIndent(file, b) + unit;
  const closeOnSameLine = b.close >= 0 && !text.slice(b.open, b.close).includes('\n');
  if (closeOnSameLine) {
    const pad = text[b.open + 1] === ' ' ? '' : ' ';
    return edit(b.open + 1, ' ' + render(directive, '', unit, eol) + pad);
  }
  return edit(lineEnd(text, b.open), eol + indent + render(directive, indent, unit, eol));
}

/** Inserts `name args;` into `block` (see insertNode for where). */
export function insertDirective(
  file: NginxFile,
  block: Block | null,
  name: string,
  args: string[],
  opts: { after?: Directive } = {},
): Edit[] {
  return insertNode(file, block, { name, args }, opts);
}

/** Inserts a block such as `map $http_upgrade $connection_upgrade { default upgrade; '' close; }`. */
export function insertBlock(
  file: NginxFile,
  block: Block | null,
  name: string,
  args: string[],
  children: NewDirective[],
  opts: { after?: Directive } = {},
): Edit[] {
  return insertNode(file, block, { name, args, children }, opts);
}

/**
 * Sets `name` in `block` to `args`: replaces the arguments of the first simple `name` directly
 * in the block (for array-type directives, the first with the same first argument) (keeping the spacing after the name and anything after the `;`), or inserts it.
 */
export function setDirective(
  file: NginxFile,
  block: Block | null,
  name: string,
  args: string[],
): Edit[] {
  const b = block ?? file.tree.root;
  // Array-type directives (proxy_set_header Connection …) hold one entry per first argument:
  // setting one replaces the entry for that key, never an unrelated header.
  const key = isArrayDirective(name) ? args[0]?.toLowerCase() : undefined;
  const existing = b.children.find(
    (c) => c.name === name && !c.block && (key === undefined || c.args[0]?.toLowerCase() === key),
  );
  if (!existing) return insertDirective(file, block, name, args);
  if (existing.args.length === args.length && existing.args.every((a, i) => a === args[i]))
    return [];
  if (existing.args.length === 0) {
    return [
      {
        file: file.name,
        start: existing.nameEnd,
        end: existing.nameEnd,
        text: ' ' + formatArgs(args),
      },
    ];
  }
  if (args.length === 0) {
    return [{ file: file.name, start: existing.nameEnd, end: existing.argsEnd, text: '' }];
  }
  return [
    { file: file.name, start: existing.argsStart, end: existing.argsEnd, text: formatArgs(args) },
  ];
}

/**
 * Removes a directive (a block with its body). When it is alone on its line(s) — a trailing
 * comment counts as its own — the whole line goes, line break included; otherwise only the
 * directive and the spaces after it.
 */
export function removeDirective(file: NginxFile, directive: Directive): Edit[] {
  const text = file.text;
  const indent = indentBefore(text, directive.start);
  if (indent !== null && restIsBlank(text, directive.end)) {
    const start = lineStart(text, directive.start);
    let end = lineEnd(text, directive.end);
    if (text.charCodeAt(end) === 13) end++;
    if (text.charCodeAt(end) === 10) end++;
    return [{ file: file.name, start, end, text: '' }];
  }
  let end = directive.end;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return [{ file: file.name, start: directive.start, end, text: '' }];
}
