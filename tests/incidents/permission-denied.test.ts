/**
 * Incident: a tutorial-style deploy — gunicorn under systemd binds a socket inside the app
 * user's home directory; nginx (www-data) is refused with "13: Permission denied". gunicorn's
 * umask (0) leaves the socket itself open, so what shuts nginx out is the home directory (or
 * SELinux): advice with the command that shows which, and no file changed.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { readFiles } from '../helpers/incident-files.ts';
import { runIncident } from '../rules/lib/incident.ts';

const dir = join(import.meta.dirname, 'permission-denied');

describe('incident: permission-denied', () => {
  runIncident('permission-denied', dir, { nginxVersion: '1.22.1' });

  it('reads the socket from the systemd unit and blames the path, not the mode', () => {
    const top = analyze(readFiles(join(dir, 'input')), { nginxVersion: '1.22.1' }).findings[0]!;
    expect(top).toMatchObject({ role: 'cause', explains: 3 });
    expect(top.message).toContain('umask 0o000');
    expect(top.message).toContain('a directory above /home/deploy/shop/shop.sock');
    expect(top.fix!.description).toContain('namei -l /home/deploy/shop/shop.sock');
    expect(top.evidence.map((e) => e.file)).toContain('gunicorn.service');
  });
});
