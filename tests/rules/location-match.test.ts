/**
 * matchLocation / matchServer: nginx's server and location selection, case by case (each
 * expectation written from the nginx docs' rules, not from what the code printed).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig, parseNginx } from '../../workers/engine/formats/nginx/index.ts';
import { matchLocation, matchServer } from '../../workers/engine/rules/lib/location-match.ts';
import { nginxMissing } from '../helpers/nginx-t.ts';
import { freePort, get, startNginx, type RunningNginx } from './lib/nginx-server.ts';

const config = (...files: [string, string][]) =>
  buildConfig(files.map(([name, text]) => parseNginx(name, text)));

/** The matched location as "modifier path" (its marker), or null. */
function pick(cfg: ReturnType<typeof config>, host: string | null, path: string): string | null {
  const l = matchLocation(cfg, host, path);
  if (!l) return null;
  const marker = l.node.children.find((c) => c.name === 'return')?.args[1];
  return marker ?? `${l.modifier} ${l.path}`.trim();
}

const locationsText = `server {
    listen 80;
    server_name example.com;
    location = / { return 200 exact-root; }
    location / { return 200 root; }
    location /images/ { return 200 images; }
    location ^~ /static/ { return 200 static; }
    location ~* \\.(gif|jpg|png)$ { return 200 img-regex; }
    location ~ ^/api/v[0-9]+/ { return 200 api-regex; }
    location /api/ { return 200 api-prefix; }
    location /api/upload/ {
        location ~ \\.csv$ { return 200 nested-csv; }
        location = /api/upload/big { return 200 nested-exact; }
        location /api/upload/chunks/ { return 200 nested-prefix; }
        return 200 upload;
    }
    location /docs/ {
        location ^~ /docs/raw/ { return 200 docs-raw; }
        return 200 docs;
    }
    location ~ /docs/.*\\.md$ { return 200 md-regex; }
    location @fallback { return 200 named; }
}
`;
const locations = config(['app.conf', locationsText]);

const locationCases: [string, string][] = [
  ['/', 'exact-root'],
  ['/index.html', 'root'],
  ['/images/a.txt', 'images'],
  // a regex beats the longest prefix unless that prefix is ^~
  ['/images/a.gif', 'img-regex'],
  ['/static/a.gif', 'static'],
  ['/IMAGES/B.PNG', 'img-regex'],
  // regexes are tried in config order, the first match wins
  ['/api/v2/users', 'api-regex'],
  ['/api/users', 'api-prefix'],
  // nested: exact, prefix and regex inside the longest prefix
  ['/api/upload/big', 'nested-exact'],
  ['/api/upload/chunks/1', 'nested-prefix'],
  ['/api/upload/report.csv', 'nested-csv'],
  ['/api/upload/x', 'upload'],
  // a nested prefix match does not stop the outer level's regexes
  ['/docs/guide.md', 'md-regex'],
  ['/docs/guide.txt', 'docs'],
  // ...but a nested ^~ stops only the nested level's regexes, not the outer ones
  ['/docs/raw/a.md', 'md-regex'],
  // query strings, escapes and doubled slashes are normalised as nginx does
  ['/api/users?x=/images/a.gif', 'api-prefix'],
  ['//images//a.txt', 'images'],
  ['/im%61ges/a.txt', 'images'],
];

describe('matchLocation: the location algorithm', () => {
  for (const [path, expected] of locationCases) {
    it(`${path} → ${expected}`, () => {
      expect(pick(locations, 'example.com', path)).toBe(expected);
    });
  }

  it('named locations are never matched by a path', () => {
    const cfg = config(['a.conf', 'server { location @x { return 200 named; } }\n']);
    expect(matchLocation(cfg, null, '/x')).toBeNull();
  });

  it('no matching location: null (the server level serves it)', () => {
    const cfg = config(['a.conf', 'server { location /api/ { return 200 api; } }\n']);
    expect(matchLocation(cfg, null, '/other')).toBeNull();
    expect(pick(cfg, null, '/api/x')).toBe('api');
  });

  it('a PCRE named group and (?i) compile; an uncompilable regex matches nothing', () => {
    const cfg = config([
      'a.conf',
      `server {
    location ~ ^/(?P<id>[0-9]+)$ { return 200 pcre-named; }
    location ~ (?i)^/CASE { return 200 inline-i; }
    location ~ ^/a++b { return 200 possessive; }
    location / { return 200 root; }
}
`,
    ]);
    expect(pick(cfg, null, '/42')).toBe('pcre-named');
    expect(pick(cfg, null, '/case')).toBe('inline-i');
    expect(pick(cfg, null, '/aab')).toBe('possessive');
  });

  it('a snippet of bare locations (written for the server context) is one server', () => {
    const cfg = config([
      'locations.conf',
      'location / { return 200 root; }\nlocation /up { return 200 up; }\n',
    ]);
    expect(pick(cfg, 'anything', '/up/x')).toBe('up');
  });

  it('a location file included into a server is matched in that server', () => {
    const cfg = config(
      ['nginx.conf', 'http { server { server_name a.test; include snippets/app.conf; } }\n'],
      ['snippets/app.conf', 'location /app/ { return 200 app; }\n'],
    );
    expect(pick(cfg, 'a.test', '/app/1')).toBe('app');
  });
});

