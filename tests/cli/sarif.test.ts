/**
 * `analyze --format sarif` and `--format github`, from the built CLI: the SARIF validates
 * against the official SARIF 2.1.0 schema (Ajv, draft-04) and its fixes, applied as SARIF
 * says (replace each deleted region by the inserted content), give the same files as the
 * engine's fixed files; the GitHub workflow commands point at the evidence and escape what
 * would end them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifactUri } from '../../bin/format-sarif.ts';
import { formatGithub } from '../../bin/format-github.ts';
import type { Report } from '../../workers/engine/model.ts';

const BUNDLE = 'dist-cli/upstream-doctor.mjs';
const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface Replacement {
  deletedRegion: { charOffset: number; charLength: number };
  insertedContent: { text: string };
}
interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; help: { text: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex?: number;
      level: string;
      locations: {
        physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
      }[];
      fixes: {
        artifactChanges: { artifactLocation: { uri: string }; replacements: Replacement[] }[];
      }[];
    }[];
  }[];
}

beforeAll(() => {
  const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(built.stderr);
});

// Input folders only (no expected/ or fixed/ copies beside them), with fixes in several formats.
const incidents = [
  'app-timeout-docker/input',
  'permission-denied/input',
  'protocol-mismatch-router/input',
  'app-timeout-harakiri/input',
];

describe('--format sarif', () => {
  it.each(incidents)('%s: valid SARIF 2.1.0; the fixes rebuild the fixed files', (dir) => {
    const input = join('tests/incidents', dir);
    const sarif = cli('analyze', '--format', 'sarif', '--unsafe', input);
    expect(sarif.code, sarif.stderr).toBe(0);
    const log = JSON.parse(sarif.stdout) as SarifLog;
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);

    const report = JSON.parse(cli('analyze', '--json', '--unsafe', input).stdout) as Report;
    const run = log.runs[0]!;
    expect(run.results.map((r) => r.ruleId)).toEqual(report.findings.map((f) => f.rule));
    for (const result of run.results) {
      // Every result names a rule with its help (docs and fix safety).
      const rule = run.tool.driver.rules[result.ruleIndex!]!;
      expect(rule.id).toBe(result.ruleId);
      expect(rule.help.text).toContain('Fix safety:');
    }
    const first = report.findings[0]!.evidence[0]!;
    expect(run.results[0]!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: artifactUri(first.file) },
      region: { startLine: first.line },
    });

    // Apply every fix as SARIF describes it, file by file, and compare with the engine's.
    const byUri = new Map<string, Replacement[]>();
    for (const r of run.results)
      for (const fix of r.fixes)
        for (const change of fix.artifactChanges)
          byUri.set(change.artifactLocation.uri, [
            ...(byUri.get(change.artifactLocation.uri) ?? []),
            ...change.replacements,
          ]);
    expect(byUri.size).toBe(report.fixed.length);
    for (const fixed of report.fixed) {
      const replacements = (byUri.get(artifactUri(fixed.name)) ?? []).sort(
        (a, b) => b.deletedRegion.charOffset - a.deletedRegion.charOffset,
      );
      let text = readFileSync(fixed.name, 'utf8');
      for (const { deletedRegion: d, insertedContent: c } of replacements)
        text = text.slice(0, d.charOffset) + c.text + text.slice(d.charOffset + d.charLength);
      expect(text, fixed.name).toBe(fixed.text);
    }
  });

  it('the validator is not vacuous: a result without a message or a bad level is refused', () => {
    const log = JSON.parse(
      cli('analyze', '--format', 'sarif', 'tests/incidents/app-timeout-docker/input').stdout,
    ) as { runs: { results: Record<string, unknown>[] }[] };
    expect(validate(log)).toBe(true);
    const result = log.runs[0]!.results[0]!;
    expect(
      validate({ ...log, runs: [{ ...log.runs[0], results: [{ ...result, level: 'fatal' }] }] }),
    ).toBe(false);
    const { message: _message, ...bare } = result;
    expect(validate({ ...log, runs: [{ ...log.runs[0], results: [bare] }] })).toBe(false);
  });

  it('relative paths stay relative and are URI-encoded; absolute ones are file: URIs', () => {
    expect(artifactUri('conf.d/my site#1.conf')).toBe('conf.d/my%20site%231.conf');
    expect(artifactUri('/etc/nginx/nginx.conf')).toBe('file:///etc/nginx/nginx.conf');
  });

  it('a bad --format is a usage error', () => {
    const bad = cli('analyze', '--format', 'xml', 'tests/incidents/keepalive-race');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of text, json, sarif, github');
  });
});

describe('--format github', () => {
  it('one workflow command per finding, on its first evidence line, level by severity', () => {
    const input = 'tests/incidents/app-timeout-docker/input';
    const out = cli('analyze', '--format', 'github', input);
    expect(out.code).toBe(0);
    const report = JSON.parse(cli('analyze', '--json', input).stdout) as Report;
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(report.findings.length + 1);
    const first = report.findings[0]!;
    expect(lines[0]).toMatch(
      new RegExp(
        `^::error file=${first.evidence[0]!.file.replace(/[.]/g, '\\.')},line=${first.evidence[0]!.line},title=`,
      ),
    );
    expect(lines.at(-1)).toMatch(/^upstream-doctor: \d+ finding\(s\)/);
  });

  it('escapes what would end a command: newlines and % in the message, : and , in properties', () => {
    const report = {
      findings: [
        {
          rule: 'x',
          severity: 'info',
          title: 'A: b, c',
          message: '100% sure\nsecond line',
          evidence: [{ file: 'a,b:c.conf', line: 3 }],
          fix: null,
        },
      ],
    } as unknown as Report;
    const [line] = formatGithub(report).split('\n');
    expect(line).toBe(
      '::notice file=a%2Cb%3Ac.conf,line=3,title=A%3A b%2C c (x)::100%25 sure%0Asecond line',
    );
  });
});
