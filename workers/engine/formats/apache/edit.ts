/**
 * Formatting-preserving edits to Apache httpd config: a directive's arguments replaced where
 * they are written (at server level, else in each <VirtualHost> that sets it); otherwise a new
 * line after the last server-level directive, or, in a file of virtual hosts only, as the
 * first line of each <VirtualHost> (KeepAliveTimeout and Timeout are allowed in both).
 */
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../types.ts';
import { newlineOf } from '../gunicorn/text.ts';
import { atServerLevel, type ApacheDirective, type ApacheTree } from './parse.ts';

export function setApacheDirective(
  parsed: ParsedFile<ApacheTree>,
  name: string,
  value: string | number,
): Edit[] {
  const { tree, text, name: file } = parsed;
  const v = String(value);
  const nl = newlineOf(text);
  const named = tree.directives.filter((d) => d.name.toLowerCase() === name.toLowerCase());
  const replace = (d: ApacheDirective): Edit => ({
    file,
    start: d.argsStart,
    end: d.argsEnd,
    text: v,
  });
  const server = named.filter(atServerLevel);
  if (server.length > 0) return [replace(server.at(-1)!)];
  if (named.length > 0) return named.map(replace);
  const top = tree.directives.filter((d) => d.sections.length === 0);
  const after = top.at(-1);
  if (after)
    return [
      { file, start: after.lineEnd, end: after.lineEnd, text: `${nl}${after.indent}${name} ${v}` },
    ];
  return tree.sections
    .filter((s) => /^VirtualHost$/i.test(s.name) && s.sections.length === 0)
    .map((s): Edit => {
      const inside = tree.directives.find((d) => d.sections[0] === `${s.name} ${s.args}`);
      const indent = inside?.indent ?? `${s.indent}    `;
      return { file, start: s.openEnd, end: s.openEnd, text: `${nl}${indent}${name} ${v}` };
    });
}
