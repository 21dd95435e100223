/**
 * Each applied fix says where its change lies in the fixed files (`fix.changes`), so the page
 * can take a finding to its own hunk. Checked against an independent line diff of every
 * incident fixture, with every fix switched on.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { diffLines } from 'diff';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { placeEdits } from '../../workers/engine/fix/placed.ts';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import { readFiles } from '../helpers/incident-files.ts';
import { allPlaces, originalOf } from '../helpers/report.ts';

/** 1-based lines of `after` that a line diff marks as added, and where lines were removed. */
function lineDiff(before: string, after: string) {
  const added: number[] = [];
  const removedAt: number[] = [];
  let line = 1;
  for (const part of diffLines(before, after)) {
    const count = part.count ?? 0;
    if (part.added) for (let i = 0; i < count; i++) added.push(line + i);
    if (part.removed) removedAt.push(line);
    else line += count;
  }
  return { added, removedAt };
}

describe('placeEdits', () => {
  const edit = (start: number, end: number, text: string) => ({ file: 'a', start, end, text });

  it('shifts each edit by the length change of those before it', () => {
    // Before: 'one\ntwo\nthree\nfour\n'
    const first = edit(4, 7, 'TWO\nand a half'); // line 2 becomes two lines
    const second = edit(14, 18, 'FOUR'); // line 4 of the original, line 5 after the first
    const fixed = 'one\nTWO\nand a half\nthree\nFOUR\n';
    const placed = placeEdits(new Map([['a', [second, first]]]), new Map([['a', fixed]]));
    expect(placed.get(first)).toEqual({ file: 'a', line: 2, endLine: 3 });
    expect(placed.get(second)).toEqual({ file: 'a', line: 5, endLine: 5 });
  });

  it('a trailing newline ends the edit on its last line; a deletion sits where it was', () => {
    const insert = edit(4, 4, 'inserted;\n');
    const remove = edit(8, 14, '');
    const fixed = 'one\ninserted;\ntwo\nfour\n';
    const placed = placeEdits(new Map([['a', [insert, remove]]]), new Map([['a', fixed]]));
    expect(placed.get(insert)).toEqual({ file: 'a', line: 2, endLine: 2 });
    expect(placed.get(remove)).toEqual({ file: 'a', line: 4, endLine: 4 });
  });
});

describe('fix.changes on every incident fixture', () => {
  const root = join(import.meta.dirname, '..', 'incidents');
  const dirs = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory());

  it.each(dirs)(
    '%s: every changed line belongs to one applied fix, and each fix changed a line',
    (dir) => {
      const base = join(root, dir);
      const input = statSync(join(base, 'input'), { throwIfNoEntry: false })?.isDirectory()
        ? join(base, 'input')
        : base;
      const report = analyze(readFiles(input), { nginxVersion: '1.22.1', unsafe: true });
      const applied = allPlaces(report).filter(
        (f) => f.fix?.applied || f.fix?.alternative?.applied,
      );
      for (const f of applied) expect(f.fix!.changes?.length, f.rule).toBeGreaterThan(0);
      for (const file of report.fixed) {
        const ranges = applied.flatMap((f) => f.fix!.changes!.filter((c) => c.file === file.name));
        const { added, removedAt } = lineDiff(originalOf(report, file), file.text);
        for (const line of added) {
          expect(
            ranges.some((r) => r.line <= line && line <= r.endLine),
            `${file.name}:${line} "${file.text.split('\n')[line - 1]}"`,
          ).toBe(true);
        }
        // A range marks added lines, or (a deletion) the line where removed ones stood.
        for (const r of ranges) {
          const touched = Array.from({ length: r.endLine - r.line + 1 }, (_, i) => r.line + i);
          const marks = touched.some((l) => added.includes(l) || removedAt.includes(l));
          expect(marks, `${file.name}:${r.line}-${r.endLine}`).toBe(true);
        }
      }
    },
  );
});

describe('fix.edits on every incident fixture', () => {
  const root = join(import.meta.dirname, '..', 'incidents');
  const dirs = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory());
  // A planted secret in every nginx config, so raw and redacted texts differ in length.
  const SECRET = 'Zq8vR2mK7xW4pL9nT3bY6cF1hJ5sD0gA';

  it.each(dirs)('%s: the findings’ edits rebuild each fixed file, redacted and raw', (dir) => {
    const base = join(root, dir);
    const input = statSync(join(base, 'input'), { throwIfNoEntry: false })?.isDirectory()
      ? join(base, 'input')
      : base;
    const files = readFiles(input).map((f) =>
      /server\s*\{/.test(f.text)
        ? {
            ...f,
            text: f.text.replace(
              /server\s*\{/,
              (m) => `${m}\n    proxy_set_header Authorization "Bearer ${SECRET}";`,
            ),
          }
        : f,
    );
    for (const raw of [false, true]) {
      const report = analyze(files, { nginxVersion: '1.22.1', unsafe: true, raw });
      const edits = allPlaces(report).flatMap((f) => f.fix?.edits ?? []);
      for (const file of report.fixed) {
        const mine = edits.filter((e) => e.file === file.name);
        expect(applyEdits(originalOf(report, file), mine), `${file.name} raw=${raw}`).toBe(
          file.text,
        );
      }
    }
  });
});
