/**
 * Incident: a Django shop on gunicorn (sync workers, graceful_timeout left at 30) runs as a
 * three-replica Deployment with no preStop hook and the default 30 s grace period, behind an
 * nginx that proxies to the Service. A CI rollout stops pod shop-7d9f8b6c5-x2x9k at 14:02:11:
 * gunicorn gets SIGTERM and closes its listener at once while kube-proxy still routes new
 * connections to it for two seconds (four "connect() failed (111)" 502s), and an order export
 * still running when the kubelet's SIGKILL comes 30 s later is cut ("upstream prematurely
 * closed connection"). Expected: deploy-termination first, citing the SIGTERM and Killing lines
 * and both kinds of failure; the fix adds a 10 s preStop sleep in the file's style and raises
 * terminationGracePeriodSeconds to 45 (10 + 30 + 5).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { runIncident } from '../rules/lib/incident.ts';

const DIR = join(import.meta.dirname, 'deploy-termination');
const inputs = readdirSync(join(DIR, 'input'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(DIR, 'input', name), 'utf8') }));

describe('incident: deploy-termination', () => {
  runIncident('deploy-termination', DIR);

  const report = analyze(inputs);
  const top = report.findings[0]!;

  it('cites the stop on every side: SIGTERM, the Killing event, refused and cut requests', () => {
    const cited = top.evidence.map((e) => `${e.file}:${e.line}`);
    expect(cited).toEqual(
      expect.arrayContaining([
        'deployment.yaml:3',
        'deployment.yaml:25',
        'gunicorn.log:2',
        'events.txt:3',
        'error.log:1',
      ]),
    );
    expect(top.message).toContain('5 failed request(s) in nginx while it stopped');
    expect(top.compared).toEqual([
      expect.objectContaining({ setting: 'lifecycle.preStop', value: 'none' }),
      expect.objectContaining({ setting: 'terminationGracePeriodSeconds', value: '30' }),
      expect.objectContaining({ setting: 'graceful_timeout', value: '30' }),
    ]);
  });

  it('the fixed manifest reads back with the hook and the grace period', () => {
    const fixed = report.fixed.find((f) => f.name === 'deployment.yaml')!;
    const [deployment, service] = parseAllDocuments(fixed.text).map((d) => d.toJS());
    const pod = deployment.spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(45);
    expect(pod.containers[0].lifecycle).toEqual({
      preStop: { exec: { command: ['sleep', '10'] } },
    });
    expect(service.kind).toBe('Service');
    expect(report.patch).toContain('+      terminationGracePeriodSeconds: 45');
  });
});
