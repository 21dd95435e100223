/** The shared corpus of real files (../shared/corpus), read in place: never copied into the app. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export const CORPUS = join(import.meta.dirname, '../../../shared/corpus');

export function corpusFiles(folder: string): { name: string; text: string }[] {
  const dir = join(CORPUS, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/** Whether a program is on PATH (tests that need it skip cleanly otherwise). */
export function hasProgram(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
