/**
 * A secret found anywhere is hidden everywhere: once a value is known to be a credential (a
 * `DB_PASSWORD=` in `.env`, a Secret's decoded `data`), its other occurrences in any pasted file
 * go too, even where nothing around them says "secret" (a log line quoting it, a ConfigMap
 * copying it). Only distinctive values travel: a plain word like `password` would hide every
 * mention of the word.
 */
import type { Candidate } from './types.ts';
import { isNonSecretValue } from './filters.ts';

const MIN_LENGTH = 8;
/** indexOf work allowed per call (characters scanned): keeps a huge paste from going quadratic. */
const SCAN_BUDGET = 200_000_000;

function isDistinctive(value: string): boolean {
  if (value.length < MIN_LENGTH || value.length > 4096 || value.includes('«redacted:'))
    return false;
  if (isNonSecretValue(value)) return false;
  // Mixed classes (digits, upper case, symbols), not one lower-case word.
  return !/^[a-z]+$/.test(value) && !/^[A-Z]+$/.test(value) && !/^[0-9]+$/.test(value);
}

/**
 * For each text, the candidates found in it plus every occurrence, in any of the texts, of a
 * distinctive value found in one of them. Only the first `from` texts teach values (a paste
 * shown whole learns from its segments, never the other way round).
 */
export function propagateKnownSecrets(
  texts: readonly string[],
  found: readonly Candidate[][],
  from = texts.length,
): Candidate[][] {
  const known = new Map<string, Candidate>();
  found.slice(0, from).forEach((candidates, i) => {
    for (const c of candidates) {
      const value = texts[i]!.slice(c.start, c.end);
      if (!known.has(value) && isDistinctive(value)) known.set(value, c);
      // A base64 Secret value's decoded text may be written in clear elsewhere.
      if (c.identity !== undefined && !known.has(c.identity) && isDistinctive(c.identity)) {
        known.set(c.identity, { ...c, identity: c.identity });
      }
    }
  });
  if (known.size === 0) return found.map((c) => [...c]);
  let budget = SCAN_BUDGET;
  return texts.map((text, i) => {
    const out = [...found[i]!];
    for (const [value, source] of known) {
      budget -= text.length;
      if (budget < 0) break;
      for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + value.length)) {
        out.push({
          start: at,
          end: at + value.length,
          kind: source.kind,
          layer: 'common',
          identity: source.identity,
        });
      }
    }
    return out;
  });
}
