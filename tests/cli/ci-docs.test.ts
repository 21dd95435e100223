/**
 * docs/ci.md and .pre-commit-hooks.yaml, run as written: the workflow's upstream-doctor steps
 * (with the built bundle in place of the packed tarball, and an incident fixture as the
 * repository's configs) fail the job on the finding and write valid SARIF; the hook's command
 * and file pattern pick the configs a repository holds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv-draft-04';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const doc = readFileSync('docs/ci.md', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};
const BUNDLE = resolve('dist-cli/upstream-doctor.mjs');
const CONFIGS = resolve('tests/incidents/app-timeout-docker/input');
const work = mkdtempSync(join(tmpdir(), 'ud-ci-'));

beforeAll(() => {
  const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(built.stderr);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fenceAfter(heading: string): string {
  const from = doc.indexOf(heading);
  return /```yaml\n([\s\S]*?)```/.exec(doc.slice(from))![1]!;
}

/** A documented command line, on this machine: the bundle for the tarball, a fixture for deploy/. */
function local(command: string): string {
  const tarball = `npx --yes ./tools/upstream-doctor-${pkg.version}.tgz`;
  expect(command).toContain(tarball);
  return command.replace(tarball, `node ${BUNDLE}`).replace(' deploy/', ` ${CONFIGS}`);
}

describe('docs/ci.md: the GitHub Actions workflow', () => {
  const workflow = parse(fenceAfter('## GitHub Actions')) as {
    jobs: Record<
      string,
      { steps: { name?: string; run?: string; with?: { sarif_file?: string } }[] }
    >;
  };
  const steps = Object.values(workflow.jobs)[0]!.steps;
  const runs = steps.filter((s) => s.run?.includes('upstream-doctor'));

  it('annotates and fails the job on a warning or worse', () => {
    const annotate = runs.find((s) => s.run!.includes('--format github'))!;
    const run = spawnSync('sh', ['-c', local(annotate.run!)], { cwd: work, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^::error file=.*,line=\d+,title=/);
  });

  it('writes SARIF 2.1.0 that the upload step finds', () => {
    const sarif = runs.find((s) => s.run!.includes('--format sarif'))!;
    const run = spawnSync('sh', ['-c', local(sarif.run!)], { cwd: work, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const upload = steps.find((s) => s.with?.sarif_file)!;
    const log = JSON.parse(readFileSync(join(work, upload.with!.sarif_file!), 'utf8')) as object;
    const schema = JSON.parse(
      readFileSync('tests/cli/sarif/sarif-schema-2.1.0.json', 'utf8'),
    ) as object;
    expect(new Ajv({ strict: false }).validate(schema, log)).toBe(true);
  });
});

describe('.pre-commit-hooks.yaml', () => {
  const [hook] = parse(readFileSync('.pre-commit-hooks.yaml', 'utf8')) as {
    id: string;
    entry: string;
    language: string;
    files: string;
  }[];

  it('runs the package’s bin on the staged files and fails the commit on a finding', () => {
    expect(hook!.id).toBe('upstream-doctor');
    expect(hook!.language).toBe('node');
    const [program, ...args] = hook!.entry.split(' ');
    expect(Object.keys(pkg.bin)).toContain(program);
    const staged = ['billing.conf', 'Dockerfile'].map((f) => join(CONFIGS, f));
    const run = spawnSync(process.execPath, [BUNDLE, ...args, ...staged], { encoding: 'utf8' });
    expect(run.status).toBe(1);
  });

  it('picks configs, not code', () => {
    const files = new RegExp(hook!.files);
    for (const path of [
      'deploy/nginx.conf',
      'nginx/sites-enabled/shop.conf',
      'gunicorn.conf.py',
      'uwsgi.ini',
      'k8s/deployment.yaml',
      'Dockerfile',
      'Procfile',
    ])
      expect(files.test(path), path).toBe(true);
    for (const path of ['src/app.py', 'README.md', 'package.json'])
      expect(files.test(path), path).toBe(false);
  });
});
