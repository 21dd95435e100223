/**
 * Incident: a config-management run stopped gunicorn (SIGTERM, master shut down) and nothing
 * started it again; nginx and gunicorn agree on 127.0.0.1:8000, connections are refused.
 * The fix is manual, so no file changes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { runIncident } from '../rules/lib/incident.ts';

const dir = join(import.meta.dirname, 'backend-down');

describe('incident: backend-down', () => {
  runIncident('backend-down', dir, { nginxVersion: '1.22.1' });

  it('cites the shutdown gunicorn logged before the refusals, and advises without editing', () => {
    const input = join(dir, 'input');
    const files = readdirSync(input).map((name) => ({
      name,
      text: readFileSync(join(input, name), 'utf8'),
    }));
    const top = analyze(files, { nginxVersion: '1.22.1' }).findings[0]!;
    expect(top.message).toContain('gunicorn shutdown');
    expect(top.evidence.some((e) => e.file === 'gunicorn.log')).toBe(true);
    expect(top.fix).toMatchObject({ safety: 'manual', applied: false });
  });
});
