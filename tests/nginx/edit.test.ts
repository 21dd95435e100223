import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import {
  formatArg,
  insertBlock,
  insertDirective,
  parseNginx,
  removeDirective,
  setDirective,
  type Block,
  type Directive,
  type NginxFile,
} from '../../workers/engine/formats/nginx/index.ts';
import { corpus } from './corpus.ts';

const apply = (file: NginxFile, edits: ReturnType<typeof setDirective>): string =>
  applyEdits(file.text, edits);
const find = (f: NginxFile, name: string, arg0?: string): Directive =>
  f
    .directives()
    .find((d) => d.name === name && (arg0 === undefined || d.args[0] === arg0)) as Directive;

describe('setDirective', () => {
  it('replaces only the arguments, keeping alignment and a trailing comment', () => {
    const f = parseNginx(
      't',
      'location / {\n    proxy_read_timeout   60s;  # was 30s\n    proxy_pass http://a;\n}\n',
    );
    const out = apply(
      f,
      setDirective(f, find(f, 'location').block!, 'proxy_read_timeout', ['120s']),
    );
    expect(out).toBe(
      'location / {\n    proxy_read_timeout   120s;  # was 30s\n    proxy_pass http://a;\n}\n',
    );
  });

  it('inserts when absent, after the last setting before nested blocks, indented like it (tabs)', () => {
    const f = parseNginx(
      't',
      'server {\n\tlisten 80;\n\tserver_name a;\n\n\tlocation / {\n\t\tproxy_pass http://a;\n\t}\n}\n',
    );
    const out = apply(f, setDirective(f, find(f, 'server').block!, 'proxy_read_timeout', ['90s']));
    expect(out).toBe(
      'server {\n\tlisten 80;\n\tserver_name a;\n\tproxy_read_timeout 90s;\n\n\tlocation / {\n\t\tproxy_pass http://a;\n\t}\n}\n',
    );
  });

  it('keeps CRLF line endings', () => {
    const f = parseNginx('t', 'upstream app {\r\n  server 127.0.0.1:8000;\r\n}\r\n');
    const out = apply(f, setDirective(f, find(f, 'upstream').block!, 'keepalive', ['16']));
    expect(out).toBe('upstream app {\r\n  server 127.0.0.1:8000;\r\n  keepalive 16;\r\n}\r\n');
  });

  it('is a no-op when the value is already set (fixes applied twice change nothing)', () => {
    const f = parseNginx('t', 'location / { proxy_http_version 1.1; }');
    expect(setDirective(f, find(f, 'location').block!, 'proxy_http_version', ['1.1'])).toEqual([]);
  });

  it('quotes arguments that need it, so they read back unchanged', () => {
    const f = parseNginx('t', 'location / {\n  proxy_pass http://a;\n}\n');
    const out = apply(
      f,
      setDirective(f, find(f, 'location').block!, 'proxy_set_header', ['Connection', '']),
    );
    expect(out).toContain('  proxy_set_header Connection "";\n');
    expect(formatArg('a b')).toBe('"a b"');
    expect(formatArg('$http_upgrade')).toBe('$http_upgrade');
    expect(formatArg('say "hi"; \\o/')).toBe('"say \\"hi\\"; \\\\o/"');
  });
});

