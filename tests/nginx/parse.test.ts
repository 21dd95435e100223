import { describe, expect, it } from 'vitest';
import { parseNginx, TOKEN, type Directive } from '../../workers/engine/formats/nginx/index.ts';
import { printTable } from '../../workers/engine/formats/nginx/print.ts';
import { COL, DirectiveTable } from '../../workers/engine/formats/nginx/table.ts';
import { corpus } from './corpus.ts';

const args = (text: string): string[][] =>
  parseNginx('t.conf', text)
    .directives()
    .map((d) => [d.name, ...d.args]);

describe('nginx parser: lossless round trip', () => {
  const files = corpus();

  it('finds the whole corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files.map((f) => [f.name, f.text] as const))(
    '%s prints back byte for byte',
    (name, text) => {
      const parsed = parseNginx(name, text);
      expect(parsed.print()).toBe(text);
      expect(parsed.errors).toEqual([]);
      expect(parsed.directives().length).toBeGreaterThan(0);
    },
  );

  it('has a token at every directive, brace, semicolon and comment (the stream print() relies on)', () => {
    for (const f of files) {
      const p = parseNginx(f.name, f.text);
      const { starts, kinds, count } = p.tree.tokens;
      const kindAt = new Map<number, number>();
      for (let i = 0; i < count; i++) kindAt.set(starts[i] as number, kinds[i] as number);
      for (const d of p.directives()) {
        expect(kindAt.get(d.start), `${f.name}:${d.line}`).toBe(TOKEN.word);
        if (d.block && d.raw === undefined) {
          expect(kindAt.get(d.block.open)).toBe(TOKEN.open);
          expect(kindAt.get(d.block.close)).toBe(TOKEN.close);
        } else if (!d.block) expect(kindAt.get(d.end - 1)).toBe(TOKEN.semicolon);
      }
      for (const c of p.tree.comments) expect(kindAt.get(c.start)).toBe(TOKEN.comment);
      // Tokens tile the text: every space/comment/word boundary in the text is a token start.
      const kindsSeen = new Set(Array.from(kinds.slice(0, count)));
      expect(kindsSeen.has(TOKEN.space)).toBe(true);
    }
  });

  it('print() shows a broken tree instead of hiding it', () => {
    const text = 'a 1;\nb {\n  c;\n}\n';
    // The rows the parser writes for it: `a 1;`, then `b { … }` holding `c;`.
    const rows = (): DirectiveTable => {
      const t = new DirectiveTable(3);
      const a = t.add(t.internSpan(text, 0, 1), 0, 1, 1, -1);
      t.set(a, COL.argsStart, 2);
      t.set(a, COL.argsEnd, 3);
      t.set(a, COL.end, 4);
      const b = t.add(t.internSpan(text, 5, 6), 5, 6, 2, -1);
      t.set(b, COL.open, 7);
      t.set(b, COL.end, 15);
      const c = t.add(t.internSpan(text, 11, 12), 11, 12, 3, b);
      t.set(c, COL.end, 13);
      return t;
    };
    expect(printTable(text, rows())).toBe(text);
    // `c` claims to start before its block opens: the printed text repeats bytes.
    const broken = rows();
    broken.set(2, COL.start, 2);
    expect(printTable(text, broken)).toBe('a 1;\nb 1;\nb {\n  c;\n}\n');
    expect(printTable('', new DirectiveTable(1))).toBe('');
  });

  it('keeps CRLF line endings, tabs and a missing final newline', () => {
    for (const f of files) {
      const crlf = f.text.replace(/\n/g, '\r\n');
      const p = parseNginx(f.name, crlf);
      expect(p.print()).toBe(crlf);
      expect(p.errors).toEqual([]);
      // Same directives, same lines as the LF version.
      const lf = parseNginx(f.name, f.text).directives();
      expect(p.directives().map((d) => [d.name, d.line, d.args.join('\u0000')])).toEqual(
        lf.map((d) => [d.name, d.line, d.args.join('\u0000')]),
      );
    }
    const tabs = 'http {\n\tserver {\n\t\tlisten 80;\n\t}\n}';
    expect(parseNginx('t', tabs).print()).toBe(tabs);
  });

  it('keeps UTF-8 text, including astral characters, with UTF-16 offsets', () => {
    const text = '# caf\u00e9 \u{1F600}\nserver_name "\u00e9xample.\u{1F600}";\nroot /srv;\n';
    const p = parseNginx('t', text);
    expect(p.print()).toBe(text);
    const [name, root] = p.directives() as [Directive, Directive];
    expect(name.args).toEqual(['\u00e9xample.\u{1F600}']);
    expect(text.slice(root.start, root.end)).toBe('root /srv;');
    expect(root.line).toBe(3);
  });
});

