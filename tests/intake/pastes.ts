/**
 * Building one paste from several files, the ways people paste them: bare (blank lines
 * between), a shell transcript (`$ cat FILE`, `==> FILE <==`), a Markdown thread (prose,
 * captions, fences). Used by the paste-equivalence property and the e2e paste tests.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SourceFile } from '../../workers/engine/model.ts';

export type Style = 'bare' | 'shell' | 'markdown';
export const STYLES: readonly Style[] = ['bare', 'shell', 'markdown'];

/** An incident fixture's inputs: input/** when there is one, else the folder's own files. */
export function incidentInputs(dir: string): SourceFile[] {
  const root = existsSync(join(dir, 'input')) ? join(dir, 'input') : dir;
  const out: SourceFile[] = [];
  const walk = (d: string, top: boolean): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        // Next to the inputs: the expected and fixed outputs, not inputs.
        if (!(top && root === dir)) walk(path, false);
      } else out.push({ name: relative(root, path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(root, true);
  return out;
}

const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
const isLog = (name: string) => /\.(log|txt)$/.test(name);

/** Sentences people write around what they paste (some name settings: still prose). */
export const PROSE = [
  'Since yesterday our users get 502 errors on some requests.',
  'I set timeout 30 in gunicorn but nginx still returns 502.',
  'We already increased proxy_read_timeout to 300s and nothing changed.',
  'Any idea what is going on here? Thanks in advance!',
  'This happens only under load, maybe once every few minutes.',
  'Here is everything I could find on the server.',
];

function fenceLang(name: string): string {
  if (/\.py$/.test(name)) return 'python';
  if (/\.ya?ml$/.test(name)) return 'yaml';
  // systemd units are ini files to every Markdown highlighter.
  if (/\.(ini|service)$/.test(name)) return 'ini';
  if (/\.js$/.test(name)) return 'js';
  if (/\.tf$/.test(name)) return 'hcl';
  if (/(^|\/)Dockerfile$/.test(name)) return 'dockerfile';
  // A Procfile has no language of its own: an unlabelled fence.
  if (/(^|\/)Procfile$/.test(name)) return '';
  if (isLog(name)) return 'text';
  return 'nginx';
}

/** One text holding every file, in the order given. `prose` picks sentences (by index). */
export function paste(
  files: readonly SourceFile[],
  style: Style,
  prose: readonly number[] = [],
): string {
  const say = (k: number) => PROSE[(prose[k % Math.max(1, prose.length)] ?? k) % PROSE.length]!;
  switch (style) {
    case 'bare':
      return files.map((f) => withNewline(f.text)).join('\n');
    case 'shell':
      return files
        .map((f, k) =>
          isLog(f.name) && k % 2 === 0
            ? `==> /var/log/app/${f.name} <==\n${withNewline(f.text)}`
            : `${k % 2 ? 'root@web:~# ' : '$ '}cat ${f.name}\n${withNewline(f.text)}`,
        )
        .join('');
    case 'markdown':
      return [
        say(0),
        '',
        ...files.flatMap((f, k) => [
          [`**${f.name}**`, `${f.name}:`, `### ${f.name}`, `And here is my \`${f.name}\`:`][k % 4]!,
          '',
          '```' + fenceLang(f.name),
          withNewline(f.text) + '```',
          '',
          ...(k % 2 ? [say(k + 1), ''] : []),
        ]),
      ].join('\n');
  }
}