describe('insertDirective / insertBlock / removeDirective', () => {
  it('inserts into an empty block on its own line, one indent unit deeper', () => {
    const f = parseNginx(
      't',
      'http {\n  server {\n    listen 80;\n  }\n  upstream app {\n  }\n}\n',
    );
    const out = apply(
      f,
      insertDirective(f, find(f, 'upstream').block!, 'server', ['127.0.0.1:8000']),
    );
    expect(out).toBe(
      'http {\n  server {\n    listen 80;\n  }\n  upstream app {\n    server 127.0.0.1:8000;\n  }\n}\n',
    );
  });

  it('inserts into a one-line block on that line', () => {
    const f = parseNginx('t', 'location / { }\n');
    expect(apply(f, insertDirective(f, find(f, 'location').block!, 'return', ['204']))).toBe(
      'location / { return 204; }\n',
    );
    const g = parseNginx('t', 'location / { proxy_pass http://a; }\n');
    expect(
      apply(g, insertDirective(g, find(g, 'location').block!, 'proxy_http_version', ['1.1'])),
    ).toBe('location / { proxy_pass http://a; proxy_http_version 1.1; }\n');
  });

  it('inserts after a given directive', () => {
    const f = parseNginx('t', 'location / {\n  a 1;\n  b 2;\n}\n');
    const out = apply(
      f,
      insertDirective(f, find(f, 'location').block!, 'c', ['3'], { after: find(f, 'a') }),
    );
    expect(out).toBe('location / {\n  a 1;\n  c 3;\n  b 2;\n}\n');
  });

  it('inserts a map block in http, before the servers', () => {
    const f = parseNginx(
      'nginx.conf',
      'events {}\nhttp {\n    server {\n        listen 80;\n    }\n}\n',
    );
    const edits = insertBlock(
      f,
      find(f, 'http').block!,
      'map',
      ['$http_upgrade', '$connection_upgrade'],
      [
        { name: 'default', args: ['upgrade'] },
        { name: "''", args: ['close'] },
      ],
    );
    expect(apply(f, edits)).toBe(
      "events {}\nhttp {\n    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n    server {\n        listen 80;\n    }\n}\n",
    );
  });

  it('removes a directive with its line, or only itself when it shares the line', () => {
    const f = parseNginx('t', 'location / {\r\n  a 1; # about a\r\n  b 2;\r\n}\r\n');
    expect(apply(f, removeDirective(f, find(f, 'a')))).toBe('location / {\r\n  b 2;\r\n}\r\n');
    const g = parseNginx('t', 'location / { a 1; b 2; }\n');
    expect(apply(g, removeDirective(g, find(g, 'a')))).toBe('location / { b 2; }\n');
  });

  it('appends to the top level of a file without a final newline', () => {
    const f = parseNginx('t', 'a 1;');
    expect(apply(f, insertDirective(f, null, 'b', ['2']))).toBe('a 1;\nb 2;');
    const e = parseNginx('t', '');
    expect(apply(e, insertDirective(e, null, 'b', ['2']))).toBe('b 2;\n');
  });
});

/** The path of child indexes from the root to a block, to find it again after re-parsing. */
function pathTo(f: NginxFile, target: Block): number[] | null {
  const walk = (b: Block, path: number[]): number[] | null => {
    if (b === target) return path;
    for (let i = 0; i < b.children.length; i++) {
      const c = b.children[i] as Directive;
      if (c.block && c.raw === undefined) {
        const p = walk(c.block, [...path, i]);
        if (p) return p;
      }
    }
    return null;
  };
  return walk(f.tree.root, []);
}
function blockAt(f: NginxFile, path: number[]): Block {
  let b = f.tree.root;
  for (const i of path) b = (b.children[i] as Directive).block as Block;
  return b;
}
function blocksOf(f: NginxFile): Block[] {
  return [
    f.tree.root,
    ...f.directives().flatMap((d) => (d.block && d.raw === undefined ? [d.block] : [])),
  ];
}
const count = (b: Block): number =>
  b.children.reduce((n, c) => n + 1 + (c.block ? count(c.block) : 0), 0);

describe('property: random valid edits on corpus files re-parse to the intended tree', () => {
  const files = corpus().map((f) => parseNginx(f.name, f.text));
  // Names nginx allows in any block we check (placement.ts knows where keepalive etc. may go).
  const names = fc.constantFrom('proxy_set_header', 'add_header', 'x_custom', 'sub_filter');
  const arg = fc.oneof(
    fc.constantFrom(
      '60s',
      '$host',
      'http://app',
      '',
      'a b',
      '{',
      '}',
      ';',
      '#x',
      '"q"',
      "it's",
      '\\',
      'a\\"b',
      '${X}',
      'tab\there',
      'é',
    ),
    fc.string({ maxLength: 8 }),
  );
  const args = fc.array(arg, { maxLength: 3 });

  it('set / insert / insertBlock / remove', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(3), names, args, (fi, bi, op, name, values) => {
        const f = files[fi % files.length] as NginxFile;
        const blocks = blocksOf(f);
        const block = blocks[bi % blocks.length] as Block;
        const path = pathTo(f, block) as number[];
        if (op === 3) {
          const victim = block.children[bi % Math.max(1, block.children.length)];
          if (!victim) return;
          const after = parseNginx(f.name, apply(f, removeDirective(f, victim)));
          expect(after.errors).toEqual([]);
          expect(count(after.tree.root)).toBe(
            count(f.tree.root) - 1 - (victim.block ? count(victim.block) : 0),
          );
          return;
        }
        const edits =
          op === 0
            ? setDirective(f, block, name, values)
            : op === 1
              ? insertDirective(f, block, name, values)
              : insertBlock(f, block, name, values, [{ name: 'inner', args: values }]);
        const after = parseNginx(f.name, apply(f, edits));
        expect(after.errors).toEqual([]);
        const b = blockAt(after, path);
        const hit = b.children.filter(
          (c) =>
            c.name === name &&
            c.args.length === values.length &&
            c.args.every((a, i) => a === values[i]),
        );
        expect(hit.length).toBeGreaterThan(0);
        if (op === 2) expect(hit.some((h) => h.block?.children[0]?.name === 'inner')).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});
