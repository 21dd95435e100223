/**
 * Stage 7, fix: choose the fixes to apply, apply them, and verify them by re-parsing and
 * re-analysing: a fix is kept only if its own finding disappears, no parse error appears and
 * no new finding points at a line the fix wrote. (A new finding resting only on lines the fix
 * left alone was there all along, hidden: e.g. once nginx reaches the app server, that
 * server's own timeout can be compared. It is reported with the fix, not blamed on it.) Fixes are verified together and, when that fails, in ever smaller groups
 * in rank order, so a bad fix is dropped without taking the good ones with it and the usual
 * case costs one re-analysis rather than one per fix.
 */
import { ALTERNATIVE, type AnalyzeOptions, type Edit } from '../model.ts';
import type { Hit } from '../rules/index.ts';
import type { RuleFix } from '../rules/types.ts';
import { standingOf } from '../rules/rank.ts';
import { applyEdits, OverlappingEditsError } from './apply.ts';
import { placeEdits, type Placed } from './placed.ts';

export interface FixableFile {
  name: string;
  text: string;
}

/** Re-runs parse + topology + rules on changed texts: the hits and the parse error count. */
export type Reanalyse = (texts: ReadonlyMap<string, string>) => Verified;

interface Verified {
  hits: readonly Hit[];
  errors: number;
}

export interface FixOutcome {
  /** Hits whose fixes were applied and verified, with the fix applied (`fix` or `optIn`). */
  applied: Map<Hit, RuleFix>;
  /** Why a wanted fix was not applied, by hit. */
  rejected: Map<Hit, string>;
  /** The accepted edits, by file (offsets in the text the rules saw). */
  edits: Map<string, Edit[]>;
  /** Changed texts by file name. */
  texts: Map<string, string>;
  /** Findings that the applied fixes uncovered (not caused), by the fix that uncovered them. */
  uncovered: Map<Hit, Hit[]>;
  /** Where each accepted edit lies in the changed texts (placed.ts). */
  placed: Map<Edit, Placed>;
}

// The page switches a group's fixes together: lists of thousands of keys, asked once per hit.
const sets = new WeakMap<readonly string[], ReadonlySet<string>>();
function asSet(list: readonly string[]): ReadonlySet<string> {
  let set = sets.get(list);
  if (!set) sets.set(list, (set = new Set(list)));
  return set;
}

/**
 * The fix the user wants applied for this hit, or null: a safe one unless switched off (a
 * risk's beside pasted failures only when switched on: rank.ts fixByDefault), an unsafe one if
 * switched on; the alternative (`optIn`), picked by `<key> (alternative)` or `unsafe`, instead
 * of the fix.
 */
export function chosenFix(hit: Hit, options: AnalyzeOptions): RuleFix | null {
  const { fix, optIn } = hit.hit;
  const named = (list: string[] | undefined, suffix = '') => {
    const set = list && asSet(list);
    return (
      set !== undefined && (set.has(hit.rule.meta.id + suffix) || set.has(hit.hit.key + suffix))
    );
  };
  const all = options.unsafe === true;
  if (optIn && optIn.edits.length > 0 && (all || named(options.enabledFixes, ALTERNATIVE)))
    return optIn;
  if (!fix || fix.edits.length === 0 || named(options.disabledFixes)) return null;
  const on = all || named(options.enabledFixes);
  if (fix.safety === 'safe' && (standingOf(hit).fixByDefault || on)) return fix;
  return fix.safety === 'unsafe' && on ? fix : null;
}