const serversText = `server { listen 80; server_name first.test; location / { return 200 first; } }
server { listen 80 default_server; server_name _; location / { return 200 default80; } }
server { listen 80; server_name www.example.com; location / { return 200 exact; } }
server { listen 80; server_name *.example.com; location / { return 200 star-leading; } }
server { listen 80; server_name *.api.example.com; location / { return 200 longer-leading; } }
server { listen 80; server_name www.example.*; location / { return 200 trailing; } }
server { listen 80; server_name ~^(?<user>.+)\\.users\\.test$; location / { return 200 regex1; } }
server { listen 80; server_name ~users\\.test$; location / { return 200 regex2; } }
server { listen 80; server_name .dot.test; location / { return 200 dot; } }
server { listen 8080 default_server; server_name other.test; location / { return 200 default8080; } }
server { listen 8080; server_name port.test; location / { return 200 port8080; } }
`;
const servers = config(['sites.conf', serversText]);

const serverCases: [string | null, string][] = [
  ['www.example.com', 'exact'],
  ['WWW.Example.COM.', 'exact'],
  ['a.example.com', 'star-leading'],
  ['v1.api.example.com', 'longer-leading'],
  ['www.example.org', 'trailing'],
  ['bob.users.test', 'regex1'],
  ['dot.test', 'dot'],
  ['a.b.dot.test', 'dot'],
  ['unknown.test', 'default80'],
  [null, 'default80'],
  ['first.test', 'first'],
  // the Host header's port selects the servers listening there
  ['unknown.test:8080', 'default8080'],
  ['port.test:8080', 'port8080'],
  ['first.test:8080', 'default8080'],
];

describe('matchServer: server_name and listen', () => {
  for (const [host, expected] of serverCases) {
    it(`${host} → ${expected}`, () => {
      expect(pick(servers, host, '/')).toBe(expected);
    });
  }

  it('exact names beat wildcards even when a wildcard server comes first', () => {
    const cfg = config([
      'a.conf',
      `server { server_name *.a.test; location / { return 200 wild; } }
server { server_name x.a.test; location / { return 200 exact; } }
`,
    ]);
    expect(pick(cfg, 'x.a.test', '/')).toBe('exact');
    expect(pick(cfg, 'y.a.test', '/')).toBe('wild');
  });

  it('without a default_server the first server on the port is the default', () => {
    const cfg = config([
      'a.conf',
      `server { listen 80; server_name a.test; location / { return 200 a; } }
server { listen 80; server_name b.test; location / { return 200 b; } }
`,
    ]);
    expect(pick(cfg, 'c.test', '/')).toBe('a');
  });

  it('with no port known, the server that redirects at server level yields to the one that works', () => {
    const cfg = config([
      'a.conf',
      `server { listen 80; server_name shop.test; return 301 https://$host$request_uri; }
server { listen 443 ssl; server_name shop.test; location / { return 200 tls; } }
`,
    ]);
    expect(pick(cfg, 'shop.test', '/')).toBe('tls');
    expect(matchServer(cfg, 'shop.test:80')?.returns).toBe(true);
  });

  it('stream servers and upstream servers are not http servers', () => {
    const cfg = config([
      'nginx.conf',
      `stream { server { listen 5432; proxy_pass db:5432; } }
http { upstream app { server 127.0.0.1:8000; } server { location / { return 200 web; } } }
`,
    ]);
    expect(pick(cfg, null, '/')).toBe('web');
  });

  it('no server at all: null', () => {
    const cfg = config(['a.conf', 'upstream app { server 127.0.0.1:8000; }\n']);
    expect(matchServer(cfg, 'x')).toBeNull();
    expect(matchLocation(cfg, 'x', '/')).toBeNull();
  });
});

/**
 * The real oracle: Debian's nginx serving the two configs above (ports mapped to free loopback
 * ports), asked for every case; each location answers with its marker.
 */
describe.skipIf(nginxMissing)('agrees with the real nginx', () => {
  const ports = { 80: 0, 8080: 0 };
  let nginx: RunningNginx | null = null;

  beforeAll(async () => {
    ports[80] = await freePort();
    ports[8080] = await freePort();
    const body = [locationsText, serversText]
      .join('\n')
      .replace(/listen 8080/g, `listen 127.0.0.1:${ports[8080]}`)
      .replace(/listen 80\b/g, `listen 127.0.0.1:${ports[80]}`);
    nginx = await startNginx(body, ports[80]);
  });
  afterAll(() => nginx?.stop());

  it('on every location case', async () => {
    for (const [path] of locationCases) {
      const ours = pick(locations, 'example.com', path);
      expect(await get(ports[80], 'example.com', path), path).toBe(ours);
    }
  });

  it('on every server case', async () => {
    for (const [host] of serverCases) {
      const port = host?.endsWith(':8080') ? ports[8080] : ports[80];
      const ours = pick(servers, host, '/');
      expect(await get(port, host, '/'), String(host)).toBe(ours);
    }
  });
});

describe('robustness', () => {
  it('never throws on arbitrary hosts, paths and location regexes', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.string(), fc.string(), (host, path, regex) => {
        const cfg = config([
          'a.conf',
          `server { server_name ~${JSON.stringify(regex)}; location ~ ${JSON.stringify(regex)} { } location / { } }\n`,
        ]);
        matchLocation(cfg, host, path);
        matchLocation(locations, host, path);
        matchServer(servers, host);
      }),
      { numRuns: 300 },
    );
  });
});
