/**
 * YAML read losslessly with the `yaml` package: the CST keeps every byte (printing its
 * tokens gives the file back), and the composed Documents give nodes with source ranges for
 * queries and for edits made as text patches in the file's own style.
 */
import { CST, Composer, Parser, type Document } from 'yaml';
import type { FileError } from '../../model.ts';
import { lineAt, lineStarts } from '../gunicorn/text.ts';
import { maskTemplates } from './templates.ts';

export interface YamlFile {
  /** The input, kept because yaml's CST does not print some broken inputs back exactly. */
  text: string;
  /** Whether printing the CST gives the input back (true for every well-formed file seen). */
  cstLossless: boolean;
  /** Template actions were masked before parsing (see templates.ts). */
  templated: boolean;
  tokens: CST.Token[];
  docs: Document.Parsed[];
  starts: number[];
  errors: FileError[];
}

/**
 * Above this size a paste is not parsed as YAML: the `yaml` parser runs at roughly 0.3–0.5 MB/s
 * on the target machines (2 cores), and no manifest worth reading is this big.
 */
export const YAML_MAX_BYTES = 2 * 1024 * 1024;

export function readYaml(text: string): YamlFile {
  const starts = lineStarts(text);
  const empty = (message: string, line = 1): YamlFile => ({
    text,
    cstLossless: false,
    templated: false,
    tokens: [],
    docs: [],
    starts,
    errors: [{ line, message }],
  });
  if (text.length > YAML_MAX_BYTES) {
    return empty(
      `too large to read as Kubernetes YAML (${(text.length / 1048576).toFixed(1)} MB; the limit is ${YAML_MAX_BYTES / 1048576} MB)`,
    );
  }
  const deep = nestingDepth(text);
  if (deep.depth > MAX_DEPTH)
    return empty(
      `nested more than ${MAX_DEPTH} levels deep: not read as Kubernetes YAML`,
      lineAt(starts, deep.at),
    );
  const source = maskTemplates(text);
  const templated = source !== text;
  let tokens: CST.Token[];
  let docs: Document.Parsed[];
  try {
    tokens = Array.from(new Parser().parse(source));
    const composer = new Composer({ prettyErrors: false, uniqueKeys: false, strict: false });
    docs = Array.from(composer.compose(tokens, true, source.length));
  } catch (e) {
    // The parser recurses per nesting level: pathological nesting overflows the stack.
    return empty(
      e instanceof RangeError ? 'nested too deeply to read' : `cannot read this YAML: ${String(e)}`,
    );
  }
  const errors: FileError[] = [];
  for (const d of docs) {
    for (const e of d.errors)
      errors.push({ line: lineAt(starts, e.pos[0]), message: firstLine(e.message) });
  }
  let cstLossless: boolean;
  try {
    cstLossless = stringifyTokens(tokens) === source;
  } catch {
    cstLossless = false;
  }
  if (!cstLossless && errors.length === 0)
    errors.push({ line: 1, message: 'the YAML parser could not keep this file byte for byte' });
  return { text, cstLossless, templated, tokens, docs, starts, errors };
}

/** Real manifests nest a few dozen levels; the parser slows down badly on thousands. */
const MAX_DEPTH = 500;

/** A cheap upper bound of nesting: flow brackets outside quotes, and compact `- - -` runs. */
function nestingDepth(text: string): { depth: number; at: number } {
  let depth = 0;
  let quote = '';
  let dashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\n') quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) return { depth, at: i };
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === '\n') dashes = 0;
    else if (c === '-' && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
      if (++dashes > MAX_DEPTH) return { depth: dashes, at: i };
    }
  }
  return { depth: Math.max(depth, dashes), at: 0 };
}

function stringifyTokens(tokens: readonly CST.Token[]): string {
  return tokens.map((t) => CST.stringify(t)).join('');
}

/**
 * The CST printed back; for the rare broken input the CST cannot reproduce, the input itself.
 * With templates the CST reproduces the masked text, and masking keeps every other byte, so
 * the input is the faithful print.
 */
export function printYaml(y: YamlFile): string {
  return y.cstLossless && !y.templated ? stringifyTokens(y.tokens) : y.text;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
