/**
 * The test of intake: every incident fixture, pasted as ONE text in each style people use
 * (bare with blank lines, a shell transcript, a Markdown thread with prose), in any order,
 * with LF or CRLF line ends, gives the same causes, ranking, evidence and fixes as its files
 * given separately in that order — and the evidence points at the very lines of the paste that
 * hold it. The same holds for real configs from the corpus pasted with real error lines.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { Report, SourceFile } from '../../workers/engine/model.ts';
import { corpusFiles } from '../formats/corpus.ts';
import { corpusLines } from '../logs/corpus.ts';
import { incidentInputs, paste, PROSE, STYLES, type Style } from './pastes.ts';
import { originalOf } from '../helpers/report.ts';

const ROOT = join(import.meta.dirname, '../incidents');
const INCIDENTS = readdirSync(ROOT).filter((d) => statSync(join(ROOT, d)).isDirectory());
const OPTIONS = { nginxVersion: '1.22.1' };

/**
 * What must not depend on how the inputs arrived. `lines`: compare fixes by the lines they
 * add and remove, not file by file — for unnamed pieces of one kind pasted back to back with
 * nothing between them but a blank line, where no reader can tell one file from two.
 */
function outcome(report: Report, fixes: 'files' | 'lines' = 'files') {
  return {
    findings: report.findings.map((f) => ({
      rule: f.rule,
      cause: f.cause,
      severity: f.severity,
      confidence: f.confidence,
      fix: f.fix && { safety: f.fix.safety, applied: f.fix.applied },
      // Lines as quoted; rules list them file by file, and names differ in a paste.
      evidence: f.evidence.map((e) => e.text ?? '').sort(),
    })),
    fixed:
      fixes === 'files'
        ? report.fixed
            .map((f) => ({ original: originalOf(report, f), text: f.text }))
            .sort((a, b) => (a.original < b.original ? -1 : 1))
        : changedLines(report.patch),
    events: report.events.map((e) => `${e.source} ${e.kind} ${e.time ?? ''}`).sort(),
  };
}

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

function changedLines(patch: string): string[] {
  return patch
    .split('\n')
    .filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l))
    .sort();
}

/** Pastes `order` in `style` and checks it against the separate files. */
function checkPaste(
  order: SourceFile[],
  style: Style,
  prose: number[],
  windows: boolean,
  fixes: 'files' | 'lines' = 'files',
): void {
  // Pasted one after the other, a file without a final newline gets one; with only blank
  // lines between them, blank lines at a file's top and bottom are the gaps around it.
  const whole = order.map((f) => {
    const text = f.text.endsWith('\n') ? f.text : `${f.text}\n`;
    return {
      ...f,
      text: style === 'bare' ? text.replace(/^(\s*\n)+/, '').replace(/\n(\s*\n)+$/, '\n') : text,
    };
  });
  const files = windows ? whole.map((f) => ({ ...f, text: crlf(f.text) })) : whole;
  const separate = analyze(files, OPTIONS);
  let text = paste(order, style, prose);
  if (windows) text = crlf(text);
  const report = analyze([{ name: 'pasted', text }], OPTIONS);
  expect(outcome(report, fixes)).toEqual(outcome(separate, fixes));
  // Evidence on the paste quotes the paste's own line.
  const lines = text.split(/\r?\n/);
  for (const f of report.findings)
    for (const e of f.evidence) if (e.file === 'pasted') expect(lines[e.line - 1]).toBe(e.text);
  // A caption, a command or a fence names what it holds: fixed files keep their names.
  if (style !== 'bare')
    for (const f of separate.fixed)
      expect(report.fixed.map((g) => g.name)).toContainEqual(
        expect.stringMatching(new RegExp(`(^|/)${f.name}$`)),
      );
}

describe.each(INCIDENTS)('paste equivalence: %s', (incident) => {
  const files = incidentInputs(join(ROOT, incident));
  it.each(STYLES)('%s style, any order, gives what the separate files give', (style) => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(files, { minLength: files.length, maxLength: files.length }),
        fc.array(fc.nat(PROSE.length - 1), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (order, prose, windows) => checkPaste(order, style, prose, windows),
      ),
      { numRuns: 8 },
    );
  });
});

describe('paste equivalence: real configs from the corpus with real error lines', () => {
  const configs = [
    ...corpusFiles('nginx').map((f) => ({ ...f, name: `${f.name}.conf` })),
    ...corpusFiles('gunicorn'),
    ...corpusFiles('uwsgi'),
    ...corpusFiles('k8s'),
  ];
  // Error lines that are whole log lines (some rows are fragments of one).
  const errors = corpusLines()
    .map((l) => l.text)
    .filter((t) => /^\d{4}\/\d\d\/\d\d /.test(t));
  it.each(STYLES)('%s style', (style) => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(configs, { minLength: 1, maxLength: 3 }),
        fc.shuffledSubarray(errors, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        (picked, lines, at) => {
          const log = { name: 'error.log', text: `${lines.join('\n')}\n` };
          const order = [...picked];
          order.splice(at % (order.length + 1), 0, log);
          checkPaste(
            order,
            style,
            [at % PROSE.length],
            false,
            style === 'bare' ? 'lines' : 'files',
          );
        },
      ),
      { numRuns: 25 },
    );
  });
});
