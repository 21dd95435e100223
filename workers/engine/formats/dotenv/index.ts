/**
 * `.env` files (and `docker run --env-file`, systemd EnvironmentFile): `KEY=value` lines with
 * optional `export`, single/double quotes and comments. Each variable is a Setting, so
 * GUNICORN_CMD_ARGS, WEB_CONCURRENCY, UWSGI_* and the like reach the other formats.
 */
import type { Edit } from '../../model.ts';
import type { FormatHandler, ParsedFile, Setting } from '../types.ts';
import { newlineOf, splitLines } from '../gunicorn/text.ts';
import { baseName } from '../../strings.ts';

export interface DotenvEntry {
  name: string;
  value: string;
  line: number;
  valueStart: number;
  valueEnd: number;
  quote: '"' | "'" | '';
}

export interface DotenvTree {
  entries: DotenvEntry[];
}

export function parseDotenv(name: string, text: string): ParsedFile<DotenvTree> {
  const entries: DotenvEntry[] = [];
  const errors: { line: number; message: string }[] = [];
  for (const l of splitLines(text)) {
    if (/^\s*(#|$)/.test(l.body)) continue;
    const m = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*/.exec(l.body);
    if (!m) {
      errors.push({ line: l.line, message: 'expected `NAME=value`' });
      continue;
    }
    const vs = m[0].length;
    const rest = l.body.slice(vs);
    const q = rest[0] === '"' || rest[0] === "'" ? rest[0] : '';
    let value: string;
    let end: number;
    if (q) {
      const close = rest.indexOf(q, 1);
      if (close === -1) {
        errors.push({ line: l.line, message: `unterminated ${q} quote` });
        value = rest.slice(1);
        end = rest.length;
      } else {
        value = rest.slice(1, close);
        if (q === '"') value = value.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
        end = close + 1;
      }
    } else {
      const hash = rest.search(/\s#/);
      value = (hash >= 0 ? rest.slice(0, hash) : rest).trimEnd();
      end = value.length;
    }
    entries.push({
      name: m[2]!,
      value,
      line: l.line,
      valueStart: l.start + vs,
      valueEnd: l.start + vs + end,
      quote: q as DotenvEntry['quote'],
    });
  }
  const tree = { entries };
  return {
    name,
    kind: 'dotenv',
    text,
    errors,
    tree,
    print: () => text,
    settings: () =>
      entries.map((e) => {
        const s: Setting = { key: e.name, value: e.value, file: name, line: e.line };
        if (e.quote !== "'" && /\$\{?\w/.test(e.value)) s.dynamic = 'expands another variable';
        return s;
      }),
  };
}

export function setDotenvVar(
  parsed: ParsedFile<DotenvTree>,
  key: string,
  value: string | number,
): Edit[] {
  const v = String(value);
  const hit = parsed.tree.entries.filter((e) => e.name === key).pop();
  const quoted = (q: string) =>
    q ? `${q}${v}${q}` : /[\s#"'$]/.test(v) ? `"${v.replace(/(["\\$])/g, '\\$1')}"` : v;
  if (hit)
    return hit.value === v
      ? []
      : [{ file: parsed.name, start: hit.valueStart, end: hit.valueEnd, text: quoted(hit.quote) }];
  const nl = newlineOf(parsed.text);
  const end = parsed.text.length;
  return [
    {
      file: parsed.name,
      start: end,
      end,
      text: `${end > 0 && !parsed.text.endsWith('\n') ? nl : ''}${key}=${quoted('')}${nl}`,
    },
  ];
}

function detect(name: string, text: string): number {
  const base = baseName(name);
  const lines = text
    .slice(0, 100_000)
    .split('\n')
    .filter((l) => /\S/.test(l) && !/^\s*#/.test(l));
  if (lines.length === 0) return /^\.env/.test(base) ? 0.5 : 0;
  const ok =
    lines.filter((l) => /^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*=/.test(l)).length / lines.length;
  if (/^\.env(\.|$)|\.env$/.test(base)) return ok > 0.5 ? 0.95 : 0.3;
  if (ok === 1 && lines.length >= 2 && lines.some((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))) return 0.6;
  return 0;
}

export const handler: FormatHandler<DotenvTree> = {
  kind: 'dotenv',
  detect(name, text) {
    try {
      return detect(name, text);
    } catch {
      return 0;
    }
  },
  parse: parseDotenv,
};
