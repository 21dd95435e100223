import { describe, expect, it } from 'vitest';
import {
  buildConfig,
  effective,
  includeMatches,
  parseNginx,
  type NginxConfig,
} from '../../workers/engine/formats/nginx/index.ts';

const build = (files: Record<string, string>): NginxConfig =>
  buildConfig(Object.entries(files).map(([name, text]) => parseNginx(name, text)));

describe('includes', () => {
  it('match by path suffix and glob', () => {
    const file = (name: string) => ({ name, main: false });
    expect(includeMatches('/etc/nginx/conf.d/*.conf', file('conf.d/a.conf'))).toBe(true);
    expect(includeMatches('/etc/nginx/conf.d/*.conf', file('a.conf'))).toBe(true);
    expect(includeMatches('/etc/nginx/conf.d/*.conf', file('/etc/nginx/conf.d/a.conf'))).toBe(true);
    expect(includeMatches('conf.d/*.conf', file('/etc/nginx/conf.d/a.conf'))).toBe(true);
    expect(includeMatches('/etc/nginx/conf.d/*.conf', file('sites-enabled/a.conf'))).toBe(false);
    expect(includeMatches('/etc/nginx/conf.d/*.conf', file('a.txt'))).toBe(false);
    expect(includeMatches('snippets/ssl-[ab].conf', file('snippets/ssl-a.conf'))).toBe(true);
    expect(includeMatches('snippets/ssl-[ab].conf', file('snippets/ssl-c.conf'))).toBe(false);
    expect(includeMatches('proxy_params', file('/etc/nginx/proxy_params'))).toBe(true);
    // A bare name matched only by a wildcard is not taken for a main config.
    expect(includeMatches('sites-enabled/*', { name: 'nginx.conf', main: true })).toBe(false);
  });

  it('splices included files in place with their effective context', () => {
    const c = build({
      '/etc/nginx/nginx.conf': 'events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n}\n',
      'conf.d/app.conf': 'server {\n  listen 80;\n  include snippets/proxy.conf;\n}\n',
      'snippets/proxy.conf': 'proxy_read_timeout 5s;\n',
    });
    expect(c.errors).toEqual([]);
    expect(c.roots.map((r) => [r.file.name, r.context])).toEqual([
      ['/etc/nginx/nginx.conf', 'main'],
    ]);
    const server = c.nodes().find((n) => n.name === 'server');
    expect(server?.context).toBe('http');
    expect(server?.via.map((d) => d.args[0])).toEqual(['/etc/nginx/conf.d/*.conf']);
    const timeout = c.nodes().find((n) => n.name === 'proxy_read_timeout');
    expect(timeout?.context).toBe('server');
    expect(timeout?.parent).toBe(server);
    expect(timeout?.file).toBe('snippets/proxy.conf');
    expect(c.contextsOf(timeout!.directive)).toEqual(['server']);
  });

  it('a snippet included from two places has both contexts', () => {
    const c = build({
      'nginx.conf':
        'events {}\nhttp {\n  include common.conf;\n  server { location / { include common.conf; } }\n}\n',
      'common.conf': 'proxy_read_timeout 5s;\n',
    });
    const d = c.files[1]!.directives()[0]!;
    expect(c.contextsOf(d)).toEqual(['http', 'location']);
  });

  it('reports missing includes and cycles with file and line, and goes on', () => {
    const c = build({
      'nginx.conf':
        'events {}\nhttp {\n  include mime.types;\n  include a.conf;\n  include none/*.conf;\n}\n',
      'a.conf': 'server { include b.conf; }\n',
      'b.conf': 'include a.conf;\nlisten 80;\n',
    });
    expect(c.errors).toEqual([
      {
        file: 'nginx.conf',
        line: 3,
        message:
          'include "mime.types" matches none of the pasted files (its directives are not analysed)',
        kind: 'unmatched-include',
      },
      {
        file: 'b.conf',
        line: 1,
        message: 'include cycle: a.conf → b.conf → a.conf',
        kind: 'include-cycle',
      },
    ]);
    expect(c.nodes().some((n) => n.name === 'listen' && n.context === 'server')).toBe(true);
  });

  it('reports a file including itself', () => {
    const c = build({ 'conf.d/self.conf': 'include conf.d/self.conf;\n' });
    expect(c.errors[0]?.message).toBe('include cycle: conf.d/self.conf → conf.d/self.conf');
  });

  it('reads a snippet nothing includes in the context it was written for', () => {
    expect(build({ 'site.conf': 'server { listen 80; }' }).roots[0]?.context).toBe('http');
    expect(build({ 'loc.conf': 'location / { }' }).roots[0]?.context).toBe('server');
    expect(build({ 'p.conf': 'proxy_pass http://x;' }).roots[0]?.context).toBe('location');
  });
});

