/**
 * One scenario, start to finish: render its configs into a run directory, start the app
 * server and nginx, run the load ("before"), stop everything and keep the logs; ask the
 * CLI for the top cause and its patch; apply the patch; run the same load again ("after").
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { execFile } from 'node:child_process';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadResult } from '../load.ts';
import { accessStatuses, countOf, matchingLines, readIfExists } from './logs.ts';
import { applyPatch, diagnose, fixPatch, ruleExistsFor } from './cli.ts';
import { listenTarget } from './listen.ts';
import { freePort } from './net.ts';
import { signalLeader, stopAll, stopGroup } from './procs.ts';
import { render, type LabControl, type RenderVars, type Scenario } from './scenario.ts';
import { startApp, startFront, startNginx, type Running } from './servers.ts';

export const SCENARIOS_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));
const APP_DIR = fileURLToPath(new URL('../app/', import.meta.url)).replace(/\/$/, '');

export interface PhaseResult {
  requests: number;
  /** Responses with a failure status plus transport errors. */
  failures: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  /** Statuses as nginx's access log recorded them (a cross-check on the client's view). */
  accessLog: Record<string, number>;
  /** Lines of nginx's error log matching the scenario's `expectError`, and the first of them. */
  errorLines: number;
  firstErrorLine?: string;
  seconds: number;
}

export type Status = 'pass' | 'fail' | 'cli not ready' | 'error';

