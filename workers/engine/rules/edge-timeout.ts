/**
 * edge-timeout: the hop in front of nginx gives up on a slow request before nginx does.
 *
 * An AWS ALB or Classic ELB closes a connection on which no data has moved for its idle
 * timeout (60 s by default) — also while it waits for the response. When a location's read
 * timeout is longer, a request slower than the balancer's limit gets a 504 from the balancer
 * (target status "-") while nginx and the app keep working on it; nginx then logs 499 (the
 * client, the balancer, went away) and nothing at error level. Every read timeout above the
 * balancer's limit is dead length: it only keeps the app busy for an answer nobody receives.
 */
import type { ComparedValue, Evidence, LogEvent } from '../model.ts';
import { formatDuration } from '../formats/nginx/index.ts';
import type { Front, Route, Topology } from '../topology/index.ts';
import type { Rule, RuleFix, RuleHit } from './types.ts';
import { ABOVE_BALANCER, nginxIdlesAbove } from './lib/front-keepalive-race.ts';
import { frontCompared, frontEvidence, noAnswerLines, waiting } from './lib/front-values.ts';
import { numberOf, sourceOf, writtenAt } from './lib/app-values.ts';
import { margin, readTimeout, setReadTimeouts, type ReadTimeout } from './lib/app-limit.ts';
import { routeOf } from './lib/route-of.ts';
import { directEdgeHits } from './lib/front-app-timeout.ts';

export const edgeTimeout: Rule = {
  meta: {
    id: 'edge-timeout',
    cause: 'edge-timeout',
    severity: 'warning',
    title: 'The load balancer in front gives up before nginx does',
    docs:
      'An AWS Application Load Balancer or Classic ELB closes a connection that has been idle ' +
      'for its idle timeout (60 s by default; Terraform `idle_timeout`), including while it ' +
      "waits for nginx's response. When a location's proxy_read_timeout (or uwsgi_/fastcgi_…) " +
      'is longer, requests slower than the balancer get a 504 from it, with target status "-" ' +
      'in its access log, while nginx and the app go on working; nginx logs 499 for them, not ' +
      'an error. Cloudflare does the same after its 100 s proxy read timeout and answers 524; ' +
      "it is known from nginx's config (real_ip_header CF-Connecting-IP, or set_real_ip_from " +
      'one of its ranges). A balancer that sends straight to the app server (an ALB or GKE ' +
      "Ingress, or no nginx pasted) is compared with the app's own request limit (gunicorn " +
      "sync timeout, uWSGI harakiri, Node server.timeout): GKE's backend service timeout is " +
      '30 s unless a BackendConfig sets timeoutSec, the usual "504 after 30 seconds".',
    fixSafety:
      "Safe: the read timeout is lowered to just under the balancer's idle timeout in the " +
      'locations that wait longer. Requests that slow fail at the balancer today anyway; nginx ' +
      'now ends them itself (a 504 it logs) and stops waiting on the app. Raising the ' +
      "balancer's idle timeout instead lets them finish, but nginx's keepalive_timeout must " +
      'then be raised above it too (see keepalive-race): where a pasted Terraform file or ' +
      'CloudFormation template declares the balancer (and writes its idle timeout, for ' +
      'CloudFormation), both changes are offered together as an unsafe (opt-in) alternative — ' +
      'every slow request then holds its connections that long, and it takes a deploy of the ' +
      'template. In front of the app itself the safe ' +
      "change is the other way: GKE's BackendConfig timeoutSec is raised above the app's limit " +
      '(it is not a keep-alive); an AWS idle timeout stays advice.',
  },
  check({ topology, events }) {
    // A balancer sending straight to the app server: its wait against the app's limit.
    const hits: RuleHit[] = directEdgeHits(topology, events);
    for (const balancer of topology.fronts) {
      const front = waiting(balancer);
      const idle = numberOf(front.idle);
      // An ALB Ingress sends to the app pods, not through nginx's locations.
      if (idle === null || idle <= 0 || front.services) continue;
      const longer = topology.routes
        .map((route) => readTimeout(topology, route))
        .filter((r): r is ReadTimeout => r !== null && r.seconds > idle);
      if (longer.length === 0) continue;
      const explains = explained(topology, front, longer, events);
      const longest = longer.reduce((a, b) => (b.seconds > a.seconds ? b : a));
      hits.push({
        key: `edge-timeout ${front.file} ${front.label}`,
        message: message(front, idle, longer, explains),
        evidence: evidence(front, longer, explains),
        compared: compared(front, longest),
        explains,
        fix: fixOf(topology, front, idle, longer),
        ...optInOf(topology, front, idle, longest),
      });
    }
    return hits;
  },
};

/**
 * The balancer's 504s that nginx never answered, on the slow locations (or where the line does
 * not say which), and nginx's 499s on them that lasted about as long as the balancer waits.
 */
function explained(
  topology: Topology,
  front: Front,
  longer: readonly ReadTimeout[],
  events: readonly LogEvent[],
): LogEvent[] {
  const idle = numberOf(front.idle)!;
  const routes = new Set<Route>(longer.map((r) => r.route));
  // A request routed to a location that answers within the balancer's limit is not this.
  const balancer = noAnswerLines(front, topology.fronts, events, 504).filter((e) => {
    const route = routeOf(topology, e);
    return route === null || routes.has(route);
  });
  const nginx = events.filter((e) => {
    if (e.source !== 'nginx-access' || e.status !== 499) return false;
    const took = Number(e.fields?.requestTime);
    const route = routeOf(topology, e);
    return (
      Number.isFinite(took) && Math.abs(took - idle) <= 1 && route !== null && routes.has(route)
    );
  });
  const claimed = new Set([...balancer, ...nginx]);
  return events.filter((e) => claimed.has(e));
}

