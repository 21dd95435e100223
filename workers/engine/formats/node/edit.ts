/**
 * Edits to Node.js server code: change an existing timeout assignment's value, or insert
 * `server.keepAliveTimeout = …;` lines right after the statement that creates the server
 * (naming the server first when `app.listen(…)` was not assigned), or add the option to a
 * Fastify factory call.
 */
import type { Edit } from '../../model.ts';
import type { ParsedFile } from '../types.ts';
import { newlineOf } from '../gunicorn/text.ts';
import type { NodeSettingName } from './defaults.ts';
import type { NodeTree } from './parse.ts';

export function setNodeTimeouts(
  parsed: ParsedFile<NodeTree>,
  values: Partial<Record<NodeSettingName, number>>,
): Edit[] {
  const { tree, text, name: file } = parsed;
  const edits: Edit[] = [];
  const missing: [NodeSettingName, number][] = [];
  for (const [k, v] of Object.entries(values) as [NodeSettingName, number][]) {
    const found = tree.assignments.filter((a) => a.name === k && a.via !== 'setTimeout');
    const last = found[found.length - 1];
    if (last) {
      if (last.value !== String(v) || last.dynamic)
        edits.push({ file, start: last.valueStart, end: last.valueEnd, text: String(v) });
    } else missing.push([k, v]);
  }
  if (missing.length === 0) return edits;
  const server = tree.servers[0];
  if (!server) return edits;
  const nl = newlineOf(text);
  if (server.framework === 'fastify') {
    const pairs = missing
      .map(([k, v]) => `${k === 'timeout' ? 'connectionTimeout' : k}: ${v}`)
      .join(', ');
    if (server.options) {
      const open = server.options.start;
      let last = server.options.end - 2;
      while (last > open && /\s/.test(text[last]!)) last--;
      if (last === open)
        return [
          ...edits,
          { file, start: open + 1, end: server.options.end - 1, text: ` ${pairs} ` },
        ];
      const body = text.slice(open + 1, server.options.end - 1);
      const comma = text[last] === ',';
      if (body.includes('\n')) {
        const propIndent = /\n([ \t]*)\S/.exec(body)?.[1] ?? '  ';
        const lines = missing
          .map(([k, v]) => `${propIndent}${k === 'timeout' ? 'connectionTimeout' : k}: ${v}`)
          .join(`,${nl}`);
        return [
          ...edits,
          {
            file,
            start: last + 1,
            end: last + 1,
            text: `${comma ? '' : ','}${nl}${lines}${comma ? ',' : ''}`,
          },
        ];
      }
      return [
        ...edits,
        { file, start: last + 1, end: last + 1, text: `${comma ? '' : ','} ${pairs}` },
      ];
    }
    const call = text.indexOf('(', server.start);
    if (call >= 0 && text[call + 1] === ')')
      return [...edits, { file, start: call + 1, end: call + 1, text: `{ ${pairs} }` }];
    return edits;
  }
  const semi = tree.semicolons ? ';' : '';
  let variable = server.variable;
  if (!variable) {
    variable = 'server';
    const decl = /\bconst\b/.test(text) ? 'const' : 'var';
    edits.push({ file, start: server.start, end: server.start, text: `${decl} ${variable} = ` });
  }
  const lines = missing.map(([k, v]) => `${server.indent}${variable}.${k} = ${v}${semi}`).join(nl);
  // After the creating statement's line (its end may be mid-line before a comment).
  let at = server.end;
  const lineEnd = text.indexOf('\n', at);
  at = lineEnd === -1 ? text.length : lineEnd + 1;
  const pre = lineEnd === -1 ? nl : '';
  edits.push({ file, start: at, end: at, text: `${pre}${lines}${nl}` });
  return edits;
}
