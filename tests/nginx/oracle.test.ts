import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import type { Edit } from '../../workers/engine/model.ts';
import {
  buildConfig,
  effective,
  insertBlock,
  parseNginx,
  removeDirective,
  setDirective,
  type NginxFile,
} from '../../workers/engine/formats/nginx/index.ts';
import { nginxMissing, nginxMissingReason, nginxTest } from '../helpers/nginx-t.ts';
import { corpus } from './corpus.ts';

if (nginxMissing) console.warn(nginxMissingReason);

/** Applies one round of edits and parses the result (edits of one round never overlap). */
function step(file: NginxFile, edits: (f: NginxFile) => Edit[]): NginxFile {
  const next = parseNginx(file.name, applyEdits(file.text, edits(file)));
  expect(next.errors).toEqual([]);
  return next;
}

/** The edits the rules make: timeouts and HTTP/1.1 keepalive on proxied locations, upstream keepalive, the upgrade map. */
function fixLikeTheRules(original: NginxFile): NginxFile {
  let f = original;
  const proxied = () =>
    buildConfig([f])
      .locations()
      .filter((l) => l.pass?.directive === 'proxy_pass' && l.node.directive.file === f.name);
  for (const [name, args] of [
    ['proxy_read_timeout', ['120s']],
    ['proxy_http_version', ['1.1']],
    ['proxy_set_header', ['Connection', '']],
  ] as const) {
    f = step(f, (g) =>
      proxied().flatMap((l) => setDirective(g, l.node.directive.block!, name, [...args])),
    );
  }
  f = step(f, (g) =>
    buildConfig([g])
      .upstreams()
      .filter((u) => u.context === 'http')
      .flatMap((u) => setDirective(g, u.node.directive.block!, 'keepalive', ['16'])),
  );
  const http = f.directives().find((d) => d.name === 'http');
  if (
    http &&
    !f.directives().some((d) => d.name === 'map' && d.args[1] === '$connection_upgrade')
  ) {
    f = step(f, (g) =>
      insertBlock(
        g,
        g.directives().find((d) => d.name === 'http')!.block!,
        'map',
        ['$http_upgrade', '$connection_upgrade'],
        [
          { name: 'default', args: ['upgrade'] },
          { name: "''", args: ['close'] },
        ],
      ),
    );
  }
  if (f.text === original.text) {
    // Nothing proxied here (a snippet of settings): set a timeout at the file's outermost level.
    const target = f.directives().find((d) => d.name === 'http')?.block ?? null;
    f = step(f, (g) =>
      setDirective(
        g,
        target && g.directives().find((d) => d.name === 'http')!.block!,
        'proxy_read_timeout',
        ['120s'],
      ),
    );
  }
  const header = f.directives().find((d) => d.name === 'add_header');
  if (header)
    f = step(f, (g) =>
      removeDirective(
        g,
        g.directives().find((d) => d.name === 'add_header')!,
      ),
    );
  return f;
}

