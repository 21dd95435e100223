/**
 * app-timeout: the app server gives up on a request before nginx does.
 *
 * nginx waits up to its read timeout (`proxy_read_timeout`, `uwsgi_read_timeout`, … — 60 s
 * by default) for the response. When the app server's own per-request limit is shorter
 * (gunicorn sync `timeout`, 30 s by default; uWSGI `harakiri`; Node `server.timeout`), a slow
 * request is killed on the app side first: the worker dies with the connection open, and
 * nginx logs "upstream prematurely closed connection while reading response header" and
 * answers 502, right after gunicorn's "WORKER TIMEOUT" or uWSGI's "HARAKIRI" line. For
 * gunicorn's gthread and async workers `timeout` is only a heartbeat, so the rule fires for
 * them only when the log shows WORKER TIMEOUT.
 */
import type { Evidence, LogEvent } from '../model.ts';
import { formatDuration } from '../formats/nginx/index.ts';
import type { Topology } from '../topology/index.ts';
import type { Rule, RuleFix, RuleHit } from './types.ts';
import { renameUwsgiOption } from './lib/uwsgi-rename.ts';
import { pathTimers } from './lib/timers.ts';
import { failedDurations, matchTimers, timingSentence } from './lib/timer-match.ts';
import { sourceOf, writtenAt } from './lib/app-values.ts';
import { margin, setReadTimeouts, type AppLimit } from './lib/app-limit.ts';
import { ingressWaits, nginxWaits, type Wait } from './lib/waits.ts';
import { appServers, type AppServer } from './lib/app-servers.ts';
import { causesNear, eventEvidence, nearInTime } from './lib/route-events.ts';
import { eventsOfRoutes, failuresOfRoutes } from './lib/route-of.ts';

/** A worker killed under a request closes the connection before any header was sent. */
const CUT = ['premature-close', 'connection-reset'];
const CUT_PHASE = 'reading-response-header';
/** Above this the raised app limit stops being a bound on stuck workers worth having. */
const SAFE_LIMIT = 300;

export const appTimeout: Rule = {
  meta: {
    id: 'app-timeout',
    cause: 'app-timeout',
    severity: 'error',
    title: 'The app server kills requests nginx is still waiting for',
    docs:
      "The app server's per-request limit (gunicorn sync `timeout`, uWSGI `harakiri` or the " +
      "`http-timeout` of the HTTP router that uWSGI's `http` option puts in front of its " +
      "workers, Node.js `server.timeout`) is not longer than nginx's read timeout for the locations that reach " +
      'it. Requests slower than the app limit are killed mid-flight: nginx sees the connection ' +
      'close before a response header ("upstream prematurely closed connection") and returns ' +
      '502 instead of the response, or a clean 504 from its own timeout. gunicorn gthread/async ' +
      'workers use `timeout` as a heartbeat, so they are flagged only when WORKER TIMEOUT lines ' +
      'show it firing. Where the access log has $upstream_response_time (or $request_time), the ' +
      'failures that ended when the limit fires are counted as its doing, even with no kill ' +
      "line (uWSGI's router logs none), and the finding names the timer that fired.",
    fixSafety:
      "Raising the app limit to nginx's read timeout plus a small margin is safe when the new " +
      'limit is at most 300 s: the app only stops killing requests nginx would still have waited ' +
      'for; clients wait no longer than nginx already allowed, and a stuck worker is still ' +
      'reclaimed shortly after nginx gives up. The cost is that a slow request holds its worker ' +
      'up to that long. Above 300 s that limit barely guards against stuck workers, so raising ' +
      "it is unsafe (opt-in), and the default fix lowers nginx's read timeout just under the " +
      "app's limit instead (safe): the requests slower than the limit fail today anyway, and now " +
      "get nginx's clean 504 rather than a killed worker's 502; only requests finishing within " +
      'the margin below the limit (5 s, or 1 s for limits up to 10 s) newly fail. The same ' +
      'threshold and the same two changes apply to gunicorn, uWSGI and Node.js alike.',
  },
  check({ topology, events }) {
    const hits: RuleHit[] = [];
    const servers = appServers(topology, events);
    for (const server of servers) {
      const hit = checkServer(topology, server, events, servers);
      if (hit) hits.push(hit);
    }
    return hits;
  },
};

