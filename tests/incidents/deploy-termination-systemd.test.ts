/**
 * Incident: every `systemctl restart orders` (a deploy) ends in 502s. The unit gives gunicorn
 * TimeoutStopSec=15 while gunicorn drains for up to --graceful-timeout 60; the journal shows
 * systemd giving up and SIGKILLing it, and nginx logs two requests cut at that second, then a
 * refused connect while gunicorn starts again. A premature close twelve minutes later is
 * another matter. Expected: deploy-termination's managed-stop finding cites the unit's lines,
 * systemd's kill lines and exactly the two cut requests, and raises TimeoutStopSec to 65s.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { readFiles } from '../helpers/incident-files.ts';

const files = readFiles(join(import.meta.dirname, 'deploy-termination-systemd', 'input'));
const run = (input = files) => analyze(input);
const edit = (name: string, change: (text: string) => string) =>
  files.map((f) => (f.name === name ? { ...f, text: change(f.text) } : f));
const managed = (report: ReturnType<typeof run>) =>
  report.findings.find((f) => f.title === "systemd cuts gunicorn's requests when it stops it");

describe('incident: systemd kills gunicorn before it has drained', () => {
  const report = run();
  const hit = managed(report)!;

  it('the stop policy is a cause, backed by systemd’s kill lines and the requests cut with them', () => {
    expect(hit.role).toBe('cause');
    expect(hit.explains).toBe(2);
    expect(hit.message).toContain('waits 15 s (TimeoutStopSec)');
    expect(hit.message).toContain('up to 60 s (graceful_timeout');
    expect(hit.message).toContain('nginx logged 2 request(s) cut during the stop');
    expect(hit.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'orders.service:14',
      'orders.service:12',
      'journal.log:3',
      'journal.log:4',
      'journal.log:5',
      'nginx-error.log:1',
      'nginx-error.log:2',
    ]);
    // The premature close twelve minutes later is not this stop's.
    const later = report.findings.find((f) => f.cause === 'unexplained')!;
    expect(later.evidence.map((e) => `${e.file}:${e.line}`)).toEqual(['nginx-error.log:4']);
  });

  it('the fix waits past the drain, and the fixed unit has nothing left to say', () => {
    const fixed = report.fixed.find((f) => f.name === 'orders.service')!.text;
    expect(fixed).toBe(
      files
        .find((f) => f.name === 'orders.service')!
        .text.replace('TimeoutStopSec=15\n', 'TimeoutStopSec=65s\n'),
    );
    expect(managed(run(edit('orders.service', () => fixed)))).toBeUndefined();
  });

  it('near miss: kill lines of another unit are not this one’s', () => {
    const other = run(
      edit('journal.log', (t) => t.replaceAll('orders.service:', 'billing.service:')),
    );
    const found = managed(other)!;
    expect(found.role).toBe('risk');
    expect(found.explains).toBe(0);
  });

  it('near miss: a long enough TimeoutStopSec: no finding, whatever the journal says', () => {
    expect(
      managed(
        run(edit('orders.service', (t) => t.replace('TimeoutStopSec=15', 'TimeoutStopSec=90'))),
      ),
    ).toBeUndefined();
  });
});
