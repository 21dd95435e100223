/**
 * php-fpm pool files (`www.conf`, `php-fpm.conf`): ini sections per pool plus [global], the
 * settings that decide how a FastCGI request ends (request_terminate_timeout, pm.max_requests,
 * listen and its backlog), with defaults of PHP 7.4–8.x, and edits in the pool's section.
 */
import type { Edit } from '../../model.ts';
import type { FormatHandler, ParsedFile, Setting } from '../types.ts';
import type { EffectiveSettings, DefaultRow } from '../gunicorn/text.ts';
import { newlineOf } from '../gunicorn/text.ts';
import { entryStyle, parseIni, printIni, type IniDoc } from '../uwsgi/ini.ts';

export type PhpFpmTree = IniDoc;

const P = 'PHP 7.4–8.x';
export const PHP_FPM_DEFAULTS: Record<string, DefaultRow> = {
  request_terminate_timeout: { value: '0 (off)', holds: P },
  request_slowlog_timeout: { value: '0 (off)', holds: P },
  'pm.max_requests': { value: '0 (never recycle)', holds: P },
  'listen.backlog': { value: '511', holds: `${P} (-1 on FreeBSD/OpenBSD)` },
  pm: { value: null, holds: `${P} (required)` },
  'pm.max_children': { value: null, holds: `${P} (required)` },
  process_control_timeout: { value: '0 (off)', holds: `${P} ([global])` },
};

const DIALECT = { comment: ';#', inlineComment: ';' } as const;

function unquote(v: string): string {
  return /^"(.*)"$/.test(v) ? v.slice(1, -1) : v;
}

/** `$pool` and `${ENV}` in values: the first is the section name, the second dynamic. */
function resolve(v: string, pool: string): { value: string | null; dynamic?: string } {
  const out = unquote(v).replace(/\$pool\b/g, pool);
  const env = /\$\{([^}]+)\}/.exec(out);
  return env
    ? { value: null, dynamic: `\${${env[1]}} is read from the environment` }
    : { value: out };
}

export function parsePhpFpm(name: string, text: string): ParsedFile<PhpFpmTree> {
  const doc = parseIni(text, DIALECT);
  return {
    name,
    kind: 'php-fpm',
    text,
    errors: doc.errors,
    tree: doc,
    print: () => printIni(doc),
    settings: () =>
      doc.lines
        .filter((l) => l.kind === 'entry')
        .map((l) => {
          const r = resolve(l.value!, l.section);
          const s: Setting = {
            key: l.key!,
            value: r.value,
            file: name,
            line: l.line,
            scope: `[${l.section}]`,
          };
          if (r.dynamic) s.dynamic = r.dynamic;
          return s;
        }),
  };
}

/** The pools (sections other than [global]). */
export function phpFpmPools(parsed: ParsedFile<PhpFpmTree>): string[] {
  return [
    ...new Set(
      parsed.tree.lines
        .filter((l) => l.kind === 'section' && l.section !== 'global')
        .map((l) => l.section),
    ),
  ];
}

/** Effective settings of one pool (the first when not named), [global] ones included. */
export function phpFpmSettings(parsed: ParsedFile<PhpFpmTree>, pool?: string): EffectiveSettings {
  const p = pool ?? phpFpmPools(parsed)[0] ?? '';
  const out: EffectiveSettings = {};
  for (const [k, d] of Object.entries(PHP_FPM_DEFAULTS))
    out[k] = { value: d.value, source: { default: `php-fpm default (${d.holds})` } };
  for (const s of parsed.settings()) {
    if (s.scope !== `[${p}]` && s.scope !== '[global]') continue;
    out[s.key] =
      s.value === null
        ? { value: null, source: { dynamic: s.dynamic ?? 'unknown', file: s.file, line: s.line } }
        : { value: s.value, source: { file: s.file, line: s.line, layer: s.scope! } };
  }
  return out;
}

/** Set `key` in `pool` (replace the last occurrence, or add after the section's last entry). */
export function setPhpFpmSetting(
  parsed: ParsedFile<PhpFpmTree>,
  key: string,
  value: string | number,
  pool?: string,
): Edit[] {
  const p = pool ?? phpFpmPools(parsed)[0];
  if (!p) return [];
  const lines = parsed.tree.lines;
  const hit = lines.filter((l) => l.kind === 'entry' && l.section === p && l.key === key).pop();
  if (hit)
    return String(value) === unquote(hit.value!)
      ? []
      : [{ file: parsed.name, start: hit.valueStart!, end: hit.valueEnd!, text: String(value) }];
  const anchor = lines
    .filter((l) => l.section === p && (l.kind === 'entry' || l.kind === 'section'))
    .pop()!;
  const nl = newlineOf(parsed.text);
  const style = entryStyle(parsed.tree);
  const at = anchor.start + anchor.raw.length + anchor.eol.length;
  return [
    {
      file: parsed.name,
      start: at,
      end: at,
      text: `${anchor.eol === '' ? nl : ''}${style.indent}${key}${style.sep}${value}${nl}`,
    },
  ];
}

function detect(name: string, text: string): number {
  const head = text.slice(0, 200_000);
  const keys = (
    head.match(
      /^[ \t]*(pm(\.\w+)?|listen(\.\w+)?|request_terminate_timeout|request_slowlog_timeout|php_(admin_)?(value|flag)\[[^\]]+\]|pm\.max_children|slowlog|catch_workers_output|clear_env)[ \t]*=/gm,
    ) ?? []
  ).length;
  const sections = /^[ \t]*\[(www|global|[\w.-]+)\][ \t]*\r?$/m.test(head);
  if (keys >= 2 && sections) return /fpm|www\.conf|pool/i.test(name) ? 0.97 : 0.85;
  if (keys >= 2) return 0.6;
  if (/php-fpm|fpm.*\.conf$|www\.conf$/i.test(name) && sections) return 0.6;
  return 0;
}

export const handler: FormatHandler<PhpFpmTree> = {
  kind: 'php-fpm',
  detect(name, text) {
    try {
      return detect(name, text);
    } catch {
      return 0;
    }
  },
  parse: parsePhpFpm,
};
