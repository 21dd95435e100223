/**
 * uvicorn inputs: a file that launches it (Dockerfile, Procfile, compose, systemd unit, shell
 * script: its command line and UVICORN_* environment) or a Python file that calls
 * `uvicorn.run(…)` / `uvicorn.Config(…)`. Nothing is restructured, so printing gives the text
 * back byte for byte.
 */
import type { FileError } from '../../model.ts';
import type { ParsedFile, Setting } from '../types.ts';
import type { ParsedArgs } from '../gunicorn/cmdline.ts';
import { findLaunches, type EnvAssignment } from '../gunicorn/launch.ts';
import { findProgram, programSite } from '../gunicorn/program.ts';
import { looksLikePython } from '../gunicorn/parse.ts';
import { lineAt, lineStarts } from '../gunicorn/text.ts';
import { parseUvicornArgs } from './cmdline.ts';
import { envSetting, envTarget } from './defaults.ts';
import { uvicornCalls } from './python.ts';

/** One uvicorn server the file starts: a command line or a `uvicorn.run()` call. */
export interface UvicornServer {
  /** "Dockerfile CMD", "compose command", "uvicorn.run()". */
  origin: string;
  args: ParsedArgs;
  /** Where new arguments go: after a launch's `uvicorn` word, a call's last argument. */
  insertAt: number;
  /** A launch in exec form (`["uvicorn", …]`): words are JSON strings. */
  json?: boolean;
  /** The process it starts where a launch file starts several (Launch.unit). */
  unit?: string;
}

export interface UvicornTree {
  form: 'launch' | 'python';
  servers: UvicornServer[];
  /** UVICORN_* (and WEB_CONCURRENCY, FORWARDED_ALLOW_IPS) the file sets for them. */
  env: EnvAssignment[];
}

export function isUvicornProgram(base: string): boolean {
  return base === 'uvicorn';
}

export function parseUvicorn(name: string, text: string): ParsedFile<UvicornTree> {
  const errors: FileError[] = [];
  const starts = lineStarts(text);
  let tree: UvicornTree;
  if (looksLikePython(name, text)) {
    const { calls, errors: lexErrors } = uvicornCalls(text);
    errors.push(...lexErrors);
    tree = {
      form: 'python',
      servers: calls.map((c) => ({
        origin: `${c.callee}()`,
        args: c.args,
        insertAt: c.lastArgEnd,
      })),
      env: [],
    };
  } else {
    const launch = findLaunches(name, text);
    for (const o of launch.unclosedQuotes)
      errors.push({ line: lineAt(starts, o), message: 'quote opened here is never closed' });
    const servers: UvicornServer[] = [];
    for (const l of launch.launches) {
      const at = findProgram(l.words, isUvicornProgram);
      if (at >= 0)
        servers.push({
          ...programSite(text, l, at),
          args: parseUvicornArgs(l.words.slice(at + 1)),
        });
    }
    // What uvicorn reads, and every UVICORN_ variable (an unknown one is an error below).
    const env = launch.env.filter((e) => envTarget(e.name) || e.name.startsWith('UVICORN_'));
    tree = { form: 'launch', servers, env };
  }
  for (const s of tree.servers)
    for (const u of s.args.unknown)
      errors.push({
        line: lineAt(starts, u.start),
        message: `uvicorn does not know the option ${u.flag}`,
      });
  for (const e of tree.env)
    if (e.name.startsWith('UVICORN_') && !envSetting(e.name))
      errors.push({
        line: lineAt(starts, e.start),
        message: `uvicorn reads no setting from ${e.name}`,
      });
  const t = tree;
  return {
    name,
    kind: 'uvicorn',
    text,
    errors,
    tree: t,
    print: () => text,
    settings: () => uvicornFileSettings(name, t, starts),
  };
}

function uvicornFileSettings(file: string, tree: UvicornTree, starts: number[]): Setting[] {
  const out: Setting[] = [];
  for (const e of tree.env) {
    const key = envSetting(e.name)?.name ?? e.name;
    out.push({
      key,
      value: e.value,
      file,
      line: lineAt(starts, e.start),
      scope: `environment ${e.name} (${e.origin})`,
      ...(e.value === null ? { dynamic: `${e.name} is set at run time` } : {}),
    });
  }
  for (const s of tree.servers) {
    for (const a of [...s.args.settings, ...(s.args.app ? [s.args.app] : [])]) {
      out.push({
        key: a.name,
        value: a.value,
        file,
        line: lineAt(starts, a.start),
        scope: tree.form === 'python' ? s.origin : `command line (${s.origin})`,
        ...(a.dynamic ? { dynamic: a.dynamic } : {}),
      });
    }
  }
  return out;
}
