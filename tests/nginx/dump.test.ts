import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildConfig,
  findNginxVersion,
  parseNginx,
  splitDump,
} from '../../workers/engine/formats/nginx/index.ts';
import { NGINX_BIN, nginxMissing, nginxMissingReason } from '../helpers/nginx-t.ts';

describe('splitDump', () => {
  it('is null for text that is not a dump', () => {
    expect(splitDump('http {\n}\n')).toBeNull();
  });

  it('splits on the markers, drops the preamble and the LF nginx appends to each file', () => {
    const dump = [
      'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok',
      'nginx: configuration file /etc/nginx/nginx.conf test is successful',
      '# configuration file /etc/nginx/nginx.conf:',
      'events {}',
      'http { include /etc/nginx/conf.d/*.conf; }',
      '',
      '# configuration file /etc/nginx/conf.d/a.conf:',
      'server { listen 80; }',
      '',
      '',
    ].join('\n');
    expect(splitDump(dump)).toEqual([
      {
        name: '/etc/nginx/nginx.conf',
        text: 'events {}\nhttp { include /etc/nginx/conf.d/*.conf; }\n',
      },
      { name: '/etc/nginx/conf.d/a.conf', text: 'server { listen 80; }\n' },
    ]);
  });

  it('handles a CRLF paste of a dump', () => {
    const parts = splitDump(
      '# configuration file /a.conf:\r\nx 1;\r\n\r\n# configuration file /b.conf:\r\ny 2;\r\n',
    );
    expect(parts).toEqual([
      { name: '/a.conf', text: 'x 1;\r\n' },
      { name: '/b.conf', text: 'y 2;' },
    ]);
  });

  const realDump = 'gives back every file byte for byte from a real nginx -T dump';
  it.skipIf(nginxMissing)(nginxMissing ? `${realDump} (${nginxMissingReason})` : realDump, () => {
    const dir = mkdtempSync(join(tmpdir(), 'nginx-dump-'));
    try {
      mkdirSync(join(dir, 'conf.d'));
      mkdirSync(join(dir, 'logs'));
      const files: Record<string, string> = {
        'nginx.conf': 'events {}\r\nhttp {\r\n\tinclude conf.d/*.conf;\r\n}',
        'conf.d/a.conf': 'server { listen 127.0.0.1:18081; }\n',
        'conf.d/b.conf': '# caf\u00e9\nserver { listen 127.0.0.1:18082; }\n\n',
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      const dump = execFileSync(
        NGINX_BIN as string,
        [
          '-T',
          '-q',
          '-p',
          dir + '/',
          '-c',
          join(dir, 'nginx.conf'),
          '-g',
          `error_log ${join(dir, 'logs/e.log')};`,
        ],
        {
          encoding: 'utf8',
        },
      );
      const split = splitDump(dump);
      expect(split).toEqual(
        Object.entries(files).map(([name, text]) => ({ name: join(dir, name), text })),
      );
      const config = buildConfig(split!.map((f) => parseNginx(f.name, f.text)));
      expect(config.errors).toEqual([]);
      expect(
        config.nodes().filter((n) => n.name === 'listen' && n.context === 'server'),
      ).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('findNginxVersion', () => {
  it.each([
    ['nginx version: nginx/1.22.1', '1.22.1'],
    ['$ nginx -V\nnginx version: nginx/1.29.7\nbuilt with OpenSSL 3.0.11', '1.29.7'],
    ['HTTP/1.1 502 Bad Gateway\r\nServer: nginx/1.18.0 (Ubuntu)\r\n', '1.18.0'],
    ['< server: nginx/1.25.3', '1.25.3'],
    ['nginx version: openresty/1.21.4.1', '1.21.4'],
    ['Server: nginx', null],
    ['upstream prematurely closed connection', null],
  ])('%j → %s', (text, version) => {
    expect(findNginxVersion(text)).toBe(version);
  });
});
