/**
 * address-mismatch: nginx connects to an address the app server does not listen on.
 *
 * Two shapes: the target in nginx (upstream `server` or *_pass) and the app server's bind
 * differ (another port, another socket path, a socket on one side and TCP on the other), so
 * connect() fails with 111 (refused) or, for a unix socket, 2 (no such file); or nginx names
 * `localhost`, which resolves to ::1 as well as 127.0.0.1, while the app listens on IPv4 only:
 * every connection nginx tries to [::1] is refused (and retried on 127.0.0.1 when it can).
 */
import type { Evidence, LogEvent } from '../model.ts';
import { parseUpstream } from '../logs/index.ts';
import { formatEndpoint, parseEndpoint } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import {
  addressMismatches,
  targetAddress,
  targetEndpoint,
  type Mismatch,
} from './lib/connect-failures.ts';
import { replaceTarget } from './lib/target-edit.ts';
import { eventsOnRoute } from './lib/event-location.ts';
import type { NginxConfig } from '../formats/nginx/index.ts';

const EXPLAINED = ['connect-refused', 'socket-missing'];

export const addressMismatch: Rule = {
  meta: {
    id: 'address-mismatch',
    cause: 'address-mismatch',
    severity: 'error',
    title: 'nginx connects where the app server does not listen',
    docs:
      'Compares every address nginx connects to (upstream servers, *_pass targets) with what ' +
      'the pasted app servers bind (gunicorn bind, uWSGI socket/http-socket, in pods too). A ' +
      'target no listener matches, while exactly one app server listens somewhere no route ' +
      'reaches, is a mismatch: connect() is refused (111) or the socket file is missing (2). ' +
      '`localhost` resolves to ::1 too; an app bound to 127.0.0.1 or 0.0.0.0 refuses those.',
    fixSafety:
      'Safe when there is exactly one candidate: the target is rewritten to the address the app ' +
      'listens on (127.0.0.1 for localhost), nothing else on the line changes. With several ' +
      'app servers or several unmatched targets no fix is offered.',
  },
  check({ topology, events }) {
    const config = topology.nginx;
    if (!config) return [];
    return addressMismatches(topology).map((m): RuleHit => {
      const explains = explained(config, m, events);
      const edits = replaceTarget(config, m.target, m.replacement);
      const where = `${m.target.file}:${m.target.line}`;
      const bind =
        m.listener.line !== null ? `${m.listener.file}:${m.listener.line}` : m.listener.file;
      const evidence: Evidence[] = [
        {
          file: m.target.file,
          line: m.target.line,
          note: `nginx connects to ${targetAddress(m.target)}`,
        },
      ];
      if (m.listener.line !== null)
        evidence.push({
          file: m.listener.file,
          line: m.listener.line,
          note: `${m.backend.label} listens on ${m.listener.address}`,
        });
      for (const e of explains.slice(0, 3)) evidence.push({ file: e.file, line: e.line });
      const failures = explains.length
        ? ` ${explains.length} connect() failure(s) in the log come from this.`
        : '';
      const message =
        m.kind === 'localhost'
          ? `${m.route.label} connects to ${targetAddress(m.target)} (${where}); "localhost" resolves to ::1 ` +
            `as well as 127.0.0.1, but ${m.backend.label} listens on ${m.listener.address} (${bind}), IPv4 ` +
            `only, so connections to [::1] are refused.${failures}`
          : `${m.route.label} connects to ${targetAddress(m.target)} (${where}), but ${m.backend.label} ` +
            `listens on ${m.listener.address} (${bind}) and nothing else reaches it.${failures}`;
      return {
        key: `address-mismatch ${m.route.location.file} ${m.route.label} ${m.kind}`,
        message,
        evidence,
        compared: [
          {
            hop: 'nginx',
            setting: m.route.upstream ? 'upstream server' : m.route.pass.directive,
            value: targetAddress(m.target),
            source: where,
          },
          { hop: m.backend.label, setting: 'listens on', value: m.listener.address, source: bind },
        ],
        explains,
        fix:
          edits.length > 0
            ? {
                safety: 'safe',
                description:
                  `Point nginx at ${m.replacement}, where the app listens` +
                  (m.kind === 'localhost'
                    ? ' (an IPv4 address, so nginx no longer tries ::1 first).'
                    : '. If the app is meant to move instead, change its bind and leave nginx alone.'),
                edits,
              }
            : {
                safety: 'manual',
                description: `Make nginx connect to ${m.replacement}.`,
                edits: [],
              },
      };
    });
  },
};

function explained(config: NginxConfig, m: Mismatch, events: readonly LogEvent[]): LogEvent[] {
  const t = targetEndpoint(m.target);
  // A DNS-named target is logged with the address it resolved to: same port, same location.
  const resolved =
    t?.type === 'tcp' && !/^\d+\.\d+\.\d+\.\d+$/.test(t.host) && !t.host.startsWith('[')
      ? new Set(
          eventsOnRoute(config, m.route, events, EXPLAINED).filter(
            (e) => parseUpstream(e.upstream ?? '')?.port === t.port,
          ),
        )
      : new Set<LogEvent>();
  return events.filter((e) => {
    if (resolved.has(e)) return true;
    if (e.source !== 'nginx-error' || !EXPLAINED.includes(e.kind) || !e.upstream) return false;
    const parts = parseUpstream(e.upstream);
    if (!parts) return false;
    if (m.kind === 'localhost')
      return t?.type === 'tcp' && parts.address === `[::1]${t.port === null ? '' : `:${t.port}`}`;
    if (t === null) return false;
    // The failing address must be this target (not another server of the same upstream).
    const logged = parseEndpoint(parts.address, t.type === 'tcp' ? t.port : null);
    return logged !== null && formatEndpoint(logged) === formatEndpoint(t);
  });
}
