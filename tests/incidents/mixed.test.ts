/**
 * Incident "mixed": a billing app's gunicorn fails to boot after a deploy (a settings module
 * missing) and exits; for the next minute nginx gets "connect() failed (111: Connection
 * refused)" on 127.0.0.1:8000. The same nginx config also has an inert keepalive pool
 * (`keepalive 32` with HTTP/1.0 and "Connection: close"). A refused connection is not a
 * keepalive problem: the top finding must be backend-down (the address agrees with gunicorn's
 * bind, and gunicorn's log shows it going away), with the pool as a config-only smell ranked
 * below it that claims none of the refused lines. The pool's own safe fix is offered, one
 * switch away, but not in the default change: that fixes what happened (nothing to edit).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import type { NginxFile } from '../../workers/engine/formats/nginx/index.ts';
import { classify } from '../../workers/engine/pipeline/detect.ts';
import { redactClassified } from '../../workers/engine/pipeline/redact.ts';
import { parseInput } from '../../workers/engine/pipeline/parse.ts';
import { decodeLogs } from '../../workers/engine/pipeline/decode.ts';
import { diagnose } from '../../workers/engine/pipeline/diagnose.ts';
import { confidenceOf } from '../../workers/engine/rules/rank.ts';
import { withUnexplained } from '../../workers/engine/rules/lib/unexplained.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';

const DIR = join(import.meta.dirname, 'mixed');
const read = (sub: string): SourceFile[] =>
  readdirSync(join(DIR, sub))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(DIR, sub, name), 'utf8') }));
const inputs = read('input');
const expected = read('expected');
const OPTIONS = { nginxVersion: '1.22.1' };

describe('incident: mixed (refused connections + an inert keepalive pool)', () => {
  const report = analyze(inputs, OPTIONS);

  it('the top finding is backend-down, backed by the refused lines and gunicorn going away', () => {
    const top = report.findings[0]!;
    expect(top.cause).not.toBe('keepalive-inert');
    expect(top.cause).toBe('backend-down');
    expect(top.confidence!).toBeGreaterThan(0.5);
    const cited = top.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(expect.arrayContaining(['error.log:1', 'gunicorn.log:14']));
  });

  it('the inert pool is reported as a config smell below it, claiming no log line', () => {
    const inert = report.findings.find((f) => f.rule === 'keepalive-inert')!;
    expect(report.findings.indexOf(inert)).toBeGreaterThan(0);
    expect(inert.confidence!).toBeLessThan(0.5);
    expect(inert.evidence.every((e) => e.file === 'nginx.conf')).toBe(true);
    expect(inert.message).not.toMatch(/refused|111/);
  });

  it('with the unexplained fallback in place, the order holds and nothing is left over', () => {
    const { inputs: redacted } = redactClassified(classify(inputs));
    const configs = redacted
      .map((i) => parseInput(i))
      .filter((p): p is ParsedFile => p !== null && p !== undefined);
    const logs = decodeLogs(
      redacted.filter((i) => i.kind === 'log'),
      configs.filter((f): f is NginxFile => f.kind === 'nginx'),
    );
    const ranked = withUnexplained(diagnose(configs, logs, OPTIONS.nginxVersion), logs.events);
    expect(ranked.map((h) => h.rule.meta.id)).toEqual(['backend-down', 'keepalive-inert']);
    expect(confidenceOf(ranked[0]!)).toBeGreaterThan(confidenceOf(ranked[1]!));
  });

  it('without the app server pasted, refused lines are still not the pool’s', () => {
    const nginxOnly = inputs.filter((f) => f.name === 'nginx.conf' || f.name === 'error.log');
    const findings = analyze(nginxOnly, OPTIONS).findings;
    expect(findings[0]!.cause).not.toBe('keepalive-inert');
    expect(findings.find((f) => f.rule === 'keepalive-inert')!.confidence!).toBeLessThan(0.5);
  });

  it('the default change holds no fix of the pool: it is a risk, not what failed', () => {
    expect(report.fixed).toEqual([]);
    const inert = report.findings.find((f) => f.rule === 'keepalive-inert')!;
    expect(inert).toMatchObject({ role: 'risk', fix: { safety: 'safe', byDefault: false } });
    expect(inert.fix!.description).toContain('switch it on to include it');
  });

  it('switched on: only the pool’s safe fix; nginx -t accepts it', () => {
    const on = analyze(inputs, { ...OPTIONS, enabledFixes: ['keepalive-inert'] });
    expect(on.fixed.map((f) => ({ name: f.name, text: f.text }))).toEqual(expected);
    if (nginxMissing) return;
    const result = nginxTest(expected.filter((f) => f.name === 'nginx.conf'));
    expect(result.ok, result.output).toBe(true);
  });
});
