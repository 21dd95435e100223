/**
 * Stage 6, rules: every rule over the topology and the decoded events, ranked. The fix stage
 * calls `diagnose` again on the fixed texts to verify that a fix removes its finding and adds
 * none.
 */
import type { Incident, LogEvent } from '../model.ts';
import type { ParsedFile } from '../formats/types.ts';
import { buildTopology, type Topology } from '../topology/index.ts';
import { runRules, type Hit } from '../rules/index.ts';
import { rank } from '../rules/rank.ts';

type Logs = { events: readonly LogEvent[]; incidents: readonly Incident[] };

export function diagnoseTopology(topology: Topology, logs: Logs): Hit[] {
  return rank(runRules({ topology, events: logs.events, incidents: logs.incidents }), logs.events);
}

export function diagnose(files: readonly ParsedFile[], logs: Logs, nginxVersion: string): Hit[] {
  return diagnoseTopology(buildTopology(files, nginxVersion), logs);
}
