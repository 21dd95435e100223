/**
 * worker-recycle for Apache httpd: MaxConnectionsPerChild (or 2.2's MaxRequestsPerChild) makes a
 * child of the event or worker MPM exit and close its idle keep-alive connections under nginx's
 * pool; a prefork child serves one connection and exits when it ends, dropping nothing. Apache
 * has no jitter option, so there is no "all at once" finding.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { eachPlace } from '../../workers/engine/pipeline/places.ts';

const POOLED = {
  name: 'nginx.conf',
  text: 'events {}\nhttp {\n    upstream legacy {\n        server 127.0.0.1:8080;\n        keepalive 16;\n        keepalive_timeout 4s;\n    }\n    server {\n        location / {\n            proxy_pass http://legacy;\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n        }\n    }\n}\n',
};
const httpd = (lines: string) => ({
  name: 'httpd.conf',
  text: `ServerRoot "/etc/httpd"\nListen 127.0.0.1:8080\n${lines}`,
});
const recycle = (files: SourceFile[]) =>
  analyze(files, { nginxVersion: '1.24.0' })
    .findings.filter((f) => f.rule === 'worker-recycle')
    .flatMap((f) => eachPlace(f));

describe('worker-recycle: Apache httpd', () => {
  it('event MPM (loaded, or the 2.4 default) with MaxConnectionsPerChild behind a pool: the pool finding', () => {
    for (const conf of [
      httpd('LoadModule mpm_event_module modules/mod_mpm_event.so\nMaxConnectionsPerChild 500\n'),
      httpd('MaxRequestsPerChild 500\n'),
    ]) {
      const [hit, ...rest] = recycle([POOLED, conf]);
      expect(rest).toEqual([]);
      expect(hit!.title).toBe('Recycled workers drop the connections nginx pools');
      expect(hit!.evidence).toContainEqual(expect.objectContaining({ file: 'httpd.conf' }));
      expect(hit!.fix).toMatchObject({ safety: 'unsafe', applied: false });
    }
  });

  it('near misses: prefork, no limit, no pool', () => {
    expect(
      recycle([
        POOLED,
        httpd(
          'LoadModule mpm_prefork_module modules/mod_mpm_prefork.so\nMaxConnectionsPerChild 500\n',
        ),
      ]),
    ).toEqual([]);
    expect(recycle([POOLED, httpd('MaxConnectionsPerChild 0\n')])).toEqual([]);
    const unpooled = { ...POOLED, text: POOLED.text.replace(/ {8}keepalive.*\n/g, '') };
    expect(recycle([unpooled, httpd('MaxConnectionsPerChild 500\n')])).toEqual([]);
  });
});
