/**
 * Effective gunicorn settings with provenance, in gunicorn's precedence: defaults < config
 * file < GUNICORN_CMD_ARGS < command line (later wins within a layer). Adds the semantics
 * that change what a value means: threads > 1 with the sync worker runs gthread, keepalive
 * is ignored by the sync worker, and timeout is a heartbeat (not a request limit) outside it.
 */
import type { ParsedFile, Setting } from '../types.ts';
import { BY_NAME, GUNICORN_SETTINGS } from './defaults.ts';
import { parseCmdArgsValue } from './parse.ts';
import {
  defaultsOf,
  type EffectiveSettings,
  type EffectiveValue,
  type Provenance,
} from './text.ts';

export type GunicornLayerKind = 'config' | 'env' | 'cmdline';

export interface GunicornLayerSetting {
  name: string;
  value: string | null;
  file: string;
  line: number;
  dynamic?: string;
}

export interface GunicornLayer {
  kind: GunicornLayerKind;
  settings: GunicornLayerSetting[];
  /** Environment variables gunicorn reads for defaults (WEB_CONCURRENCY, PORT). */
  env?: Record<string, { value: string | null; file: string; line: number }>;
}

const ORDER: Record<GunicornLayerKind, number> = { config: 0, env: 1, cmdline: 2 };

/** Layers from parsed gunicorn files (config or launcher) and dotenv files. Other kinds give none. */
export function gunicornLayers(parsed: ParsedFile): GunicornLayer[] {
  if (parsed.kind === 'dotenv') return dotenvLayers(parsed.settings());
  if (parsed.kind !== 'gunicorn') return [];
  const by = new Map<GunicornLayerKind, GunicornLayer>();
  for (const s of parsed.settings()) {
    const kind: GunicornLayerKind = s.scope?.startsWith('GUNICORN_CMD_ARGS')
      ? 'env'
      : s.scope?.startsWith('command line')
        ? 'cmdline'
        : 'config';
    const layer = by.get(kind) ?? { kind, settings: [] };
    by.set(kind, layer);
    const ls: GunicornLayerSetting = { name: s.key, value: s.value, file: s.file, line: s.line };
    if (s.dynamic) ls.dynamic = s.dynamic;
    layer.settings.push(ls);
  }
  return [...by.values()];
}

function dotenvLayers(settings: Setting[]): GunicornLayer[] {
  const env: GunicornLayer['env'] = {};
  const fromArgs: GunicornLayerSetting[] = [];
  for (const s of settings) {
    if (s.key === 'WEB_CONCURRENCY' || s.key === 'PORT')
      env[s.key] = { value: s.value, file: s.file, line: s.line };
    if (s.key === 'GUNICORN_CMD_ARGS' && s.value !== null) {
      for (const a of parseCmdArgsValue(s.value, 0).settings)
        fromArgs.push({ name: a.name, value: a.value, file: s.file, line: s.line });
    }
  }
  return Object.keys(env).length || fromArgs.length
    ? [{ kind: 'env', settings: fromArgs, env }]
    : [];
}

/** Effective settings from gunicorn files (and dotenv files with GUNICORN_CMD_ARGS), merged. */
export function gunicornSettings(
  parsed: ParsedFile | readonly ParsedFile[],
  extra: readonly GunicornLayer[] = [],
): EffectiveSettings {
  const files = Array.isArray(parsed) ? (parsed as readonly ParsedFile[]) : [parsed as ParsedFile];
  return mergeGunicornLayers([...files.flatMap(gunicornLayers), ...extra]);
}

export function mergeGunicornLayers(layers: readonly GunicornLayer[]): EffectiveSettings {
  const out = defaultsOf(GUNICORN_SETTINGS, 'gunicorn');
  const env: NonNullable<GunicornLayer['env']> = {};
  for (const l of layers) Object.assign(env, l.env ?? {});
  if (env.WEB_CONCURRENCY) out.workers = fromEnv(env.WEB_CONCURRENCY, 'WEB_CONCURRENCY');
  if (env.PORT) {
    const p = fromEnv(env.PORT, 'PORT');
    out.bind = { ...p, value: p.value === null ? null : `0.0.0.0:${p.value}` };
  }
  const sorted = [...layers].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  for (const layer of sorted) {
    const multi = new Map<string, GunicornLayerSetting[]>();
    for (const s of layer.settings) {
      if (BY_NAME.get(s.name)?.multi && layer.kind !== 'config') {
        const list = multi.get(s.name);
        if (list) list.push(s);
        else multi.set(s.name, [s]);
        continue;
      }
      out[s.name] = fromSetting(s, layer.kind);
    }
    for (const [name, list] of multi) {
      const values = list.map((s) => s.value);
      const first = list[0]!;
      const dynamic = list.find((s) => s.dynamic)?.dynamic;
      const source: Provenance = { file: first.file, line: first.line, layer: layer.kind };
      if (dynamic) source.dynamic = dynamic;
      out[name] = { value: values.some((v) => v === null) ? null : values.join(', '), source };
    }
  }
  annotate(out);
  return out;
}

