import { describe, expect, it } from 'vitest';
import type { Finding } from '../../workers/engine/model.ts';
import { groupFindings, ranksOf } from '../../src/lib/finding-groups.ts';

const finding = (rule: string, place: string, over: Partial<Finding> = {}): Finding => ({
  rule,
  key: `${rule} ${place}`,
  cause: rule as Finding['cause'],
  severity: 'warning',
  role: 'risk',
  explains: 0,
  title: rule,
  message: `${rule} at ${place}`,
  evidence: [],
  fix: { safety: 'safe', description: 'fix it', applied: true, byDefault: true },
  confidence: 0.45,
  ...over,
});

describe('finding groups on the page', () => {
  it('puts one rule standing the same way in several places under one card, in report order', () => {
    const findings = [
      finding('keepalive-inert', '/a', { confidence: 0.9 }),
      finding('retry-policy', '/a'),
      finding('keepalive-inert', '/b'),
      finding('retry-policy', '/b'),
      finding('keepalive-inert', '/c'),
    ];
    const groups = groupFindings(findings);
    expect(groups.map((g) => [g.rank, g.lead.key, g.others.map((o) => o.key)])).toEqual([
      // The one that explains the logs (higher confidence) stays on its own.
      [1, 'keepalive-inert /a', []],
      [2, 'retry-policy /a', ['retry-policy /b']],
      [3, 'keepalive-inert /b', ['keepalive-inert /c']],
    ]);
    const ranks = ranksOf(findings);
    expect(findings.map((f) => ranks.get(f))).toEqual([1, 2, 3, 2, 3]);
  });

  it('keeps apart what differs in severity, fix safety or whether the fix is applied', () => {
    const groups = groupFindings([
      finding('retry-policy', '/a'),
      finding('retry-policy', '/b', { severity: 'info' }),
      finding('retry-policy', '/c', {
        fix: { safety: 'unsafe', description: 'x', applied: false, byDefault: false },
      }),
      finding('retry-policy', '/d', {
        fix: { safety: 'safe', description: 'x', applied: false, byDefault: true },
      }),
      finding('retry-policy', '/e', { fix: null }),
      finding('retry-policy', '/f'),
    ]);
    expect(groups.map((g) => [g.lead.key, g.others.length])).toEqual([
      ['retry-policy /a', 1],
      ['retry-policy /b', 0],
      ['retry-policy /c', 0],
      ['retry-policy /d', 0],
      ['retry-policy /e', 0],
    ]);
  });
});
