/**
 * Renaming a uWSGI listener's option in place (`socket` → `http-socket`, `http` → `socket`):
 * what the protocol-mismatch and app-timeout fixes change, keeping the address as written.
 */
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../../formats/types.ts';
import type { UwsgiTree } from '../../formats/uwsgi/index.ts';
import type { Listener, Topology } from '../../topology/index.ts';

/**
 * Renames the uWSGI option on the listener's line: an ini entry (`socket = :3031` →
 * `http-socket = :3031`) or a command-line flag (`--http :8000` → `--http-socket :8000`).
 */
export function renameUwsgiOption(
  topology: Topology,
  l: Listener,
  from: string,
  to: string,
): Edit[] {
  const file = topology.files.find((f) => f.name === l.file && f.kind === 'uwsgi') as
    ParsedFile<UwsgiTree> | undefined;
  if (!file || l.line === null) return [];
  if (file.tree.form === 'launch') {
    const flag = `--${from}`;
    const arg = file.tree.commands
      .flatMap((c) => c.args)
      .find(
        (a) =>
          a.name === from &&
          lineAt(file.text, a.start) === l.line &&
          file.text.startsWith(flag, a.start) &&
          /[\s=]/.test(file.text[a.start + flag.length] ?? ''),
      );
    return arg
      ? [{ file: file.name, start: arg.start, end: arg.start + flag.length, text: `--${to}` }]
      : [];
  }
  const line = file.tree.doc.lines.find((x) => x.line === l.line && x.kind === 'entry');
  if (!line || line.key !== from) return [];
  const at = line.raw.indexOf(from);
  if (at < 0) return [];
  return [
    { file: file.name, start: line.start + at, end: line.start + at + from.length, text: to },
  ];
}

/** 1-based line of an offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
