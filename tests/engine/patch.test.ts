/**
 * The unified patch built from the edits (fix/patch.ts), checked against independent oracles:
 * jsdiff's applyPatch must turn the original into exactly the edited text, for arbitrary texts
 * and arbitrary non-overlapping edits (fast-check), and GNU patch on the incident fixtures
 * (tests/incidents/*.test.ts apply the report's patch with `patch -p1`).
 */
import { applyPatch, parsePatch } from 'diff';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedPatch } from '../../workers/engine/fix/patch.ts';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import type { Edit } from '../../workers/engine/model.ts';

/** Lines drawn from a small alphabet so edits land on, across and between line breaks. */
const text = fc
  .array(fc.constantFrom('a', 'b', ' ', '\n', 'x;', '{', '}', '\\'), { maxLength: 120 })
  .map((parts) => parts.join(''));

/** Non-overlapping edits on `t`: sorted cut points, each pair an edit, inserts included. */
const editsOn = (t: string) =>
  fc
    .array(
      fc.record({
        a: fc.nat({ max: t.length }),
        b: fc.nat({ max: t.length }),
        text: fc
          .array(fc.constantFrom('n', '\n', 'z', ' '), { maxLength: 6 })
          .map((p) => p.join('')),
      }),
      { maxLength: 6 },
    )
    .map((raw) => {
      const spans = raw
        .map(({ a, b, text: inserted }) => ({
          start: Math.min(a, b),
          end: Math.max(a, b),
          text: inserted,
        }))
        .sort((x, y) => x.start - y.start || x.end - y.end);
      const out: Edit[] = [];
      let last = -1;
      for (const s of spans) {
        // Keep them apart: no overlap, and no two inserts at one offset.
        if (s.start <= last) continue;
        out.push({ file: 'f.conf', ...s });
        last = s.end;
      }
      return out;
    });

describe('unifiedPatch from edits', () => {
  it('applies (jsdiff) to exactly the edited text, for any text and edits', () => {
    fc.assert(
      fc.property(
        text.chain((t) => fc.tuple(fc.constant(t), editsOn(t))),
        ([before, edits]) => {
          const after = applyEdits(before, edits);
          const patch = unifiedPatch([{ name: 'f.conf', before, edits }]);
          if (after === before) return patch === '';
          expect(parsePatch(patch)).toHaveLength(1);
          expect(applyPatch(before, patch)).toBe(after);
          return true;
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('one-line changes far apart are separate hunks with three lines of context', () => {
    const before = Array.from({ length: 30 }, (_, i) => `line ${i + 1};\n`).join('');
    const at = (n: number) => before.indexOf(`line ${n};`);
    const edits: Edit[] = [
      { file: 'f', start: at(5), end: at(5) + 'line 5;'.length, text: 'LINE 5;' },
      { file: 'f', start: at(25), end: at(25), text: 'inserted;\n' },
    ];
    expect(unifiedPatch([{ name: '/etc/f', before, edits }])).toBe(
      [
        '--- a/etc/f',
        '+++ b/etc/f',
        '@@ -2,7 +2,7 @@',
        ' line 2;',
        ' line 3;',
        ' line 4;',
        '-line 5;',
        '+LINE 5;',
        ' line 6;',
        ' line 7;',
        ' line 8;',
        '@@ -22,6 +22,7 @@',
        ' line 22;',
        ' line 23;',
        ' line 24;',
        '+inserted;',
        ' line 25;',
        ' line 26;',
        ' line 27;',
        '',
      ].join('\n'),
    );
  });

  it('marks a last line without a newline the way patch expects', () => {
    const patch = unifiedPatch([
      { name: 'f', before: 'a\nb', edits: [{ file: 'f', start: 2, end: 3, text: 'c' }] },
    ]);
    expect(patch).toBe(
      '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n',
    );
  });
});