export function applyFixes(
  ranked: readonly Hit[],
  files: readonly FixableFile[],
  options: AnalyzeOptions,
  reanalyse: Reanalyse,
  /** Parse errors in the files before any fix. */
  baselineErrors: number,
): FixOutcome {
  const originals = new Map(files.map((f) => [f.name, f.text]));
  const applied = new Map<Hit, RuleFix>();
  const rejected = new Map<Hit, string>();
  let edits = new Map<string, Edit[]>();
  let texts = new Map<string, string>();
  let placed = new Map<Edit, Placed>();
  const uncovered = new Map<Hit, Hit[]>();
  let state: Verified = { hits: ranked, errors: baselineErrors };

  // The fix each hit would apply (its own, or the alternative the user opted in to).
  const chosen = new Map<Hit, RuleFix>();
  for (const hit of ranked) {
    const fix = chosenFix(hit, options);
    if (fix) chosen.set(hit, fix);
  }

  /** Adds a group of fixes on top of those kept so far, if together they verify. */
  const attempt = (group: readonly Hit[]): string | null => {
    const trial = new Map([...edits].map(([file, list]) => [file, [...list]]));
    for (const hit of group) {
      for (const edit of chosen.get(hit)!.edits) {
        const list = trial.get(edit.file);
        if (list) list.push(edit);
        else trial.set(edit.file, [edit]);
      }
    }
    let trialTexts: Map<string, string>;
    try {
      trialTexts = new Map(
        [...trial].map(([name, list]) => [name, applyEdits(originals.get(name) ?? '', list)]),
      );
    } catch (error) {
      if (!(error instanceof OverlappingEditsError)) throw error;
      return 'it changes the same lines as a fix ranked above it';
    }
    const after = reanalyse(trialTexts);
    const trialPlaced = placeEdits(trial, trialTexts);
    const written = writtenLines(
      group.flatMap((hit) => chosen.get(hit)!.edits),
      trialPlaced,
      originals,
    );
    const { reason, added } = verdict(
      group.map((h) => h.hit.key),
      state,
      after,
      written,
    );
    if (reason) return reason;
    for (const hit of group) applied.set(hit, chosen.get(hit)!);
    if (added.length > 0) uncovered.set(group[0]!, added);
    edits = trial;
    texts = trialTexts;
    placed = trialPlaced;
    state = after;
    return null;
  };

  // All wanted fixes are verified together first (one re-analysis in the usual case); a group
  // that fails is split in two, higher-ranked half first, down to the single fix to blame.
  const settle = (group: readonly Hit[]): void => {
    const reason = attempt(group);
    if (reason === null) return;
    if (group.length === 1) {
      rejected.set(group[0]!, reason);
      return;
    }
    const middle = Math.ceil(group.length / 2);
    settle(group.slice(0, middle));
    settle(group.slice(middle));
  };
  const wanted = [...chosen.keys()];
  if (wanted.length > 0) settle(wanted);
  return { applied, rejected, edits, texts, uncovered, placed };
}

function verdict(
  keys: readonly string[],
  before: Verified,
  after: Verified,
  written: ReadonlyMap<string, ReadonlySet<number>>,
): { reason: string | null; added: Hit[] } {
  if (after.errors > before.errors)
    return { reason: 'the changed file no longer parses cleanly', added: [] };
  const afterKeys = new Set(after.hits.map((h) => h.hit.key));
  if (keys.some((key) => afterKeys.has(key)))
    return { reason: 'the change did not remove the problem', added: [] };
  const beforeKeys = new Set(before.hits.map((h) => h.hit.key));
  const added = after.hits.filter((h) => !beforeKeys.has(h.hit.key));
  const caused = added.find((h) =>
    h.hit.evidence.some((e) => written.get(e.file)?.has(e.line) === true),
  );
  if (caused)
    return { reason: `the change would cause another finding (${caused.hit.key})`, added: [] };
  return { reason: null, added };
}

/**
 * The lines (1-based, in the trial's texts) that this group's edits wrote: placed from the
 * edits themselves (fix/placed.ts), not found by diffing whole files.
 */
function writtenLines(
  edits: readonly Edit[],
  placed: ReadonlyMap<Edit, Placed>,
  originals: ReadonlyMap<string, string>,
): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const edit of edits) {
    const at = placed.get(edit);
    // Deleting whole lines writes none (the line placed for it is one the fix left alone).
    if (!at || wholeLinesDeleted(edit, originals.get(edit.file) ?? '')) continue;
    let lines = out.get(at.file);
    if (!lines) out.set(at.file, (lines = new Set()));
    for (let line = at.line; line <= at.endLine; line++) lines.add(line);
  }
  return out;
}

function wholeLinesDeleted(edit: Edit, original: string): boolean {
  return (
    edit.text === '' &&
    edit.end > edit.start &&
    (edit.start === 0 || original[edit.start - 1] === '\n') &&
    (edit.end === original.length || original[edit.end - 1] === '\n')
  );
}
