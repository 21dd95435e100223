/**
 * Incident: moved to containers, nginx now uses proxy_pass (HTTP) to the app container's
 * uWSGI `socket` (uwsgi protocol). uWSGI reads "GET " as a 21573-byte packet header.
 */
import { join } from 'node:path';
import { describe } from 'vitest';
import { runIncident } from '../rules/lib/incident.ts';

describe('incident: protocol-mismatch', () => {
  runIncident('protocol-mismatch', join(import.meta.dirname, 'protocol-mismatch'), {
    nginxVersion: '1.22.1',
  });
});
