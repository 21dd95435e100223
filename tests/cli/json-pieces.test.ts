import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeJson } from '../../bin/json-pieces.ts';

function joined(value: unknown, size?: number): { text: string; chunks: string[] } {
  const chunks: string[] = [];
  writeJson(value, (c) => chunks.push(c), size);
  return { text: chunks.join(''), chunks };
}

describe('writeJson (the CLI report in pieces)', () => {
  it('writes exactly JSON.stringify(value, null, 2) plus a line feed, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 7 }), fc.integer({ min: 1, max: 64 }), (v, size) => {
        expect(joined(v, size).text).toBe(JSON.stringify(v, null, 2) + '\n');
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves out what JSON.stringify leaves out, and calls toJSON as it does', () => {
    const value = {
      a: undefined,
      b: [undefined, () => 1, Symbol('s'), 2],
      c: { when: new Date(0), deep: { deeper: { deepest: { x: [1, 'two\nlines'] } } } },
      d: () => 1,
      e: { toJSON: (key: string) => `key ${key}` },
      f: {},
      g: [],
    };
    expect(joined(value).text).toBe(JSON.stringify(value, null, 2) + '\n');
  });

  it('hands a large report out in several chunks, none much over the size asked for', () => {
    const places = Array.from({ length: 5000 }, (_, i) => ({ key: `site${i}`, line: i }));
    const { text, chunks } = joined({ findings: [{ places }] }, 4096);
    expect(text).toBe(JSON.stringify({ findings: [{ places }] }, null, 2) + '\n');
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(4096 + 200);
  });
});
