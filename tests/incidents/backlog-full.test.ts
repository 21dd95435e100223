/**
 * Incident: at 09:00 everyone opens the monthly PDF (40 s each); 8 uWSGI processes are busy,
 * the default listen queue of 100 fills and nginx's connect() gets EAGAIN. The listen raise is
 * an opt-in (unsafe) fix, so the fixture runs with unsafe fixes allowed.
 */
import { join } from 'node:path';
import { describe } from 'vitest';
import { runIncident } from '../rules/lib/incident.ts';

describe('incident: backlog-full', () => {
  runIncident('backlog-full', join(import.meta.dirname, 'backlog-full'), {
    nginxVersion: '1.22.1',
    unsafe: true,
  });
});
