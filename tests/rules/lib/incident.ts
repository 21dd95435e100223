/**
 * Runs one end-to-end incident fixture: tests/incidents/<cause>/input/** (logs and configs as a
 * user would paste them, names relative to input/) → the expected top cause, and the fixed
 * files equal to tests/incidents/<cause>/expected/** (none for manual causes). Fixed nginx
 * configs go through the real nginx -t; the fixed set re-analysed has no finding of the cause.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { analyze } from '../../../workers/engine/analyze.ts';
import type { AnalyzeOptions, SourceFile } from '../../../workers/engine/model.ts';
import { nginxMissing, nginxTest } from '../../helpers/nginx-t.ts';

function readTree(root: string): SourceFile[] {
  if (!existsSync(root)) return [];
  const out: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push({ name: relative(root, path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(root);
  return out;
}

export function runIncident(cause: string, dir: string, options: AnalyzeOptions = {}): void {
  const inputs = readTree(join(dir, 'input'));
  const expected = Object.fromEntries(readTree(join(dir, 'expected')).map((f) => [f.name, f.text]));

  it(`${cause}: the top finding is ${cause}, backed by the logs`, () => {
    const report = analyze(inputs, options);
    const top = report.findings[0];
    expect(top?.cause, JSON.stringify(report.findings.map((f) => [f.rule, f.confidence]))).toBe(
      cause,
    );
    const logs = new Set(report.events.map((e) => e.file));
    expect(top!.evidence.some((e) => logs.has(e.file))).toBe(true);
    expect(top!.confidence ?? 0).toBeGreaterThan(0.5);
    // It explains pasted failures: a cause. Whatever explains none is a risk, listed after
    // every cause and never an error beside the failures.
    expect(top).toMatchObject({ role: 'cause' });
    expect(top!.explains).toBeGreaterThan(0);
    const roles = report.findings.map((f) => f.role);
    expect(roles.indexOf('risk') === -1 || roles.lastIndexOf('cause') < roles.indexOf('risk')).toBe(
      true,
    );
    for (const f of report.findings.filter((x) => x.role === 'risk')) {
      expect(f.explains).toBe(0);
      expect(f.severity).not.toBe('error');
    }
  });

  it(`${cause}: the fixed files are exactly the expected ones`, () => {
    const report = analyze(inputs, options);
    expect(Object.fromEntries(report.fixed.map((f) => [f.name, f.text]))).toEqual(expected);
  });

  if (Object.keys(expected).length === 0) return;
  it(`${cause}: re-analysed, the fixed files no longer show the cause; nginx -t accepts them`, () => {
    const after = inputs.map((f) => ({ ...f, text: expected[f.name] ?? f.text }));
    const again = analyze(after, options);
    expect(again.findings.filter((f) => f.cause === cause)).toEqual([]);
    const nginx = after.filter((f) => /\.conf$/.test(f.name) && !/gunicorn|uwsgi/.test(f.name));
    if (!nginxMissing && nginx.some((f) => f.name in expected)) {
      const result = nginxTest(nginx);
      expect(result.ok, result.output).toBe(true);
    }
  });
}
