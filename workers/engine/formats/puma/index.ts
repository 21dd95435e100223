/**
 * Puma config (`config/puma.rb`): a Ruby DSL read line by line without running Ruby. Calls
 * such as `worker_timeout 60`, `persistent_timeout 20`, `first_data_timeout 30`,
 * `workers ENV.fetch("WEB_CONCURRENCY") { 2 }` give settings; ENV lookups give their
 * fallback with a note. Defaults are Puma 5–6's.
 */
import type { Edit, FileError } from '../../model.ts';
import type { FormatHandler, ParsedFile, Setting } from '../types.ts';
import type { DefaultRow, EffectiveSettings } from '../gunicorn/text.ts';
import { newlineOf, splitLines } from '../gunicorn/text.ts';
import { withoutComment } from '../../strings.ts';

const P = 'Puma 5–6';
export const PUMA_DEFAULTS: Record<string, DefaultRow> = {
  worker_timeout: { value: '60', holds: P },
  worker_boot_timeout: { value: '60', holds: `${P} (worker_timeout)` },
  worker_shutdown_timeout: { value: '30', holds: P },
  persistent_timeout: { value: '20', holds: P },
  first_data_timeout: { value: '30', holds: P },
  workers: { value: '0', holds: `${P} (single mode)` },
  threads: { value: '0, 5', holds: P },
  port: { value: '9292', holds: P },
  max_fast_inline: { value: '10', holds: P },
};

const DSL = new Set([
  ...Object.keys(PUMA_DEFAULTS),
  'bind',
  'environment',
  'preload_app!',
  'plugin',
  'pidfile',
  'state_path',
  'queue_requests',
  'wait_for_less_busy_worker',
  'fork_worker',
  'max_keep_alive',
]);

export interface PumaCall {
  name: string;
  /** The argument text as written, and its offsets. */
  args: string;
  argsStart: number;
  argsEnd: number;
  line: number;
  indent: number;
}

export interface PumaTree {
  calls: PumaCall[];
  /** Local variables assigned at the top level (`max_threads = ENV.fetch(...) { 5 }`). */
  vars: Map<string, { value: string | null; dynamic?: string }>;
}

