/**
 * Incident: gunicorn moved its socket to /run/wiki/ (systemd RuntimeDirectory) while nginx
 * still connects to /run/gunicorn.sock; gunicorn is up, nginx finds no socket file.
 */
import { join } from 'node:path';
import { describe } from 'vitest';
import { runIncident } from '../rules/lib/incident.ts';

describe('incident: address-mismatch', () => {
  runIncident('address-mismatch', join(import.meta.dirname, 'address-mismatch'), {
    nginxVersion: '1.22.1',
  });
});