function checkServer(
  topology: Topology,
  server: AppServer,
  events: readonly LogEvent[],
  servers: readonly AppServer[],
): RuleHit | null {
  const { limit, routes } = server;
  // uWSGI's HTTP router reached by anything but proxy_pass is a protocol mismatch first.
  if (limit.setting === 'http-timeout' && routes.some((r) => r.pass.directive !== 'proxy_pass'))
    return null;
  const waits = [...nginxWaits(topology, routes), ...ingressWaits(topology, server.backend)];
  if (waits.length === 0) return null;
  // The longest proxy wait is the one the app limit must outlast.
  const longest = waits.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  if (limit.seconds > longest.seconds) return null;

  // The app's kill lines logged next to failures on these routes (all of them when no nginx
  // log shows failures there: the app log is then the only witness).
  const failures = failuresOfRoutes(topology, events, routes);
  const kills = causesNear(server.kills, failures);
  // gunicorn's heartbeat in gthread/async workers: only the log can show it cutting requests.
  if (!limit.hard && kills.length === 0) return null;
  // Behind an Ingress the controller's log names pod IPs no config has: any cut may be ours.
  const candidates =
    routes.length > 0
      ? eventsOfRoutes(topology, events, routes, CUT)
      : events.filter((e) => e.source === 'nginx-error' && CUT.includes(e.kind));
  const onRoutes = candidates.filter((e) => e.phase === CUT_PHASE);
  // Which timer ended the failed requests, where the logs say how long they ran. With no kill
  // line (uWSGI's HTTP router logs none), requests that ended when the limit fires are its doing.
  const timing = matchTimers(
    failedDurations(topology, events, routes),
    pathTimers(topology, routes, failures, servers),
  );
  const timed =
    kills.length === 0 &&
    timing?.fired.some((t) => t.setting === limit.setting && t.hop === server.label)
      ? timing.events
      : [];
  // Only the cuts logged right after a kill (or a timed-out request) are the limit's doing.
  const witnesses = kills.length > 0 ? kills : timed;
  const cut = witnesses.length > 0 ? nearInTime(onRoutes, witnesses) : [];
  const mine = new Set([...kills, ...timed, ...cut]);
  const explains = events.filter((e) => mine.has(e));

  const target = longest.seconds + margin(longest.seconds);
  // uWSGI's HTTP router: the hop itself is what to remove, when nginx speaks HTTP to it.
  const raise = routerFix(topology, server) ?? raiseApp(server, longest, target);
  // Raising the app's limit past SAFE_LIMIT is opt-in: by default nginx gives up first instead.
  // (A limit this tool cannot edit stays advice: where to raise it is said on the card.)
  const lower = raise.safety === 'unsafe' ? lowerNginx(topology, server, waits) : null;
  const appAt = sourceOf(limit.value.source);
  const nginxAt = longest.source;
  const { program } = server;
  const now = server.text(limit.seconds);

  let message =
    `${server.label} ${limit.how} ${limit.setting} = ${now} ` +
    `(${appAt}), but ${longest.label} waits up to ${longest.directive} ${longest.value} ` +
    `(${nginxAt}): a request slower than ` +
    `${now} is killed by ${program} while nginx still waits, ` +
    'so nginx sees the connection close before any response header and answers 502.';
  if (kills.length > 0)
    message += ` The ${program} log shows ${killCount(kills)} such kill(s)${
      cut.length > 0
        ? `, and nginx logged ${cut.length} connection(s) cut while reading the response header`
        : ''
    }.`;
  message += timingSentence(timing);

  return {
    key: `app-timeout ${server.label}`,
    message,
    evidence: evidence(limit, longest, kills, cut),
    compared: [
      { hop: server.label, setting: limit.setting, value: now, source: appAt },
      { hop: longest.label, setting: longest.directive, value: longest.value, source: nginxAt },
    ],
    explains,
    ...(lower && raise.edits.length > 0 ? { fix: lower, optIn: raise } : { fix: lower ?? raise }),
  };
}

/**
 * Kills, not lines: one kill is logged several times (uWSGI's HARAKIRI ON WORKER, then its
 * status lines; gunicorn's WORKER TIMEOUT, then the signal). Lines naming a worker pid count
 * once per pid; a line naming none counts only when no named line has its time.
 */
function killCount(kills: readonly LogEvent[]): number {
  const named = new Map<string, string>();
  const unnamed = new Set<string>();
  for (const e of kills) {
    const when = e.time ?? `line ${e.line}`;
    const pid = e.fields?.workerPid;
    const worker = e.fields?.worker;
    if (pid !== undefined) named.set(`pid ${pid}`, when);
    else if (worker !== undefined) named.set(`worker ${worker} ${when}`, when);
    else unnamed.add(when);
  }
  const times = new Set(named.values());
  return named.size + [...unnamed].filter((t) => !times.has(t)).length;
}