function fromEnv(
  e: { value: string | null; file: string; line: number },
  name: string,
): EffectiveValue {
  return e.value === null
    ? {
        value: null,
        source: { dynamic: `$${name} is expanded at run time`, file: e.file, line: e.line },
      }
    : { value: e.value, source: { file: e.file, line: e.line, layer: 'environment' } };
}

function fromSetting(s: GunicornLayerSetting, layer: GunicornLayerKind): EffectiveValue {
  if (s.value === null)
    return { value: null, source: { dynamic: s.dynamic ?? 'unknown', file: s.file, line: s.line } };
  const source: Provenance = { file: s.file, line: s.line, layer };
  if (s.dynamic) source.dynamic = s.dynamic;
  return { value: s.value, source };
}

/** Worker class after gunicorn's own rule: `threads > 1` with sync means gthread. */
export function effectiveWorkerClass(settings: EffectiveSettings): string | null {
  const wc = normaliseWorkerClass(settings.worker_class?.value ?? 'sync');
  const threads = Number(settings.threads?.value ?? '1');
  if (wc === 'sync' && threads > 1) return 'gthread';
  return wc;
}

function normaliseWorkerClass(v: string | null): string | null {
  if (v === null) return null;
  const m =
    /^(?:gunicorn\.workers\.)?(?:(sync|gthread|gevent|eventlet|tornado)|g(?:sync|thread)\.\w+Worker)$/i.exec(
      v.trim(),
    );
  if (m?.[1]) return m[1].toLowerCase();
  if (/^egg:gunicorn#(\w+)$/.test(v)) return v.replace(/^egg:gunicorn#/, '');
  if (/SyncWorker$/.test(v)) return 'sync';
  if (/ThreadWorker$/.test(v)) return 'gthread';
  return v.trim();
}

function annotate(out: EffectiveSettings): void {
  const wcValue = out.worker_class!;
  const wc = effectiveWorkerClass(out);
  if (wc === 'gthread' && normaliseWorkerClass(wcValue.value) === 'sync') {
    out.worker_class = {
      value: 'gthread',
      source: out.threads!.source,
      note: `threads = ${out.threads!.value} with the sync worker class: gunicorn runs the gthread worker`,
    };
  }
  if (wc === 'sync') {
    out.keepalive = {
      ...out.keepalive!,
      note: 'ignored by the sync worker: it closes the connection after every response',
    };
    out.timeout = {
      ...out.timeout!,
      note: 'sync worker: a request running longer than this gets its worker killed (WORKER TIMEOUT)',
    };
  } else if (wc !== null) {
    out.timeout = {
      ...out.timeout!,
      note: `${wc} worker: a heartbeat (the worker must notify the arbiter), not a per-request limit`,
    };
    if (wc !== 'gthread' && /^(gevent|eventlet|tornado)$/.test(wc)) {
      out.keepalive = {
        ...out.keepalive!,
        note: `${wc} worker keeps idle connections open this many seconds`,
      };
    } else if (/uvicorn/i.test(wc)) {
      out.keepalive = {
        ...out.keepalive!,
        note: 'UvicornWorker passes it to uvicorn as timeout_keep_alive (idle connections close after it)',
      };
    } else if (wc === 'gthread') {
      out.keepalive = {
        ...out.keepalive!,
        note: 'gthread worker keeps idle client connections open this many seconds',
      };
    }
  } else {
    out.timeout = {
      ...out.timeout!,
      note: 'meaning depends on the worker class, which is dynamic',
    };
  }
}

export interface GunicornBind {
  kind: 'tcp' | 'unix' | 'fd';
  /** `host:port` (host may be empty or `[::]`), a socket path, or an fd number. */
  address: string;
}

/** gunicorn's `bind` values (comma-separated when several): `unix:PATH`, `fd://N`, else TCP `HOST:PORT`. */
export function gunicornBinds(value: string | null): GunicornBind[] {
  if (value === null) return [];
  return value
    .split(/,\s*/)
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v): GunicornBind => {
      if (v.startsWith('unix:')) return { kind: 'unix', address: v.slice(5) };
      if (v.startsWith('fd://')) return { kind: 'fd', address: v.slice(5) };
      // A bare host means port 8000.
      return { kind: 'tcp', address: /:\d+$/.test(v) ? v : `${v}:8000` };
    });
}
