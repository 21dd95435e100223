/**
 * The lab under vitest: the `--quick` subset (or all with LAB_FULL=1), real servers.
 * Each scenario must reproduce its failure before the fix. The CLI half is asserted when the
 * CLI answers; until then those tests are skipped with the CLI's reason, never passed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runLab, loadScenarios, type LabReport } from './run.ts';
import { missingTools } from './lib/servers.ts';
import { table } from './lib/table.ts';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const missing = missingTools();
const full = process.env.LAB_FULL === '1';
const scenarios = (await loadScenarios()).filter((s) => full || s.quick);

describe.skipIf(missing.length > 0)(`lab (${full ? 'full' : 'quick'})`, () => {
  let report: LabReport;
  beforeAll(async () => {
    report = await runLab({ quick: !full });
    // The same table and JSON as run.ts, so a CI log shows what was measured.
    writeFileSync(
      fileURLToPath(new URL('./results.json', import.meta.url)),
      JSON.stringify(report, null, 2) + '\n',
    );
    console.log(table(report.results));
  });

  const result = (id: string) => {
    const r = report.results.find((x) => x.id === id);
    if (!r) throw new Error(`no result for ${id}`);
    return r;
  };

  for (const sc of scenarios.filter((s) => !s.control)) {
    it(`${sc.id}: the failure reproduces before the fix`, () => {
      const r = result(sc.id);
      expect(r.status, r.reason).not.toBe('error');
      expect(r.before?.requests ?? 0).toBeGreaterThan(0);
      expect(r.reproducedBy, `before: ${JSON.stringify(r.before?.statuses)}`).not.toBeNull();
    });

    it(`${sc.id}: the CLI names ${sc.expectedCause} and its fix stops the failures`, (ctx) => {
      const r = result(sc.id);
      if (r.status === 'cli not ready') ctx.skip(r.reason);
      expect(r.topCause, r.reason).toBe(sc.expectedCause);
      // The reason carries the CLI's own words (a held-back fix, a patch that did not apply).
      expect(r.status, r.reason).toBe('pass');
      expect(r.after?.failures, r.fix).toBe(0);
    });
  }

  for (const sc of scenarios.filter((s) => s.control)) {
    it(`${sc.id} (control): nothing fails on the healthy setup`, () => {
      const r = result(sc.id);
      expect(r.before?.requests ?? 0).toBeGreaterThan(0);
      expect(r.before?.failures, JSON.stringify(r.before?.statuses)).toBe(0);
      expect(r.before?.errorLines).toBe(0);
    });

    it(`${sc.id} (control): the CLI claims no ${sc.expectedCause} and no error-level cause`, (ctx) => {
      const r = result(sc.id);
      if (r.status === 'cli not ready') ctx.skip(r.reason);
      expect(r.status, r.reason).toBe('pass');
    });
  }
});
