/**
 * keepalive-inert, RuleTester-style: inputs that trigger it (with the exact fixed output,
 * re-analysed and checked by the real nginx -t), and inputs that look close but must not.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { nginxMissing, nginxMissingReason, nginxTest } from '../helpers/nginx-t.ts';

const conf = (body: string) => ({ name: 'app.conf', text: body });
const findings = (text: string, nginxVersion = '1.24.0') =>
  analyze([conf(text)], { nginxVersion }).findings.filter((f) => f.rule === 'keepalive-inert');

const invalid: { name: string; input: string; output: string; version?: string }[] = [
  {
    name: 'keepalive without any proxy settings: both are added after proxy_pass',
    input: `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
    }
}
`,
    output: `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
`,
  },
  {
    name: 'HTTP/1.1 set but Connection left at its "close" default; tabs stay tabs',
    input: `upstream app {
\tserver 10.0.0.5:9000;
\tkeepalive 8;
}
server {
\tlocation /api/ {
\t\tproxy_http_version 1.1;
\t\tproxy_pass http://app;
\t}
}
`,
    output: `upstream app {
\tserver 10.0.0.5:9000;
\tkeepalive 8;
}
server {
\tlocation /api/ {
\t\tproxy_http_version 1.1;
\t\tproxy_pass http://app;
\t\tproxy_set_header Connection "";
\t}
}
`,
  },
  {
    name: 'headers set at server level: Connection goes there so they stay inherited',
    input: `upstream app {
    server 127.0.0.1:8000;
    keepalive 4;
}
server {
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
    }
}
`,
    output: `upstream app {
    server 127.0.0.1:8000;
    keepalive 4;
}
server {
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    proxy_set_header Connection "";
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
    }
}
`,
  },
  {
    name: 'an explicit Connection "close" is replaced in place',
    input: `upstream app {
    server unix:/run/app.sock;
    keepalive 2;
}
server {
    location / {
        proxy_http_version 1.1;
        proxy_set_header Connection "close";
        proxy_pass http://app;
    }
}
`,
    output: `upstream app {
    server unix:/run/app.sock;
    keepalive 2;
}
server {
    location / {
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_pass http://app;
    }
}
`,
  },
];

const valid: { name: string; input: string; version?: string }[] = [
  {
    name: 'the documented setup',
    input: `upstream app { server 127.0.0.1:8000; keepalive 16; }
server { location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } }
`,
  },
  {
    name: 'no keepalive in the upstream (nothing to waste)',
    input: `upstream app { server 127.0.0.1:8000; }
server { location / { proxy_pass http://app; } }
`,
  },
  {
    name: 'a WebSocket location (Upgrade header) is left alone',
    input: `upstream app { server 127.0.0.1:8000; keepalive 16; }
server { location /ws/ { proxy_pass http://app; proxy_http_version 1.1;
  proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; } }
`,
  },
  {
    name: 'proxy_pass to an address, not to the upstream block',
    input: `upstream app { server 127.0.0.1:8000; keepalive 16; }
server { location / { proxy_pass http://127.0.0.1:8000; } }
`,
  },
  {
    name: 'nginx 1.29.7+: HTTP/1.1 and no forced Connection: close are the defaults',
    input: `upstream app { server 127.0.0.1:8000; keepalive 16; }
server { location / { proxy_pass http://app; } }
`,
    version: '1.29.7',
  },
  {
    name: 'uwsgi_pass has its own keepalive rules and is not this rule',
    input: `upstream app { server 127.0.0.1:8000; keepalive 16; }
server { location / { uwsgi_pass app; include uwsgi_params; } }
`,
  },
];

describe('keepalive-inert', () => {
  for (const c of invalid) {
    it(`triggers and fixes: ${c.name}`, async () => {
      const report = analyze([conf(c.input)], { nginxVersion: c.version ?? '1.24.0' });
      const hit = report.findings.find((f) => f.rule === 'keepalive-inert');
      expect(hit, 'finding').toBeDefined();
      expect(hit!.cause).toBe('keepalive-inert');
      expect(hit!.evidence.map((e) => e.file)).toContain('app.conf');
      expect(hit!.fix).toMatchObject({ safety: 'safe', applied: true });
      expect(report.fixed).toHaveLength(1);
      expect(report.fixed[0]!.text).toBe(c.output);
      // Re-analysed, the fixed config has no finding of this rule, and fixing it again is a no-op.
      const again = analyze([conf(c.output)], { nginxVersion: c.version ?? '1.24.0' });
      expect(again.findings.filter((f) => f.rule === 'keepalive-inert')).toEqual([]);
      expect(again.fixed).toEqual([]);
      if (!nginxMissing) {
        const result = nginxTest([{ name: 'app.conf', text: c.output }]);
        expect(result.ok, result.output).toBe(true);
      }
    });
  }

  for (const c of valid) {
    it(`does not trigger: ${c.name}`, () => {
      expect(findings(c.input, c.version)).toEqual([]);
    });
  }

  it.skipIf(nginxMissing)(
    'every original above is itself valid nginx (so the fixes are comparable)',
    () => {
      for (const c of [...invalid, ...valid]) {
        const result = nginxTest([{ name: 'app.conf', text: c.input }]);
        expect(result.ok, `${c.name}\n${result.output}`).toBe(true);
      }
    },
  );
  if (nginxMissing) it.skip(nginxMissingReason, () => {});
});
