/**
 * uWSGI inputs, parsed losslessly: ini files (the [uwsgi] section is what uWSGI reads unless
 * told otherwise) and files that start uWSGI with options on the command line (Procfile,
 * Dockerfile, systemd unit, script), including UWSGI_* environment variables.
 */
import type { FileError } from '../../model.ts';
import type { ParsedFile, Setting } from '../types.ts';
import { findLaunches, type LaunchFile } from '../gunicorn/launch.ts';
import { findProgram } from '../gunicorn/program.ts';
import { lineAt, lineStarts } from '../gunicorn/text.ts';
import { envOption, parseUwsgiArgs, type UwsgiArg } from './cmdline.ts';
import { canonicalOption } from './defaults.ts';
import { parseIni, printIni, type IniDoc } from './ini.ts';
import { resolvePlaceholders, type Resolved } from './placeholders.ts';
import { baseName } from '../../strings.ts';

export interface UwsgiCommand {
  origin: string;
  args: UwsgiArg[];
}

export type UwsgiTree =
  | { form: 'ini'; doc: IniDoc }
  | { form: 'launch'; launch: LaunchFile; commands: UwsgiCommand[]; envArgs: UwsgiArg[] };

export function isUwsgiProgram(base: string): boolean {
  return /^uwsgi(_python3?\d*|-core)?$/.test(base);
}

export function looksLikeIni(name: string, text: string): boolean {
  if (/\.ini$/i.test(name)) return true;
  if (/^(Procfile|Dockerfile|Containerfile)|\.(service|sh|bash)$/i.test(baseName(name)))
    return false;
  return /^[ \t]*\[uwsgi\][ \t]*\r?$/m.test(text);
}

/**
 * Options quoted without their `[uwsgi]` header (a fragment of a paste): `key = value` lines and
 * no command line that starts uWSGI.
 */
function isQuotedOptions(name: string, text: string): boolean {
  if (!/^[ \t]*[\w-]+[ \t]*=/m.test(text)) return false;
  const launch = findLaunches(name, text);
  return (
    !launch.launches.some((l) => findProgram(l.words, isUwsgiProgram) >= 0) &&
    !launch.env.some((e) => envOption(e.name))
  );
}

/** The section uWSGI reads. */
export const UWSGI_SECTION = 'uwsgi';

export function parseUwsgi(name: string, text: string): ParsedFile<UwsgiTree> {
  const errors: FileError[] = [];
  let tree: UwsgiTree;
  if (looksLikeIni(name, text)) {
    const doc = parseIni(text, { comment: '#;', inlineComment: '#;', bareKeys: true });
    errors.push(...doc.errors);
    tree = { form: 'ini', doc };
  } else if (isQuotedOptions(name, text)) {
    // `harakiri = 30` quoted on its own: the [uwsgi] section is implied (uWSGI reads no other).
    const doc = parseIni(text, { comment: '#;', inlineComment: '#;', bareKeys: true });
    for (const l of doc.lines) if (l.section === '') l.section = UWSGI_SECTION;
    errors.push(...doc.errors);
    tree = { form: 'ini', doc };
  } else {
    const launch = findLaunches(name, text);
    const ls = lineStarts(text);
    for (const o of launch.unclosedQuotes)
      errors.push({ line: lineAt(ls, o), message: 'quote opened here is never closed' });
    const commands: UwsgiCommand[] = [];
    for (const l of launch.launches) {
      const at = findProgram(l.words, isUwsgiProgram);
      if (at >= 0) commands.push({ origin: l.origin, args: parseUwsgiArgs(l.words.slice(at + 1)) });
    }
    const envArgs: UwsgiArg[] = [];
    for (const e of launch.env) {
      const opt = envOption(e.name);
      if (!opt) continue;
      const arg: UwsgiArg = { name: opt, value: e.value, start: e.start, end: e.end };
      if (e.value === null) arg.dynamic = `$${e.name} is expanded at run time`;
      envArgs.push(arg);
    }
    tree = { form: 'launch', launch, commands, envArgs };
  }
  const starts = lineStarts(text);
  const t = tree;
  return {
    name,
    kind: 'uwsgi',
    text,
    errors,
    tree: t,
    print: () => (t.form === 'ini' ? printIni(t.doc) : text),
    settings: () => uwsgiFileSettings(name, t, starts),
  };
}

function uwsgiFileSettings(file: string, tree: UwsgiTree, starts: number[]): Setting[] {
  const out: Setting[] = [];
  if (tree.form === 'ini') {
    // Resolve placeholders in file order, per section: %(x) sees what was set before it.
    const seen = new Map<string, Map<string, Resolved>>();
    for (const l of tree.doc.lines) {
      if (l.kind !== 'entry') continue;
      const sec = seen.get(l.section) ?? new Map<string, Resolved>();
      seen.set(l.section, sec);
      const r = resolvePlaceholders(
        l.value!,
        file,
        (n) => sec.get(n) ?? sec.get(canonicalOption(n)),
      );
      sec.set(l.key!, r);
      sec.set(canonicalOption(l.key!), r);
      const s: Setting = {
        key: canonicalOption(l.key!),
        value: r.value,
        file,
        line: l.line,
        scope: `[${l.section}]`,
      };
      if (r.dynamic) s.dynamic = r.dynamic;
      out.push(s);
    }
    return out;
  }
  const push = (a: UwsgiArg, scope: string) => {
    const s: Setting = { key: a.name, value: a.value, file, line: lineAt(starts, a.start), scope };
    if (a.dynamic) s.dynamic = a.dynamic;
    out.push(s);
  };
  for (const a of tree.envArgs) push(a, 'environment (UWSGI_*)');
  for (const c of tree.commands) for (const a of c.args) push(a, `command line (${c.origin})`);
  return out;
}
