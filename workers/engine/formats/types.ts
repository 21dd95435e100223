import type { FileError, FileKind } from '../model.ts';

/**
 * A setting a parser found, with provenance. Rules and the topology read settings through
 * these, never through raw text, so every value they compare can point at its line.
 */
export interface Setting {
  /** The format's own name for it: nginx directive, gunicorn setting, uWSGI option, YAML path. */
  key: string;
  /** The value as written, unquoted; null when it cannot be known without running anything. */
  value: string | null;
  file: string;
  /** 1-based line of the value. */
  line: number;
  /** Where in the file it applies, e.g. "http > server api.example.com > location /". */
  scope?: string;
  /** Why `value` is null or approximate, e.g. "os.environ['TIMEOUT'] (dynamic)". */
  dynamic?: string;
}

/** A file parsed losslessly: `print()` of an unedited tree returns `text` byte for byte. */
export interface ParsedFile<Tree = unknown> {
  name: string;
  kind: FileKind;
  text: string;
  errors: FileError[];
  tree: Tree;
  print(): string;
  settings(): Setting[];
  /**
   * A piece of a paste nobody named (`pasted #2 (nginx)`): its name says nothing about where
   * it lives, so an `include` with a wildcard may stand for it.
   */
  loose?: boolean;
  /**
   * Drops objects built from the text that can be built again (nginx: its directive objects),
   * when nothing holds them any more; the file reads as before.
   */
  release?(): void;
}

/** One input format: how to recognise it and how to read it. */
export interface FormatHandler<Tree = unknown> {
  kind: FileKind;
  /** 0..1: how likely `text` (named `name`) is this format. Never throws. */
  detect(name: string, text: string): number;
  /** Never throws: bad input gives `errors` with lines and a partial tree. */
  parse(name: string, text: string): ParsedFile<Tree>;
}