export interface ScenarioResult {
  id: string;
  title: string;
  expectedCause: string;
  /** A negative control: `expectedCause` is what must *not* be claimed. */
  control: boolean;
  status: Status;
  before: PhaseResult | null;
  /** How the failure was shown to reproduce: "rate" (≥ 1%), "error line", or null (it did not). */
  reproducedBy: 'rate' | 'error line' | null;
  topCause: string | null;
  causeMatches: boolean | null;
  /** What was done between the runs: "patch applied", "advice: …", "no patch", or why not. */
  fix: string;
  after: PhaseResult | null;
  /** Why the scenario did not pass, or what the CLI lacks. */
  reason?: string;
  /**
   * If the fix had changed nothing, the chance that the "after" run would still have seen no
   * failure (or proving line) at the "before" rate: (1 - rate)^requests. Small is convincing;
   * it matters for the races, whose rate is a few percent.
   */
  zeroByChance?: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function phase(
  sc: Scenario,
  dir: string,
  vars: RenderVars,
  during: Scenario['during'],
): Promise<PhaseResult> {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const target = listenTarget(
    sc.app.kind,
    readFileSync(join(dir, sc.app.config), 'utf8'),
    vars.APP_PORT,
  );
  if (target === null) throw new Error(`cannot tell where ${sc.app.config} listens`);
  let app: Running = await startApp(sc.app.kind, dir, sc.app.config, target);
  const nginx = await startNginx(dir, sc.files[0] ?? 'nginx.conf', vars.NGINX_PORT);
  if (sc.front) {
    const ports = { front: vars.FRONT_PORT, wire: vars.WIRE_PORT, nginx: vars.NGINX_PORT };
    await startFront(dir, sc.front.config, ports, sc.front.wireDelayMs);
  }
  const entry = sc.front ? vars.FRONT_PORT : vars.NGINX_PORT;
  const lab: LabControl = {
    app: () => app,
    stopApp: (sig = 'SIGTERM', graceMs = 10_000) => stopGroup(app.group, graceMs, sig),
    startApp: async () => {
      app = await startApp(sc.app.kind, dir, sc.app.config, target);
    },
    signalApp: (sig) => signalLeader(app.group, sig),
    exec: (cmd, args) =>
      new Promise((resolve, reject) => {
        execFile(cmd, args, { cwd: dir, timeout: 120_000 }, (error) =>
          error ? reject(error) : resolve(),
        );
      }),
    sleep,
  };
  let load: LoadResult;
  try {
    [load] = await Promise.all([runLoad(`http://127.0.0.1:${entry}`, sc.load), during?.(lab)]);
    // What the user would paste: the app log as the incident left it, without the lines
    // the lab's own shutdown adds ("Handling signal: term" would look like a deploy).
    if (sc.app.log && existsSync(join(dir, sc.app.log))) {
      copyFileSync(join(dir, sc.app.log), join(dir, `${sc.app.log}.at-load-end`));
    }
  } finally {
    await stopGroup(nginx.group, 3000, 'SIGQUIT'); // graceful: flushes the logs
    await stopAll(5000);
  }
  const fail = sc.failStatuses ?? [502, 504];
  const errorLog = readIfExists(join(dir, 'logs', 'error.log'));
  const lines = sc.expectError ? matchingLines(errorLog, sc.expectError) : [];
  const transport = Object.values(load.errors).reduce((a, b) => a + b, 0);
  const result: PhaseResult = {
    requests: load.sent,
    failures: countOf(load.statuses, fail) + transport,
    statuses: load.statuses,
    errors: load.errors,
    accessLog: accessStatuses(readIfExists(join(dir, 'logs', 'access.log'))),
    errorLines: lines.length,
    seconds: load.seconds,
  };
  if (lines[0]) result.firstErrorLine = lines[0];
  return result;
}

function reproduced(sc: Scenario, r: PhaseResult): ScenarioResult['reproducedBy'] {
  if (r.requests > 0 && r.failures / r.requests >= 0.01) return 'rate';
  if (sc.expectError && r.errorLines > 0) return 'error line';
  return null;
}

export function zeroByChance(before: PhaseResult, after: PhaseResult): number | null {
  if (!before.requests || after.failures > 0 || after.errorLines > 0) return null;
  const rate = Math.min(1, Math.max(before.failures, before.errorLines) / before.requests);
  return rate > 0 ? (1 - rate) ** after.requests : null;
}

/** Render templates into `dir` (0755 so nginx's unprivileged workers can reach sockets there). */
async function prepare(sc: Scenario, dir: string): Promise<RenderVars> {
  for (const sub of ['', 'logs', 'tmp', 'run'])
    mkdirSync(join(dir, sub), { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  const vars: RenderVars = {
    DIR: dir,
    APP_DIR,
    NGINX_PORT: await freePort(),
    APP_PORT: await freePort(),
    FRONT_PORT: await freePort(),
    WIRE_PORT: await freePort(),
  };
  for (const f of [...sc.files, ...(sc.front ? [sc.front.config] : [])]) {
    // A scenario's own file first, else the shared one in app/ (the Node server script).
    const own = join(SCENARIOS_DIR, sc.id, f);
    const src = existsSync(own) ? own : join(APP_DIR, f);
    writeFileSync(join(dir, f), render(readFileSync(src, 'utf8'), vars));
  }
  return vars;
}

export interface RunOptions {
  /** Only reproduce: skip the CLI and the "after" run. */
  beforeOnly?: boolean;
  /** Apply the scenario's hand-written `referenceFix` (or perform its advice) instead of asking the CLI. */
  referenceFix?: boolean;
  log?: (msg: string) => void;
}

/** Apply a scenario's reference fix in `dir`; the problem, or null when every edit applied. */
export function applyReference(sc: Scenario, dir: string): string | null {
  for (const edit of sc.referenceFix ?? []) {
    const path = join(dir, edit.file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(edit.find)) return `reference fix: "${edit.find}" not found in ${edit.file}`;
    writeFileSync(path, text.replace(edit.find, edit.replace));
  }
  return null;
}

/** The "after" half with the scenario's own fix or advice: proves the scenario can pass. */
async function afterReference(
  sc: Scenario,
  dir: string,
  vars: RenderVars,
  res: ScenarioResult,
  finish: (status: Status, reason?: string) => ScenarioResult,
  log: (msg: string) => void,
): Promise<ScenarioResult> {
  let during = sc.during;
  if (sc.advice) {
    res.fix = `reference advice: ${sc.advice.text}`;
    during = sc.advice.duringAfter;
  } else if (sc.referenceFix) {
    const err = applyReference(sc, dir);
    if (err) return finish('error', err);
    res.fix = 'reference fix';
  } else return finish('error', 'the scenario has no reference fix');
  log(`${sc.id}: after (${res.fix})`);
  res.after = await phase(sc, dir, vars, during);
  renameSync(join(dir, 'logs'), join(dir, 'logs-after'));
  const left = res.after.failures + res.after.errorLines;
  return left > 0
    ? finish(
        'fail',
        `${res.after.failures} failures, ${res.after.errorLines} error lines after the reference fix`,
      )
    : finish('pass');
}

export async function runScenario(
  sc: Scenario,
  dir: string,
  opts: RunOptions = {},
): Promise<ScenarioResult> {
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const res: ScenarioResult = {
    id: sc.id,
    title: sc.title,
    expectedCause: sc.expectedCause,
    control: sc.control ?? false,
    status: 'error',
    before: null,
    reproducedBy: null,
    topCause: null,
    causeMatches: null,
    fix: 'not run',
    after: null,
    seconds: 0,
  };
  const finish = (status: Status, reason?: string) => {
    res.status = status;
    const chance =
      sc.random && res.before && res.after ? zeroByChance(res.before, res.after) : null;
    if (chance !== null) res.zeroByChance = chance;
    if (reason) res.reason = reason;
    res.seconds = (Date.now() - started) / 1000;
    return res;
  };
  try {
    const vars = await prepare(sc, dir);
    log(`${sc.id}: before (${sc.load.requests} requests max, ${sc.load.seconds} s max)`);
    res.before = await phase(sc, dir, vars, sc.during);
    renameSync(join(dir, 'logs'), join(dir, 'logs-before'));
    if (sc.control) {
      const { failures, errorLines } = res.before;
      if (failures > 0 || errorLines > 0) {
        return finish('fail', `control: ${failures} failures, ${errorLines} error lines`);
      }
    } else {
      res.reproducedBy = reproduced(sc, res.before);
      if (!res.reproducedBy) return finish('fail', 'the failure did not reproduce before the fix');
    }
    if (opts.beforeOnly) return finish('pass', 'before only');

    // The CLI sees the configs that ran and the logs they produced, under plain names.
    const logs: string[] = [];
    for (const [from, to] of [
      ['logs-before/error.log', 'error.log'],
      ['logs-before/access.log', 'access.log'],
      ...(sc.app.log
        ? [[`${sc.app.log.replace(/^logs\//, 'logs-before/')}.at-load-end`, basename(sc.app.log)]]
        : []),
    ] as [string, string][]) {
      copyFileSync(join(dir, from), join(dir, to));
      logs.push(to);
    }
    const files = [...sc.files, ...logs];
    if (sc.control && opts.referenceFix) return finish('pass', 'control: nothing failed');
    if (opts.referenceFix) return await afterReference(sc, dir, vars, res, finish, log);
    const dx = diagnose(dir, files);
    if (!dx.ready) return finish('cli not ready', dx.reason);
    res.topCause = dx.topCause;
    if (sc.control) {
      // Nothing failed, so nothing may be presented as the cause of a failure.
      res.fix = 'none (control)';
      const claims = dx.findings.filter(
        (f) => f.severity === 'error' || f.cause === sc.expectedCause,
      );
      return claims.length
        ? finish(
            'fail',
            `control: the CLI claims ${claims.map((f) => `${f.cause} (${f.severity})`).join(', ')}`,
          )
        : finish('pass');
    }
    res.causeMatches = dx.topCause === sc.expectedCause;
    if (!res.causeMatches && !ruleExistsFor(sc.expectedCause)) {
      return finish(
        'cli not ready',
        `cli not ready: no rule declares cause ${sc.expectedCause} yet`,
      );
    }

    let during = sc.during;
    if (dx.fixSafety === 'manual' || dx.fixSafety === null) {
      // Advice, not an edit: the lab performs what the advice says, the way the scenario
      // knows how (a reload instead of a restart, or its hand-written config change).
      if (!res.causeMatches) {
        return finish(
          'fail',
          `top cause ${dx.topCause ?? 'none'}, expected ${sc.expectedCause}; advice only`,
        );
      }
      if (sc.advice) {
        res.fix = `advice: ${sc.advice.text}`;
        during = sc.advice.duringAfter;
      } else if (sc.referenceFix) {
        const err = applyReference(sc, dir);
        if (err) return finish('error', err);
        res.fix = 'advice, done as the reference fix';
      } else return finish('fail', 'the CLI gave advice only and the scenario cannot perform it');
    } else {
      // The top finding's own fix, opted into when it is unsafe: the lab measures whether
      // it works; whether to take the risk stays the user's call.
      const unsafe = dx.fixSafety === 'unsafe';
      const fx = fixPatch(dir, files, unsafe);
      if (!('patch' in fx)) return finish('cli not ready', fx.reason);
      if (fx.patch.trim() === '') {
        // Nothing changed: an "after" run would only repeat "before".
        res.fix = 'no patch';
        const why = res.causeMatches
          ? ''
          : `top cause ${dx.topCause ?? 'none'}, expected ${sc.expectedCause}; `;
        // The CLI says why it held its fix back (e.g. "not applied: … another finding").
        const held = /\(not applied: [^)]*\)+/.exec(dx.findings[0]?.fix?.description ?? '')?.[0];
        return finish('fail', `${why}the CLI proposed no change${held ? ` ${held}` : ''}`);
      }
      writeFileSync(join(dir, 'fix.patch'), fx.patch);
      const err = applyPatch(dir, fx.patch);
      if (err) return finish('fail', `the CLI's patch did not apply: ${err}`);
      res.fix = unsafe ? 'unsafe patch applied' : 'patch applied';
    }
    log(`${sc.id}: after (${res.fix})`);
    try {
      res.after = await phase(sc, dir, vars, during);
    } catch (e) {
      // The servers would not start from the patched files: the patch's fault, not the lab's.
      await stopAll(2000);
      return finish('fail', `after the fix: ${(e as Error).message.split('\n')[0]}`);
    }
    renameSync(join(dir, 'logs'), join(dir, 'logs-after'));
    const problems: string[] = [];
    if (!res.causeMatches)
      problems.push(`top cause ${dx.topCause ?? 'none'}, expected ${sc.expectedCause}`);
    if (res.after.failures > 0) problems.push(`${res.after.failures} failures after the fix`);
    // The line that proved the failure must be gone too (a retried GET fails no request).
    if (res.after.errorLines > 0)
      problems.push(`${res.after.errorLines} error lines after the fix`);
    return problems.length ? finish('fail', problems.join('; ')) : finish('pass');
  } catch (e) {
    await stopAll(2000);
    return finish('error', (e as Error).message.split('\n')[0]);
  }
}
