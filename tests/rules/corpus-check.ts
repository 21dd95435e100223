/**
 * A rule over the real nginx configs of the shared corpus: which files it fires on (pinned by
 * the caller, so a new false positive fails), that it never throws, and that every fix it
 * applies to a file nginx accepts is accepted too and leaves nothing of the rule behind.
 */
import { expect } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { corpusFiles } from '../formats/corpus.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';

export function checkCorpus(rule: string, expected: Record<string, string>): void {
  const seen: Record<string, string> = {};
  for (const file of corpusFiles('nginx')) {
    const report = analyze([file], { nginxVersion: '1.22.1', unsafe: true });
    const hits = report.findings.filter((f) => f.rule === rule);
    if (hits.length === 0) continue;
    seen[file.name] = hits.map((h) => h.fix?.safety ?? 'none').join(',');
    const fixed = report.fixed.find((f) => f.name === file.name);
    if (!fixed || !hits.some((h) => h.fix?.applied)) continue;
    const again = analyze([{ name: file.name, text: fixed.text }], {
      nginxVersion: '1.22.1',
      unsafe: true,
    });
    expect(
      again.findings.filter((f) => f.rule === rule),
      file.name,
    ).toEqual([]);
    if (!nginxMissing && nginxTest([file]).ok) {
      const result = nginxTest([{ name: file.name, text: fixed.text }]);
      expect(result.ok, `${file.name}\n${result.output}`).toBe(true);
    }
  }
  expect(seen).toEqual(expected);
}