function message(
  front: Front,
  idle: number,
  longer: readonly ReadTimeout[],
  explains: readonly LogEvent[],
): string {
  const where = longer
    .slice(0, 3)
    .map((r) => `${r.route.label} waits ${r.effective.value?.[0]} (${r.directive})`)
    .join('; ');
  const more = longer.length > 3 ? ` and ${longer.length - 3} more location(s)` : '';
  // Cloudflare answers 524 ("a timeout occurred"); AWS's balancers 504.
  const status = front.kind === 'cloudflare' ? 524 : 504;
  let out =
    `${front.label} gives up on a request after ${idle} s ${front.wait ? 'without a response' : 'without data'} (${front.setting}, ` +
    `${sourceOf(front.idle.source)}), but nginx waits longer: ${where}${more}. A request slower ` +
    `than ${idle} s gets a ${status} from ${front.kind === 'cloudflare' ? 'Cloudflare' : 'the balancer'} while nginx and the app keep working on it; ` +
    'nginx logs 499 for it, not an error.';
  const lb = explains.filter((e) => e.source === 'aws-lb').length;
  const nginx = explains.length - lb;
  if (lb > 0) out += ` ${lb} such 504(s) are in the balancer's log.`;
  if (nginx > 0) out += ` nginx logged ${nginx} 499(s) after about ${idle} s.`;
  return out;
}

function evidence(
  front: Front,
  longer: readonly ReadTimeout[],
  explains: readonly LogEvent[],
): Evidence[] {
  const out: Evidence[] = [frontEvidence(front)];
  for (const r of longer.slice(0, 5)) {
    const set = writtenAt(r.effective.source);
    out.push(
      set
        ? { ...set, note: `${r.directive} ${r.effective.value?.[0]} (${r.route.label})` }
        : {
            file: r.route.location.file,
            line: r.route.location.line,
            note: `${r.directive} ${r.effective.value?.[0]} by default`,
          },
    );
  }
  for (const e of explains.slice(0, 5)) out.push({ file: e.file, line: e.line });
  return out;
}

function compared(front: Front, longest: ReadTimeout): ComparedValue[] {
  return [
    frontCompared(front),
    {
      hop: `nginx ${longest.route.label}`,
      setting: longest.directive,
      value: longest.effective.value?.[0] ?? '?',
      source: sourceOf(longest.effective.source),
    },
  ];
}

/** The read timeouts lowered to just under the balancer's, in each location that waits longer. */
function fixOf(
  topology: Topology,
  front: Front,
  idle: number,
  longer: readonly ReadTimeout[],
): RuleFix {
  const under = Math.floor(idle - margin(idle));
  const edits = under >= 1 ? setReadTimeouts(topology, longer, under) : null;
  if (!edits || edits.length === 0)
    return {
      safety: 'manual',
      description: `Keep every read timeout behind ${front.label} under its ${front.setting} (${idle} s), or raise the balancer's ${front.setting} above the longest wait (and nginx's keepalive_timeout above that).`,
      edits: [],
    };
  return {
    safety: 'safe',
    description:
      `Lower the read timeout to ${formatDuration(under)}, just under the ${idle} s ${front.setting} of ` +
      `${front.label}, where nginx waits longer. Requests that slow already fail at the balancer; ` +
      'nginx now ends them itself with a 504 it logs, and stops holding the app for an answer ' +
      `nobody receives. To let them finish instead, raise the balancer's ${front.setting} above the ` +
      "longest wait and nginx's keepalive_timeout above that.",
    edits,
  };
}

/**
 * The other way, opt-in: the balancer's idle timeout raised above the longest wait where a
 * pasted Terraform file or CloudFormation template can carry it (Front.setIdle), and nginx's
 * keepalive_timeout above that (else the balancer would reuse connections nginx closed:
 * keepalive-race). Slow requests then finish; it takes a deploy of the template too.
 */
function optInOf(
  topology: Topology,
  front: Front,
  idle: number,
  longest: ReadTimeout,
): Pick<RuleHit, 'optIn'> {
  const seconds = Math.ceil(longest.seconds + margin(longest.seconds));
  const balancer = front.setIdle?.(seconds);
  const nginx = balancer ? nginxIdlesAbove(topology, seconds) : null;
  if (!balancer || !nginx) return {};
  return {
    optIn: {
      safety: 'unsafe',
      description:
        `Raise ${front.setting} of ${front.label} from ${idle} s to ${seconds} s, above the longest ` +
        `wait (${longest.directive} ${longest.effective.value?.join(' ')}, ${longest.route.label})` +
        (nginx.length > 0
          ? `, and nginx's keepalive_timeout to ${formatDuration(seconds + ABOVE_BALANCER)} so the balancer still closes idle connections first`
          : '') +
        '. Slow requests then finish instead of failing at the balancer. Unsafe: clients and ' +
        'the balancer hold a connection that long for every slow request, and the change takes a ' +
        `deploy of ${front.file} (terraform apply, or a stack update) as well as an nginx reload.`,
      edits: [...balancer, ...nginx],
    },
  };
}
