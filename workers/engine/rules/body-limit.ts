/**
 * body-limit: uploads rejected because a request body is over a limit on the path.
 *
 * nginx checks Content-Length (and counts chunked bodies) against the effective
 * `client_max_body_size` of the location that serves the request — the limit is per block, so
 * raising it in `http` does nothing where a server or location sets its own — and answers 413
 * itself, logging "client intended to send too large body: N bytes". A body that passes nginx
 * may still meet the app server's own cap (uWSGI `limit-post`), which then drops the request.
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../model.ts';
import { effective, parseSize, setDirective, type NginxConfig } from '../formats/nginx/index.ts';
import { setUwsgiOption, type UwsgiTree } from '../formats/uwsgi/index.ts';
import type { ParsedFile } from '../formats/types.ts';
import type { Backend, Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { eventContext, type EventContext } from './lib/event-location.ts';
import { whereSet, writtenLine } from './lib/nginx-source.ts';
import { appBodyLimitHits } from './lib/app-body-limit.ts';
import { ingressBodyLimitHits } from './lib/ingress-body-limit.ts';

const MIB = 1024 * 1024;

export const bodyLimit: Rule = {
  meta: {
    id: 'body-limit',
    cause: 'body-limit',
    severity: 'error',
    title: 'Request bodies over the size limit of the location that serves them',
    docs:
      'nginx logs "client intended to send too large body: N bytes" and answers 413 when a ' +
      'request body is larger than client_max_body_size (default 1m) of the location nginx ' +
      'picked for the request. The rule finds that location (server_name and location ' +
      'matching as nginx does), cites the effective limit and where it is set, and also ' +
      "checks the app server's own cap (uWSGI limit-post), which would reject the upload next.",
    fixSafety:
      'Safe: the limit is raised only in the location that rejected the uploads, to the next ' +
      'power of two above the largest body logged (never lowered, never server-wide), so ' +
      'other paths keep their limit. A larger limit lets clients send that much to this path: ' +
      'the description says how much. A uWSGI limit-post below the new limit is raised with it.',
  },
  check({ topology, events }) {
    const config = topology.nginx;
    const rejected = events.filter(
      (e) => e.source === 'nginx-error' && e.kind === 'body-too-large',
    );
    if (rejected.length === 0) return appBodyLimitHits(topology, events, new Set());
    if (!config) {
      const ingress = ingressBodyLimitHits(topology, rejected, limitFor);
      return ingress.rest.length > 0
        ? [...ingress.hits, withoutConfig(ingress.rest)]
        : ingress.hits;
    }
    const groups = new Map<string, { context: EventContext | null; events: LogEvent[] }>();
    for (const event of rejected) {
      const context = eventContext(config, event);
      const id = context?.label ?? '(no server)';
      const group = groups.get(id) ?? { context, events: [] };
      group.events.push(event);
      groups.set(id, group);
    }
    const hits: RuleHit[] = [];
    const covered = new Set<Backend>();
    for (const [label, group] of groups) {
      const hit = context(config, topology, label, group.context, group.events);
      if (!hit) continue;
      hits.push(hit);
      // That fix raises limit-post with client_max_body_size: no second finding for it.
      const route = topology.routes.find((r) => r.location.node === group.context?.location?.node);
      for (const b of route?.backends ?? []) covered.add(b.backend);
    }
    return [...hits, ...appBodyLimitHits(topology, events, covered)];
  },
};

function largest(events: readonly LogEvent[]): number | null {
  const sizes = events
    .map((e) => e.fields?.bytes)
    .filter((b): b is number => typeof b === 'number' && b > 0);
  return sizes.length > 0 ? Math.max(...sizes) : null;
}

/** The next power-of-two number of megabytes above `bytes`, as nginx writes it ("16m"). */
export function limitFor(bytes: number): { bytes: number; text: string } {
  let mib = 1;
  while (mib * MIB < bytes) mib *= 2;
  return { bytes: mib * MIB, text: `${mib}m` };
}

