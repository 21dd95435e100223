/**
 * The cap on expanded directives stops includes that fan out, but a fleet's config that is
 * simply big is read whole: the cap scales with the directives given.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../workers/engine/formats/nginx/config.ts';
import { parseNginx } from '../../workers/engine/formats/nginx/parse.ts';

describe('the expansion cap', () => {
  it('stops includes that fan out, saying where', () => {
    // Each level includes the next ten times: 10^6 copies of the last file's directive.
    const files = [
      parseNginx('nginx.conf', 'events {}\nhttp {\n' + '    include l1.conf;\n'.repeat(10) + '}\n'),
      ...[1, 2, 3, 4, 5, 6].map((n) =>
        parseNginx(`l${n}.conf`, n < 6 ? `include l${n + 1}.conf;\n`.repeat(10) : 'gzip on;\n'),
      ),
    ];
    const config = buildConfig(files);
    expect(config.errors.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/^includes expand to more than 500000 directives/),
    );
    expect(config.nodes().length).toBeLessThanOrEqual(500_000);
  });

  it('reads a config of 600,000 directives whole', () => {
    const servers = Array.from(
      { length: 150_000 },
      (_, i) => `server { listen 80; location /s${i} { proxy_pass http://10.0.0.1; } }\n`,
    );
    const config = buildConfig([parseNginx('nginx.conf', `http {\n${servers.join('')}}\n`)]);
    expect(config.errors).toEqual([]);
    expect(config.locations()).toHaveLength(150_000);
  });
});

describe('configuration errors reach the report', () => {
  it('an include cycle is a problem of its file; an include of an unpasted file is not', async () => {
    const { analyze } = await import('../../workers/engine/analyze.ts');
    const report = analyze(
      [
        {
          name: 'nginx.conf',
          text: 'events {}\nhttp {\n    include /etc/nginx/mime.types;\n    include a.conf;\n}\n',
        },
        { name: 'a.conf', text: 'include b.conf;\n' },
        { name: 'b.conf', text: 'include a.conf;\n' },
      ],
      { nginxVersion: '1.24.0' },
    );
    const errors = report.files.flatMap((f) =>
      f.errors.map((e) => `${f.name}:${e.line} ${e.message}`),
    );
    expect(errors).toContainEqual(expect.stringMatching(/^b\.conf:1 include cycle: /));
    expect(errors.join('\n')).not.toContain('mime.types');
  });
});
