/**
 * "Copy as Markdown": the postmortem text built from the page's (redacted) report. Checked on a
 * real incident fixture with a planted secret: the story, the figures, the evidence lines and
 * the patch are there, the secret is not, and quoted backticks cannot break out of a fence.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { reportMarkdown } from '../../src/lib/markdown.ts';
import { readFiles } from '../helpers/incident-files.ts';

const SECRET = 'Zq8vR2mK7xW4pL9nT3bY6cF1hJ5sD0gA';
const files = readFiles(join(import.meta.dirname, '../incidents/app-timeout/input')).map((f) =>
  f.name.endsWith('.conf')
    ? {
        ...f,
        text: f.text.replace(
          'proxy_pass',
          `proxy_set_header Authorization "Bearer ${SECRET}";\n        proxy_pass`,
        ),
      }
    : f,
);

describe('reportMarkdown', () => {
  const report = analyze(files, { nginxVersion: '1.22.1' });
  const md = reportMarkdown(report);
  const cause = report.findings.find((f) => f.role === 'cause')!;

  it('tells what happened, with the figures, the causes, their evidence and the patch', () => {
    expect(md).toMatch(new RegExp(`^## 502s: ${cause.title}`));
    const failures = report.incidents!.reduce((n, i) => n + i.count, 0);
    expect(md).toContain(`${failures} failed request(s)`);
    expect(md).toContain('## What happened');
    expect(md).toContain(report.incidents![0]!.summary!.headline);
    // The timeline as a table of counts per bucket and kind.
    expect(md).toMatch(/\| from \| [a-z-]+/);
    // The causes, each with its evidence lines as file:line and the line itself.
    expect(md).toContain(`### 1. ${cause.title}`);
    for (const ev of cause.evidence) expect(md).toContain(`${ev.file}:${ev.line}`);
    const quoted = cause.evidence.find((e) => e.text)!;
    expect(md).toContain(quoted.text!.trim());
    // The patch, as a diff block.
    expect(md).toContain('## Proposed change');
    expect(md).toContain('```diff\n--- a/');
  });

  it('holds no secret from the inputs, and says that it masked them', () => {
    expect(report.redactions.length).toBeGreaterThan(0);
    expect(md).not.toContain(SECRET);
    expect(md).toMatch(/\d+ secret\(s\) in the inputs were masked/);
  });

  it('a quoted line full of backticks cannot end its fence', () => {
    const tricky = {
      ...report,
      findings: [{ ...cause, evidence: [{ file: 'x.log', line: 1, text: 'a ```` b' }] }],
      patch: '',
    };
    const out = reportMarkdown(tricky);
    expect(out).toContain('`````\nx.log:1  a ```` b\n`````');
  });

  it('with no logs, the findings are the configs’ risks and no "what happened" is claimed', () => {
    const audit = analyze(
      files.filter((f) => !f.name.endsWith('.log')),
      { nginxVersion: '1.22.1' },
    );
    const text = reportMarkdown(audit);
    expect(text).not.toContain('## What happened');
    expect(text).toContain('## Risks in the configs');
  });
});
