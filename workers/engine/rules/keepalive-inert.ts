/**
 * keepalive-inert: an upstream connection pool that can never hold a connection.
 *
 * nginx caches upstream connections only when the proxied request is HTTP/1.1 and does not
 * ask the backend to close: before 1.29.7 the proxy speaks HTTP/1.0 and sends
 * `Connection: close` unless told otherwise, so `keepalive N;` alone does nothing. Every
 * request then opens a new TCP connection, which under load piles up TIME_WAIT sockets until
 * connect() fails with 99 (EADDRNOTAVAIL) — the events this rule explains.
 */
import type { ComparedValue, Edit, Evidence, LogEvent } from '../model.ts';
import {
  atLeast,
  effective,
  insertDirective,
  parseVersion,
  setDirective,
  type Block,
  type ConfigNode,
  type Directive,
  type Effective,
  type NginxFile,
  type LocationInfo,
  type NginxConfig,
} from '../formats/nginx/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { upstreamEvents } from './lib/event-index.ts';

const EXPLAINED_KINDS = ['address-unavailable', 'connect-eagain'];

export const keepaliveInert: Rule = {
  meta: {
    id: 'keepalive-inert',
    cause: 'keepalive-inert',
    severity: 'warning',
    title: 'Upstream keepalive pool never keeps a connection',
    docs:
      'An upstream block sets `keepalive`, but a location that proxies to it speaks HTTP/1.0 ' +
      'or sends `Connection: close`, so nginx opens a new connection for every request. Under ' +
      'load this exhausts ephemeral ports (connect() failed (99)) and adds a TCP handshake to ' +
      'every request. WebSocket locations (which set an Upgrade header) are left alone.',
    fixSafety:
      'Safe: HTTP/1.1 with an empty Connection header is what the keepalive directive requires ' +
      'and is the documented setup; it changes nothing for backends that close connections ' +
      "themselves. It is added where the location's other proxy_set_header lines live, so " +
      'none of them stops being inherited.',
  },
  check({ topology, events }) {
    const config = topology.nginx;
    if (!config) return [];
    const hits: RuleHit[] = [];
    for (const { location, pass, upstream, label } of topology.routes) {
      if (pass.directive !== 'proxy_pass' || !upstream?.keepalive) continue;
      const version = effective(config, location, 'proxy_http_version', topology.nginxVersion);
      const headers = effective(config, location, 'proxy_set_header', topology.nginxVersion);
      if (setsHeader(headers, 'upgrade')) continue; // a WebSocket location: not pooled anyway
      const http10 = version.value?.[0] !== '1.1';
      const connection = connectionHeader(headers, topology.nginxVersion);
      if (!http10 && connection.keepsAlive) continue;

      const explains = upstreamEvents(events, upstream, EXPLAINED_KINDS);
      hits.push({
        key: `keepalive-inert ${location.file} ${label} -> ${upstream.name}`,
        message: message(label, upstream.name, http10, connection.value, explains),
        evidence: evidence(location, upstream.keepalive, version, connection, explains),
        compared: compared(version, connection, upstream.keepalive.value.join(' ')),
        explains,
        fix: {
          safety: 'safe',
          description:
            'Speak HTTP/1.1 to the upstream and clear the Connection header in this location, ' +
            'so the pool actually reuses connections.',
          edits: fixEdits(config, location, http10, connection, headers),
        },
      });
    }
    return hits;
  },
};

function setsHeader(headers: Effective, name: string): boolean {
  return (headers.entries ?? []).some((e) => e.value[0]?.toLowerCase() === name);
}

interface ConnectionHeader {
  /** The value nginx sends, as written ("close", "", "$connection_upgrade") or its default. */
  value: string;
  keepsAlive: boolean;
  entry: { file: string; line: number } | null;
}

