/**
 * No leftovers: a lab run killed with SIGKILL (no handler runs) must still leave no server
 * processes and no run directory behind — the watchdog's job.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './lib/cli.ts';
import { missingTools } from './lib/servers.ts';

const labDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith('ud-lab-'));
/** Processes whose command line mentions a lab run directory (servers run with -p/-c there). */
const labProcesses = (dirs: string[]) =>
  spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => dirs.some((d) => l.includes(join(tmpdir(), d))));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(missingTools().length > 0)('lab cleanup', () => {
  it('leaves no servers and no run directory when the runner is SIGKILLed mid-scenario', async () => {
    const before = new Set(labDirs());
    const runner = spawn(
      join(REPO, 'node_modules', '.bin', 'tsx'),
      [
        join(REPO, 'tests', 'lab', 'run.ts'),
        '--only',
        'app-timeout-gunicorn',
        '--before-only',
        '--json',
        '/dev/null',
      ],
      { cwd: REPO, stdio: 'ignore' },
    );
    // Wait until this run's servers are up (its directory holds gunicorn and nginx).
    let mine: string[] = [];
    for (let i = 0; i < 100 && labProcesses(mine).length < 2; i++) {
      await sleep(200);
      mine = labDirs().filter((d) => !before.has(d));
    }
    expect(mine).toHaveLength(1);
    expect(labProcesses(mine).length).toBeGreaterThanOrEqual(2);

    // tsx runs the script in a child node process: kill the whole tree without mercy.
    const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(runner.pid)], {
      encoding: 'utf8',
    })
      .stdout.split('\n')
      .map(Number)
      .filter((pid) => pid > 1);
    for (const pid of children) process.kill(pid, 'SIGKILL');
    runner.kill('SIGKILL');

    for (
      let i = 0;
      i < 50 && (labProcesses(mine).length > 0 || labDirs().includes(mine[0] ?? ''));
      i++
    ) {
      await sleep(200);
    }
    expect(labProcesses(mine)).toEqual([]);
    expect(labDirs()).not.toContain(mine[0]);
  });
});