describe('nginx parser: arguments as nginx reads them', () => {
  it('removes quotes and unescapes only what nginx unescapes', () => {
    expect(
      args(`add_header X "a \\"b\\" c" 'it\\'s' "t\\tab" "back\\\\slash" "keep\\.dot";`),
    ).toEqual([['add_header', 'X', 'a "b" c', "it's", 't\tab', 'back\\slash', 'keep\\.dot']]);
  });

  it('reads quoted and escaped directive names as nginx does', () => {
    const p = parseNginx(
      'n.conf',
      `listen 80;\n"listen" 81;\nlis\\"ten 82;\n'listen' 83;\nlisten 84;\n`,
    );
    const names = p.directives().map((d) => d.name);
    expect(names).toEqual(['listen', 'listen', 'lis"ten', 'listen', 'listen']);
    expect(p.directives().map((d) => d.args[0])).toEqual(['80', '81', '82', '83', '84']);
  });

  it('reads every name exactly, whatever characters it holds and however many there are', () => {
    // Prefixes of each other, names the name trie keeps (letters, digits, `_`) and names it does
    // not (`-`, `.`, non-ASCII), each seen several times in a different order.
    const odd = ['proxy', 'proxy_pass', 'proxy_pass_x', 'p', 'X_1', 'a-b', 'a.b', 'nämé', 'a😀'];
    // More distinct names than the trie holds: the rest are found by hash.
    const many = Array.from({ length: 3000 }, (_, i) => `name_${(i * 7919) % 3000}_long`);
    // A small file (interned by hash only) and a large one (through the trie, then by hash).
    const small = [...odd, ...odd.slice().reverse()];
    for (const names of [small, [...small, ...many, ...odd, ...many.slice().reverse()]]) {
      const parsed = parseNginx('n.conf', names.map((n, i) => `${n} ${i};\n`).join(''));
      expect(parsed.errors).toEqual([]);
      expect(parsed.directives().map((d) => d.name)).toEqual(names);
      expect(parsed.directives().map((d) => d.args[0])).toEqual(names.map((_, i) => String(i)));
    }
  });

  it('keeps ; { } # inside quotes, and # inside a word', () => {
    expect(args(`return 200 "a;b{c}d#e"; set $x a#b;`)).toEqual([
      ['return', '200', 'a;b{c}d#e'],
      ['set', '$x', 'a#b'],
    ]);
  });

  it('reads ${var} as one word and } inside a word as part of it', () => {
    expect(args('proxy_pass http://${backend}:8000/x}y;')).toEqual([
      ['proxy_pass', 'http://${backend}:8000/x}y'],
    ]);
  });

  it('reads regex locations, quoted ones with {n} quantifiers too', () => {
    const text =
      'location ~* \\.(png|jpe?g)$ { expires 1d; }\nlocation ~ "^/a{2}$" { return 204; }';
    const p = parseNginx('t', text);
    expect(p.errors).toEqual([]);
    expect(args(text)).toEqual([
      ['location', '~*', '\\.(png|jpe?g)$'],
      ['expires', '1d'],
      ['location', '~', '^/a{2}$'],
      ['return', '204'],
    ]);
  });

  it('follows nginx on an unquoted {2}: the { opens the block (nginx wants such regexes quoted)', () => {
    const p = parseNginx('t', 'location ~* \\.(png|jpe?g){2}$ { }');
    expect(p.directives()[0]?.args).toEqual(['~*', '\\.(png|jpe?g)']);
    expect(p.errors[0]).toEqual({
      line: 1,
      message:
        'the regex quantifier "{2}" is read by nginx as the start of a block: put the regex in quotes',
    });
    expect(p.print()).toBe('location ~* \\.(png|jpe?g){2}$ { }');
  });

  it('escaped characters and quoted strings spanning lines count lines', () => {
    const p = parseNginx('t', 'a "x\ny";\nb \\;c;\nd;');
    expect(p.directives().map((d) => [d.name, d.line, d.args])).toEqual([
      ['a', 1, ['x\ny']],
      ['b', 3, ['\\;c']],
      ['d', 4, []],
    ]);
  });

  it('keeps *_by_lua_block bodies as raw text (braces and quotes in Lua do not confuse it)', () => {
    const lua = `
    local t = { a = "}" , b = '{' } -- } in a comment
    local s = [[ } ]] --[==[ long } comment ]==]
    ngx.say("ok")
  `;
    const text = `location / {\n  content_by_lua_block {${lua}}\n  access_log off;\n}\n`;
    const p = parseNginx('t', text);
    expect(p.errors).toEqual([]);
    expect(p.print()).toBe(text);
    const block = p.directives().find((d) => d.name === 'content_by_lua_block');
    expect(block?.raw).toBe(lua);
    const log = p.directives().find((d) => d.name === 'access_log');
    expect(log?.context).toBe('location');
    expect(log?.line).toBe(7);
  });

  it('reads template placeholders ({{ }}, {% %}, envsubst, m4) without losing a byte', () => {
    const text =
      'server_name {{ project_name }}.example.com;\n{% if x %}\nlisten ${PORT};\nroot M4_ROOT/$2;\n';
    const p = parseNginx('t', text);
    expect(p.print()).toBe(text);
    expect(args(text)[0]).toEqual(['server_name', '{{ project_name }}.example.com']);
    expect(args(text)).toContainEqual(['listen', '${PORT}']);
    expect(args(text)).toContainEqual(['root', 'M4_ROOT/$2']);
  });

  it('records comments with their lines', () => {
    const p = parseNginx('t', 'a 1; # one\r\n# two\r\nb;');
    expect(p.tree.comments.map((c) => [c.line, c.text])).toEqual([
      [1, '# one'],
      [2, '# two'],
    ]);
  });
});

