/**
 * Incident: a desktop sync client imports 15–23 MB documents through /api/, which inherits the
 * http-level 10m limit (only /uploads/ was raised). nginx answers 413 itself.
 */
import { join } from 'node:path';
import { describe } from 'vitest';
import { runIncident } from '../rules/lib/incident.ts';

describe('incident: body-limit', () => {
  runIncident('body-limit', join(import.meta.dirname, 'body-limit'), { nginxVersion: '1.22.1' });
});
