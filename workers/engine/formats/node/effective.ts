/** Effective Node.js server timeouts: the last assignment in the file, else the version's default. */
import type { ParsedFile } from '../types.ts';
import type { EffectiveSettings, EffectiveValue, Provenance } from '../gunicorn/text.ts';
import { FASTIFY_DEFAULTS, NODE_SETTINGS, nodeDefault } from './defaults.ts';
import type { NodeTree } from './parse.ts';

/** Every timeout at its default: for a server whose code is not pasted (only its log). */
export function nodeDefaultSettings(
  opts: { nodeMajor?: number; fastify?: boolean } = {},
): EffectiveSettings {
  const out: EffectiveSettings = {};
  for (const name of NODE_SETTINGS) {
    const fd = opts.fastify ? FASTIFY_DEFAULTS[name] : undefined;
    const d = fd ?? nodeDefault(name, opts.nodeMajor ?? null);
    out[name] = {
      value: d.value,
      source: { default: `${fd ? 'Fastify' : 'Node.js'} default (${d.holds})` },
    };
  }
  return withNotes(out);
}

export function nodeSettings(
  parsed: ParsedFile<NodeTree>,
  opts: { nodeMajor?: number } = {},
): EffectiveSettings {
  const fastify = parsed.tree.servers.some((s) => s.framework === 'fastify');
  const out = nodeDefaultSettings({ ...opts, fastify });
  for (const a of parsed.tree.assignments) {
    const v: EffectiveValue =
      a.value === null
        ? {
            value: null,
            source: { dynamic: a.dynamic ?? 'unknown', file: parsed.name, line: a.line },
          }
        : {
            value: a.value,
            source: {
              file: parsed.name,
              line: a.line,
              layer: a.via,
              ...(a.dynamic ? { dynamic: a.dynamic } : {}),
            } as Provenance,
          };
    out[a.name] = v;
  }
  return withNotes(out);
}

function withNotes(out: EffectiveSettings): EffectiveSettings {
  out.keepAliveTimeout = {
    ...out.keepAliveTimeout!,
    note: 'ms an idle keep-alive connection stays open; a proxy must give up on idle connections sooner',
  };
  return out;
}