describe('nginx parser: tree', () => {
  const text =
    'http {\n  upstream app { server 127.0.0.1:8000; }\n  server {\n    location /api {\n      if ($x) { return 403; }\n    }\n  }\n}\n';
  const p = parseNginx('nginx.conf', text);

  it('gives every directive its context, offsets and lines', () => {
    const byName = new Map(p.directives().map((d) => [d.name + (d.args[0] ?? ''), d]));
    expect(byName.get('http')?.context).toBe('main');
    expect(byName.get('upstreamapp')?.context).toBe('http');
    expect(byName.get('server127.0.0.1:8000')?.context).toBe('upstream');
    expect(byName.get('location/api')?.context).toBe('server');
    expect(byName.get('if($x)')?.context).toBe('location');
    expect(byName.get('return403')?.context).toBe('if');
    const loc = byName.get('location/api') as Directive;
    expect(text.slice(loc.start, loc.end)).toBe(
      'location /api {\n      if ($x) { return 403; }\n    }',
    );
    expect([loc.line, loc.endLine]).toEqual([4, 6]);
    expect(text[loc.block?.open ?? -1]).toBe('{');
    expect(text[loc.block?.close ?? -1]).toBe('}');
    expect(loc.block?.directive).toBe(loc);
    expect(loc.parent.directive?.name).toBe('server');
  });

  it('lists settings with scopes', () => {
    const s = parseNginx(
      't',
      'http {\n server {\n  server_name example.com;\n  location /api {\n   proxy_read_timeout 90s;\n  }\n }\n}\n',
    ).settings();
    expect(s).toContainEqual({
      key: 'proxy_read_timeout',
      value: '90s',
      file: 't',
      line: 5,
      scope: 'http > server example.com > location /api',
    });
    expect(s.find((x) => x.key === 'server_name')?.scope).toBe('http > server example.com');
  });
});