const APP = {
  'nginx.conf': `events {}
http {
  proxy_read_timeout 30s;
  proxy_set_header Host $host;
  proxy_set_header X-Real-IP $remote_addr;
  upstream app {
    server 127.0.0.1:8000 max_fails=3;
    server unix:/run/app.sock backup;
    keepalive 16;
    keepalive_timeout 30s;
  }
  upstream plain { server 10.0.0.1:80; }
  server {
    listen 80;
    server_name example.com www.example.com;
    proxy_read_timeout 45s;
    location / {
      proxy_pass http://app;
      location /inner {
        proxy_set_header Upgrade $http_upgrade;
      }
      if ($request_method = POST) {
        proxy_read_timeout 90s;
      }
    }
    location = /plain { proxy_pass http://plain:80/x; }
    location ~* \\.php$ { fastcgi_pass 127.0.0.1:9000; fastcgi_read_timeout 300; }
    location @fallback { uwsgi_pass unix:/run/uwsgi.sock; }
  }
}
`,
};

describe('queries', () => {
  const c = build(APP);

  it('upstreams with servers and keepalive settings', () => {
    const [app, plain] = c.upstreams();
    expect(app?.name).toBe('app');
    expect(app?.line).toBe(6);
    expect(app?.servers).toEqual([
      { address: '127.0.0.1:8000', params: ['max_fails=3'], file: 'nginx.conf', line: 7 },
      { address: 'unix:/run/app.sock', params: ['backup'], file: 'nginx.conf', line: 8 },
    ]);
    expect(app?.keepalive?.value).toEqual(['16']);
    expect(app?.keepaliveTimeout?.line).toBe(10);
    expect(app?.keepaliveRequests).toBeNull();
    expect(plain?.keepalive).toBeNull();
  });

  it('locations with server, modifier, pass target and the upstream it names', () => {
    const locs = c.locations();
    expect(
      locs.map((l) => [l.modifier, l.path, l.pass?.directive ?? null, l.upstream?.name ?? null]),
    ).toEqual([
      ['', '/', 'proxy_pass', 'app'],
      ['', '/inner', null, null],
      ['=', '/plain', 'proxy_pass', 'plain'],
      ['~*', '\\.php$', 'fastcgi_pass', null],
      ['@', '@fallback', 'uwsgi_pass', null],
    ]);
    expect(locs[0]?.server.names).toEqual(['example.com', 'www.example.com']);
    expect(locs[0]?.server.listen).toEqual(['80']);
    expect(locs[3]?.pass?.host).toBe('127.0.0.1:9000');
    expect(locs[4]?.pass?.host).toBe('unix:/run/uwsgi.sock');
  });
});

