/**
 * upgrade-header, RuleTester-style: hard-coded `Connection "upgrade"` on locations that serve
 * ordinary requests → a $http_upgrade map where nginx accepts one (exact fixed output,
 * re-analysed, nginx -t), advice only where it cannot go, and near misses.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxMissingReason, nginxTest } from '../helpers/nginx-t.ts';

const RULE = 'upgrade-header';
const run = (files: SourceFile[], nginxVersion = '1.22.1') => analyze(files, { nginxVersion });
const ours = (files: SourceFile[]) => run(files).findings.filter((f) => f.rule === RULE);

interface Invalid {
  name: string;
  files: SourceFile[];
  /** Exact fixed text per changed file. */
  output: Record<string, string>;
}

const invalid: Invalid[] = [
  {
    name: 'conf.d file (http context), no pool: the map goes at its top with close',
    files: [
      {
        name: 'conf.d/app.conf',
        text: `upstream app {
    server 127.0.0.1:8000;
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
`,
      },
    ],
    output: {
      'conf.d/app.conf': `map $http_upgrade $connection_upgrade {
    default upgrade;
    '' close;
}
upstream app {
    server 127.0.0.1:8000;
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }
}
`,
    },
  },
  {
    name: "main config with a keepalive pool: the map goes into http and sends '' for ordinary requests",
    files: [
      {
        name: 'nginx.conf',
        text: `events {}
http {
    include mime.types;
    sendfile on;

    upstream app {
        server 127.0.0.1:8000;
        keepalive 16;
    }
    server {
        listen 80;
        server_name shop.example.com;
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection Upgrade;
        }
    }
}
`,
      },
    ],
    output: {
      'nginx.conf': `events {}
http {
    include mime.types;
    sendfile on;
    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' "";
    }

    upstream app {
        server 127.0.0.1:8000;
        keepalive 16;
    }
    server {
        listen 80;
        server_name shop.example.com;
        location / {
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
        }
    }
}
`,
    },
  },
  {
    name: 'server-level header shared by / and /ws/: one finding, the line changed where it is',
    files: [
      {
        name: 'site.conf',
        text: `server {
\tlisten 80;
\tproxy_http_version 1.1;
\tproxy_set_header Upgrade $http_upgrade;
\tproxy_set_header Connection "upgrade";
\tlocation / {
\t\tproxy_pass http://127.0.0.1:3000;
\t}
\tlocation /ws/ {
\t\tproxy_pass http://127.0.0.1:3000;
\t}
}
`,
      },
    ],
    output: {
      'site.conf': `map $http_upgrade $connection_upgrade {
\tdefault upgrade;
\t'' close;
}
server {
\tlisten 80;
\tproxy_http_version 1.1;
\tproxy_set_header Upgrade $http_upgrade;
\tproxy_set_header Connection $connection_upgrade;
\tlocation / {
\t\tproxy_pass http://127.0.0.1:3000;
\t}
\tlocation /ws/ {
\t\tproxy_pass http://127.0.0.1:3000;
\t}
}
`,
    },
  },
  {
    name: 'the map already exists: only the hard-coded line changes',
    files: [
      {
        name: 'app.conf',
        text: `map $http_upgrade $connection_upgrade { default upgrade; '' close; }
server {
    location /chat/ws { proxy_pass http://127.0.0.1:9000; proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; }
    location /api/ { proxy_pass http://127.0.0.1:9000; proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection 'upgrade'; }
}
`,
      },
    ],
    output: {
      'app.conf': `map $http_upgrade $connection_upgrade { default upgrade; '' close; }
server {
    location /chat/ws { proxy_pass http://127.0.0.1:9000; proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; }
    location /api/ { proxy_pass http://127.0.0.1:9000; proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; }
}
`,
    },
  },
  {
    name: 'the location lives in an included file: the map goes into the http block of nginx.conf',
    files: [
      {
        name: 'nginx.conf',
        text: `events {}
http {
    include conf.d/*.conf;
}
`,
      },
      {
        name: 'conf.d/app.conf',
        text: `server {
    listen 80;
    location / {
        proxy_pass http://127.0.0.1:8000;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
    }
}
`,
      },
    ],
    output: {
      'nginx.conf': `events {}
http {
    include conf.d/*.conf;
    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' close;
    }
}
`,
      'conf.d/app.conf': `server {
    listen 80;
    location / {
        proxy_pass http://127.0.0.1:8000;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }
}
`,
    },
  },
];

