/**
 * What a container runs: its `command` + `args` as words (Kubernetes `$(VAR)` references
 * resolved from the container's own env when known), `sh -c` scripts split, and the gunicorn
 * or uWSGI settings they carry, with GUNICORN_CMD_ARGS / UWSGI_* from `env`. Every setting
 * points at its line in the YAML.
 */
import { isScalar, isSeq, type Document, type Node } from 'yaml';
import type { Setting } from '../types.ts';
import { parseGunicornArgs } from '../gunicorn/cmdline.ts';
import { mergeGunicornLayers, type GunicornLayer } from '../gunicorn/effective.ts';
import { findProgram } from '../gunicorn/program.ts';
import { isGunicornProgram, parseCmdArgsValue } from '../gunicorn/parse.ts';
import { isShortFlagsWithC, shellCommands, type Word } from '../gunicorn/shell.ts';
import { lineAt, type EffectiveSettings } from '../gunicorn/text.ts';
import { envOption, parseUwsgiArgs } from '../uwsgi/cmdline.ts';
import { mergeUwsgiSettings } from '../uwsgi/effective.ts';
import { isUwsgiProgram } from '../uwsgi/parse.ts';
import { isUvicornProgram, parseUvicornArgs, uvicornSettings } from '../uvicorn/index.ts';
import { parseHypercornArgs } from '../hypercorn/cmdline.ts';
import { applyArgs, hypercornDefaults } from '../hypercorn/effective.ts';
import { isHypercornProgram } from '../hypercorn/parse.ts';
import { asSeq } from './nodes.ts';
import { isTemplated } from './templates.ts';
import type { EnvVar, K8sContainer } from './objects.ts';
import { baseName } from '../../strings.ts';

export interface ContainerRuntime {
  /** `command` then `args`, as the kubelet passes them (when only args: the image entrypoint runs them). */
  words: Word[];
  gunicorn?: { layers: GunicornLayer[]; settings: EffectiveSettings };
  uwsgi?: { applied: Setting[]; settings: EffectiveSettings };
  uvicorn?: { settings: EffectiveSettings };
  hypercorn?: { settings: EffectiveSettings };
}

function substitute(
  value: string,
  env: readonly EnvVar[],
  shell: boolean,
): { value: string; unresolved: boolean } {
  let unresolved = false;
  const known = (n: string) => env.find((e) => e.name === n && e.value !== null)?.value;
  let out = value.replace(/\$\$\(|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, n?: string) => {
    if (!n) return '$(';
    const v = known(n);
    if (v === undefined || v === null) {
      unresolved = true;
      return all;
    }
    return v;
  });
  if (shell) {
    out = out.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (all, a?: string, b?: string) => {
      const v = known((a ?? b)!);
      if (v === undefined || v === null) {
        unresolved = true;
        return all;
      }
      return v;
    });
  }
  return { value: out, unresolved };
}

function seqWords(doc: Document.Parsed, n: Node | undefined, env: readonly EnvVar[]): Word[] {
  if (!n || !isSeq(n)) return [];
  return asSeq(doc, n)
    .filter((x) => isScalar(x))
    .map((x) => {
      const r = substitute(String((x as { value: unknown }).value ?? ''), env, false);
      return {
        value: r.value,
        start: x.range![0],
        end: x.range![1],
        expansion: r.unresolved || isTemplated(r.value),
      };
    });
}

export function containerRuntime(
  doc: Document.Parsed,
  c: K8sContainer,
  file: string,
  starts: readonly number[],
): ContainerRuntime {
  let words = [...seqWords(doc, c.command, c.env), ...seqWords(doc, c.args, c.env)];
  // `sh -c "gunicorn …"`: the script's words, all pointing at the script's line.
  const shIdx = words.findIndex((w) => ['sh', 'bash', 'ash', 'dash'].includes(baseName(w.value)));
  if (shIdx >= 0) {
    const c2 = words.findIndex((w, i) => i > shIdx && isShortFlagsWithC(w.value));
    const script = c2 >= 0 ? words[c2 + 1] : undefined;
    if (script) {
      const inner = shellCommands(script.value).flat();
      words = inner.map((w) => {
        const r = substitute(w.value, c.env, true);
        return {
          value: r.value,
          start: script.start,
          end: script.end,
          expansion: w.expansion && r.unresolved,
        };
      });
    }
  }
  const rt: ContainerRuntime = { words };
  const lineOfOffset = (o: number) => lineAt(starts, o);
  const g = findProgram(words, isGunicornProgram);
  const hasGunicornEnv = c.env.some((e) => e.name === 'GUNICORN_CMD_ARGS');
  if (g >= 0 || hasGunicornEnv) {
    const layers: GunicornLayer[] = [];
    if (g >= 0) {
      const args = parseGunicornArgs(words.slice(g + 1));
      layers.push({
        kind: 'cmdline',
        settings: [...args.settings, ...(args.app ? [args.app] : [])].map((s) => ({
          name: s.name,
          value: s.value,
          file,
          line: lineOfOffset(s.start),
          ...(s.dynamic ? { dynamic: s.dynamic } : {}),
        })),
      });
    }
    const envLayer: GunicornLayer = { kind: 'env', settings: [], env: {} };
    for (const e of c.env) {
      if (e.name === 'GUNICORN_CMD_ARGS' && e.value !== null) {
        for (const s of parseCmdArgsValue(e.value, e.offset).settings) {
          envLayer.settings.push({
            name: s.name,
            value: s.value,
            file,
            line: e.line,
            ...(s.dynamic ? { dynamic: s.dynamic } : {}),
          });
        }
      }
      if (e.name === 'WEB_CONCURRENCY' || e.name === 'PORT')
        envLayer.env![e.name] = { value: e.value, file, line: e.line };
    }
    layers.push(envLayer);
    rt.gunicorn = { layers, settings: mergeGunicornLayers(layers) };
  }
  const u = findProgram(words, isUwsgiProgram);
  const uwsgiEnv = c.env.filter((e) => envOption(e.name));
  if (u >= 0 || uwsgiEnv.length) {
    const applied: Setting[] = [];
    for (const e of uwsgiEnv) {
      const s: Setting = {
        key: envOption(e.name)!,
        value: e.value,
        file,
        line: e.line,
        scope: 'environment (UWSGI_*)',
      };
      if (e.dynamic) s.dynamic = e.dynamic;
      applied.push(s);
    }
    if (u >= 0) {
      for (const a of parseUwsgiArgs(words.slice(u + 1))) {
        const s: Setting = {
          key: a.name,
          value: a.value,
          file,
          line: lineOfOffset(a.start),
          scope: `command line (container ${c.name})`,
        };
        if (a.dynamic) s.dynamic = a.dynamic;
        applied.push(s);
      }
    }
    rt.uwsgi = { applied, settings: mergeUwsgiSettings(applied) };
  }
  const v = findProgram(words, isUvicornProgram);
  if (v >= 0) {
    const env = c.env.map((e) => ({ name: e.name, value: e.value, file, line: e.line }));
    const at = (offset: number) => ({ file, line: lineOfOffset(offset) });
    rt.uvicorn = { settings: uvicornSettings(parseUvicornArgs(words.slice(v + 1)), env, at) };
  }
  const h = findProgram(words, isHypercornProgram);
  if (h >= 0) {
    const at = (offset: number) => ({ file, line: lineOfOffset(offset) });
    rt.hypercorn = {
      settings: applyArgs(hypercornDefaults(), parseHypercornArgs(words.slice(h + 1)), at),
    };
  }
  return rt;
}