/** Raise the app's limit just above nginx's longest wait: safe up to SAFE_LIMIT. */
function raiseApp(server: AppServer, longest: Wait, target: number): RuleFix {
  const { limit } = server;
  const edits = server.setLimit(target);
  const description =
    `Raise ${limit.setting} to ${server.text(target)}, just above ${longest.directive} ` +
    `(${longest.seconds} s), so nginx gives up first with a clean 504 and the app never kills a ` +
    'request nginx is still waiting for. A slow request then holds its worker up to that long.';
  if (edits.length === 0)
    return {
      safety: 'manual',
      description: `${description} (${limit.setting} is set where this tool cannot edit it: ${sourceOf(limit.value.source)}.)`,
      edits,
    };
  return target <= SAFE_LIMIT
    ? { safety: 'safe', description, edits }
    : {
        safety: 'unsafe',
        description:
          `${description} Unsafe: above ${SAFE_LIMIT} s the limit barely guards against stuck ` +
          'workers, and each slow request holds a worker that long.',
        edits,
      };
}

/**
 * `http =` → `http-socket =`: the workers then speak HTTP on that address themselves, and the
 * router (with its http-timeout) is gone from between nginx and them. (checkServer leaves a
 * router reached by uwsgi_pass to protocol-mismatch.)
 */
function routerFix(topology: Topology, server: AppServer): RuleFix | null {
  if (server.limit.setting !== 'http-timeout' || !server.backend) return null;
  const routers = server.backend.listeners.filter((l) => l.router && l.protocol === 'http');
  const edits = routers.flatMap((l) => renameUwsgiOption(topology, l, 'http', 'http-socket'));
  if (edits.length === 0 || routers.length !== edits.length) return null;
  return {
    safety: 'safe',
    description:
      'Let the workers speak HTTP to nginx themselves (http → http-socket): `http` starts a ' +
      'separate router process in front of them whose http-timeout cuts slow responses, and ' +
      'behind nginx it is one hop too many. The address stays the same.',
    edits,
  };
}

/**
 * Lower every nginx read timeout that outlasts the app's limit to just under it, in the
 * locations that reach the app: nginx then answers a clean 504 before the worker is killed.
 * Null when one of those waits cannot be edited here (an Ingress, an unpasted file).
 */
function lowerNginx(topology: Topology, server: AppServer, waits: readonly Wait[]): RuleFix | null {
  const { limit } = server;
  const under = Math.floor(limit.seconds - margin(limit.seconds));
  const over = waits.filter((w) => w.seconds >= limit.seconds);
  if (under < 1 || over.length === 0) return null;
  const edits = setReadTimeouts(topology, over, under);
  if (!edits) return null;
  const where = [...new Set(over.map((w) => w.label))].join(', ');
  return {
    safety: 'safe',
    description:
      `Lower the read timeout to ${formatDuration(under)}, just under ${limit.setting} = ` +
      `${server.text(limit.seconds)}, where nginx waits longer than ${server.program} lets a ` +
      `request run (${where}). Requests slower than that fail today anyway; nginx now gives ` +
      "up first and answers a clean 504 instead of a killed worker's 502. The cost: requests " +
      `taking between ${formatDuration(under)} and ${server.text(limit.seconds)}, which finish ` +
      `today, get a 504 too. Raising ${limit.setting} instead lets the slow requests succeed ` +
      '(the alternative, opt-in).',
    edits,
  };
}

function evidence(
  limit: AppLimit,
  wait: Wait,
  kills: readonly LogEvent[],
  cut: readonly LogEvent[],
): Evidence[] {
  const out: Evidence[] = [];
  const app = writtenAt(limit.value.source);
  if (app) out.push({ ...app, note: `${limit.setting} ${limit.value.value}` });
  if (wait.line)
    out.push({ ...wait.line, note: `${wait.directive} (effective for ${wait.label})` });
  else
    out.push({
      ...wait.anchor,
      note: `${wait.directive} not set: ${wait.source} ${wait.value}`,
    });
  out.push(...eventEvidence(kills, 3, 'app server kills the request'));
  out.push(...eventEvidence(cut, 3));
  return out;
}
