/** The shared corpus of real configs and pasted log lines (read-only, never copied into the app). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileKind } from '../../workers/engine/model.ts';

export const CORPUS = join(import.meta.dirname, '../../../shared/corpus');

const KIND_OF_DIR: Record<string, FileKind> = {
  nginx: 'nginx',
  gunicorn: 'gunicorn',
  uwsgi: 'uwsgi',
  k8s: 'kubernetes',
};

export interface CorpusFile {
  /** `dir/file` */
  name: string;
  kind: FileKind;
  text: string;
}

export function corpusConfigs(): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const [dir, kind] of Object.entries(KIND_OF_DIR)) {
    for (const file of readdirSync(join(CORPUS, dir)).sort()) {
      out.push({
        name: `${dir}/${file}`,
        kind,
        text: readFileSync(join(CORPUS, dir, file), 'utf8'),
      });
    }
  }
  return out;
}

/** errors.tsv: `source<TAB>line`, split on the first tab only. */
export function corpusLogLines(): string[] {
  return readFileSync(join(CORPUS, 'errors.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.slice(l.indexOf('\t') + 1));
}
