/**
 * RuleTester for rules driven by log events (body-limit, header-size, protocol-mismatch,
 * address-mismatch, backend-down, backlog-full): each invalid case gives configs + logs, the
 * exact fixed output of every file the fix changes, and what the finding must cite; the fixed
 * files are re-analysed with the same logs (the rule must not fire again and fixing again is
 * a no-op), nginx outputs go through the real `nginx -t`, gunicorn outputs through Debian's
 * python3 compiler. Valid cases are near misses that must not trigger the rule.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../workers/engine/analyze.ts';
import type { FixSafety, SourceFile } from '../../../workers/engine/model.ts';
import { nginxMissing, nginxTest } from '../../helpers/nginx-t.ts';

export interface InvalidCase {
  name: string;
  files: SourceFile[];
  /** Fixed text of every file the fix changes ({} for manual fixes). */
  output: Record<string, string>;
  safety: FixSafety;
  /** How many decoded log events the finding must explain. */
  explains: number;
  /** Text the message must contain (compared values with their sources). */
  mentions?: string[];
  unsafe?: boolean;
  version?: string;
  /**
   * Why the nginx -t oracle cannot judge this output (tests/helpers/nginx-t.ts rewrites
   * `http://unix:` targets to 127.0.0.1, which breaks them): the output is then only compared.
   */
  skipNginxT?: string;
  /** Extra findings of this rule expected (default 1 in total). */
  count?: number;
}

export interface ValidCase {
  name: string;
  files: SourceFile[];
  version?: string;
}

const PYTHON = '/usr/bin/python3';

export function runRuleCases(rule: string, invalid: InvalidCase[], valid: ValidCase[]): void {
  const run = (files: SourceFile[], c: { version?: string; unsafe?: boolean }) =>
    analyze(files, { nginxVersion: c.version ?? '1.22.1', unsafe: c.unsafe ?? false });

  describe(rule, () => {
    for (const c of invalid) {
      it(`triggers and fixes: ${c.name}`, () => {
        const report = run(c.files, c);
        const mine = report.findings.filter((f) => f.rule === rule);
        expect(mine, JSON.stringify(report.findings, null, 1)).toHaveLength(c.count ?? 1);
        const finding = mine[0]!;
        expect(finding.cause).toBe(rule);
        expect(finding.fix?.safety).toBe(c.safety);
        for (const text of c.mentions ?? []) expect(finding.message).toContain(text);
        // Evidence from the configs and from the log lines it explains.
        const logs = c.files.filter((f) => /\.log$/.test(f.name)).map((f) => f.name);
        const configs = c.files.filter((f) => !/\.log$/.test(f.name)).map((f) => f.name);
        const cited = finding.evidence.map((e) => e.file);
        if (logs.length > 0 && c.explains > 0)
          expect(cited.some((f) => logs.includes(f))).toBe(true);
        if (configs.length > 0) expect(cited.some((f) => configs.includes(f))).toBe(true);
        // rules/rank.ts: evidence-backed findings rank above 0.5 as causes, config-only ones
        // below as risks — never errors when the paste holds failures they do not explain.
        if (c.explains === 0) {
          expect(finding.confidence).toBeLessThan(0.5);
          expect(finding).toMatchObject({ role: 'risk', explains: 0 });
          if (report.events.length > 0) expect(finding.severity).not.toBe('error');
        } else {
          expect(finding.confidence).toBeGreaterThan(0.5);
          expect(finding.role).toBe('cause');
          expect(finding.explains).toBeGreaterThan(0);
        }

        const fixed = Object.fromEntries(report.fixed.map((f) => [f.name, f.text]));
        expect(fixed).toEqual(c.output);
        expect(finding.fix?.applied).toBe(Object.keys(c.output).length > 0);
        if (Object.keys(c.output).length === 0) return;

        const after = c.files.map((f) => ({ ...f, text: c.output[f.name] ?? f.text }));
        const again = run(after, c);
        expect(again.findings.filter((f) => f.rule === rule)).toEqual([]);
        expect(again.fixed).toEqual([]);
        checkOutputs(after, c.output, c.skipNginxT === undefined);
      });
    }
    for (const c of valid) {
      it(`does not trigger: ${c.name}`, () => {
        const report = run(c.files, c);
        expect(report.findings.filter((f) => f.rule === rule)).toEqual([]);
      });
    }
  });
}

/** nginx -t on the whole fixed nginx config; python3 compile() on fixed gunicorn files. */
function checkOutputs(files: SourceFile[], output: Record<string, string>, nginxT: boolean): void {
  const nginx = files.filter((f) => /\.conf$/.test(f.name) && !/gunicorn/.test(f.name));
  if (nginxT && !nginxMissing && nginx.some((f) => f.name in output)) {
    const result = nginxTest(nginx);
    expect(result.ok, result.output).toBe(true);
  }
  for (const [name, text] of Object.entries(output)) {
    if (!/gunicorn.*\.py$|\.py$/.test(name) || !existsSync(PYTHON)) continue;
    const dir = mkdtempSync(join(tmpdir(), 'rule-py-'));
    try {
      const path = join(dir, 'conf.py');
      writeFileSync(path, text);
      execFileSync(PYTHON, [
        '-c',
        'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")',
        path,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
