import { EVENT_KNOWLEDGE, PHASE_KNOWLEDGE } from '../knowledge/events.ts';
import type { EventSource, Incident, IncidentSummary, Phase } from '../model.ts';

export type { IncidentSummary };

/**
 * Plain-text lines for an incident (the page's incident summary, the CLI's text output):
 * what failed, where in the request, how often, since when, what happened just before.
 */
function title(source: EventSource, kind: string): string {
  return EVENT_KNOWLEDGE[source]?.[kind]?.title ?? `${source} ${kind}`;
}

function byCount(rec: Record<string, number>): [string, number][] {
  return Object.entries(rec).sort((a, b) => b[1] - a[1]);
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

export function summarizeIncident(incident: Incident): IncidentSummary {
  const kinds = byCount(incident.kinds);
  const statuses = byCount(incident.statuses ?? {});
  const what = kinds.length
    ? kinds.map(([k]) => title('nginx-error', k)).join(' / ')
    : statuses.map(([s]) => `HTTP ${s}`).join(' / ') || 'Upstream failures';
  const on = incident.upstream ? ` on ${incident.upstream}` : '';
  const phases = byCount(incident.phases);
  const where = phases.length
    ? phases
        .map(([p, n]) => `${PHASE_KNOWLEDGE[p as Phase]?.title.toLowerCase() ?? p} (${n})`)
        .join(', ')
    : null;
  let when: string | null = null;
  if (incident.first && incident.last && incident.first !== incident.last) {
    when = `from ${incident.first} to ${incident.last}`;
  } else if (incident.first) when = `at ${incident.first}`;
  const routes = incident.routes
    .slice(0, 3)
    .map((r) => `${r.method ? r.method + ' ' : ''}${r.path} (${r.count})`);
  const before = [...incident.related]
    .sort((a, b) => Math.abs(a.secondsBefore) - Math.abs(b.secondsBefore))
    .slice(0, 5)
    .map(({ event, secondsBefore }) => {
      const s = Math.round(secondsBefore * 10) / 10;
      const rel = s >= 0 ? `${s} s before` : `${-s} s after`;
      return `${title(event.source, event.kind)}, ${rel} (${event.file}:${event.line})`;
    });
  return { headline: `${what}: ${times(incident.count)}${on}`, where, when, routes, before };
}