function connectionHeader(headers: Effective, nginxVersion: string): ConnectionHeader {
  const entry = (headers.entries ?? []).find((e) => e.value[0]?.toLowerCase() === 'connection');
  if (!entry) {
    // Before 1.29.7 the proxy module adds "Connection: close" to every proxied request.
    const version = parseVersion(nginxVersion);
    const closes = version === null || !atLeast(version, '1.29.7');
    return { value: closes ? 'close (default)' : '(not sent)', keepsAlive: !closes, entry: null };
  }
  const value = entry.value[1] ?? '';
  return {
    value,
    keepsAlive: value.toLowerCase() !== 'close',
    entry: { file: entry.file, line: entry.line },
  };
}

function message(
  label: string,
  upstream: string,
  http10: boolean,
  connection: string,
  explains: LogEvent[],
): string {
  const why = [
    http10 ? 'it proxies with HTTP/1.0' : null,
    connection.startsWith('close')
      ? `it sends "Connection: ${connection.replace(' (default)', '')}"`
      : null,
  ]
    .filter(Boolean)
    .join(' and ');
  const effect = explains.length
    ? ` Every request opens a new connection; the ${explains.length} "connect() failed (99)" line(s) are what running out of local ports looks like.`
    : ' Every request opens a new TCP connection, which costs a handshake and, under load, local ports.';
  return `Upstream "${upstream}" keeps a connection pool, but ${label} cannot use it: ${why}.${effect}`;
}

function evidence(
  location: LocationInfo,
  keepalive: { file: string; line: number },
  version: Effective,
  connection: ConnectionHeader,
  explains: LogEvent[],
): Evidence[] {
  const out: Evidence[] = [
    { file: keepalive.file, line: keepalive.line, note: 'the pool' },
    { file: location.pass!.file, line: location.pass!.line, note: 'proxies to it' },
  ];
  if ('file' in version.source) {
    out.push({ ...version.source, note: 'HTTP version to the upstream' });
  }
  if (connection.entry) out.push({ ...connection.entry, note: 'Connection header' });
  for (const event of explains.slice(0, 3)) out.push({ file: event.file, line: event.line });
  return out;
}

function compared(version: Effective, connection: ConnectionHeader, pool: string): ComparedValue[] {
  const where = (e: Effective) =>
    'file' in e.source ? `${e.source.file}:${e.source.line}` : e.source.default;
  return [
    { hop: 'nginx', setting: 'keepalive', value: pool, source: 'upstream block' },
    {
      hop: 'nginx',
      setting: 'proxy_http_version',
      value: version.value?.join(' ') ?? '1.0',
      source: where(version),
    },
    {
      hop: 'nginx',
      setting: 'Connection header',
      value: connection.value,
      source: connection.entry
        ? `${connection.entry.file}:${connection.entry.line}`
        : 'proxy module default',
    },
  ];
}

function fixEdits(
  config: NginxConfig,
  location: LocationInfo,
  http10: boolean,
  connection: ConnectionHeader,
  headers: Effective,
): Edit[] {
  const edits: Edit[] = [];
  const blockOf = (node: ConfigNode) => ({
    file: config.file(node.file)!,
    block: node.directive.block!,
  });
  const here = blockOf(location.node);
  const pass = location.pass!.node.directive;
  if (http10) edits.push(...setOrInsertAfter(here, 'proxy_http_version', ['1.1'], pass));
  if (!connection.keepsAlive) {
    // proxy_set_header is inherited only by levels that set none: add it at the level whose
    // headers are in effect, or the location's other headers would silently stop applying.
    const level = headers.node?.parent ?? location.node;
    const target = level === location.node ? here : blockOf(level);
    edits.push(...setDirective(target.file, target.block, 'proxy_set_header', ['Connection', '']));
  }
  return edits;
}

function setOrInsertAfter(
  target: { file: NginxFile; block: Block },
  name: string,
  args: string[],
  after: Directive,
): Edit[] {
  const existing = target.block.children.find((c) => c.name === name && !c.block);
  return existing
    ? setDirective(target.file, target.block, name, args)
    : insertDirective(target.file, target.block, name, args, { after });
}
