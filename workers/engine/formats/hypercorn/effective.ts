/**
 * The settings each hypercorn server runs with: its command line over the TOML file it names
 * with `-c` (when that file was pasted too), over hypercorn's defaults — each with its line.
 */
import type { ParsedFile } from '../types.ts';
import type { EffectiveSettings } from '../gunicorn/text.ts';
import { defaultsOf, lineAt, lineStarts } from '../gunicorn/text.ts';
import { baseName } from '../../strings.ts';
import { HYPERCORN_SETTINGS } from './defaults.ts';
import type { HypercornTree } from './parse.ts';
import type { ParsedArgs } from '../gunicorn/cmdline.ts';
import type { Launched } from '../gunicorn/program.ts';

export interface HypercornRun {
  /** "Dockerfile CMD", "hypercorn.toml". */
  origin: string;
  settings: EffectiveSettings;
  /** The pasted files it reads, the config file first (where new settings go). */
  files: string[];
  /** Where its command is written, when a launch file starts it. */
  launch?: Launched;
}

export function hypercornDefaults(): EffectiveSettings {
  return defaultsOf(HYPERCORN_SETTINGS, 'hypercorn');
}

function tomlSettings(file: ParsedFile<HypercornTree>, into: EffectiveSettings): void {
  if (file.tree.form !== 'toml') return;
  const starts = lineStarts(file.text);
  for (const e of file.tree.top.entries)
    into[e.key] = { value: e.value, source: { file: file.name, line: lineAt(starts, e.start) } };
}

/** A command line's options over `settings` (in place); `at` gives an offset's file and line. */
export function applyArgs(
  settings: EffectiveSettings,
  args: ParsedArgs,
  at: (offset: number) => { file: string; line: number },
): EffectiveSettings {
  const binds: string[] = [];
  for (const a of args.settings) {
    // `-b` may be given more than once: hypercorn binds each.
    if (a.name === 'bind' && a.value !== null) binds.push(a.value);
    settings[a.name] = {
      value: a.name === 'bind' && a.value !== null ? binds.join(', ') : a.value,
      source: a.dynamic ? { ...at(a.start), dynamic: a.dynamic } : at(a.start),
    };
  }
  if (args.app) settings.app = { value: args.app.value, source: at(args.app.start) };
  return settings;
}

/**
 * Every hypercorn server in the pasted files: each command line (over the TOML file it names,
 * if pasted), and each TOML file no command line names (run with it alone).
 */
export function hypercornRuns(files: readonly ParsedFile<HypercornTree>[]): HypercornRun[] {
  const tomls = files.filter((f) => f.tree.form === 'toml');
  const named = new Set<ParsedFile>();
  const runs: HypercornRun[] = [];
  for (const file of files) {
    if (file.tree.form !== 'launch') continue;
    const starts = lineStarts(file.text);
    for (const server of file.tree.servers) {
      const settings = hypercornDefaults();
      const config = server.args.settings.find((a) => a.name === 'config')?.value;
      const toml = config ? tomls.find((t) => baseName(t.name) === baseName(config)) : undefined;
      if (toml) {
        named.add(toml);
        tomlSettings(toml, settings);
      }
      applyArgs(settings, server.args, (o) => ({ file: file.name, line: lineAt(starts, o) }));
      runs.push({
        origin: `${server.origin} in ${file.name}`,
        settings,
        files: toml ? [toml.name, file.name] : [file.name],
        launch: {
          file: file.name,
          at: server.insertAt,
          process: server.unit,
        },
      });
    }
  }
  for (const toml of tomls) {
    if (named.has(toml)) continue;
    const settings = hypercornDefaults();
    tomlSettings(toml, settings);
    runs.push({ origin: toml.name, settings, files: [toml.name] });
  }
  return runs;
}