// When nginx is missing the suite is skipped and its title says why.
describe.skipIf(nginxMissing)(
  nginxMissing ? nginxMissingReason : 'nginx -t oracle (Debian nginx)',
  () => {
    const files = corpus();

    it('rejects a broken config and accepts a fixed one', () => {
      expect(
        nginxTest([
          { name: 'site.conf', text: 'server { listen 80; location / { proxy_pass http://app } }' },
        ]).ok,
      ).toBe(false);
      const ok = nginxTest([
        {
          name: 'site.conf',
          text: 'upstream app { server app:8000; }\nserver { listen 80; location / { proxy_pass http://app; } }',
        },
      ]);
      expect(ok.output).toMatch(/^$|syntax is ok/);
      expect(ok.ok).toBe(true);
    });

    it('resolves includes between pasted files', () => {
      const r = nginxTest([
        {
          name: '/etc/nginx/nginx.conf',
          text: 'events {}\nhttp {\n  include /etc/nginx/mime.types;\n  include /etc/nginx/conf.d/*.conf;\n}\n',
        },
        {
          name: '/etc/nginx/conf.d/a.conf',
          text: 'server { listen 8080; include snippets/p.conf; }\n',
        },
        {
          name: '/etc/nginx/snippets/p.conf',
          text: 'location / { proxy_pass http://127.0.0.1:8000; }\n',
        },
      ]);
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    });

    it('edits across included files land in the file that holds the setting, and still pass', () => {
      const files = [
        {
          name: '/etc/nginx/nginx.conf',
          text: 'events {}\nhttp {\n\tinclude /etc/nginx/conf.d/*.conf;\n}\n',
        },
        {
          name: '/etc/nginx/conf.d/app.conf',
          text: 'upstream app {\r\n    server 127.0.0.1:8000;\r\n}\r\nserver {\r\n    listen 127.0.0.1:18080;\r\n    location / {\r\n        include snippets/proxy.conf;\r\n        proxy_pass http://app;\r\n    }\r\n}\r\n',
        },
        {
          name: '/etc/nginx/snippets/proxy.conf',
          text: 'proxy_read_timeout 30s;\nproxy_set_header Host $host;\n',
        },
      ];
      const parsed = files.map((f) => parseNginx(f.name, f.text));
      const config = buildConfig(parsed);
      expect(config.errors).toEqual([]);
      const loc = config.locations()[0]!;
      const timeout = effective(config, loc, 'proxy_read_timeout', '1.22.1');
      expect(timeout.source).toEqual({ file: '/etc/nginx/snippets/proxy.conf', line: 1 });
      // Change it where it is written; add keepalive where the upstream is written.
      const snippet = config.file('/etc/nginx/snippets/proxy.conf')!;
      const app = config.file('/etc/nginx/conf.d/app.conf')!;
      const edited = new Map<string, string>([
        [
          snippet.name,
          applyEdits(snippet.text, setDirective(snippet, null, 'proxy_read_timeout', ['120s'])),
        ],
        [
          app.name,
          applyEdits(
            app.text,
            setDirective(app, loc.upstream!.node.directive.block!, 'keepalive', ['16']),
          ),
        ],
      ]);
      expect(edited.get(snippet.name)).toBe(
        'proxy_read_timeout 120s;\nproxy_set_header Host $host;\n',
      );
      expect(edited.get(app.name)).toContain(
        '    server 127.0.0.1:8000;\r\n    keepalive 16;\r\n}',
      );
      const after = files.map((f) => ({ name: f.name, text: edited.get(f.name) ?? f.text }));
      const again = buildConfig(after.map((f) => parseNginx(f.name, f.text)));
      expect(effective(again, again.locations()[0]!, 'proxy_read_timeout', '1.22.1').value).toEqual(
        ['120s'],
      );
      expect(again.upstreams()[0]?.keepalive?.value).toEqual(['16']);
      const r = nginxTest(after);
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    });

    it.each([
      ['unquoted regex quantifier', 'location ~* \\.(png|jpe?g){2}$ { return 204; }', false],
      ['quoted regex quantifier', 'location ~* "\\.(png|jpe?g){2}$" { return 204; }', true],
      ['quotes holding ; { } #', 'location / { return 200 "a;b{c}#d"; }', true],
      ['escaped quote', "location / { return 200 'it\\'s'; }", true],
      ['${var} in a word', 'location / { set $b 127.0.0.1:8000; proxy_pass http://${b}; }', true],
      ['missing ;', 'location / { return 204 }', false],
      ['unclosed block', 'location / { return 204;', false],
      ['extra }', 'location / { return 204; } }', false],
      ['text glued to a quote', 'location / { return 200 "a"b; }', false],
      ['unterminated quote', 'location / { return 200 "a; }', false],
    ])('agrees with nginx -t on %s', (_label, text, valid) => {
      const parsed = parseNginx('site.conf', `server {\n  listen 127.0.0.1:18080;\n  ${text}\n}\n`);
      expect(parsed.errors.length === 0).toBe(valid);
      expect(nginxTest([{ name: 'site.conf', text: parsed.text }]).ok).toBe(valid);
    });

    const passing = nginxMissing ? [] : files.filter((f) => nginxTest([f]).ok);

    it('passes on most of the corpus as published', () => {
      expect(passing.length).toBeGreaterThanOrEqual(20);
    });

    it.each(passing.map((f) => [f.name, f] as const))(
      '%s still passes after the rules\u2019 edits',
      (_name, f) => {
        const edited = fixLikeTheRules(parseNginx(f.name, f.text));
        // Every passing corpus file has something the rules edit (a proxy, an upstream, http, a header).
        expect(edited.text).not.toBe(f.text);
        const r = nginxTest([{ name: f.name, text: edited.text }]);
        expect(r.output.replace(/^.*\[warn\].*$/gm, '').trim()).toBe('');
        expect(r.ok).toBe(true);
      },
    );
  },
);
