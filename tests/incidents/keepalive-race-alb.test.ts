/**
 * Incident: an AWS ALB declared in Terraform with idle_timeout 300 (for long downloads) in
 * front of nginx with keepalive_timeout 65: the ALB reuses connections nginx closed after 65 s
 * idle. nginx logs nothing; the ALB's access log has 502s with target status "-" and target
 * processing time -1 (AWS's "target closed the connection"). One 502 that nginx itself
 * answered (target status 502) is another matter. Expected: keepalive-race (front hop) claims
 * exactly the two no-answer 502s and sets nginx's keepalive_timeout above 300 s.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';
import { readFiles } from '../helpers/incident-files.ts';

const files = readFiles(join(import.meta.dirname, 'keepalive-race-alb', 'input'));
const run = (input = files) => analyze(input, { nginxVersion: '1.24.0' });
const edit = (name: string, change: (text: string) => string) =>
  files.map((f) => (f.name === name ? { ...f, text: change(f.text) } : f));

describe('incident: an ALB idle timeout longer than nginx’s keepalive_timeout', () => {
  const report = run();
  const race = report.findings.find((f) => f.cause === 'keepalive-race')!;

  it('the front-hop race is the cause of the two 502s nginx never answered, and only those', () => {
    expect(report.findings[0]).toBe(race);
    expect(race.role).toBe('cause');
    expect(race.explains).toBe(2);
    const cited = race.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(['main.tf:9', 'nginx.conf:10', 'alb-access.log:2', 'alb-access.log:4']);
    expect(race.compared!.map((c) => [c.setting, c.value])).toEqual([
      ['idle_timeout', '300 s'],
      ['keepalive_timeout', '65s'],
    ]);
    // The 502 nginx answered itself is not the race's.
    const other = report.findings.find((f) => f.cause === 'unexplained')!;
    expect(other.evidence.map((e) => `${e.file}:${e.line}`)).toEqual(['alb-access.log:3']);
  });

  it('the fix keeps nginx’s idle connections longer than the ALB’s, and passes nginx -t', () => {
    const fixed = report.fixed.find((f) => f.name === 'nginx.conf')!.text;
    expect(fixed).toContain('    keepalive_timeout 305s;\n');
    expect(report.fixed.map((f) => f.name)).toEqual(['nginx.conf']);
    if (!nginxMissing) {
      const result = nginxTest([{ name: 'nginx.conf', text: fixed }]);
      expect(result.ok, result.output).toBe(true);
    }
    expect(run(edit('nginx.conf', () => fixed)).findings.map((f) => f.cause)).not.toContain(
      'keepalive-race',
    );
  });

  it('the request path and the timer ladder show the balancer in front of nginx', () => {
    const ladder = report.timers![0]!;
    const idle = ladder.timers.find((t) => t.setting === 'idle_timeout')!;
    expect(idle).toMatchObject({ seconds: 300, source: 'main.tf:9' });
    expect(idle.bounds).toBeUndefined();
    expect(idle.hop).toMatch(/^AWS ALB aws_lb\.storefront/);
  });

  it('near miss: the ALB on its default 60 s, below nginx’s 65 s: no race, the 502s unexplained', () => {
    const near = run(edit('main.tf', (t) => t.replace('  idle_timeout = 300\n', '')));
    expect(near.findings.map((f) => f.cause)).not.toContain('keepalive-race');
    expect(near.findings.map((f) => f.cause)).toContain('unexplained');
  });

  it('near miss: a Classic ELB’s no-answer lines are 504s; an ALB’s 504s are not this race', () => {
    const near = run(edit('alb-access.log', (t) => t.replaceAll(' 502 - ', ' 504 - ')));
    const found = near.findings.find((f) => f.cause === 'keepalive-race')!;
    expect(found.explains).toBe(0);
    expect(found.role).toBe('risk');
  });
});
