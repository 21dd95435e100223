import { readFileSync, statSync } from 'node:fs';
import type { SourceFile } from '../workers/engine/model.ts';
import { UsageError } from './args.ts';

/** Reads the named files; a missing or unreadable one is a usage error with its reason. */
export function readInputs(paths: string[]): SourceFile[] {
  if (paths.length === 0) throw new UsageError('no input files given');
  return paths.map((path) => {
    try {
      if (statSync(path).isDirectory()) throw new Error('is a directory');
      return { name: path, text: readFileSync(path, 'utf8') };
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UsageError(`cannot read ${path}: ${reason}`);
    }
  });
}
