/**
 * gunicorn inputs, parsed losslessly: a Python config file (evaluated safely, never run),
 * or a file that launches gunicorn (Procfile, Dockerfile, systemd unit, shell script) whose
 * command line and GUNICORN_CMD_ARGS carry settings.
 */
import type { FileError } from '../../model.ts';
import type { ParsedFile, Setting } from '../types.ts';
import { parseGunicornArgs, type ArgSetting, type ParsedArgs } from './cmdline.ts';
import { describe, readPyConfig, settingAssignments, type PyConfig } from './config.ts';
import { findLaunches, isComposeFile, launchForm, type LaunchFile } from './launch.ts';
import { findProgram } from './program.ts';
import { shellCommands, type Word } from './shell.ts';
import { lineAt, lineStarts } from './text.ts';
import { baseName } from '../../strings.ts';

export interface GunicornCommand {
  origin: string;
  /** The process it starts where a file starts several (Launch.unit). */
  unit?: string;
  /** The `gunicorn` word and everything after it. */
  words: Word[];
  args: ParsedArgs;
}

export interface CmdArgsEnv {
  origin: string;
  unit?: string;
  start: number;
  args: ParsedArgs;
}

export type GunicornTree =
  | { form: 'python'; config: PyConfig; chunks: { start: number; end: number }[] }
  | {
      form: 'launch';
      launch: LaunchFile;
      commands: GunicornCommand[];
      cmdArgsEnv: CmdArgsEnv[];
      chunks: { start: number; end: number }[];
    };

export function isGunicornProgram(base: string): boolean {
  return base === 'gunicorn' || base === 'gunicorn3';
}

/** Python or launcher? By name first, then by content. */
export function looksLikePython(name: string, text: string): boolean {
  if (/\.py$/i.test(name)) return true;
  if (isComposeFile(name, text)) return false;
  if (/^(Procfile|Dockerfile|Containerfile)|\.(service|sh|bash|dockerfile)$/i.test(baseName(name)))
    return false;
  // supervisord's `command=…` lines read like assignments; its [program:x] sections do not.
  if (launchForm(name, text) === 'supervisord') return false;
  return (
    /^[ \t]*(import |from \S+ import |[a-z_]+[ \t]*=[ \t]*\S)/m.test(text) &&
    !/^[ \t]*(FROM|CMD|ENTRYPOINT)\s/m.test(text) &&
    !/^[ \t]*ExecStart=/m.test(text)
  );
}

/** Gunicorn's GUNICORN_CMD_ARGS value parsed as a command line; every setting points at the ENV line. */
export function parseCmdArgsValue(value: string, start: number): ParsedArgs {
  const words = shellCommands(value, 0, value.length, false)
    .flat()
    .map((w) => ({ ...w, start, end: start }));
  return parseGunicornArgs(words);
}

export function parseGunicorn(name: string, text: string): ParsedFile<GunicornTree> {
  const errors: FileError[] = [];
  let tree: GunicornTree;
  if (looksLikePython(name, text)) {
    const config = readPyConfig(text);
    errors.push(...config.errors);
    const chunks: { start: number; end: number }[] = [];
    let at = 0;
    for (const l of config.lines) {
      if (l.start > at) chunks.push({ start: at, end: l.start });
      chunks.push({ start: l.start, end: l.end });
      at = l.end;
    }
    if (at < text.length) chunks.push({ start: at, end: text.length });
    tree = { form: 'python', config, chunks };
  } else {
    const launch = findLaunches(name, text);
    const ls = lineStarts(text);
    for (const o of launch.unclosedQuotes)
      errors.push({ line: lineAt(ls, o), message: 'quote opened here is never closed' });
    const commands: GunicornCommand[] = [];
    for (const l of launch.launches) {
      const at = findProgram(l.words, isGunicornProgram);
      if (at < 0) continue;
      const words = l.words.slice(at);
      commands.push({
        origin: l.origin,
        unit: l.unit,
        words,
        args: parseGunicornArgs(words.slice(1)),
      });
      // `GUNICORN_CMD_ARGS="…" gunicorn …`: an assignment prefixing the command.
      for (const w of l.words.slice(0, at)) {
        const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(w.value);
        if (m)
          launch.env.push({
            name: m[1]!,
            value: w.expansion ? null : m[2]!,
            start: w.start,
            end: w.end,
            origin: l.origin,
            unit: l.unit,
          });
      }
    }
    const cmdArgsEnv = launch.env
      .filter((e) => e.name === 'GUNICORN_CMD_ARGS' && e.value !== null)
      .map((e) => ({
        origin: e.origin,
        unit: e.unit,
        start: e.start,
        args: parseCmdArgsValue(e.value!, e.start),
      }));
    tree = {
      form: 'launch',
      launch,
      commands,
      cmdArgsEnv,
      chunks: [{ start: 0, end: text.length }],
    };
  }
  const starts = lineStarts(text);
  for (const c of tree.form === 'launch' ? tree.commands : []) {
    for (const u of c.args.unknown)
      errors.push({
        line: lineAt(starts, u.start),
        message: `gunicorn does not know the option ${u.flag}`,
      });
  }
  const t = tree;
  return {
    name,
    kind: 'gunicorn',
    text,
    errors,
    tree: t,
    print: () => t.chunks.map((c) => text.slice(c.start, c.end)).join(''),
    settings: () => gunicornFileSettings(name, t, starts),
  };
}

/**
 * A launch file that starts gunicorn in several processes (two compose services, two
 * supervisord programs, two Procfile lines) read as one file per process: each holds that
 * process's command and the environment set for it (or for the whole file). Those are
 * different gunicorns with their own settings, binds and stop policies; merged, the last
 * one's values stood for all of them. Any other file is itself alone.
 */
export function gunicornProcesses(parsed: ParsedFile<GunicornTree>): ParsedFile<GunicornTree>[] {
  const tree = parsed.tree;
  if (tree.form !== 'launch') return [parsed];
  const units = [...new Set(tree.commands.map((c) => c.unit))];
  if (units.length < 2 || units.includes(undefined)) return [parsed];
  const starts = lineStarts(parsed.text);
  return units.map((unit) => {
    const own: GunicornTree = {
      ...tree,
      commands: tree.commands.filter((c) => c.unit === unit),
      cmdArgsEnv: tree.cmdArgsEnv.filter((e) => e.unit === undefined || e.unit === unit),
    };
    return {
      ...parsed,
      tree: own,
      settings: () => gunicornFileSettings(parsed.name, own, starts),
    };
  });
}

function gunicornFileSettings(file: string, tree: GunicornTree, starts: number[]): Setting[] {
  if (tree.form === 'python') {
    return settingAssignments(tree.config).map((a) => ({
      key: a.name,
      ...describe(a.value),
      file,
      line: a.line,
      scope: a.topLevel ? 'config file' : 'config file (inside a block)',
    }));
  }
  const out: Setting[] = [];
  const push = (s: ArgSetting, scope: string) => {
    const setting: Setting = {
      key: s.name,
      value: s.value,
      file,
      line: lineAt(starts, s.start),
      scope,
    };
    if (s.dynamic) setting.dynamic = s.dynamic;
    out.push(setting);
  };
  for (const e of tree.cmdArgsEnv)
    for (const s of e.args.settings) push(s, `GUNICORN_CMD_ARGS (${e.origin})`);
  for (const c of tree.commands) {
    for (const s of c.args.settings) push(s, `command line (${c.origin})`);
    if (c.args.app) push(c.args.app, `command line (${c.origin})`);
  }
  return out;
}
