/**
 * Stage 7, fix: choose the fixes to apply, apply them, and verify each one by re-parsing and
 * re-analysing: a fix is kept only if its own finding disappears, no parse error and no new
 * finding appears. Fixes are tried one at a time in rank order on top of the ones already
 * kept, so a bad fix is dropped without taking the good ones with it.
 */
import type { AnalyzeOptions, Edit } from '../model.ts';
import type { Hit } from '../rules/index.ts';
import { applyEdits, OverlappingEditsError } from './apply.ts';

export interface FixableFile {
  name: string;
  text: string;
}

/** Re-runs parse + topology + rules on changed texts; returns hit keys and parse error count. */
export type Reanalyse = (texts: ReadonlyMap<string, string>) => {
  keys: Set<string>;
  errors: number;
};

export interface FixOutcome {
  /** Hits whose fixes were applied and verified. */
  applied: Set<Hit>;
  /** Why a wanted fix was not applied, by hit. */
  rejected: Map<Hit, string>;
  /** The accepted edits, by file (offsets in the text the rules saw). */
  edits: Map<string, Edit[]>;
  /** Changed texts by file name. */
  texts: Map<string, string>;
}

/** Whether the user wants this hit's fix: safe ones unless switched off, unsafe ones if opted in. */
export function wantsFix(hit: Hit, options: AnalyzeOptions): boolean {
  const fix = hit.hit.fix;
  if (!fix || fix.edits.length === 0) return false;
  const named = (list: string[] | undefined) =>
    list?.includes(hit.rule.meta.id) === true || list?.includes(hit.hit.key) === true;
  if (named(options.disabledFixes)) return false;
  if (fix.safety === 'safe') return true;
  return fix.safety === 'unsafe' && (options.unsafe === true || named(options.enabledFixes));
}

export function applyFixes(
  ranked: readonly Hit[],
  files: readonly FixableFile[],
  options: AnalyzeOptions,
  reanalyse: Reanalyse,
): FixOutcome {
  const originals = new Map(files.map((f) => [f.name, f.text]));
  const baseline = reanalyse(new Map());
  const applied = new Set<Hit>();
  const rejected = new Map<Hit, string>();
  let edits = new Map<string, Edit[]>();
  let texts = new Map<string, string>();
  let state = baseline;

  for (const hit of ranked) {
    if (!wantsFix(hit, options)) continue;
    const trial = new Map(edits);
    for (const edit of hit.hit.fix!.edits)
      trial.set(edit.file, [...(trial.get(edit.file) ?? []), edit]);
    let trialTexts: Map<string, string>;
    try {
      trialTexts = new Map(
        [...trial].map(([name, list]) => [name, applyEdits(originals.get(name) ?? '', list)]),
      );
    } catch (error) {
      if (!(error instanceof OverlappingEditsError)) throw error;
      rejected.set(hit, 'it changes the same lines as a fix ranked above it');
      continue;
    }
    const after = reanalyse(trialTexts);
    const reason = verdict(hit.hit.key, state, after);
    if (reason) {
      rejected.set(hit, reason);
      continue;
    }
    applied.add(hit);
    edits = trial;
    texts = trialTexts;
    state = after;
  }
  return { applied, rejected, edits, texts };
}

function verdict(
  key: string,
  before: { keys: Set<string>; errors: number },
  after: { keys: Set<string>; errors: number },
): string | null {
  if (after.errors > before.errors) return 'the changed file no longer parses cleanly';
  if (after.keys.has(key)) return 'the change did not remove the problem';
  const added = [...after.keys].filter((k) => !before.keys.has(k));
  if (added.length > 0) return `the change would cause another finding (${added[0]})`;
  return null;
}
