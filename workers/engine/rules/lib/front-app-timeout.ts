/**
 * edge-timeout where the balancer sends straight to the app server (an ALB or GKE Ingress, or
 * no nginx pasted): the balancer waits its idle timeout (AWS) or backend service timeout
 * (Google Cloud, 30 s by default — the classic "504 after 30 seconds" on GKE) for a response,
 * while the app server is configured to let a request run longer (gunicorn sync `timeout`,
 * uWSGI `harakiri`, Node `server.timeout`). A request slower than the balancer fails there
 * while the app keeps working on it.
 */
import type { LogEvent } from '../../model.ts';
import type { Backend, Front, Topology } from '../../topology/index.ts';
import type { RuleHit } from '../types.ts';
import { appLimit, type AppLimit } from './app-limit.ts';
import { numberOf, sourceOf, writtenAt } from './app-values.ts';
import { directBackends } from './front-targets.ts';
import { frontCompared, frontEvidence, noAnswerLines, waiting } from './front-values.ts';

/** The balancer's wait is set this much above the app's limit. */
const MARGIN = 5;

interface Longer {
  backend: Backend;
  limit: AppLimit;
}

export function directEdgeHits(topology: Topology, events: readonly LogEvent[]): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const front of topology.fronts) {
    const backends = directBackends(topology, front);
    const waits = waiting(front);
    const wait = numberOf(waits.idle);
    if (!backends || wait === null || wait <= 0) continue;
    // Only a limit that ends a slow request is a statement of how long one may run.
    const longer = backends
      .map((backend) => ({ backend, limit: appLimit(backend) }))
      .filter((l): l is Longer => l.limit !== null && l.limit.hard && l.limit.seconds > wait);
    if (longer.length === 0) continue;
    const longest = longer.reduce((a, b) => (b.limit.seconds > a.limit.seconds ? b : a));
    const { setting } = waits;
    const explains = noAnswerLines(front, topology.fronts, events, 504);
    const { backend, limit } = longest;
    let message =
      `${front.label} waits ${wait} s for a response (${setting}, ${sourceOf(waits.idle.source)}), ` +
      `but ${backend.label} lets a request run up to ${limit.seconds} s (${limit.setting}, ` +
      `${sourceOf(limit.value.source)}). A request slower than ${wait} s gets a 504 from the ` +
      'balancer while the app keeps working on it for an answer nobody receives.';
    if (explains.length > 0)
      message += ` ${explains.length} such 504(s) are in the balancer's log.`;
    const at = writtenAt(limit.value.source);
    hits.push({
      key: `edge-timeout ${front.file} ${front.label} app`,
      title: 'The load balancer gives up before the app server does',
      message,
      evidence: [
        frontEvidence(waits),
        ...(at ? [{ ...at, note: `${limit.setting} ${limit.seconds}` }] : []),
        ...explains.slice(0, 5).map((e) => ({ file: e.file, line: e.line })),
      ],
      compared: [
        frontCompared(waits),
        {
          hop: backend.label,
          setting: limit.setting,
          value: `${limit.seconds} s`,
          source: sourceOf(limit.value.source),
        },
      ],
      explains,
      fix: fixOf(front, setting, wait, longest),
    });
  }
  return hits;
}

/**
 * Raise the balancer's wait above the app's limit where it is written (a GKE BackendConfig);
 * an AWS idle timeout is also how long idle connections are kept, so raising it is keepalive-
 * race's business and stays advice here.
 */
function fixOf(
  front: Front,
  setting: string,
  wait: number,
  { backend, limit }: Longer,
): NonNullable<RuleHit['fix']> {
  const seconds = limit.seconds + MARGIN;
  const edits = front.wait?.set?.(seconds) ?? [];
  if (edits.length > 0)
    return {
      safety: 'safe',
      description:
        `Set ${setting} to ${seconds} s, above the ${limit.seconds} s ${backend.label} lets a ` +
        `request run, so the balancer waits for the answer instead of failing it at ${wait} s. ` +
        'The cost: a client may wait that long for a stuck request.',
      edits,
    };
  return {
    safety: 'manual',
    description:
      `Raise ${setting} of ${front.label} above ${limit.seconds} s (then the app's keep-alive ` +
      `must stay above it, see keepalive-race), or bring ${limit.setting} of ${backend.label} ` +
      `under ${wait} s if no request should run that long.`,
    edits: [],
  };
}