/** One Ruby argument: integer/float/string literal, ENV.fetch with fallback, ENV[...] || x, a known local. */
export function rubyValue(
  src: string,
  vars: PumaTree['vars'],
): { value: string | null; dynamic?: string } {
  const s = src.trim().replace(/\.to_i$|\.to_f$/, '');
  if (/^-?\d[\d_]*(\.\d+)?$/.test(s)) return { value: s.replace(/_/g, '') };
  const str = /^(["'])(.*)\1$/.exec(s);
  if (str && !/#\{/.test(str[2]!)) return { value: str[2]! };
  if (/^:\w+$/.test(s)) return { value: s.slice(1) };
  if (/^(true|false)$/.test(s)) return { value: s };
  const inner = /^(?:Integer|Float)\((.*)\)$/.exec(s);
  if (inner) return rubyValue(inner[1]!, vars);
  const fetch =
    /^ENV\.fetch\(\s*["']([^"']+)["']\s*(?:,([^)]+))?\)\s*(?:\{([^}]*)\})?(?:\.to_[if])?$/.exec(s);
  const idx = /^ENV\[\s*["']([^"']+)["']\s*\]\s*(?:\|\|(.+))?$/.exec(s);
  const fallback = (fetch ? (fetch[2] ?? fetch[3]) : idx?.[2])?.trim();
  const m = fetch
    ? { name: fetch[1]!, fb: fallback }
    : idx
      ? { name: idx[1]!, fb: fallback }
      : null;
  if (m) {
    const fb = m.fb !== undefined ? rubyValue(m.fb, vars) : null;
    if (fb?.value !== null && fb?.value !== undefined)
      return { value: fb.value, dynamic: `$${m.name} from the environment, else ${fb.value}` };
    return { value: null, dynamic: `$${m.name} is read at run time` };
  }
  if (/^[a-z_]\w*$/.test(s) && vars.has(s)) return vars.get(s)!;
  return { value: null, dynamic: `\`${s.slice(0, 80)}\` is computed by Ruby at run time` };
}

export function parsePuma(name: string, text: string): ParsedFile<PumaTree> {
  const calls: PumaCall[] = [];
  const vars: PumaTree['vars'] = new Map();
  const errors: FileError[] = [];
  let depth = 0;
  for (const l of splitLines(text)) {
    const code = l.body.trimStart().startsWith('#') ? '' : withoutComment(l.body);
    if (
      /^\s*(if|unless|case|while|until|begin|def|class|module)\b|\bdo(\s*\|[^|]*\|)?\s*$/.test(code)
    )
      depth++;
    if (/^\s*end\b/.test(code)) depth = Math.max(0, depth - 1);
    const assign = /^[ \t]*([a-z_]\w*)[ \t]*=[ \t]*(\S.*)$/.exec(code);
    if (assign && depth === 0) {
      vars.set(assign[1]!, rubyValue(assign[2]!, vars));
      continue;
    }
    const call = /^(\s*)([a-z_]\w*!?)(?=[\s(]|$)/.exec(code);
    if (call && DSL.has(call[2]!)) {
      const head = call[0].length;
      const after = code.slice(head);
      const ws = after.length - after.trimStart().length;
      let args = after.trim();
      let start = l.start + head + ws;
      if (args.startsWith('(') && args.endsWith(')')) {
        args = args.slice(1, -1);
        start++;
      }
      calls.push({
        name: call[2]!,
        args,
        argsStart: start,
        argsEnd: start + args.length,
        line: l.line,
        indent: call[1]!.length,
      });
    }
  }
  if (/["'][^"'\n]*$/.test(text.split('\n').pop() ?? ''))
    errors.push({ line: splitLines(text).length, message: 'unterminated string' });
  const tree: PumaTree = { calls, vars };
  return {
    name,
    kind: 'puma',
    text,
    errors,
    tree,
    print: () => text,
    settings: () =>
      calls.map((c) => {
        const args =
          c.name === 'threads'
            ? c.args.split(',').map((a) => rubyValue(a, vars))
            : [rubyValue(c.args, vars)];
        const known = args.every((a) => a.value !== null);
        const s: Setting = {
          key: c.name,
          value: known ? args.map((a) => a.value).join(', ') : null,
          file: name,
          line: c.line,
        };
        const dyn = args
          .map((a) => a.dynamic)
          .filter(Boolean)
          .join('; ');
        if (dyn) s.dynamic = dyn;
        return s;
      }),
  };
}

export function pumaSettings(parsed: ParsedFile<PumaTree>): EffectiveSettings {
  const out: EffectiveSettings = {};
  for (const [k, d] of Object.entries(PUMA_DEFAULTS))
    out[k] = { value: d.value, source: { default: `Puma default (${d.holds})` } };
  for (const s of parsed.settings()) {
    out[s.key] =
      s.value === null
        ? { value: null, source: { dynamic: s.dynamic ?? 'unknown', file: s.file, line: s.line } }
        : {
            value: s.value,
            source: { file: s.file, line: s.line, ...(s.dynamic ? { dynamic: s.dynamic } : {}) },
          };
  }
  out.persistent_timeout = {
    ...out.persistent_timeout!,
    note: 'seconds an idle keep-alive connection stays open; a proxy must give up sooner',
  };
  return out;
}

/** One address Puma listens on: a `bind` URL or a `port` call, as written. */
export interface PumaBind {
  /** `tcp://0.0.0.0:3000`, `unix:///run/puma.sock`, `ssl://0.0.0.0:3001?key=…`. */
  url: string;
  line: number;
  /** Set from the environment with this fallback (`port ENV.fetch("PORT") { 3000 }`). */
  dynamic?: string;
}

/**
 * What Puma listens on: every `bind` (URLs), and `port N[, host]` (tcp://host:N, 0.0.0.0 by
 * default). Empty when the file sets neither: Puma then listens on 9292, or on $PORT when set,
 * which a file cannot tell.
 */
export function pumaBinds(parsed: ParsedFile<PumaTree>): PumaBind[] {
  const { calls, vars } = parsed.tree;
  return calls.flatMap((c): PumaBind[] => {
    if (c.name === 'bind') {
      const v = rubyValue(c.args, vars);
      return v.value === null ? [] : [bindOf(v.value, c.line, v.dynamic)];
    }
    if (c.name !== 'port') return [];
    // `port 3000` or `port 3000, "127.0.0.1"`: split on the comma outside the ENV.fetch block.
    const [portArg, hostArg] = splitArgs(c.args);
    const port = rubyValue(portArg ?? '', vars);
    const host = hostArg === undefined ? { value: '0.0.0.0' } : rubyValue(hostArg, vars);
    if (port.value === null || host.value === null) return [];
    const dynamic = [port.dynamic, 'dynamic' in host ? host.dynamic : undefined]
      .filter(Boolean)
      .join('; ');
    return [bindOf(`tcp://${host.value}:${port.value}`, c.line, dynamic || undefined)];
  });
}

function bindOf(url: string, line: number, dynamic: string | undefined): PumaBind {
  return dynamic ? { url, line, dynamic } : { url, line };
}

/** Top-level comma-separated arguments (commas inside (), {}, [] or quotes do not split). */
function splitArgs(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if ('({['.includes(c)) depth++;
    else if (')}]'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      out.push(args.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(args.slice(start).trim());
  return out;
}

/** Set a DSL call's argument (replace, or add `name value` after the last known call). */
export function setPumaSetting(
  parsed: ParsedFile<PumaTree>,
  key: string,
  value: number | string,
): Edit[] {
  const v = typeof value === 'number' ? String(value) : JSON.stringify(value);
  const hit = parsed.tree.calls.filter((c) => c.name === key).pop();
  if (hit)
    return hit.args === v
      ? []
      : [{ file: parsed.name, start: hit.argsStart, end: hit.argsEnd, text: v }];
  const nl = newlineOf(parsed.text);
  const last = parsed.tree.calls.filter((c) => c.indent === 0).pop();
  if (!last) {
    const end = parsed.text.length;
    return [
      {
        file: parsed.name,
        start: end,
        end,
        text: `${end > 0 && !parsed.text.endsWith('\n') ? nl : ''}${key} ${v}${nl}`,
      },
    ];
  }
  const lineEnd = parsed.text.indexOf('\n', last.argsEnd);
  const at = lineEnd === -1 ? parsed.text.length : lineEnd + 1;
  return [
    { file: parsed.name, start: at, end: at, text: `${lineEnd === -1 ? nl : ''}${key} ${v}${nl}` },
  ];
}

function detect(name: string, text: string): number {
  const head = text.slice(0, 200_000);
  const hits = new Set(
    (
      head.match(
        // `preload_app!` takes no argument: it counts alone on its line (a `\b` after `!` never matched).
        /^[ \t]*(?:(?:workers|threads|worker_timeout|persistent_timeout|first_data_timeout|plugin|port|bind|environment|pidfile|worker_shutdown_timeout|on_worker_boot|before_fork)\b(?:\(|[ \t]+(?![ \t=]))|preload_app!(?=[ \t]*(?:#|$)))/gm,
      ) ?? []
    ).map((m) => m.trim().replace(/[ \t(].*/, '')),
  ).size;
  if (/puma\.rb$/i.test(name)) return 0.97;
  if (
    hits >= 3 &&
    /ENV\.fetch|preload_app!|worker_timeout|persistent_timeout|threads\s+\w/.test(head)
  )
    return 0.8;
  if (hits >= 2 && /\.rb$/.test(name)) return 0.6;
  return 0;
}

export const handler: FormatHandler<PumaTree> = {
  kind: 'puma',
  detect(name, text) {
    try {
      return detect(name, text);
    } catch {
      return 0;
    }
  },
  parse: parsePuma,
};
