/**
 * header-size: a header that does not fit the buffer meant for it, on either side of nginx.
 *
 * - uWSGI reads the whole uwsgi packet (request headers + nginx's uwsgi_param variables) into
 *   `buffer-size` (default 4096). A bigger one is logged as "invalid request block size: N
 *   (max M)...skip" and the connection is closed, so nginx logs "upstream prematurely closed
 *   connection while reading response header" for the same request.
 * - nginx reads the upstream's response header into proxy_buffer_size (uwsgi_buffer_size,
 *   fastcgi_buffer_size, grpc_buffer_size for the other modules; one memory page by default)
 *   and logs "upstream sent too big header" when it does not fit.
 */
import type { Edit, Evidence, LogEvent } from '../model.ts';
import {
  effective,
  parseSize,
  setDirective,
  type Effective,
  type NginxConfig,
  type PassDirective,
} from '../formats/nginx/index.ts';
import { setUwsgiOption, type UwsgiTree } from '../formats/uwsgi/index.ts';
import type { ParsedFile } from '../formats/types.ts';
import type { Backend, Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { editableFile, numberOf, sourceOf, writtenAt } from './lib/app-values.ts';
import { eventContext, type EventContext } from './lib/event-location.ts';
import { whereSet, writtenLine } from './lib/nginx-source.ts';
import { eventsForRoute } from './lib/route-events.ts';
import { wallSeconds } from './lib/event-time.ts';
import { httpMethodOfBlockSize } from './lib/uwsgi-block.ts';
import { ingressHeaderHits } from './lib/ingress-header-size.ts';

/** Enough for the big-cookie headers seen in practice; uwsgi packets cannot exceed 65535. */
const UWSGI_TARGET = 32768;
const UWSGI_MAX = 65535;
/** nginx response-header buffer the fix sets when smaller. */
const NGINX_TARGET = 16 * 1024;

export const headerSize: Rule = {
  meta: {
    id: 'header-size',
    cause: 'header-size',
    severity: 'error',
    title: 'Headers bigger than the buffer that must hold them',
    docs:
      'uWSGI rejects a request whose uwsgi packet (headers plus uwsgi_param variables) is over ' +
      'its buffer-size (default 4096): "invalid request block size", and nginx sees the ' +
      'connection close. nginx rejects an upstream response whose header is over ' +
      'proxy_buffer_size (or uwsgi_/fastcgi_/grpc_buffer_size, one page by default): "upstream ' +
      'sent too big header". Both answer 502. Block sizes that spell an HTTP method (21573 = ' +
      '"GET ") are a protocol mismatch, not a big header, and are left to that rule.',
    fixSafety:
      'Safe: a bigger buffer only costs memory per request (uWSGI: per worker core; nginx: per ' +
      'proxied connection, and only in the location that failed). uWSGI buffer-size is raised ' +
      'to 32768 (or the logged size rounded up, at most 65535); nginx buffers to 16k, with ' +
      '*_busy_buffers_size or *_buffers adjusted only when nginx would otherwise reject the ' +
      'new size. Headers this big usually come from cookies: the description says so.',
  },
  check({ topology, events }) {
    return [...uwsgiHits(topology, events), ...nginxHits(topology, events)];
  },
};

// ---- uWSGI buffer-size --------------------------------------------------------------------

function uwsgiHits(topology: Topology, events: readonly LogEvent[]): RuleHit[] {
  const big = events.filter(
    (e) =>
      e.source === 'uwsgi' &&
      e.kind === 'header-too-big' &&
      typeof e.fields?.bytes === 'number' &&
      httpMethodOfBlockSize(e.fields.bytes) === null,
  );
  if (big.length === 0) return [];
  const seen = Math.max(...big.map((e) => e.fields!.bytes as number));
  const backends = topology.backends.filter((b) => b.kind === 'uwsgi');
  if (backends.length === 0) return [uwsgiManual(big, seen)];
  const hits: RuleHit[] = [];
  for (const backend of backends) {
    const current = numberOf(backend.settings['buffer-size']) ?? 4096;
    if (current >= seen) continue; // this config already takes it (fixed, or another server)
    const wanted = Math.min(UWSGI_MAX, Math.max(UWSGI_TARGET, 2 ** Math.ceil(Math.log2(seen))));
    const setting = backend.settings['buffer-size']!;
    const file = editableFile(topology, backend, 'buffer-size');
    const edits =
      file && seen <= UWSGI_MAX
        ? setUwsgiOption(file as ParsedFile<UwsgiTree>, 'buffer-size', wanted)
        : [];
    const closes = nginxClosesNear(topology, backend, events, big);
    const at = writtenAt(setting.source);
    const evidence: Evidence[] = [];
    if (at) evidence.push({ ...at, note: 'uWSGI buffer-size' });
    else {
      const listener = backend.listeners.find((l) => l.line !== null);
      if (listener)
        evidence.push({
          file: listener.file,
          line: listener.line!,
          note: `this uWSGI (buffer-size not set: ${current} by default)`,
        });
    }
    for (const e of big.slice(0, 3)) evidence.push({ file: e.file, line: e.line });
    for (const e of closes.slice(0, 2))
      evidence.push({ file: e.file, line: e.line, note: 'nginx sees uWSGI drop the request' });
    hits.push({
      key: `header-size uwsgi buffer-size ${backend.label}`,
      message:
        `${backend.label} rejected ${big.length} request(s) whose headers took ${seen} bytes, ` +
        `over its buffer-size ${current} (${sourceOf(setting.source)}); uWSGI closes the ` +
        'connection and nginx answers 502.' +
        (closes.length ? ` nginx logged ${closes.length} matching closed connection(s).` : ''),
      evidence,
      compared: [
        {
          hop: backend.label,
          setting: 'buffer-size',
          value: String(current),
          source: sourceOf(setting.source),
        },
        {
          hop: 'client',
          setting: 'uwsgi packet (headers + uwsgi_param)',
          value: `${seen} bytes`,
          source: 'uWSGI log',
        },
      ],
      explains: [...big, ...closes],
      fix:
        edits.length > 0
          ? {
              safety: 'safe',
              description:
                `Raise uWSGI buffer-size to ${wanted} (from ${current}). It costs that much memory ` +
                'per worker core; headers this big are usually cookies, worth trimming too.',
              edits,
            }
          : {
              safety: 'manual',
              description: `Set buffer-size = ${wanted} for ${backend.label} (where its options are written).`,
              edits: [],
            },
    });
  }
  return hits;
}

/** nginx closed/reset connections on routes to this backend within 2 s of a uWSGI rejection. */
function nginxClosesNear(
  topology: Topology,
  backend: Backend,
  events: readonly LogEvent[],
  big: readonly LogEvent[],
): LogEvent[] {
  const routes = topology.routes.filter((r) => r.backends.some((b) => b.backend === backend));
  const times = big.map(wallSeconds).filter((t): t is number => t !== null);
  const out = new Set<LogEvent>();
  for (const route of routes) {
    // Checked with uWSGI 2.0.21 behind nginx 1.22: the dropped request shows up as a
    // premature close or as recv() failed (104: Connection reset by peer).
    for (const e of eventsForRoute(events, route, ['premature-close', 'connection-reset'])) {
      if (e.phase !== undefined && e.phase !== 'reading-response-header') continue;
      const t = wallSeconds(e);
      if (t !== null && times.some((u) => Math.abs(u - t) <= 2)) out.add(e);
    }
  }
  return events.filter((e) => out.has(e));
}

function uwsgiManual(big: LogEvent[], seen: number): RuleHit {
  return {
    key: 'header-size uwsgi buffer-size (no uWSGI config)',
    message:
      `uWSGI rejected ${big.length} request(s) whose headers took up to ${seen} bytes, over its ` +
      'buffer-size (default 4096). Paste the uWSGI config to get the exact change.',
    evidence: big.slice(0, 3).map((e) => ({ file: e.file, line: e.line })),
    compared: [
      { hop: 'client', setting: 'uwsgi packet', value: `${seen} bytes`, source: 'uWSGI log' },
    ],
    explains: big,
    fix: {
      safety: 'manual',
      description: `Set buffer-size = ${Math.min(UWSGI_MAX, Math.max(UWSGI_TARGET, seen))} in the [uwsgi] section.`,
      edits: [],
    },
  };
}

// ---- nginx *_buffer_size ------------------------------------------------------------------

const MODULE: Partial<Record<PassDirective, string>> = {
  proxy_pass: 'proxy',
  uwsgi_pass: 'uwsgi',
  fastcgi_pass: 'fastcgi',
  grpc_pass: 'grpc',
  scgi_pass: 'scgi',
};

const SCHEME_MODULE: Record<string, string> = {
  http: 'proxy',
  https: 'proxy',
  uwsgi: 'uwsgi',
  suwsgi: 'uwsgi',
  fastcgi: 'fastcgi',
  grpc: 'grpc',
  grpcs: 'grpc',
  scgi: 'scgi',
};

function nginxHits(topology: Topology, events: readonly LogEvent[]): RuleHit[] {
  const config = topology.nginx;
  const big = events.filter((e) => e.source === 'nginx-error' && e.kind === 'header-too-big');
  if (big.length === 0) return [];
  if (!config) {
    const ingress = ingressHeaderHits(topology, big);
    return ingress.rest.length > 0 ? [...ingress.hits, nginxManual(ingress.rest)] : ingress.hits;
  }
  const groups = new Map<string, { where: EventContext; module: string; events: LogEvent[] }>();
  for (const event of big) {
    const where = eventContext(config, event);
    if (!where?.node) continue;
    const pass = where.location?.pass?.directive;
    const scheme = typeof event.fields?.scheme === 'string' ? event.fields.scheme : '';
    const module = (pass && MODULE[pass]) ?? SCHEME_MODULE[scheme] ?? 'proxy';
    const id = `${where.label} ${module}`;
    const group = groups.get(id) ?? { where, module, events: [] };
    group.events.push(event);
    groups.set(id, group);
  }
  const hits: RuleHit[] = [];
  for (const { where, module, events: mine } of groups.values()) {
    const hit = nginxHit(config, topology, where, module, mine);
    if (hit) hits.push(hit);
  }
  return hits;
}

/** "upstream sent too big header" with no nginx config pasted: the module by the logged scheme. */
function nginxManual(events: LogEvent[]): RuleHit {
  const schemes = events.map((e) => (typeof e.fields?.scheme === 'string' ? e.fields.scheme : ''));
  const modules = [...new Set(schemes.map((s) => SCHEME_MODULE[s] ?? 'proxy'))];
  const names = modules.map((m) => `${m}_buffer_size`).join(' / ');
  return {
    key: `header-size nginx (no nginx config) ${names}`,
    message:
      `nginx logged "upstream sent too big header" ${events.length} time(s): the response header ` +
      `did not fit ${names} (one memory page, 4k, by default) and nginx answered 502. Paste the ` +
      'nginx config to get the exact change for the location involved.',
    evidence: events.slice(0, 3).map((e) => ({ file: e.file, line: e.line })),
    explains: events,
    fix: {
      safety: 'manual',
      description: `Set ${names} 16k in the location that proxies these requests (with a matching *_busy_buffers_size if nginx -t asks for it).`,
      edits: [],
    },
  };
}

function nginxHit(
  config: NginxConfig,
  topology: Topology,
  where: EventContext,
  module: string,
  events: LogEvent[],
): RuleHit | null {
  const at = where.location ?? where.node!;
  const name = `${module}_buffer_size`;
  const size = effective(config, at, name, topology.nginxVersion);
  const current = parseSize(size.value?.[0] ?? '') ?? 4096;
  // At 16k or more the header is unusually big; a blind increase is not the answer.
  if (current >= NGINX_TARGET) return null;
  const edits = bufferEdits(config, topology, where, module, NGINX_TARGET);
  const evidence: Evidence[] = [];
  const set = writtenLine(size);
  if (set) evidence.push({ ...set, note: name });
  if (where.location)
    evidence.push({
      file: where.location.file,
      line: where.location.line,
      note: 'the location that proxied the request',
    });
  for (const e of events.slice(0, 3)) evidence.push({ file: e.file, line: e.line });
  return {
    key: `header-size ${name} ${where.node!.file} ${where.label}`,
    message:
      `The upstream's response header did not fit ${name} ${size.value?.join(' ') ?? '4k'} ` +
      `(${whereSet(size)}) in ${where.label}: nginx logged "upstream sent too big header" ` +
      `${events.length} time(s) and answered 502.`,
    evidence,
    compared: [
      { hop: 'nginx', setting: name, value: size.value?.join(' ') ?? '4k', source: whereSet(size) },
    ],
    explains: events,
    fix: edits
      ? {
          safety: 'safe',
          description:
            `Set ${name} 16k in ${where.label}` +
            (edits.length > 1
              ? `, with ${module}_buffers/${module}_busy_buffers_size adjusted so nginx accepts it`
              : '') +
            '. It costs up to 16k per proxied connection there. Headers this big usually come from ' +
            'cookies or long Location/CSP headers; trimming them is the lasting fix.',
          edits,
        }
      : { safety: 'manual', description: `Raise ${name} in ${where.label}.`, edits: [] },
  };
}

/**
 * Edits for `X_buffer_size S` that nginx -t accepts: the busy-buffers size (default twice the
 * larger of the buffer size and one X_buffers buffer) must stay below all X_buffers but one.
 */
function bufferEdits(
  config: NginxConfig,
  topology: Topology,
  where: EventContext,
  module: string,
  target: number,
): Edit[] | null {
  const file = config.file(where.node!.file);
  const block = where.node!.directive.block;
  if (!file || !block) return null;
  const at = where.location ?? where.node!;
  const k = (n: number) => `${n / 1024}k`;
  const edits = setDirective(file, block, `${module}_buffer_size`, [k(target)]);
  if (module === 'grpc') return edits; // grpc has no buffers/busy-buffers pair
  const value = (name: string): Effective => effective(config, at, name, topology.nginxVersion);
  const buffers = value(`${module}_buffers`).value ?? ['8', '4k'];
  let count = Number(buffers[0]) || 8;
  let each = parseSize(buffers[1] ?? '') ?? 4096;
  const busyEff = value(`${module}_busy_buffers_size`);
  const busyWritten = 'file' in busyEff.source ? parseSize(busyEff.value?.[0] ?? '') : null;
  const ok = (busy: number) => busy >= Math.max(target, each) && busy < (count - 1) * each;
  const busy = busyWritten ?? 2 * Math.max(target, each);
  if (ok(busy)) return edits;
  const minimal = Math.max(target, each);
  if (ok(minimal)) {
    edits.push(...setDirective(file, block, `${module}_busy_buffers_size`, [k(minimal)]));
    return edits;
  }
  count = Math.max(count, 4);
  each = Math.max(each, target);
  edits.push(...setDirective(file, block, `${module}_buffers`, [String(count), k(each)]));
  if (busyWritten !== null && !ok(busyWritten))
    edits.push(...setDirective(file, block, `${module}_busy_buffers_size`, [k(2 * each)]));
  return edits;
}
