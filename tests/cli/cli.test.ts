/**
 * The CLI as a CI job uses it: the built bundle (what `bin` points at), real processes, exit
 * codes, stdout and one-line errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
const conf = `upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    location / {\n        proxy_pass http://app;\n    }\n}\n`;
const good = `upstream app {\n    server 127.0.0.1:8000;\n}\nserver {\n    location / {\n        proxy_pass http://app;\n    }\n}\n`;

function cli(...args: string[]) {
  return cliWith(undefined, ...args);
}

/** The CLI with `input` on stdin. */
function cliWith(input: string | undefined, ...args: string[]) {
  // node, not npx: npm may print its own warnings on stderr.
  const result = spawnSync(process.execPath, [BUNDLE, ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    ...(input !== undefined ? { input } : {}),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const BUNDLE = 'dist-cli/upstream-doctor.mjs';

beforeAll(() => {
  // Built from the sources under test, not whatever an earlier install left in dist-cli/.
  const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`building the CLI failed: ${built.stderr}`);
  dir = mkdtempSync(join(tmpdir(), 'ud-cli-'));
  writeFileSync(join(dir, 'app.conf'), conf);
  writeFileSync(join(dir, 'good.conf'), good);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli', () => {
  it('a reader that stops early (| head) ends the run quietly, exit 0', () => {
    const sites = Array.from(
      { length: 2000 },
      (_, i) =>
        `upstream u${i} {\n    server 10.0.${i >> 8}.${i & 255}:8000;\n    keepalive 8;\n}\nserver {\n    location /s${i}/ {\n        proxy_pass http://u${i};\n    }\n}\n`,
    );
    writeFileSync(join(dir, 'many.conf'), sites.join(''));
    const run = spawnSync(
      'bash',
      [
        '-o',
        'pipefail',
        '-c',
        `"${process.execPath}" ${BUNDLE} analyze --json "${join(dir, 'many.conf')}" | head -c 100`,
      ],
      { encoding: 'utf8' },
    );
    expect(run.stdout).toHaveLength(100);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('--version names the package version; --help after a command prints that command', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(cli('--version')).toEqual({
      code: 0,
      stdout: `upstream-doctor ${pkg.version}\n`,
      stderr: '',
    });
    const help = cli('fix', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: upstream-doctor fix \(--patch \| --out DIR\)/);
    expect(help.stdout).not.toContain('analyze [');
    expect(cli('--help').stdout).toContain('analyze [--format text|json|sarif|github]');
  });

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

  describe('the same intake as the page', () => {
    const paste = [
      'The 502s started on Monday, here is what I have.',
      '',
      '```nginx',
      conf.trimEnd(),
      '```',
      '',
      '2026/02/03 04:05:06 [error] 41#41: *9 upstream prematurely closed connection while reading response header from upstream, client: 192.0.2.1, server: _, request: "POST /orders HTTP/1.1", upstream: "http://127.0.0.1:8000/orders", host: "api.test"',
      '',
    ].join('\n');

    it('`-` reads stdin, and a mixed paste on it is split and pointed back at', () => {
      const { code, stdout } = cliWith(paste, 'analyze', '--json', '-');
      expect(code).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.files[0]).toMatchObject({ name: 'stdin', kind: 'mixed' });
      expect(report.files[0].segments.map((s: { kind: string }) => s.kind)).toEqual([
        'prose',
        'nginx',
        'log',
      ]);
      expect(report.findings[0].evidence.map((e: { file: string }) => e.file)).toContain('stdin');
    });

    it('a folder is walked, an archive opened, an unreadable file named with its reason', () => {
      const tree = join(dir, 'tree');
      mkdirSync(join(tree, 'conf.d'), { recursive: true });
      writeFileSync(join(tree, 'conf.d', 'app.conf'), conf);
      writeFileSync(join(tree, '.hidden.conf'), 'not read');
      writeFileSync(join(tree, 'blob.bin'), Buffer.from([0, 1, 2, 3, 0, 9]));
      spawnSync('tar', ['czf', join(dir, 'tree.tar.gz'), '-C', tree, 'conf.d']);
      const walked = JSON.parse(cli('analyze', '--json', tree).stdout);
      expect(walked.files.map((f: { name: string }) => f.name)).toEqual([
        join(tree, 'conf.d', 'app.conf'),
        join(tree, 'blob.bin'),
      ]);
      expect(walked.files[1].errors[0].message).toMatch(/binary data/);
      const archived = JSON.parse(cli('analyze', '--json', join(dir, 'tree.tar.gz')).stdout);
      expect(archived.files.map((f: { name: string }) => f.name)).toEqual([
        `${join(dir, 'tree.tar.gz')}/conf.d/app.conf`,
      ]);
      expect(archived.findings[0].cause).toBe('keepalive-inert');
    });
  });
});
