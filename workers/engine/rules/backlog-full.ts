/**
 * backlog-full: the app server's accept queue overflowed.
 *
 * On a unix socket a full listen queue makes connect() fail at once with EAGAIN (11:
 * Resource temporarily unavailable); uWSGI also logs "*** uWSGI listen queue of socket …
 * full !!! (101/100) ***". The queue is `listen` for uWSGI (default 100) and `backlog` for
 * gunicorn (default 2048), both silently capped by the kernel's net.core.somaxconn (4096 since
 * Linux 5.4, 128 before). A full queue means every worker was busy for a while: the backlog
 * buys time, more or faster workers fix the cause.
 */
import type { ComparedValue, Evidence, LogEvent } from '../model.ts';
import { setUwsgiOption, type UwsgiTree } from '../formats/uwsgi/index.ts';
import type { ParsedFile } from '../formats/types.ts';
import { parseEndpoint, type Backend, type Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { editableFile, numberOf, sourceOf, writtenAt } from './lib/app-values.ts';
import { failureGroups, type FailureGroup } from './lib/connect-failures.ts';

/** A common production value, within the default somaxconn of current kernels (4096). */
const UWSGI_LISTEN = 1024;

export const backlogFull: Rule = {
  meta: {
    id: 'backlog-full',
    cause: 'backlog-full',
    severity: 'error',
    title: "The app server's listen queue overflowed",
    docs:
      'connect() to a unix socket failed with EAGAIN (11: Resource temporarily unavailable), ' +
      'or uWSGI logged "listen queue … full": every worker was busy and the accept queue ' +
      '(uWSGI listen, default 100; gunicorn backlog, default 2048; both capped by ' +
      'net.core.somaxconn) filled up, so nginx answered 502 without waiting.',
    fixSafety:
      'Unsafe (opt-in): uWSGI refuses to start when listen is above net.core.somaxconn ("Listen ' +
      'queue size is greater than the system max net.core.somaxconn"), which is 128 on kernels ' +
      'before 5.4 and in some containers. Check `sysctl net.core.somaxconn` (raise it, or set ' +
      'the net.core.somaxconn sysctl in the pod securityContext) before applying. A longer queue ' +
      'only absorbs bursts: add workers or speed up slow requests for the lasting fix.',
  },
  check({ topology, events }) {
    const allQueue = events.filter((e) => e.source === 'uwsgi' && e.kind === 'listen-queue-full');
    const groups = failureGroups(topology, events, ['connect-eagain']);
    if (groups.length === 0 && allQueue.length === 0) return [];
    // uWSGI names the socket in its line: one group per socket when nginx said nothing.
    if (groups.length === 0) {
      const sockets = [...new Set(allQueue.map((e) => String(e.fields?.socket ?? '')))];
      for (const socket of sockets)
        groups.push({
          address: socket ? `unix:${socket}` : '(uWSGI socket)',
          events: [],
          routes: [],
        });
    }
    const hits: RuleHit[] = [];
    for (const group of groups) {
      const queueLines = allQueue.filter((e) => sameSocket(e, group.address, groups.length));
      const backends = backendsOf(topology, group);
      if (backends.length === 0) {
        hits.push(unknownBackend(group, queueLines));
        continue;
      }
      for (const backend of backends) {
        const hit =
          backend.kind === 'uwsgi'
            ? uwsgiHit(topology, backend, group, queueLines)
            : backend.kind === 'gunicorn'
              ? gunicornHit(backend, group)
              : null;
        if (hit) hits.push(hit);
      }
    }
    return hits;
  },
};

/**
 * Does uWSGI's queue line belong to this group? Its socket is a path (`/run/app.sock`) or an
 * address (`:3031`); with a single group every line is taken (the paste is about one app).
 */
function sameSocket(line: LogEvent, address: string, groupCount: number): boolean {
  if (groupCount === 1) return true;
  const socket = String(line.fields?.socket ?? '');
  if (!socket) return false;
  const a = parseEndpoint(address);
  const b = parseEndpoint(socket);
  if (!a || !b) return false;
  if (a.type === 'unix' && b.type === 'unix') return a.path === b.path;
  return a.type === 'tcp' && b.type === 'tcp' && a.port === b.port;
}

function backendsOf(topology: Topology, group: FailureGroup): Backend[] {
  const linked = [...new Set(group.routes.flatMap((r) => r.backends.map((b) => b.backend)))];
  if (linked.length > 0) return linked;
  // No route names the address (or no nginx config): the only app server pasted is the one.
  return topology.backends.length === 1 ? [topology.backends[0]!] : [];
}

function evidenceOf(group: FailureGroup, lines: readonly LogEvent[]): Evidence[] {
  return [...group.events.slice(0, 3), ...lines.slice(0, 2)].map((e) => ({
    file: e.file,
    line: e.line,
  }));
}

function uwsgiHit(
  topology: Topology,
  backend: Backend,
  group: FailureGroup,
  queueLines: readonly LogEvent[],
): RuleHit | null {
  const setting = backend.settings.listen;
  const listen = numberOf(setting) ?? 100;
  const logged = queueLines
    .map((e) => e.fields?.backlog)
    .filter((b): b is number => typeof b === 'number');
  // Already at the target: only a queue line logged with this very size says it still overflows
  // (EAGAIN alone may predate the change).
  if (listen >= UWSGI_LISTEN && !logged.includes(listen)) return null;
  const source = setting ? sourceOf(setting.source) : 'uWSGI default';
  const file = listen < UWSGI_LISTEN ? editableFile(topology, backend, 'listen') : null;
  const edits = file ? setUwsgiOption(file as ParsedFile<UwsgiTree>, 'listen', UWSGI_LISTEN) : [];
  const evidence: Evidence[] = [];
  const at = setting ? writtenAt(setting.source) : null;
  if (at) evidence.push({ ...at, note: 'uWSGI listen (accept queue)' });
  else {
    const l = backend.listeners.find((x) => x.line !== null);
    if (l)
      evidence.push({
        file: l.file,
        line: l.line!,
        note: `this socket's queue is listen = ${listen} by default`,
      });
  }
  evidence.push(...evidenceOf(group, queueLines));
  const compared: ComparedValue[] = [
    { hop: backend.label, setting: 'listen', value: String(listen), source },
    {
      hop: 'kernel',
      setting: 'net.core.somaxconn',
      value: '4096 (128 before Linux 5.4)',
      source: 'Linux default; not in the pasted files',
    },
  ];
  return {
    key: `backlog-full ${group.address} ${backend.label}`,
    message:
      `${group.events.length} connection(s) to ${group.address} failed with EAGAIN` +
      (queueLines.length
        ? ` and uWSGI logged ${queueLines.length} "listen queue full" line(s)`
        : '') +
      `: the accept queue of ${backend.label} (listen = ${listen}, ${source}) was full, because ` +
      'every worker was busy.',
    evidence,
    compared,
    explains: [...group.events, ...queueLines],
    fix:
      edits.length > 0
        ? {
            safety: 'unsafe',
            description:
              `Raise uWSGI listen to ${UWSGI_LISTEN}. uWSGI will not start if net.core.somaxconn is ` +
              `lower: check \`sysctl net.core.somaxconn\` (and raise it, or set it in the pod's ` +
              'securityContext sysctls) first. The queue absorbs bursts; more processes or faster ' +
              'requests remove the cause.',
            edits,
          }
        : {
            safety: 'manual',
            description:
              'Add processes/threads or speed up the slow requests; raise listen (with net.core.somaxconn) only to absorb bursts.',
            edits: [],
          },
  };
}

function gunicornHit(backend: Backend, group: FailureGroup): RuleHit | null {
  if (group.events.length === 0) return null;
  const setting = backend.settings.backlog;
  const backlog = numberOf(setting) ?? 2048;
  const source = setting ? sourceOf(setting.source) : 'gunicorn default';
  const at = setting ? writtenAt(setting.source) : null;
  const evidence: Evidence[] = at ? [{ ...at, note: 'gunicorn backlog' }] : [];
  const l = backend.listeners.find((x) => x.line !== null);
  if (!at && l)
    evidence.push({ file: l.file, line: l.line!, note: `backlog ${backlog} by default` });
  evidence.push(...evidenceOf(group, []));
  return {
    key: `backlog-full ${group.address} ${backend.label}`,
    message:
      `${group.events.length} connection(s) to ${group.address} failed with EAGAIN: the accept ` +
      `queue of ${backend.label} was full (backlog ${backlog}, ${source}, capped by ` +
      'net.core.somaxconn), because every worker was busy.',
    evidence,
    compared: [
      { hop: backend.label, setting: 'backlog', value: String(backlog), source },
      {
        hop: 'kernel',
        setting: 'net.core.somaxconn',
        value: '4096 (128 before Linux 5.4)',
        source: 'Linux default; not in the pasted files',
      },
    ],
    explains: group.events,
    fix: {
      safety: 'manual',
      description:
        'Add workers (or use gthread/async workers for slow I/O) and find the slow requests; ' +
        `a backlog above net.core.somaxconn has no effect, so raise the sysctl with it.`,
      edits: [],
    },
  };
}

function unknownBackend(group: FailureGroup, queueLines: readonly LogEvent[]): RuleHit {
  return {
    key: `backlog-full ${group.address}`,
    message:
      `${group.events.length + queueLines.length} line(s) show the accept queue of ${group.address} ` +
      'full (EAGAIN on connect, or uWSGI "listen queue full"): every worker was busy. Paste the ' +
      'app-server config to see its queue size (uWSGI listen default 100, gunicorn backlog 2048).',
    evidence: evidenceOf(group, queueLines),
    explains: [...group.events, ...queueLines],
    fix: {
      safety: 'manual',
      description:
        'Add workers or speed up slow requests; raise the listen queue together with net.core.somaxconn.',
      edits: [],
    },
  };
}
