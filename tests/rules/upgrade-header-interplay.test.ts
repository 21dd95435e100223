/**
 * upgrade-header beside the other rules and on real configs: with keepalive-inert on the same
 * location both fixes apply and neither finds anything after (the two read the Connection
 * header through the same lib/connection-header.ts), and the pinned corpus results.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';
import { checkCorpus } from './corpus-check.ts';

const RULE = 'upgrade-header';
const run = (files: SourceFile[], nginxVersion = '1.22.1') => analyze(files, { nginxVersion });

describe('upgrade-header with keepalive-inert', () => {
  it('with keepalive-inert on the same location both fixes apply and neither finds anything after', () => {
    const files = [
      {
        name: 'app.conf',
        text: `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
}
server {
    location / {
        proxy_pass http://app;
        proxy_set_header Connection "upgrade";
    }
}
`,
      },
    ];
    const report = run(files);
    expect(report.findings.map((f) => f.rule).sort()).toEqual(['keepalive-inert', RULE]);
    expect(report.findings.every((f) => f.fix?.applied)).toBe(true);
    const text = report.fixed[0]!.text;
    expect(text).toBe(`map $http_upgrade $connection_upgrade {
    default upgrade;
    '' "";
}
upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
}
server {
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection $connection_upgrade;
    }
}
`);
    const again = run([{ name: 'app.conf', text }]);
    expect(again.findings.filter((f) => f.rule === RULE || f.rule === 'keepalive-inert')).toEqual(
      [],
    );
    if (!nginxMissing) expect(nginxTest([{ name: 'app.conf', text }]).ok).toBe(true);
  });
});

describe('upgrade-header on the real configs of the corpus', () => {
  it('fires only where expected; applied fixes pass nginx -t and leave nothing behind', () => {
    checkCorpus('upgrade-header', {
      'GeoNode__geonode-project__docker__nginx__geonode.conf.envsubst': 'manual',
      'laradock__laradock__nginx__sites__node.conf.example': 'safe',
    });
  });
});
