/**
 * The fallback: upstream failures in the logs that no rule's hit explains. Rather than let a
 * config smell stand in as the cause of an unrelated error, each group of such events (one
 * per nginx error kind, or per 502/503/504 status when only the access log was pasted) gets
 * an `info` finding that says plainly that the configs do not explain it, with that kind's
 * checklist from knowledge/events.ts.
 *
 * It is not a Rule: it has to see the other hits. It runs after the fix stage on purpose:
 * when a fix removes a rule's finding, the events that finding explained would otherwise
 * turn up here as a "new finding" in the re-analysis and make the fix look harmful.
 */
import type { LogEvent } from '../../model.ts';
import { explainEvent, PHASE_KNOWLEDGE } from '../../knowledge/events.ts';
import type { Hit } from '../index.ts';
import type { Rule, RuleHit } from '../types.ts';
import { isUpstreamFailure, rank, UNEXPLAINED_RULE } from '../rank.ts';
import { eventEvidence } from './route-events.ts';

export const unexplainedEvents: Rule = {
  meta: {
    id: UNEXPLAINED_RULE,
    cause: 'unexplained',
    severity: 'info',
    title: 'Nothing in the pasted configs explains these failures',
    docs:
      'The logs show upstream failures that no rule could tie to the pasted configs. The ' +
      'finding says so and lists what usually causes that kind of failure, so the search can ' +
      'go on (more logs, the app-server config, the pod spec) instead of trusting an unrelated ' +
      'config smell.',
    fixSafety: 'Manual: a checklist, no edit. Nothing in the inputs says what to change.',
  },
  // Never run as a rule: see withUnexplained().
  check: () => [],
};

/** The fallback hits for `events` that none of `hits` explains, one per kind (or status). */
export function unexplainedHits(events: readonly LogEvent[], hits: readonly Hit[]): Hit[] {
  const explained = new Set<LogEvent>();
  for (const { hit } of hits) for (const e of hit.explains ?? []) explained.add(e);
  const failures = events.filter(isUpstreamFailure);
  // The access log repeats requests the error log already names: count those once.
  const fromErrorLog = failures.some((e) => e.source === 'nginx-error');
  const groups = new Map<string, LogEvent[]>();
  for (const e of failures) {
    if (explained.has(e)) continue;
    if (fromErrorLog && e.source !== 'nginx-error') continue;
    const key = e.source === 'nginx-error' ? e.kind : `status ${e.status}`;
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  return [...groups].map(([key, group]) => ({
    rule: unexplainedEvents,
    hit: fallback(key, group),
  }));
}

/** All hits plus the fallback ones, ranked with the events as coverage's denominator. */
export function withUnexplained(hits: readonly Hit[], events: readonly LogEvent[]): Hit[] {
  return rank([...hits, ...unexplainedHits(events, hits)], events);
}

function fallback(key: string, events: LogEvent[]): RuleHit {
  const first = events[0]!;
  const knowledge = explainEvent(first.source, first.kind);
  const title = knowledge?.title ?? key;
  const what =
    first.source === 'nginx-error'
      ? `${events.length} nginx error line(s) "${title}" (${key})`
      : `${events.length} access-log response(s) with ${key}`;
  const phases = count(events.map((e) => e.phase).filter((p) => p !== undefined));
  const upstreams = count(events.map((e) => e.upstream).filter((u) => u !== undefined));
  const times = events.map((e) => e.time).filter((t) => t !== undefined);
  const details = [
    phases.length > 0
      ? `while ${phases.map(([p, n]) => `${PHASE_KNOWLEDGE[p as keyof typeof PHASE_KNOWLEDGE]?.title.toLowerCase() ?? p} (${n})`).join(', ')}`
      : null,
    upstreams.length > 0
      ? `upstream ${upstreams
          .slice(0, 3)
          .map(([u, n]) => `${u} (${n})`)
          .join(', ')}${upstreams.length > 3 ? ', …' : ''}`
      : null,
    times.length > 1 ? `from ${times[0]} to ${times[times.length - 1]}` : null,
  ].filter((d) => d !== null);
  const checklist = knowledge?.causes ?? [];
  const message =
    `${what}${details.length > 0 ? `, ${details.join('; ')}` : ''}: nothing in the pasted ` +
    'configs explains them, so no cause is claimed.' +
    (knowledge ? ` ${knowledge.meaning}` : '') +
    (checklist.length > 0
      ? ` Check, most common first: ${checklist.map((c, i) => `(${i + 1}) ${c}`).join(' ')}`
      : ' Paste the app server and orchestrator logs from the same minutes.');
  return {
    key: `unexplained ${key}`,
    title: `Unexplained: ${title}`,
    message,
    evidence: [...eventEvidence(events, 5, 'not explained by the pasted configs')],
    explains: events,
    fix: {
      safety: 'manual',
      description:
        checklist.length > 0
          ? `Go through the checklist for "${title}"; pasting the app server's config and log, ` +
            'the kernel log or the pod events from the same minutes lets the rules say which it is.'
          : 'Paste the app server and orchestrator logs from the same minutes.',
      edits: [],
    },
  };
}

/** Values with their counts, most frequent first. */
function count(values: readonly string[]): [string, number][] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]);
}
