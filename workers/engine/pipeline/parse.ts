/**
 * Stage 2, parse: every config input through its format's lossless parser. Logs are decoded
 * later (after redaction), and unknown inputs are reported, never forced into a parser.
 */
import type { FileKind, SourceFile } from '../model.ts';
import type { ParsedFile, Setting } from '../formats/types.ts';
import { formats } from '../formats/registry.ts';
import { classify, type ClassifiedInput } from './detect.ts';
import { fragmentContext, type NginxFile } from '../formats/nginx/index.ts';

export function handlerFor(kind: FileKind) {
  return formats.find((f) => f.kind === kind);
}

/** Parses one classified input, or returns null for logs and kinds without a parser. */
export function parseInput(
  input: Pick<ClassifiedInput, 'name' | 'text' | 'kind' | 'loose'>,
): ParsedFile | null {
  const file = handlerFor(input.kind)?.parse(input.name, input.text) ?? null;
  if (file && input.loose) {
    file.loose = true;
    // A quoted nginx piece is read in the block its lines imply; lines of several blocks can't be.
    const error = file.kind === 'nginx' ? fragmentContext(file as NginxFile).error : undefined;
    if (error) file.errors = [...file.errors, { line: error.line, message: error.message }];
  }
  return file;
}

export interface ParseSummary {
  name: string;
  kind: FileKind;
  confidence: number;
  errors: { line: number; message: string }[];
  roundtrip: boolean;
  settings: Setting[];
}

/** What the CLI's `parse` shows for one file (a dump yields its first file's view of it all). */
export function parseOne(input: SourceFile): ParseSummary {
  const parts = classify([input]);
  const parsed = parts.map((part) => ({ part, file: parseInput(part) }));
  return {
    name: input.name,
    kind: parts[0]?.kind ?? 'unknown',
    confidence: parts[0]?.confidence ?? 0,
    errors: parsed.flatMap(({ file }) => file?.errors ?? []),
    roundtrip: parsed.every(({ part, file }) => !file || file.print() === part.text),
    settings: parsed.flatMap(({ file }) => file?.settings() ?? []),
  };
}
