/**
 * The same cause in many places is one finding with `places` (pipeline/places.ts): grouped by
 * how it stands (rule, role, severity, confidence, fix state), in report order, each place
 * keeping what tells it apart; `eachPlace` gives back every place as a whole finding.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../workers/engine/model.ts';
import { analyze } from '../../workers/engine/analyze.ts';
import { eachPlace, withPlaces } from '../../workers/engine/pipeline/places.ts';

const finding = (rule: string, place: string, over: Partial<Finding> = {}): Finding => ({
  rule,
  key: `${rule} ${place}`,
  cause: rule as Finding['cause'],
  severity: 'warning',
  role: 'risk',
  explains: 0,
  title: rule,
  message: `${rule} at ${place}`,
  evidence: [{ file: `${place}.conf`, line: 3, text: 'keepalive 16;' }],
  fix: { safety: 'safe', description: 'fix it', applied: true, byDefault: true },
  confidence: 0.45,
  ...over,
});

describe('findings with places', () => {
  it('puts one rule standing the same way in several places under one finding, in report order', () => {
    const grouped = withPlaces([
      finding('keepalive-inert', '/a', { confidence: 0.9 }),
      finding('retry-policy', '/a'),
      finding('keepalive-inert', '/b'),
      finding('retry-policy', '/b'),
      finding('keepalive-inert', '/c'),
    ]);
    expect(grouped.map((f) => [f.key, (f.places ?? []).map((p) => p.key)])).toEqual([
      // The one that explains the logs (higher confidence) stays on its own.
      ['keepalive-inert /a', []],
      ['retry-policy /a', ['retry-policy /b']],
      ['keepalive-inert /b', ['keepalive-inert /c']],
    ]);
  });

  it('keeps apart what differs in severity, fix safety or whether the fix is applied', () => {
    const grouped = withPlaces([
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
      finding('retry-policy', '/g', {
        fix: {
          safety: 'safe',
          description: 'fix it',
          applied: false,
          byDefault: true,
          alternative: { safety: 'unsafe', description: 'more', applied: true },
        },
      }),
    ]);
    expect(grouped.map((f) => [f.key, f.places?.length ?? 0])).toEqual([
      ['retry-policy /a', 1],
      ['retry-policy /b', 0],
      ['retry-policy /c', 0],
      ['retry-policy /d', 0],
      ['retry-policy /e', 0],
      ['retry-policy /g', 0],
    ]);
  });

  it('keeps in a place only what differs from its lead, and eachPlace restores every finding', () => {
    const changes = [{ file: '/b.conf', line: 4, endLine: 4 }];
    const edits = [{ file: '/b.conf', start: 40, end: 40, text: '\n    proxy_http_version 1.1;' }];
    const findings = [
      finding('keepalive-inert', '/a', {
        compared: [{ hop: 'nginx', setting: 'keepalive', value: '16', source: 'a.conf:3' }],
      }),
      finding('keepalive-inert', '/b', {
        title: 'another title',
        explains: 2,
        compared: [{ hop: 'nginx', setting: 'keepalive', value: '8', source: 'b.conf:3' }],
        fix: {
          safety: 'safe',
          description: 'fix b',
          applied: true,
          byDefault: true,
          changes,
          edits,
        },
      }),
      finding('keepalive-inert', '/c', {
        compared: [{ hop: 'nginx', setting: 'keepalive', value: '16', source: 'a.conf:3' }],
      }),
    ];
    const [lead] = withPlaces(findings);
    // The finding counts the failures its places explain too.
    expect(lead!.explains).toBe(2);
    expect(lead!.places).toEqual([
      {
        key: 'keepalive-inert /b',
        title: 'another title',
        message: 'keepalive-inert at /b',
        evidence: [{ file: '/b.conf', line: 3 }],
        compared: findings[1]!.compared,
        explains: 2,
        fix: { description: 'fix b', changes, edits },
      },
      // Same title, comparison and fix words as the lead: only key, message and lines.
      {
        key: 'keepalive-inert /c',
        message: 'keepalive-inert at /c',
        evidence: [{ file: '/c.conf', line: 3 }],
      },
    ]);
    // Every place again as its whole finding, but for the quoted text of its lines (in sources).
    const unquoted = (f: Finding) => ({
      ...f,
      evidence: f.evidence.map(({ text: _t, ...e }) => e),
    });
    expect(eachPlace(lead!).slice(1)).toEqual(findings.slice(1).map(unquoted));
    expect(eachPlace(lead!)[0]).toEqual(findings[0]);
  });

  it('groups a real fleet: one finding per cause, a place per site, every fix still in the patch', () => {
    const site = (i: number) => ({
      name: `site${i}.conf`,
      text: `upstream app${i} {\n    server 10.0.0.${i}:8000;\n    keepalive 16;\n}\nserver {\n    listen 80;\n    server_name s${i}.example.com;\n    location / {\n        proxy_pass http://app${i};\n    }\n}\n`,
    });
    const report = analyze([0, 1, 2, 3].map(site), { nginxVersion: '1.24.0' });
    const inert = report.findings.filter((f) => f.rule === 'keepalive-inert');
    expect(inert).toHaveLength(1);
    const places = eachPlace(inert[0]!);
    expect(places.map((p) => p.evidence[0]!.file)).toEqual(
      [0, 1, 2, 3].map((i) => `site${i}.conf`),
    );
    expect(places.every((p) => p.fix?.applied && (p.fix.changes ?? []).length > 0)).toBe(true);
    expect(report.fixed.map((f) => f.name).sort()).toEqual(
      [0, 1, 2, 3].map((i) => `site${i}.conf`),
    );
  });
});
