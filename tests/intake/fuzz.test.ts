/**
 * Intake never throws on any text, and what it returns is well-formed: segments in order,
 * not overlapping, inside the paste, each with a paste line for every one of its lines.
 * Inputs are built from the very tokens the segmenter looks for, so generated texts reach
 * its fences, prompts, banners, captions, docstrings and wraps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segmentText } from '../../workers/engine/intake/index.ts';
import { formatsFor } from '../../workers/engine/logs/nginx-access.ts';

const PIECES = [
  '```',
  '```nginx',
  '~~~yaml',
  '$ cat /etc/nginx/nginx.conf',
  'root@web:~# tail -n 5 error.log',
  '# cat gunicorn.conf.py',
  '==> /var/log/nginx/error.log <==',
  '--- uwsgi.ini ---',
  '### nginx.conf',
  '**gunicorn.conf.py**',
  'nginx.conf:',
  '> ',
  '>',
  '"""',
  "'''",
  'server {',
  '}',
  '    location / { proxy_pass http://127.0.0.1:8000; }',
  'init_by_lua_block {',
  'keepalive_timeout 65;',
  'bind = "127.0.0.1:8000"',
  'timeout = 30',
  '[uwsgi]',
  'harakiri = 60 ; kill slow workers',
  'apiVersion: v1',
  'kind: Deployment',
  '  containers:',
  '  nginx.conf: |',
  '---',
  '# configuration file /etc/nginx/conf.d/a.conf:',
  'I set timeout 30 in gunicorn but nginx still returns 502.',
  '2024/03/11 09:41:07 [error] 1187#1187: *1 upstream prematurely closed connection while reading response header from upstr',
  'eam, client: 1.2.3.4, server: a, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "a"',
  '[2024-03-11 09:41:07 +0000] [912] [CRITICAL] WORKER TIMEOUT (pid:915)',
  'Traceback (most recent call last):',
  '  File "x.py", line 1, in y',
  'LAST SEEN   TYPE     REASON   OBJECT   MESSAGE',
  '',
  '    ',
  '\t',
  '{',
  'def post_fork(server, worker):',
];

const lineCount = (text: string) =>
  text === '' ? 0 : text.replace(/\r?\n$/, '').split(/\r?\n/).length;

describe('segmentText on any text', () => {
  it('never throws, and its segments are in order, disjoint and mapped line by line', () => {
    const formats = formatsFor(undefined);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 40 })), {
          maxLength: 60,
        }),
        fc.constantFrom('\n', '\r\n'),
        (parts, eol) => {
          const text = parts.join(eol);
          const total = text.split('\n').length;
          const segments = segmentText('pasted', text, formats);
          let after = 0;
          for (const s of segments) {
            expect(s.from).toBeGreaterThan(after);
            expect(s.to).toBeGreaterThanOrEqual(s.from);
            expect(s.to).toBeLessThanOrEqual(total);
            expect(s.lineMap).toHaveLength(lineCount(s.text));
            for (const [k, line] of s.lineMap.entries()) {
              expect(line).toBeGreaterThanOrEqual(s.from);
              expect(line).toBeLessThanOrEqual(s.to);
              if (k > 0) expect(line).toBeGreaterThan(s.lineMap[k - 1]!);
            }
            after = s.to;
          }
        },
      ),
      { numRuns: 600 },
    );
  });
});
