/** The CLI as a CI job uses it: real processes, exit codes, stdout and one-line errors. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
const conf = `upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    location / {\n        proxy_pass http://app;\n    }\n}\n`;
const good = `upstream app {\n    server 127.0.0.1:8000;\n}\nserver {\n    location / {\n        proxy_pass http://app;\n    }\n}\n`;

function cli(...args: string[]) {
  // node --import tsx, not npx: npm may print its own warnings on stderr.
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/cli.ts', ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ud-cli-'));
  writeFileSync(join(dir, 'app.conf'), conf);
  writeFileSync(join(dir, 'good.conf'), good);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli', () => {
  it('analyze --json prints a schema 1 report and exits 0', () => {
    const { code, stdout } = cli(
      'analyze',
      '--json',
      '--nginx-version',
      '1.22.1',
      join(dir, 'app.conf'),
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.schema).toBe(1);
    expect(report.findings[0].cause).toBe('keepalive-inert');
  });

  it('--fail-on exits 1 when a finding is at or above the severity, 0 otherwise', () => {
    expect(cli('analyze', '--fail-on', 'warning', join(dir, 'app.conf')).code).toBe(1);
    expect(cli('analyze', '--fail-on', 'error', join(dir, 'app.conf')).code).toBe(0);
    expect(cli('analyze', '--fail-on', 'info', join(dir, 'good.conf')).code).toBe(0);
  });

  it('human output names the finding and its evidence lines', () => {
    const { stdout } = cli('analyze', join(dir, 'app.conf'));
    expect(stdout).toMatch(/keepalive-inert/);
    expect(stdout).toContain(`${join(dir, 'app.conf')}:3`);
  });

  it('fix --patch prints a unified diff; fix --out writes the fixed file', () => {
    const patch = cli('fix', '--patch', join(dir, 'app.conf'));
    expect(patch.code).toBe(0);
    expect(patch.stdout).toMatch(/^--- a\//m);
    expect(patch.stdout).toContain('+        proxy_http_version 1.1;');
    const out = join(dir, 'out');
    expect(cli('fix', '--out', out, join(dir, 'app.conf')).code).toBe(0);
    const written = readFileSync(join(out, dir, 'app.conf'), 'utf8');
    expect(written).toContain('proxy_set_header Connection "";');
  });

  it('parse reports kind, round trip and settings', () => {
    const { code, stdout } = cli('parse', '--json', join(dir, 'app.conf'));
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout);
    expect(parsed).toMatchObject({ kind: 'nginx', roundtrip: true, errors: [] });
    expect(parsed.settings).toContainEqual(
      expect.objectContaining({ key: 'keepalive', value: '16', line: 3 }),
    );
  });

  it('streams a log over the threshold instead of reading it whole', () => {
    const line =
      '2026/05/06 07:08:09 [error] 12#12: *1 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.1, server: a.test, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "a.test"\n';
    const count = Math.ceil((9 * 1024 * 1024) / line.length);
    writeFileSync(join(dir, 'big.log'), line.repeat(count));
    const { code, stdout } = cli('analyze', '--json', join(dir, 'big.log'), join(dir, 'app.conf'));
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.files).toContainEqual(
      expect.objectContaining({
        kind: 'log',
        stats: { lines: count, events: count, sampled: true },
      }),
    );
    expect(report.incidents[0].count).toBe(count);
  });

  it('bad usage and unreadable files exit 2 with a one-line reason', () => {
    const cases = [
      cli('analyze', '--no-such-flag', join(dir, 'app.conf')),
      cli('analyze', join(dir, 'missing.conf')),
      cli('analyze'),
      cli('frobnicate'),
      cli('analyze', '--fail-on', 'fatal', join(dir, 'app.conf')),
      cli('analyze', '--nginx-version', 'latest', join(dir, 'app.conf')),
      cli('fix', join(dir, 'app.conf')),
    ];
    for (const c of cases) {
      expect(c.code).toBe(2);
      expect(c.stderr.trim().split('\n')).toHaveLength(1);
      expect(c.stderr).toMatch(/^upstream-doctor: /);
    }
    expect(cases[1]!.stderr).toContain('ENOENT');
  });
});
