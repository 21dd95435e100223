/**
 * The lab runner: every scenario (or `--quick`'s subset), one at a time, then a table and
 * tests/lab/results.json.
 *
 *   npx tsx tests/lab/run.ts [--quick] [--only id,id] [--before-only | --reference-fix] [--keep] [--strict]
 *                            [--json FILE]
 *
 * --before-only  reproduce only (no CLI, no "after" run)
 * --reference-fix  skip the CLI: apply each scenario's hand-written fix (or perform its advice)
 *                and run "after" with it — shows the scenario can pass and the fix works
 * --keep         keep the run directory (configs, logs before/after, the patch) for reading
 * --strict       "cli not ready" fails the run (exit 1) instead of being reported only
 * Exit: 0 when every scenario passed (or waits for the CLI, unless --strict), 1 otherwise,
 * 3 when a server package is missing.
 */
import { chmodSync, mkdtempSync, readdirSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { killAllNow, startWatchdog, trackGroupsIn } from './lib/procs.ts';
import { runScenario, SCENARIOS_DIR, type ScenarioResult } from './lib/run-scenario.ts';
import type { Scenario } from './lib/scenario.ts';
import { missingTools } from './lib/servers.ts';
import { table } from './lib/table.ts';

export interface LabOptions {
  quick?: boolean;
  only?: string[];
  beforeOnly?: boolean;
  referenceFix?: boolean;
  keep?: boolean;
  log?: (msg: string) => void;
}

export interface LabReport {
  date: string;
  machine: { cpus: number; node: string };
  quick: boolean;
  seconds: number;
  results: ScenarioResult[];
}

/** Every scenario under scenarios/, in directory order. */
export async function loadScenarios(): Promise<Scenario[]> {
  const ids = readdirSync(SCENARIOS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(SCENARIOS_DIR, d.name, 'scenario.ts')))
    .map((d) => d.name)
    .sort();
  const out: Scenario[] = [];
  for (const id of ids) {
    const mod = (await import(pathToFileURL(join(SCENARIOS_DIR, id, 'scenario.ts')).href)) as {
      default: Scenario;
    };
    if (mod.default.id !== id)
      throw new Error(`scenarios/${id}/scenario.ts declares id ${mod.default.id}`);
    out.push(mod.default);
  }
  return out;
}

/** Run the lab in a fresh temp directory, which is removed afterwards unless `keep`. */
export async function runLab(opts: LabOptions = {}): Promise<LabReport> {
  const all = await loadScenarios();
  const chosen = all.filter((s) =>
    opts.only?.length ? opts.only.includes(s.id) : !opts.quick || s.quick,
  );
  if (opts.only?.length && chosen.length !== opts.only.length) {
    throw new Error(`unknown scenario in --only; known: ${all.map((s) => s.id).join(', ')}`);
  }
  const labDir = mkdtempSync(join(tmpdir(), 'ud-lab-'));
  // mkdtemp makes it 0700; nginx's workers run unprivileged and must reach sockets inside.
  chmodSync(labDir, 0o755);
  trackGroupsIn(join(labDir, 'pgids'));
  // Worst case per scenario: two loads, server starts and two CLI calls.
  const budget = chosen.reduce((ms, s) => ms + 2 * s.load.seconds * 1000 + 90_000, 60_000);
  const watchdog = startWatchdog(labDir, budget, opts.keep ?? false);
  const started = Date.now();
  const results: ScenarioResult[] = [];
  try {
    for (const sc of chosen) {
      results.push(
        await runScenario(sc, join(labDir, sc.id), {
          beforeOnly: opts.beforeOnly,
          referenceFix: opts.referenceFix,
          log: opts.log,
        }),
      );
      opts.log?.(`${sc.id}: ${results.at(-1)?.status} ${results.at(-1)?.reason ?? ''}`);
    }
  } finally {
    killAllNow();
    trackGroupsIn(null);
    if (opts.keep) opts.log?.(`kept ${labDir}`);
    else rmSync(labDir, { recursive: true, force: true });
    watchdog.kill();
  }
  return {
    date: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    quick: opts.quick ?? false,
    seconds: (Date.now() - started) / 1000,
    results,
  };
}

async function main(argv: string[]): Promise<number> {
  const has = (f: string) => argv.includes(f);
  const value = (f: string) => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);
  const missing = missingTools();
  if (missing.length) {
    console.error(
      `lab: missing ${missing.join(', ')} (apt-get install -y nginx python3-gunicorn uwsgi uwsgi-plugin-python3 patch)`,
    );
    return 3;
  }
  const out = value('--json') ?? fileURLToPath(new URL('./results.json', import.meta.url));
  const report = await runLab({
    quick: has('--quick'),
    only: value('--only')?.split(','),
    beforeOnly: has('--before-only'),
    referenceFix: has('--reference-fix'),
    keep: has('--keep'),
    log: (m) => console.error(`[lab ${new Date().toISOString().slice(11, 19)}] ${m}`),
  });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(table(report.results));
  console.log(
    `\n${report.results.length} scenarios in ${report.seconds.toFixed(0)} s; JSON: ${out}`,
  );
  const bad = report.results.filter(
    (r) =>
      r.status === 'fail' ||
      r.status === 'error' ||
      (has('--strict') && r.status === 'cli not ready'),
  );
  return bad.length ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // Servers must not outlive the runner, whatever ends it.
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      killAllNow();
      process.exit(130);
    });
  }
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`lab: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
