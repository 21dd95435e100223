/**
 * Stages 5 and 6 together: topology, then every rule, ranked. The fix stage calls this again
 * on the fixed texts to verify that a fix removes its finding and adds none.
 */
import type { Incident, LogEvent } from '../model.ts';
import type { ParsedFile } from '../formats/types.ts';
import { buildTopology } from '../topology/index.ts';
import { runRules, type Hit } from '../rules/index.ts';
import { rank } from '../rules/rank.ts';

export function diagnose(
  files: readonly ParsedFile[],
  logs: { events: readonly LogEvent[]; incidents: readonly Incident[] },
  nginxVersion: string,
): Hit[] {
  const topology = buildTopology(files, nginxVersion);
  return rank(runRules({ topology, events: logs.events, incidents: logs.incidents }));
}
