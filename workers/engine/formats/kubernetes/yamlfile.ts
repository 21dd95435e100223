/**
 * YAML read losslessly with the `yaml` package: the CST keeps every byte (printing its
 * tokens gives the file back), and the composed Documents give nodes with source ranges for
 * queries and for edits made as text patches in the file's own style.
 */
import { CST, Composer, Parser, type Document } from 'yaml';
import type { FileError } from '../../model.ts';
import { lineAt, lineStarts } from '../gunicorn/text.ts';

export interface YamlFile {
  /** The input, kept because yaml's CST does not print some broken inputs back exactly. */
  text: string;
  /** Whether printing the CST gives the input back (true for every well-formed file seen). */
  cstLossless: boolean;
  tokens: CST.Token[];
  docs: Document.Parsed[];
  starts: number[];
  errors: FileError[];
}

export function readYaml(text: string): YamlFile {
  const tokens = Array.from(new Parser().parse(text));
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, strict: false });
  const docs = Array.from(composer.compose(tokens, true, text.length));
  const starts = lineStarts(text);
  const errors: FileError[] = [];
  for (const d of docs) {
    for (const e of d.errors)
      errors.push({ line: lineAt(starts, e.pos[0]), message: firstLine(e.message) });
  }
  const cstLossless = stringifyTokens(tokens) === text;
  if (!cstLossless && errors.length === 0)
    errors.push({ line: 1, message: 'the YAML parser could not keep this file byte for byte' });
  return { text, cstLossless, tokens, docs, starts, errors };
}

function stringifyTokens(tokens: readonly CST.Token[]): string {
  return tokens.map((t) => CST.stringify(t)).join('');
}

/** The CST printed back; for the rare broken input the CST cannot reproduce, the input itself. */
export function printYaml(y: YamlFile): string {
  return y.cstLossless ? stringifyTokens(y.tokens) : y.text;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
