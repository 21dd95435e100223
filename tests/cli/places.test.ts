/**
 * A finding in many places (a fleet's every site losing its keepalive pool) as each output
 * shows it: the text report lists a line per place under the one finding, GitHub gets an
 * annotation and SARIF a result per place (each with its own fix), the Markdown lists them.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { formatReport } from '../../bin/format-report.ts';
import { formatGithub } from '../../bin/format-github.ts';
import { formatSarif } from '../../bin/format-sarif.ts';
import { reportMarkdown } from '../../src/lib/markdown.ts';

const site = (i: number) => ({
  name: `sites/site${i}.conf`,
  text: `upstream app${i} {\n    server 10.0.0.${i}:8000;\n    keepalive 16;\n}\nserver {\n    listen 80;\n    server_name s${i}.example.com;\n    location / {\n        proxy_pass http://app${i};\n    }\n}\n`,
});
const fleet = (n: number) =>
  analyze(
    Array.from({ length: n }, (_, i) => site(i)),
    { nginxVersion: '1.24.0', raw: true },
  );

describe('a finding in many places', () => {
  const report = fleet(3);
  const inert = report.findings.filter((f) => f.rule === 'keepalive-inert');

  it('is one finding whose places are the other sites', () => {
    expect(inert).toHaveLength(1);
    expect(inert[0]!.places?.map((p) => p.evidence[0]!.file)).toEqual([
      'sites/site1.conf',
      'sites/site2.conf',
    ]);
  });

  it('text: one numbered finding, then a line per other place, and the fix counted for all', () => {
    const text = formatReport(report);
    expect(text.match(/^\d+\. \[warning\] Upstream keepalive pool/gm)).toHaveLength(1);
    expect(text).toContain('The same in 2 more place(s):');
    expect(text).toMatch(/^ {3}- sites\/site1\.conf:3 {2}Upstream "app1"/m);
    expect(text).toMatch(/^ {3}- sites\/site2\.conf:3 {2}Upstream "app2"/m);
    expect(text).toMatch(/fix \(safe, applied in all 3 places\)/);
  });

  it('text: a long list is cut at 20 lines and says how many more', () => {
    const text = formatReport(fleet(25));
    expect(text.match(/^ {3}- sites\/site\d+\.conf:3/gm)).toHaveLength(20);
    expect(text).toContain('… and 4 more (--format json lists every place).');
  });

  it('github: an annotation on each place’s own line', () => {
    const lines = formatGithub(report).trimEnd().split('\n');
    const inertLines = lines.filter((l) => l.includes('keepalive-inert'));
    expect(inertLines.map((l) => /file=([^,]+),line=(\d+)/.exec(l)!.slice(1).join(':'))).toEqual([
      'sites/site0.conf:3',
      'sites/site1.conf:3',
      'sites/site2.conf:3',
    ]);
    expect(lines.at(-1)).toMatch(/finding\(s\) in \d+ places/);
  });

  it('sarif: a result per place, each with the fix of its own file', () => {
    const sarif = JSON.parse(formatSarif(report, false)) as {
      runs: {
        results: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
          fixes: { artifactChanges: { artifactLocation: { uri: string } }[] }[];
        }[];
      }[];
    };
    const results = sarif.runs[0]!.results.filter((r) => r.ruleId === 'keepalive-inert');
    expect(results).toHaveLength(3);
    for (const [i, r] of results.entries()) {
      const uri = `sites/site${i}.conf`;
      expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe(uri);
      expect(r.fixes[0]!.artifactChanges.map((c) => c.artifactLocation.uri)).toEqual([uri]);
    }
  });

  it('markdown: the places listed under the finding', () => {
    const md = reportMarkdown(report);
    expect(md).toContain('The same in 2 more place(s):');
    expect(md).toContain('- `sites/site2.conf:3` Upstream "app2"');
  });

  it('the report holds each file’s text once when nothing was cut from it', () => {
    expect(report.fixed).toHaveLength(3);
    for (const f of report.fixed) expect(f.original).toBeUndefined();
  });
});
