/**
 * The tool's own CLI, run the way a user runs it, against a scenario's rendered configs
 * and collected logs: `analyze --json` for the top cause, `fix --patch` for the change.
 *
 * Contract (DESIGN.md): Report JSON schema 1, `findings[0].cause` is the top cause;
 * `fix --patch` prints a unified diff that `patch -p1` applies in a directory holding the
 * files under the names given on the command line. Anything else (no CLI yet, a crash,
 * output that is not a schema-1 report) is "cli not ready" with the reason, never a throw.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CLI_ENTRY = join(REPO, 'bin', 'cli.ts');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');

export interface Diagnosis {
  ready: true;
  topCause: string | null;
  topRule: string | null;
  findings: {
    rule: string;
    cause: string;
    severity: string;
    fix: { safety: string; description: string; applied: boolean } | null;
  }[];
  fixSafety: string | null;
}
export interface NotReady {
  ready: false;
  reason: string;
}

function runCli(
  cwd: string,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  // Same as `npm run --silent cli -- …`, but from the run directory so file names stay relative.
  const r = spawnSync(TSX, [CLI_ENTRY, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 << 20,
  });
  return {
    status: r.status,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '') + (r.error ? String(r.error) : ''),
  };
}

/**
 * Run with `--nginx-version` first (the lab's servers are nginx 1.22.1, and defaults differ by
 * version); if the CLI rejects the flag as bad usage (exit 2), once more without it.
 */
function runWithVersion(cwd: string, cmd: string[], files: string[], nginxVersion: string) {
  const r = runCli(cwd, [...cmd, '--nginx-version', nginxVersion, ...files]);
  return r.status === 2 ? runCli(cwd, [...cmd, ...files]) : r;
}

function firstLine(s: string): string {
  return (s.trim().split('\n')[0] ?? '').slice(0, 200);
}

/** `analyze --json FILES` in `cwd`. */
export function diagnose(
  cwd: string,
  files: string[],
  nginxVersion = '1.22.1',
): Diagnosis | NotReady {
  if (!existsSync(CLI_ENTRY))
    return { ready: false, reason: 'cli not ready: bin/cli.ts does not exist' };
  const r = runWithVersion(cwd, ['analyze', '--json'], files, nginxVersion);
  if (r.status !== 0 && r.status !== 1) {
    return {
      ready: false,
      reason: `cli not ready: analyze exited ${r.status}: ${firstLine(r.stderr || r.stdout)}`,
    };
  }
  let report: unknown;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    return {
      ready: false,
      reason: `cli not ready: analyze --json printed no JSON: ${firstLine(r.stdout || r.stderr)}`,
    };
  }
  const rep = report as { schema?: unknown; findings?: unknown };
  if (rep.schema !== 1 || !Array.isArray(rep.findings)) {
    return {
      ready: false,
      reason: 'cli not ready: analyze --json output is not a schema-1 report',
    };
  }
  const findings = (rep.findings as Diagnosis['findings']).map((f) => ({
    rule: String(f.rule),
    cause: String(f.cause),
    severity: String(f.severity),
    fix: f.fix
      ? {
          safety: String(f.fix.safety),
          description: String(f.fix.description ?? ''),
          applied: f.fix.applied === true,
        }
      : null,
  }));
  const top = findings[0];
  return {
    ready: true,
    topCause: top?.cause ?? null,
    topRule: top?.rule ?? null,
    findings,
    fixSafety: top?.fix?.safety ?? null,
  };
}

/**
 * Whether a registered rule declares `cause` yet: a file under workers/engine/rules/ with
 * `cause: '<cause>'` that rules/index.ts imports. While none does, a scenario for that cause
 * is "cli not ready"; once one does, a missing or wrong top cause is a failure.
 */
export function ruleExistsFor(cause: string): boolean {
  const dir = join(REPO, 'workers', 'engine', 'rules');
  const index = join(dir, 'index.ts');
  if (!existsSync(index)) return false;
  const registry = readFileSync(index, 'utf8');
  const needle = new RegExp(`cause:\\s*['"]${cause}['"]`);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .filter((f) => registry.includes(`'./${f.replace(/\.ts$/, '')}`))
    .some((f) => needle.test(readFileSync(join(dir, f), 'utf8')));
}

/** `fix --patch [--unsafe] FILES` in `cwd`: the unified diff, '' when nothing changes. */
export function fixPatch(
  cwd: string,
  files: string[],
  unsafe = false,
  nginxVersion = '1.22.1',
): { patch: string } | NotReady {
  const cmd = unsafe ? ['fix', '--patch', '--unsafe'] : ['fix', '--patch'];
  const r = runWithVersion(cwd, cmd, files, nginxVersion);
  if (r.status !== 0 && r.status !== 1) {
    return {
      ready: false,
      reason: `cli not ready: fix --patch exited ${r.status}: ${firstLine(r.stderr || r.stdout)}`,
    };
  }
  if (r.stdout.trim() !== '' && !/^(---|diff |Index: )/m.test(r.stdout)) {
    return {
      ready: false,
      reason: `cli not ready: fix --patch printed no unified diff: ${firstLine(r.stdout)}`,
    };
  }
  return { patch: r.stdout };
}

/** Apply a unified diff with `patch -p1` in `cwd`; the error text, or null when it applied. */
export function applyPatch(cwd: string, patch: string): string | null {
  const r = spawnSync('patch', ['-p1', '--forward', '--batch', '--no-backup-if-mismatch'], {
    cwd,
    input: patch,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return r.status === 0 ? null : firstLine(r.stdout + r.stderr) || `patch exited ${r.status}`;
}
