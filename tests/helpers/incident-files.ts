/** Reading an incident fixture folder and applying a report's patch to it as a user would. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceFile } from '../../workers/engine/model.ts';

/** The files directly in `dir` (sub-folders such as `fixed/` are left out). */
export function readFiles(dir: string): SourceFile[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isFile())
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/** Applies `patch` to copies of the originals with `patch -p1`; returns the patched files. */
export function applyPatch(originals: { name: string; text: string }[], patch: string) {
  const dir = mkdtempSync(join(tmpdir(), 'incident-'));
  try {
    for (const f of originals) writeFileSync(join(dir, f.name), f.text);
    const run = spawnSync('patch', ['-p1', '--quiet'], {
      cwd: dir,
      input: patch,
      encoding: 'utf8',
    });
    return {
      status: run.status,
      output: `${run.stdout}${run.stderr}`,
      files: originals.map((f) => ({
        name: f.name,
        text: readFileSync(join(dir, f.name), 'utf8'),
      })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