describe('effective values (nginx inheritance)', () => {
  const c = build(APP);
  const loc = (path: string) => c.locations().find((l) => l.path === path)!;
  const ifNode = c.nodes().find((n) => n.name === 'if')!;

  it('innermost level wins: server over http, default when unset', () => {
    expect(effective(c, loc('/'), 'proxy_read_timeout', '1.22.1')).toMatchObject({
      value: ['45s'],
      source: { file: 'nginx.conf', line: 16 },
    });
    expect(effective(c, loc('\\.php$'), 'fastcgi_read_timeout', '1.22.1')).toMatchObject({
      value: ['300'],
      source: { line: 27 },
    });
    expect(effective(c, loc('/'), 'proxy_connect_timeout', '1.22.1')).toEqual({
      value: ['60s'],
      source: { default: 'nginx 1.22 default' },
    });
  });

  it('nested locations and if blocks inherit like nested locations', () => {
    expect(effective(c, loc('/inner'), 'proxy_read_timeout', '1.22.1').value).toEqual(['45s']);
    expect(effective(c, ifNode, 'proxy_read_timeout', '1.22.1').value).toEqual(['90s']);
    expect(effective(c, loc('/'), 'proxy_read_timeout', '1.22.1').value).toEqual(['45s']);
  });

  it('array directives: an inner level that sets one entry replaces all outer ones', () => {
    const outer = effective(c, loc('/'), 'proxy_set_header', '1.22.1');
    expect(outer.entries?.map((e) => e.value)).toEqual([
      ['Host', '$host'],
      ['X-Real-IP', '$remote_addr'],
    ]);
    const inner = effective(c, loc('/inner'), 'proxy_set_header', '1.22.1');
    expect(inner.entries?.map((e) => e.value)).toEqual([['Upgrade', '$http_upgrade']]);
  });

  it('proxy_pass is not inherited by nested locations, only into if', () => {
    expect(effective(c, loc('/inner'), 'proxy_pass', '1.22.1').value).toBeNull();
    expect(effective(c, ifNode, 'proxy_pass', '1.22.1')).toMatchObject({
      value: ['http://app'],
      source: { line: 18 },
    });
  });

  it('rewrite directives are not inherited at all', () => {
    const r = build({ 's.conf': 'server { return 301 https://x; location / { } }' });
    expect(effective(r, r.locations()[0]!, 'return', '1.22.1').value).toBeNull();
  });

  it('top-level settings of a root snippet count as its outermost level', () => {
    const r = build({
      'site.conf': 'proxy_read_timeout 7s;\nserver { location / { proxy_pass http://a; } }',
    });
    expect(effective(r, r.locations()[0]!, 'proxy_read_timeout', '1.22.1')).toMatchObject({
      value: ['7s'],
      source: { line: 1 },
    });
  });

  it('defaults follow the selected version', () => {
    const at = (v: string, name: string) => effective(c, loc('/'), name, v);
    expect(at('1.29.6', 'proxy_http_version')).toEqual({
      value: ['1.0'],
      source: { default: 'nginx 1.29.6 default' },
    });
    expect(at('1.29.7', 'proxy_http_version')).toEqual({
      value: ['1.1'],
      source: { default: 'nginx 1.29.7 default' },
    });
    expect(at('1.30.0', 'proxy_http_version').value).toEqual(['1.1']);
    expect(at('1.18.0', 'keepalive_requests')).toEqual({
      value: ['100'],
      source: { default: 'nginx 1.18 default' },
    });
    expect(at('1.19.9', 'keepalive_requests').value).toEqual(['100']);
    expect(at('1.19.10', 'keepalive_requests').value).toEqual(['1000']);
    expect(at('1.22.1', 'client_max_body_size').value).toEqual(['1m']);
    expect(at('1.22.1', 'proxy_buffer_size')).toMatchObject({
      value: ['4k'],
      note: expect.stringMatching(/memory page/),
    });
    expect(at('1.22.1', 'proxy_next_upstream').value).toEqual(['error', 'timeout']);
    expect(at('1.22.1', 'uwsgi_read_timeout').value).toEqual(['60s']);
    expect(at('1.22.1', 'no_such_directive')).toEqual({
      value: null,
      source: { default: 'not set; no default known for no_such_directive' },
    });
  });

  it('upstream defaults: keepalive only from 1.29.7, 60s keepalive_timeout', () => {
    const plain = c.upstreams()[1]!.node;
    expect(effective(c, plain, 'keepalive', '1.28.0')).toMatchObject({
      value: null,
      source: { default: 'nginx 1.28 default' },
    });
    expect(effective(c, plain, 'keepalive', '1.29.7')).toMatchObject({ value: ['32', 'local'] });
    expect(effective(c, plain, 'keepalive_timeout', '1.22.1').value).toEqual(['60s']);
    expect(effective(c, c.upstreams()[0]!.node, 'keepalive_timeout', '1.22.1').value).toEqual([
      '30s',
    ]);
  });
});
