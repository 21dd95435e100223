/**
 * protocol-mismatch: nginx speaks one protocol, the app server another.
 *
 * - proxy_pass (HTTP) to a uWSGI `socket` (uwsgi protocol): uWSGI reads "GET " as a packet
 *   header and logs "invalid request block size: 21573 (max 4096)...skip", then closes; nginx
 *   logs "upstream prematurely closed connection while reading response header".
 * - uwsgi_pass to an HTTP listener (uWSGI http-socket/http, gunicorn): the HTTP server gets a
 *   binary packet and closes or answers garbage ("upstream sent invalid header"), or waits for
 *   an end of headers that never comes ("upstream timed out"): the timeout is the symptom.
 * - proxy_pass http:// to a TLS port (443/8443, uWSGI https-socket): the TLS server's alert is
 *   not an HTTP status line ("upstream sent no valid HTTP/1.0 header") or it closes.
 * - proxy_pass https:// to a plain-HTTP listener: "SSL_do_handshake() failed … wrong version
 *   number" (an ssl-error while SSL handshaking to upstream).
 */
import type { Edit, Evidence, LogEvent } from '../model.ts';
import type { NginxConfig } from '../formats/nginx/index.ts';
import type { Backend, Listener, Protocol, Route, Target, Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { eventsOfRoutes } from './lib/route-of.ts';
import { httpMethodOfBlockSize } from './lib/uwsgi-block.ts';
import { renameUwsgiOption } from './lib/uwsgi-rename.ts';

type Speaks = 'http' | 'https' | 'uwsgi' | 'fastcgi' | 'scgi';

const TLS_PORTS = new Set([443, 8443]);

export const protocolMismatch: Rule = {
  meta: {
    id: 'protocol-mismatch',
    cause: 'protocol-mismatch',
    severity: 'error',
    title: 'nginx and the app server speak different protocols',
    docs:
      'Compares what the *_pass speaks (proxy_pass http:// or https://, uwsgi_pass, ' +
      'fastcgi_pass) with what the app server listening there expects (uWSGI socket = uwsgi ' +
      'protocol, http-socket/http = HTTP, https-socket = TLS; gunicorn = HTTP) and flags ' +
      'http:// to ports 443/8443. nginx then logs premature closes or invalid headers while ' +
      'reading the response header, or TLS handshake errors, and answers 502; a uwsgi packet ' +
      'sent to an HTTP listener can also leave it waiting, so nginx times out (504).',
    fixSafety:
      'Safe where one side is unambiguous: the uWSGI option is renamed (socket ↔ http-socket, ' +
      'or http → socket, which also drops the HTTP router uWSGI put in front of its workers) ' +
      'when only nginx uses that socket, keeping nginx as written; the scheme of proxy_pass ' +
      'is switched for TLS mismatches (nginx does not verify upstream certificates unless ' +
      'proxy_ssl_verify is on). Turning uwsgi_pass into proxy_pass for a gunicorn backend is ' +
      'unsafe (opt-in): proxy_pass sends its own Host header, which Django/Flask host checks may reject.',
  },
  check({ topology, events }) {
    const config = topology.nginx;
    const hits: RuleHit[] = [];
    for (const route of config ? topology.routes : []) {
      const speaks = passSpeaks(route);
      if (!speaks) continue;
      const hit = mismatch(config!, topology, route, speaks, events);
      if (hit) hits.push(hit);
    }
    const unexplained = httpToUwsgi(events).filter(
      (e) => !hits.some((h) => h.explains?.includes(e)),
    );
    // Only while a pasted uWSGI still has a uwsgi-protocol socket (or none was pasted): after
    // socket → http-socket the same lines are history.
    const uwsgi = topology.backends.filter((b) => b.kind === 'uwsgi');
    const sockets = uwsgi.flatMap((b) => b.listeners).filter((l) => l.protocol === 'uwsgi');
    if (unexplained.length > 0 && (uwsgi.length === 0 || sockets.length > 0))
      hits.push(signatureOnly(unexplained, sockets));
    return hits;
  },
};

function passSpeaks(route: Route): Speaks | null {
  const d = route.pass.directive;
  if (d === 'proxy_pass') return /^https:/i.test(route.pass.target) ? 'https' : 'http';
  if (d === 'uwsgi_pass') return 'uwsgi';
  if (d === 'fastcgi_pass') return 'fastcgi';
  if (d === 'scgi_pass') return 'scgi';
  return null;
}

interface Found {
  listener: Listener | null;
  backendLabel: string;
  expects: Protocol;
  target: Target | null;
}

function mismatch(
  config: NginxConfig,
  topology: Topology,
  route: Route,
  speaks: Speaks,
  events: readonly LogEvent[],
): RuleHit | null {
  const found = expected(route, speaks);
  if (!found) return null;
  const explains = explained(topology, route, speaks, found, events);
  const fix = fixFor(config, topology, route, speaks, found);
  const where = `${route.pass.file}:${route.pass.line}`;
  const listens = found.listener
    ? `${found.listener.file}${found.listener.line !== null ? `:${found.listener.line}` : ''}`
    : 'port convention';
  const evidence: Evidence[] = [
    { file: route.pass.file, line: route.pass.line, note: `nginx speaks ${speaks}` },
  ];
  if (found.listener?.line != null)
    evidence.push({
      file: found.listener.file,
      line: found.listener.line,
      note: `${found.backendLabel} expects ${found.expects}`,
    });
  if (found.target && found.target.line !== route.pass.line)
    evidence.push({
      file: found.target.file,
      line: found.target.line,
      note: 'the upstream server',
    });
  for (const e of explains.slice(0, 3)) evidence.push({ file: e.file, line: e.line });
  return {
    key: `protocol-mismatch ${route.location.file} ${route.label}`,
    message:
      `${route.label} uses ${route.pass.directive} ${route.pass.target} (${where}), which speaks ` +
      `${speaks}, but ${found.backendLabel} expects ${found.expects} (${listens}).` +
      (explains.length
        ? ` The ${explains.length} matching log line(s) are what this looks like.`
        : ''),
    evidence,
    compared: [
      { hop: 'nginx', setting: route.pass.directive, value: speaks, source: where },
      { hop: found.backendLabel, setting: 'protocol', value: found.expects, source: listens },
    ],
    explains,
    fix,
  };
}

/** What the server behind the route expects, when it is not what the pass speaks. */
function expected(route: Route, speaks: Speaks): Found | null {
  for (const link of route.backends) {
    const l = link.listener;
    if (!l) continue;
    const expects = protocolOf(link.backend, l);
    if (compatible(speaks, expects)) return null; // a linked listener that agrees: fine
    return { listener: l, backendLabel: link.backend.label, expects, target: link.target };
  }
  if (speaks !== 'http') return null;
  const tls = route.targets.find(
    (t) => t.endpoint?.type === 'tcp' && TLS_PORTS.has(t.endpoint.port ?? 0),
  );
  return tls
    ? {
        listener: null,
        backendLabel: `port ${tls.endpoint!.type === 'tcp' ? tls.endpoint!.port : ''}`,
        expects: 'https',
        target: tls,
      }
    : null;
}

/**
 * The listener's protocol; gunicorn with `certfile` serves TLS on every bind (topology marks
 * gunicorn listeners http — worked around here, reported to the topology owner).
 */
function protocolOf(backend: Backend, l: Listener): Protocol {
  if (backend.kind === 'gunicorn' && l.protocol === 'http') {
    const cert = backend.settings.certfile;
    if (cert && cert.value !== null && cert.value !== '' && !('default' in cert.source))
      return 'https';
  }
  return l.protocol;
}

function compatible(speaks: Speaks, expects: Protocol): boolean {
  return speaks === expects;
}

/**
 * What nginx logs for each mismatch. A uwsgi packet sent to an HTTP listener holds no
 * end-of-headers line, so an HTTP server (uWSGI's `http` router, gunicorn) may just wait for
 * one: nginx then times out reading the response header rather than seeing a close.
 */
const KINDS: Record<string, readonly string[]> = {
  http: ['premature-close', 'invalid-header', 'connection-reset'],
  binary: ['premature-close', 'invalid-header', 'connection-reset', 'upstream-timeout'],
  https: ['ssl-error'],
};

function explained(
  topology: Topology,
  route: Route,
  speaks: Speaks,
  found: Found,
  events: readonly LogEvent[],
): LogEvent[] {
  const kinds =
    speaks === 'https'
      ? KINDS.https!
      : speaks !== 'http' && found.expects === 'http'
        ? KINDS.binary!
        : KINDS.http!;
  const nginx = eventsOfRoutes(topology, events, [route], kinds).filter(
    (e) =>
      e.phase === undefined ||
      e.phase === 'reading-response-header' ||
      e.phase === 'sending-request' ||
      e.phase === 'ssl-handshake',
  );
  // uWSGI's side of proxy_pass → socket: HTTP methods read as packet sizes.
  const app = speaks === 'http' && found.expects === 'uwsgi' ? httpToUwsgi(events) : [];
  return [...nginx, ...app];
}

/** uWSGI lines whose "block size" is an HTTP method: HTTP sent to a uwsgi-protocol socket. */
function httpToUwsgi(events: readonly LogEvent[]): LogEvent[] {
  return events.filter(
    (e) =>
      e.source === 'uwsgi' &&
      e.kind === 'header-too-big' &&
      typeof e.fields?.bytes === 'number' &&
      httpMethodOfBlockSize(e.fields.bytes) !== null,
  );
}

/**
 * The uWSGI signature alone (no nginx route explains it): something speaks HTTP to a uwsgi
 * socket — nginx's proxy_pass, or an HTTP health check (a Kubernetes httpGet probe, a load
 * balancer) aimed at that port. Which one the pasted files do not say: advice only.
 */
function signatureOnly(lines: LogEvent[], sockets: readonly Listener[]): RuleHit {
  const sizes = [...new Set(lines.map((e) => e.fields!.bytes as number))];
  const methods = sizes.map((n) => `${n} = "${httpMethodOfBlockSize(n)} "`).join(', ');
  return {
    key: 'protocol-mismatch HTTP sent to a uwsgi socket',
    message:
      `uWSGI logged ${lines.length} "invalid request block size" line(s) whose size is an HTTP ` +
      `method read as a uwsgi packet header (${methods}): something sends plain HTTP to a socket ` +
      'that speaks the uwsgi protocol — nginx proxy_pass instead of uwsgi_pass, or an HTTP ' +
      'health check or probe aimed at that port.',
    evidence: [
      ...sockets
        .filter((l) => l.line !== null)
        .slice(0, 2)
        .map((l) => ({ file: l.file, line: l.line!, note: 'a uwsgi-protocol socket' })),
      ...lines.slice(0, 3).map((e) => ({ file: e.file, line: e.line })),
    ],
    compared: [
      { hop: 'client of uWSGI', setting: 'protocol', value: 'http', source: 'uWSGI log' },
      {
        hop: 'uWSGI socket',
        setting: 'protocol',
        value: 'uwsgi',
        source: 'socket = (uwsgi protocol)',
      },
    ],
    explains: lines,
    fix: {
      safety: 'manual',
      description:
        'Use uwsgi_pass with include uwsgi_params in nginx (or http-socket in uWSGI if HTTP is ' +
        'wanted there); point HTTP health checks at an http-socket, or make them TCP checks.',
      edits: [],
    },
  };
}

function fixFor(
  config: NginxConfig,
  topology: Topology,
  route: Route,
  speaks: Speaks,
  found: Found,
): NonNullable<RuleHit['fix']> {
  const manual = (description: string): NonNullable<RuleHit['fix']> => ({
    safety: 'manual',
    description,
    edits: [],
  });
  // TLS on one side only: switch the scheme in proxy_pass.
  if (
    (speaks === 'http' && found.expects === 'https') ||
    (speaks === 'https' && found.expects === 'http')
  ) {
    const edits = schemeEdit(config, route, speaks === 'http' ? 'https' : 'http');
    return edits.length
      ? {
          safety: 'safe',
          description:
            speaks === 'http'
              ? 'Use https:// in proxy_pass: the server there speaks TLS. nginx does not verify its certificate unless proxy_ssl_verify is on.'
              : 'Use http:// in proxy_pass: the server there speaks plain HTTP.',
          edits,
        }
      : manual(`Make proxy_pass use ${speaks === 'http' ? 'https' : 'http'}://.`);
  }
  const l = found.listener;
  const sharedBy = (protocol: Speaks) =>
    topology.routes.some(
      (r) => r !== route && passSpeaks(r) === protocol && r.backends.some((b) => b.listener === l),
    );
  const rename = (from: string, to: string, description: string) => {
    const edits = l ? renameUwsgiOption(topology, l, from, to) : [];
    return edits.length > 0 ? { safety: 'safe' as const, description, edits } : null;
  };
  // proxy_pass to a uwsgi-protocol socket: let uWSGI speak HTTP there.
  if (speaks === 'http' && found.expects === 'uwsgi' && l && !sharedBy('uwsgi')) {
    const fix = rename(
      'socket',
      'http-socket',
      'Make uWSGI speak HTTP on that address (socket → http-socket), as proxy_pass expects. ' +
        'The alternative is nginx-side: uwsgi_pass with include uwsgi_params.',
    );
    if (fix) return fix;
  }
  // uwsgi_pass to uWSGI's http-socket or http router: let uWSGI speak its own protocol there.
  if (speaks === 'uwsgi' && found.expects === 'http' && l && !sharedBy('http')) {
    const fix =
      rename(
        'http-socket',
        'socket',
        'Make uWSGI speak the uwsgi protocol on that address (http-socket → socket), as uwsgi_pass expects.',
      ) ??
      rename(
        'http',
        'socket',
        'Make uWSGI speak the uwsgi protocol on that address (http → socket), as uwsgi_pass ' +
          "expects. `http` starts uWSGI's own HTTP router in front of the workers; behind nginx " +
          'it is one more hop with its own timeout, and it does not speak uwsgi to nginx.',
      );
    if (fix) return fix;
    if (found.backendLabel.startsWith('gunicorn')) {
      const toProxy = uwsgiToProxy(config, route);
      if (toProxy.length)
        return {
          safety: 'unsafe',
          description:
            'gunicorn speaks HTTP only: use proxy_pass http:// instead of uwsgi_pass. proxy_pass sends ' +
            'Host: <upstream name> unless proxy_set_header Host $host is set, which app host checks may reject.',
          edits: toProxy,
        };
    }
  }
  return manual(`Make ${route.pass.directive} and ${found.backendLabel} agree on one protocol.`);
}

function schemeEdit(config: NginxConfig, route: Route, scheme: 'http' | 'https'): Edit[] {
  const d = route.pass.node.directive;
  const file = config.file(d.file);
  if (!file) return [];
  const raw = file.text.slice(d.argsStart, d.argsEnd);
  const m = /^https?:\/\//i.exec(raw);
  if (!m) return [];
  return [
    { file: file.name, start: d.argsStart, end: d.argsStart + m[0].length, text: `${scheme}://` },
  ];
}

function uwsgiToProxy(config: NginxConfig, route: Route): Edit[] {
  const d = route.pass.node.directive;
  const file = config.file(d.file);
  if (!file || d.name !== 'uwsgi_pass' || /^[a-z]+:\/\//i.test(route.pass.target)) return [];
  return [
    { file: file.name, start: d.start, end: d.nameEnd, text: 'proxy_pass' },
    { file: file.name, start: d.argsStart, end: d.argsStart, text: 'http://' },
  ];
}