const valid: { name: string; files: SourceFile[] }[] = [
  {
    name: 'a dedicated WebSocket location keeps its recipe',
    files: [
      {
        name: 'app.conf',
        text: `server { location /ws/ { proxy_pass http://127.0.0.1:8000; proxy_http_version 1.1;
  proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; } }
`,
      },
    ],
  },
  {
    name: 'socket.io and ActionCable paths too',
    files: [
      {
        name: 'app.conf',
        text: `server {
  location /socket.io/ { proxy_pass http://127.0.0.1:8000; proxy_set_header Connection "upgrade"; proxy_set_header Upgrade $http_upgrade; }
  location /cable { proxy_pass http://127.0.0.1:8000; proxy_set_header Connection "upgrade"; proxy_set_header Upgrade $http_upgrade; }
}
`,
      },
    ],
  },
  {
    name: 'a regex WebSocket location and an events feed',
    files: [
      {
        name: 'app.conf',
        text: `server {
  location ~ ^/servers/.*/ws$ { proxy_pass http://127.0.0.1:8000; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; }
  location /events { proxy_pass http://127.0.0.1:8888/events; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; }
}
`,
      },
    ],
  },
  {
    name: 'the map pattern',
    files: [
      {
        name: 'app.conf',
        text: `map $http_upgrade $connection_upgrade { default upgrade; '' close; }
server { location / { proxy_pass http://127.0.0.1:8000; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; } }
`,
      },
    ],
  },
  {
    name: 'an empty Connection header for a keepalive pool',
    files: [
      {
        name: 'app.conf',
        text: `upstream app { server 127.0.0.1:8000; keepalive 4; }
server { location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } }
`,
      },
    ],
  },
  {
    name: 'a hard-coded "upgrade" in a location that proxies with uwsgi_pass (not the proxy module)',
    files: [
      {
        name: 'app.conf',
        text: `server { location / { include uwsgi_params; uwsgi_pass 127.0.0.1:3031; proxy_set_header Connection "upgrade"; } }
`,
      },
    ],
  },
];

describe('upgrade-header', () => {
  for (const c of invalid) {
    it(`triggers and fixes: ${c.name}`, () => {
      const report = run(c.files);
      const hits = report.findings.filter((f) => f.rule === RULE);
      expect(hits, 'one finding').toHaveLength(1);
      expect(hits[0]!.cause).toBe('upgrade-header');
      expect(hits[0]!.fix).toMatchObject({ safety: 'safe', applied: true });
      expect(hits[0]!.compared![0]!.value.toLowerCase()).toBe('upgrade');
      const fixed = Object.fromEntries(report.fixed.map((f) => [f.name, f.text]));
      expect(fixed).toEqual(c.output);
      const after = c.files.map((f) => ({ ...f, text: c.output[f.name] ?? f.text }));
      const again = run(after);
      expect(again.findings.filter((f) => f.rule === RULE)).toEqual([]);
      expect(again.fixed).toEqual([]);
      if (!nginxMissing) {
        const result = nginxTest(after);
        expect(result.ok, result.output).toBe(true);
      }
    });
  }

  it('a server-context snippet cannot hold a map: advice with the map text, no edit', () => {
    const snippet = {
      name: 'snippets/proxy.conf',
      text: `location / {
    proxy_pass http://127.0.0.1:8000;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
}
`,
    };
    const report = run([snippet]);
    const hit = report.findings.find((f) => f.rule === RULE)!;
    expect(hit.fix).toMatchObject({ safety: 'manual', applied: false });
    expect(hit.fix!.description).toContain(
      "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}",
    );
    expect(hit.fix!.description).toContain('snippets/proxy.conf:4');
    expect(report.fixed).toEqual([]);
  });

  for (const c of valid) {
    it(`does not trigger: ${c.name}`, () => {
      expect(ours(c.files)).toEqual([]);
    });
  }

  it.skipIf(nginxMissing)('every original above is valid nginx', () => {
    for (const c of [...invalid, ...valid]) {
      const result = nginxTest(c.files);
      expect(result.ok, `${c.name}\n${result.output}`).toBe(true);
    }
  });
  if (nginxMissing) it.skip(nginxMissingReason, () => {});
});
