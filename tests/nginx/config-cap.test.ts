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
