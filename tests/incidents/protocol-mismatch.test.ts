/**
 * Incident: moved to containers, nginx now uses proxy_pass (HTTP) to the app container's
 * uWSGI `socket` (uwsgi protocol). uWSGI reads "GET " as a 21573-byte packet header.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { readFiles } from '../helpers/incident-files.ts';
import { runIncident } from '../rules/lib/incident.ts';

describe('incident: protocol-mismatch', () => {
  runIncident('protocol-mismatch', join(import.meta.dirname, 'protocol-mismatch'), {
    nginxVersion: '1.22.1',
  });
});

/**
 * Incident: uwsgi_pass to a uWSGI started with `http =` (its own HTTP router). The router waits
 * for the end of an HTTP header the uwsgi packet never has, so nginx logs "upstream timed out":
 * the timeout is the symptom, the protocol mismatch its cause.
 */
describe('incident: protocol-mismatch behind a timeout (uwsgi_pass to `http =`)', () => {
  const dir = join(import.meta.dirname, 'protocol-mismatch-router');
  runIncident('protocol-mismatch', dir, { nginxVersion: '1.22.1' });

  it('ranks the timeout below the mismatch, and each card names the other', () => {
    const { findings } = analyze(readFiles(join(dir, 'input')), { nginxVersion: '1.22.1' });
    expect(findings.map((f) => [f.cause, f.role, f.explains])).toEqual([
      ['protocol-mismatch', 'cause', 3],
      ['proxy-timeout', 'cause', 3],
    ]);
    expect(findings[0]!.message).toContain(
      'This is why nginx logged the 3 failure line(s) listed under "nginx timed out waiting',
    );
    expect(findings[1]!.message).toContain(
      'explained above by "nginx and the app server speak different protocols"',
    );
  });
});
