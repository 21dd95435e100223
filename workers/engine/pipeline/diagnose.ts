/**
 * Stage 6, rules: every rule over the topology and the decoded events, ranked. The fix stage
 * calls `diagnose` again on the fixed texts to verify that a fix removes its finding and adds
 * none.
 */
import type { Incident, LogEvent } from '../model.ts';
import type { ParsedFile } from '../formats/types.ts';
import { buildTopology, observe, type Topology } from '../topology/index.ts';
import { runRules, type Hit } from '../rules/index.ts';
import { rank } from '../rules/rank.ts';
import type { RuleFix } from '../rules/types.ts';

type Logs = { events: readonly LogEvent[]; incidents: readonly Incident[] };

export function diagnoseTopology(topology: Topology, logs: Logs): Hit[] {
  const hits = runRules({ topology, events: logs.events, incidents: logs.incidents });
  return rank(onPastedFiles(hits, new Set(topology.files.map((f) => f.name))), logs.events);
}

/**
 * A fix aimed at a config that was not pasted — a server or upstream known only from nginx's
 * log — cannot be a patch: it becomes advice saying where to make the change.
 */
function onPastedFiles(hits: Hit[], pasted: ReadonlySet<string>): Hit[] {
  return hits.map((h) => {
    const { fix, optIn } = h.hit;
    const elsewhere = (f: RuleFix | undefined) => f?.edits.some((e) => !pasted.has(e.file));
    if (!elsewhere(fix) && !elsewhere(optIn)) return h;
    // An alternative that cannot be a patch is dropped: the advice below says where to change.
    const kept = elsewhere(optIn) ? { ...h.hit, optIn: undefined } : h.hit;
    if (!fix || !elsewhere(fix)) return { ...h, hit: kept };
    const where = [...new Set(fix.edits.filter((e) => !pasted.has(e.file)).map((e) => e.file))];
    return {
      ...h,
      hit: {
        ...kept,
        fix: {
          safety: 'manual',
          description:
            `${fix.description} Make this change in the nginx config that serves these requests: ` +
            `it was not pasted (what it does is known from ${where.join(', ')}).`,
          edits: [],
        },
      },
    };
  });
}

export function diagnose(files: readonly ParsedFile[], logs: Logs, nginxVersion: string): Hit[] {
  return diagnoseTopology(buildTopology(files, nginxVersion, observe(logs.events)), logs);
}
