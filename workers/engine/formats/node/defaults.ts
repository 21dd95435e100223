/**
 * Node.js http.Server timeouts by major version (from the Node docs' history of each
 * property), and the framework defaults that replace them.
 */
import type { DefaultRow } from '../gunicorn/text.ts';

export type NodeSettingName =
  'keepAliveTimeout' | 'headersTimeout' | 'requestTimeout' | 'timeout' | 'maxRequestsPerSocket';

export const NODE_SETTINGS: NodeSettingName[] = [
  'keepAliveTimeout',
  'headersTimeout',
  'requestTimeout',
  'timeout',
  'maxRequestsPerSocket',
];

/** The default of `name` in Node `major` (null major: the current LTS line, 20+). */
export function nodeDefault(name: NodeSettingName, major: number | null): DefaultRow {
  const m = major ?? 20;
  switch (name) {
    case 'keepAliveTimeout':
      return { value: '5000', holds: 'Node ≥ 8' };
    case 'headersTimeout':
      if (m >= 18) return { value: '60000', holds: 'Node ≥ 18 (min of 60000 and requestTimeout)' };
      if (m >= 13) return { value: '60000', holds: 'Node 13–17' };
      if (m === 12)
        return {
          value: '60000',
          holds: 'Node 12 (40000 before the 12.x backport of nodejs/node#30071)',
        };
      return { value: '40000', holds: 'Node 10.14–11' };
    case 'requestTimeout':
      return m >= 18
        ? { value: '300000', holds: 'Node ≥ 18' }
        : { value: '0', holds: 'Node 14.11–17 (no limit)' };
    case 'timeout':
      return m >= 13
        ? { value: '0', holds: 'Node ≥ 13 (no idle socket timeout)' }
        : { value: '120000', holds: 'Node ≤ 12' };
    case 'maxRequestsPerSocket':
      return { value: '0', holds: 'Node ≥ 16.10 (unlimited)' };
  }
}

/** Fastify's own defaults for the same options (it sets them on the server it creates). */
export const FASTIFY_DEFAULTS: Partial<Record<NodeSettingName, DefaultRow>> = {
  keepAliveTimeout: { value: '72000', holds: 'Fastify ≥ 3' },
  requestTimeout: { value: '0', holds: 'Fastify ≥ 3.36' },
  timeout: { value: '0', holds: 'Fastify ≥ 4 (connectionTimeout)' },
};

/**
 * The Node.js major a pasted file pins, when it says: `FROM node:18-alpine` (Dockerfile),
 * `"node": ">=20"` (package.json engines), a bare `v18.19.0` (.nvmrc / `node -v`).
 */
export function nodeMajorFrom(text: string): number | null {
  const m =
    /^[ \t]*FROM[ \t]+(?:--platform=\S+[ \t]+)?(?:[\w.-]+\/)*node:(\d+)/im.exec(text) ??
    /"node"\s*:\s*"[^\d"]*(\d+)/.exec(text) ??
    /^\s*v?(\d+)\.\d+\.\d+\s*$/.exec(text);
  return m ? Number(m[1]) : null;
}
