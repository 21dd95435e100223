/** The shared corpus of real nginx configs (../shared/corpus/nginx), read in place, never copied. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../shared/corpus/nginx',
);

export function corpus(): { name: string; text: string }[] {
  return readdirSync(CORPUS_DIR)
    .sort()
    .map((name) => ({ name, text: readFileSync(join(CORPUS_DIR, name), 'utf8') }));
}
