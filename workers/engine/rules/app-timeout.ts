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
import type { Topology } from '../topology/index.ts';
import type { Rule, RuleHit } from './types.ts';
import { sourceOf, writtenAt } from './lib/app-values.ts';
import { margin, type AppLimit } from './lib/app-limit.ts';
import { ingressWaits, nginxWaits, type Wait } from './lib/waits.ts';
import { appServers, type AppServer } from './lib/app-servers.ts';
import {
  causesNear,
  eventEvidence,
  eventsOnRoutes,
  failuresOnRoutes,
  nearInTime,
} from './lib/route-events.ts';

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
      "The app server's per-request limit (gunicorn sync `timeout`, uWSGI `harakiri`, Node.js " +
      "`server.timeout`) is not longer than nginx's read timeout for the locations that reach " +
      'it. Requests slower than the app limit are killed mid-flight: nginx sees the connection ' +
      'close before a response header ("upstream prematurely closed connection") and returns ' +
      '502 instead of the response, or a clean 504 from its own timeout. gunicorn gthread/async ' +
      'workers use `timeout` as a heartbeat, so they are flagged only when WORKER TIMEOUT lines ' +
      'show it firing.',
    fixSafety:
      "Safe when the new limit is at most 300 s: the app limit is raised to nginx's read " +
      'timeout plus a small margin, so the app only stops killing requests nginx would still ' +
      'have waited for; clients wait no longer than nginx already allowed, and a stuck worker ' +
      'is still reclaimed shortly after nginx gives up. The cost is that a slow request holds ' +
      'its worker up to that long. Above 300 s it is unsafe (opt-in): that long a limit ' +
      "barely protects against stuck workers, and lowering nginx's read timeout may be the " +
      'better choice. Lowering nginx instead is never offered automatically: it would only turn ' +
      'the 502s into 504s and fail requests that succeed today.',
  },
  check({ topology, events }) {
    const hits: RuleHit[] = [];
    for (const server of appServers(topology, events)) {
      const hit = checkServer(topology, server, events);
      if (hit) hits.push(hit);
    }
    return hits;
  },
};

function checkServer(
  topology: Topology,
  server: AppServer,
  events: readonly LogEvent[],
): RuleHit | null {
  const { limit, routes } = server;
  const waits = [...nginxWaits(topology, routes), ...ingressWaits(topology, server.backend)];
  if (waits.length === 0) return null;
  // The longest proxy wait is the one the app limit must outlast.
  const longest = waits.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  if (limit.seconds > longest.seconds) return null;

  // The app's kill lines logged next to failures on these routes (all of them when no nginx
  // log shows failures there: the app log is then the only witness).
  const kills = causesNear(server.kills, failuresOnRoutes(events, routes));
  // gunicorn's heartbeat in gthread/async workers: only the log can show it cutting requests.
  if (!limit.hard && kills.length === 0) return null;
  // Behind an Ingress the controller's log names pod IPs no config has: any cut may be ours.
  const candidates =
    routes.length > 0
      ? eventsOnRoutes(events, routes, CUT)
      : events.filter((e) => e.source === 'nginx-error' && CUT.includes(e.kind));
  const onRoutes = candidates.filter((e) => e.phase === CUT_PHASE);
  // Only the cuts logged right after a kill are the kill's doing.
  const cut = kills.length > 0 ? nearInTime(onRoutes, kills) : [];
  const mine = new Set([...kills, ...cut]);
  const explains = events.filter((e) => mine.has(e));

  const target = longest.seconds + margin(longest.seconds);
  const edits = server.setLimit(target);
  const safety = edits.length === 0 ? 'manual' : target <= SAFE_LIMIT ? 'safe' : 'unsafe';
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
    message += ` The ${program} log shows ${kills.length} such kill(s)${
      cut.length > 0
        ? `, and nginx logged ${cut.length} connection(s) cut while reading the response header`
        : ''
    }.`;

  const fixText =
    `Raise ${limit.setting} to ${server.text(target)}, just above ${longest.directive} ` +
    `(${longest.seconds} s), so nginx gives up first with a clean 504 and the app never kills a ` +
    'request nginx is still waiting for. A slow request then holds its worker up to that long.';
  return {
    key: `app-timeout ${server.label}`,
    message,
    evidence: evidence(limit, longest, kills, cut),
    compared: [
      { hop: server.label, setting: limit.setting, value: now, source: appAt },
      { hop: longest.label, setting: longest.directive, value: longest.value, source: nginxAt },
    ],
    explains,
    fix: {
      safety,
      description:
        edits.length === 0
          ? `${fixText} (${limit.setting} is set where this tool cannot edit it: ${appAt}.)`
          : fixText,
      edits,
    },
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
