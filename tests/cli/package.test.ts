/**
 * The package as a user gets it: `npm pack` builds the tarball (prepare bundles the CLI), which
 * installs with no dependencies and no network, and its `upstream-doctor` bin runs from there —
 * nothing from this checkout (sources, node_modules) is needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const work = mkdtempSync(join(tmpdir(), 'ud-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the npm package', () => {
  it('packs, installs offline with no dependencies, and its bin analyzes an incident', () => {
    const pack = run('npm', ['pack', '--json', '--pack-destination', work], process.cwd());
    expect(pack.code, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = info!.files.map((f) => f.path).sort();
    expect(files).toEqual(['README.md', 'dist-cli/upstream-doctor.mjs', 'package.json']);

    const home = join(work, 'user');
    const install = run(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--prefix',
        home,
        join(work, info!.filename),
      ],
      work,
    );
    expect(install.code, install.stderr).toBe(0);
    const bin = join(home, 'node_modules', '.bin', 'upstream-doctor');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(run(bin, ['--version'], work).stdout).toBe(`upstream-doctor ${pkg.version}\n`);

    const incident = resolve('tests/incidents/app-timeout-docker/input');
    const analyzed = run(bin, ['analyze', '--json', incident], work);
    expect(analyzed.code, analyzed.stderr).toBe(0);
    const report = JSON.parse(analyzed.stdout) as { findings: { cause: string }[] };
    expect(report.findings[0]!.cause).toBe('app-timeout');
  });

  it('the README’s npx line runs the packed tarball as written (offline)', () => {
    const readme = readFileSync('README.md', 'utf8');
    const line = readme.split('\n').find((l) => l.startsWith('npx ') && l.includes('.tgz'))!;
    const command = line.replace(/\s+#.*$/, '').trim();
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(command).toContain(`./upstream-doctor-${pkg.version}.tgz`);
    expect(run('npm', ['pack', '--pack-destination', work], process.cwd()).code).toBe(0);
    // The README's folder of configs, here an incident's: its app timeout is an error.
    const [npx, ...args] = command
      .replace('deploy/nginx/', resolve('tests/incidents/app-timeout-docker/input'))
      .split(' ');
    const result = spawnSync(npx!, args, {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, npm_config_offline: 'true', NO_COLOR: '1' },
    });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toContain('The app server kills requests nginx is still waiting for');
  });
});
