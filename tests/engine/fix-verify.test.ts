/** Fix verification: good fixes kept together, a bad one found and dropped alone. */
import { describe, expect, it } from 'vitest';
import { applyFixes } from '../../workers/engine/fix/index.ts';
import type { Hit } from '../../workers/engine/rules/index.ts';
import type { Rule } from '../../workers/engine/rules/types.ts';

const rule: Rule = {
  meta: {
    id: 'r',
    cause: 'keepalive-inert',
    severity: 'warning',
    title: 't',
    docs: '',
    fixSafety: '',
  },
  check: () => [],
};
const text = 'abcdefghij';
const hit = (key: string, start: number, insert: string): Hit => ({
  rule,
  hit: {
    key,
    message: key,
    evidence: [],
    fix: {
      safety: 'safe',
      description: key,
      edits: [{ file: 'f', start, end: start, text: insert }],
    },
  },
});

/** A finding with evidence on one line of file f. */
const finding = (key: string, line: number): Hit => ({
  rule,
  hit: { key, message: key, evidence: [{ file: 'f', line }] },
});

/**
 * A finding disappears when its marker text is in the file; "BAD" causes a new finding on
 * the line it is written on; "SEEN" uncovers one resting on line 1, which no fix writes.
 */
function reanalyser(hits: Hit[]) {
  let calls = 0;
  return {
    calls: () => calls,
    fn: (texts: ReadonlyMap<string, string>) => {
      calls++;
      const t = texts.get('f') ?? text;
      const after = hits.filter((h) => !t.includes(h.hit.key.toUpperCase()));
      const lineOf = (word: string) => t.slice(0, t.indexOf(word)).split('\n').length;
      if (t.includes('BAD')) after.push(finding('caused', lineOf('BAD')));
      if (t.includes('SEEN')) after.push(finding('uncovered', 1));
      return { hits: after, errors: 0 };
    },
  };
}

describe('applyFixes', () => {
  it('verifies all good fixes with one re-analysis', () => {
    const hits = [hit('x', 1, 'X'), hit('y', 3, 'Y'), hit('z', 5, 'Z')];
    const r = reanalyser(hits);
    const out = applyFixes(hits, [{ name: 'f', text }], {}, r.fn, 0);
    expect([...out.applied.keys()]).toEqual(hits);
    expect(out.texts.get('f')).toBe('aXbcYdeZfghij');
    expect(r.calls()).toBe(1);
  });

  it('drops only the fix that causes a new finding, keeping those ranked around it', () => {
    const hits = [hit('a', 0, 'A'), hit('b', 2, 'B'), hit('bad', 4, 'BAD'), hit('d', 6, 'D')];
    const r = reanalyser(hits);
    const out = applyFixes(hits, [{ name: 'f', text }], {}, r.fn, 0);
    expect([...out.applied.keys()].map((h) => h.hit.key)).toEqual(['a', 'b', 'd']);
    expect(out.rejected.get(hits[2]!)).toMatch(/another finding/);
    expect(out.texts.get('f')).toBe('AabBcdefDghij');
  });

  it('a finding the fix merely uncovers (on lines it did not write) does not block it', () => {
    const multiline = 'line one\nline two\nline three\n';
    const fix = hit('seen', 9, 'SEEN ');
    const out = applyFixes([fix], [{ name: 'f', text: multiline }], {}, reanalyser([fix]).fn, 0);
    expect(out.applied.has(fix)).toBe(true);
    expect(out.uncovered.get(fix)!.map((h) => h.hit.key)).toEqual(['uncovered']);
  });

  it('a fix that overlaps a higher-ranked one is rejected, the higher one kept', () => {
    const first: Hit = {
      ...hit('p', 0, ''),
      hit: {
        ...hit('p', 0, '').hit,
        fix: {
          safety: 'safe',
          description: '',
          edits: [{ file: 'f', start: 0, end: 3, text: 'P' }],
        },
      },
    };
    const second: Hit = {
      ...hit('q', 0, ''),
      hit: {
        ...hit('q', 0, '').hit,
        fix: {
          safety: 'safe',
          description: '',
          edits: [{ file: 'f', start: 2, end: 4, text: 'Q' }],
        },
      },
    };
    const out = applyFixes(
      [first, second],
      [{ name: 'f', text }],
      {},
      reanalyser([first, second]).fn,
      0,
    );
    expect([...out.applied.keys()]).toEqual([first]);
    expect(out.rejected.get(second)).toMatch(/same lines/);
  });

  it('unsafe fixes are left out unless opted into', () => {
    const risky: Hit = {
      ...hit('u', 1, 'U'),
      hit: {
        ...hit('u', 1, 'U').hit,
        fix: {
          safety: 'unsafe',
          description: '',
          edits: [{ file: 'f', start: 1, end: 1, text: 'U' }],
        },
      },
    };
    expect(
      applyFixes([risky], [{ name: 'f', text }], {}, reanalyser([risky]).fn, 0).applied.size,
    ).toBe(0);
    expect(
      applyFixes([risky], [{ name: 'f', text }], { unsafe: true }, reanalyser([risky]).fn, 0)
        .applied.size,
    ).toBe(1);
  });
});
