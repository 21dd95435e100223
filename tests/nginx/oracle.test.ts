import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import type { Edit } from '../../workers/engine/model.ts';
import {
  buildConfig,
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
