/**
 * Incident: a Flask shop keeps the basket in a signed session cookie; once it grows past
 * ~5 KB, uWSGI (buffer-size 4096 by default) drops the request and nginx answers 502.
 */
import { join } from 'node:path';
import { describe } from 'vitest';
import { runIncident } from '../rules/lib/incident.ts';

describe('incident: header-size', () => {
  runIncident('header-size', join(import.meta.dirname, 'header-size'), { nginxVersion: '1.22.1' });
});