function context(
  config: NginxConfig,
  topology: Topology,
  label: string,
  where: EventContext | null,
  events: LogEvent[],
): RuleHit | null {
  if (!where?.node) return null;
  const limit = effective(
    config,
    where.location ?? where.node,
    'client_max_body_size',
    topology.nginxVersion,
  );
  const limitBytes = limit.value ? parseSize(limit.value[0] ?? '') : null;
  const seen = largest(events);
  // 0 disables the check: these lines then came from another config than the one pasted.
  if (limitBytes === 0) return null;
  // The pasted config already lets these bodies through (fixed, or not the config that ran).
  if (seen !== null && limitBytes !== null && limitBytes >= seen) return null;
  const wanted = seen !== null ? limitFor(Math.max(seen, (limitBytes ?? 0) + 1)) : null;
  const compared: ComparedValue[] = [
    {
      hop: 'nginx',
      setting: 'client_max_body_size',
      value: limit.value?.join(' ') ?? 'unknown',
      source: whereSet(limit),
    },
  ];
  if (seen !== null)
    compared.push({
      hop: 'client',
      setting: 'request body',
      value: `${seen} bytes`,
      source: 'error log',
    });
  const app = appLimits(topology, where);
  compared.push(...app.map((a) => a.compared));

  const evidence: Evidence[] = [];
  const set = writtenLine(limit);
  if (set) evidence.push({ ...set, note: `client_max_body_size for ${label}` });
  if (where.location)
    evidence.push({
      file: where.location.file,
      line: where.location.line,
      note: 'the location that served the uploads',
    });
  for (const a of app) if (a.evidence) evidence.push(a.evidence);
  for (const e of events.slice(0, 3)) evidence.push({ file: e.file, line: e.line });

  const edits: Edit[] = [];
  const file = config.file(where.node.file);
  const block = where.node.directive.block;
  if (wanted && file && block) {
    edits.push(...setDirective(file, block, 'client_max_body_size', [wanted.text]));
    for (const a of app) if (a.limit < wanted.bytes) edits.push(...a.raise(wanted.bytes));
  }
  const size = seen !== null ? `${seen} bytes (${(seen / MIB).toFixed(1)} MiB)` : 'a body';
  const message =
    `${events.length} request(s) to ${label} were refused with 413: the client sent ${size}, ` +
    `over client_max_body_size ${limit.value?.join(' ') ?? '?'} (${whereSet(limit)}). ` +
    'nginx answers these itself, so the app never sees them.' +
    app.map((a) => ` ${a.note}`).join('');
  return {
    key: `body-limit ${where.node.file} ${label}`,
    message,
    evidence,
    compared,
    explains: events,
    fix:
      wanted && edits.length > 0
        ? {
            safety: 'safe',
            description:
              `Raise client_max_body_size to ${wanted.text} in ${label} only (the largest body ` +
              `logged was ${seen} bytes). Clients may then send up to ${wanted.text} to this path; ` +
              'other locations keep their limits.' +
              (app.some((a) => a.limit < wanted.bytes)
                ? ' uWSGI limit-post is raised to match.'
                : ''),
            edits,
          }
        : {
            safety: 'manual',
            description: `Raise client_max_body_size in ${label} above the largest upload you accept.`,
            edits: [],
          },
  };
}

interface AppLimit {
  limit: number;
  compared: ComparedValue;
  evidence: Evidence | null;
  note: string;
  raise(bytes: number): Edit[];
}

/** uWSGI `limit-post` of the app servers behind this location, when set (0 means no limit). */
function appLimits(topology: Topology, where: EventContext): AppLimit[] {
  const route = topology.routes.find((r) => r.location.node === where.location?.node);
  const backends: Backend[] = route ? route.backends.map((b) => b.backend) : [];
  const out: AppLimit[] = [];
  for (const backend of backends) {
    if (backend.kind !== 'uwsgi') continue;
    const setting = backend.settings['limit-post'];
    const limit = Number(/^\s*(\d+)/.exec(setting?.value ?? '')?.[1] ?? '0');
    if (!setting || limit === 0) continue;
    const at =
      'file' in setting.source &&
      setting.source.file !== undefined &&
      setting.source.line !== undefined
        ? { file: setting.source.file, line: setting.source.line }
        : null;
    const file = at
      ? topology.files.find((f) => f.name === at.file && f.kind === 'uwsgi')
      : undefined;
    out.push({
      limit,
      compared: {
        hop: backend.label,
        setting: 'limit-post',
        value: `${limit} bytes`,
        source: at ? `${at.file}:${at.line}` : 'uWSGI',
      },
      evidence: at ? { ...at, note: 'uWSGI limit-post' } : null,
      note: `${backend.label} also caps bodies at ${limit} bytes (limit-post): raising nginx alone would move the rejection there.`,
      raise: (bytes) =>
        file ? setUwsgiOption(file as ParsedFile<UwsgiTree>, 'limit-post', bytes) : [],
    });
  }
  return out;
}

function withoutConfig(events: LogEvent[]): RuleHit {
  const seen = largest(events);
  return {
    key: 'body-limit (no nginx config)',
    message:
      `${events.length} request(s) were refused with 413: the body` +
      (seen !== null ? ` (up to ${seen} bytes)` : '') +
      ' is over client_max_body_size (default 1m). Paste the nginx config to see which block sets the limit.',
    evidence: events.slice(0, 3).map((e) => ({ file: e.file, line: e.line })),
    compared:
      seen !== null
        ? [{ hop: 'client', setting: 'request body', value: `${seen} bytes`, source: 'error log' }]
        : [],
    explains: events,
    fix: {
      safety: 'manual',
      description:
        'Set client_max_body_size in the location that receives the uploads (not only in http: a server or location that sets its own wins).',
      edits: [],
    },
  };
}
