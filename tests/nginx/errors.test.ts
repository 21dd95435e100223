import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNginx, TOKEN } from '../../workers/engine/formats/nginx/index.ts';
import { wordValue } from '../../workers/engine/formats/nginx/scan.ts';
import { corpus } from './corpus.ts';

const errorsOf = (text: string) => parseNginx('t.conf', text).errors;

describe('nginx parser: located, readable errors and a partial tree', () => {
  it('an unclosed block names the block and the line it opened on', () => {
    const p = parseNginx('t', 'http {\n  server {\n    listen 80;\n');
    expect(p.errors).toEqual([
      { line: 1, message: expect.stringMatching(/"http" block opened on line 1 is never closed/) },
      {
        line: 2,
        message: expect.stringMatching(/"server" block opened on line 2 is never closed/),
      },
    ]);
    expect(p.directives().map((d) => d.name)).toEqual(['http', 'server', 'listen']);
    expect(p.print()).toBe('http {\n  server {\n    listen 80;\n');
  });

  it('an extra } is reported at its line and parsing goes on', () => {
    const p = parseNginx('t', 'a;\n}\nb;\n');
    expect(p.errors).toEqual([{ line: 2, message: 'unexpected "}" (no block is open here)' }]);
    expect(p.directives().map((d) => d.name)).toEqual(['a', 'b']);
  });

  it('an unterminated quote is reported where it starts', () => {
    const p = parseNginx('t', 'a 1;\nadd_header X "never closed;\nb 2;\n');
    expect(p.errors[0]).toEqual({
      line: 2,
      message: expect.stringMatching(/unterminated quoted string/),
    });
    expect(p.directives()[0]?.name).toBe('a');
  });

  it('a directive missing its ; before } or at the end of the file', () => {
    expect(errorsOf('server {\n  listen 80\n}\n')).toEqual([
      { line: 2, message: '"listen" is not terminated by ";" before the "}" on line 3' },
    ]);
    expect(errorsOf('a;\nb 1')).toEqual([
      { line: 2, message: 'unexpected end of file: "b" is not terminated by ";"' },
    ]);
  });

  it('stray ; and {, and text after a closing quote', () => {
    expect(errorsOf(';\n')).toContainEqual({
      line: 1,
      message: 'unexpected ";" (no directive before it)',
    });
    expect(errorsOf('{ a; }')).toContainEqual({
      line: 1,
      message: 'unexpected "{" (no directive before it)',
    });
    expect(errorsOf('a "x"y;')[0]?.message).toMatch(/unexpected "y" right after a quoted string/);
  });

  it('directives outside any block, or in the wrong one, in a main config', () => {
    const p = parseNginx(
      'nginx.conf',
      'events {}\nproxy_pass http://x;\nhttp {\n  location / {}\n}\n',
    );
    expect(p.errors).toEqual([
      {
        line: 2,
        message: expect.stringMatching(
          /^"proxy_pass" directive is not allowed here \(at the top level/,
        ),
      },
      {
        line: 4,
        message: expect.stringMatching(/^"location" directive is not allowed here \(inside "http"/),
      },
    ]);
  });

  it('a snippet may hold location or proxy settings at its top (it is included somewhere)', () => {
    expect(errorsOf('location / { proxy_pass http://app; }\nproxy_read_timeout 5s;\n')).toEqual([]);
  });

  it('non-nginx text says so', () => {
    const p = parseNginx('app.py', 'import os\nbind = "0.0.0.0:8000"\nworkers = 4\n');
    expect(p.errors[0]).toEqual({
      line: 1,
      message: 'no complete nginx directive found: is this an nginx config?',
    });
    expect(parseNginx('x.json', '{"a": {"b": [1, 2]}}').errors[0]?.message).toMatch(
      /is this an nginx config/,
    );
  });

  it('skips bodies nested absurdly deep, keeps brace matching and parses what follows', () => {
    const text = 'a {'.repeat(100) + 'x 1;' + '}'.repeat(100) + '\nafter 2;\n';
    const p = parseNginx('t', text);
    expect(p.errors).toEqual([
      { line: 1, message: 'blocks nested more than 64 deep: the body of this one is not parsed' },
    ]);
    expect(p.tree.root.children.map((d) => d.name)).toEqual(['a', 'after']);
    expect(p.directives().find((d) => d.name === 'after')?.line).toBe(2);
    expect(p.print()).toBe(text);
  });

  it('a byte order mark is kept, skipped for the tree, and reported (nginx would choke on it)', () => {
    const p = parseNginx('t', '\ufeffuser www-data;\n');
    expect(p.directives()[0]?.name).toBe('user');
    expect(p.print()).toBe('\ufeffuser www-data;\n');
    expect(p.errors).toEqual([{ line: 1, message: expect.stringMatching(/byte order mark/) }]);
  });

  it('keeps at most 50 errors and counts the rest', () => {
    const p = parseNginx('t', ';'.repeat(1000));
    expect(p.errors.length).toBe(51);
    expect(p.errors.at(-1)?.message).toBe('… and 951 more errors');
  });
});

describe('nginx parser: fuzzing', () => {
  const alphabet = fc.constantFrom(
    ...'ab;{}"\'\\#$ \t\n\r\u00e9{{%}}_:/'.split(''),
    'location',
    'server',
    '${',
    '{%',
    '_by_lua_block',
    '--[[',
    ']]',
  );

  it('never throws and always prints its input back (arbitrary strings)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const p = parseNginx('f', text);
        expect(p.print()).toBe(text);
        for (const e of p.errors) expect(e.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on nginx-flavoured noise', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (parts) => {
        const text = parts.join('');
        const p = parseNginx('f', text);
        expect(p.print()).toBe(text);
        for (const d of p.directives()) {
          expect(d.start).toBeLessThanOrEqual(d.end);
          expect(d.end).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  // The parser reads the text in its own loop; the token stream (built on demand) and a
  // directive's arguments come from tokenize(). Both use the same scanners and must agree.
  it('the tree and the token stream agree on where every name, brace and semicolon is', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (parts) => {
        const text = parts.join('');
        const p = parseNginx('f', text);
        const { starts, kinds, count } = p.tree.tokens;
        const at = new Map<number, number>();
        for (let i = 0; i < count; i++) at.set(starts[i] as number, i);
        const kindAt = (offset: number) => kinds[at.get(offset) ?? -1];
        for (const d of p.directives()) {
          const i = at.get(d.start);
          expect(i, `name of "${d.name}" at ${d.start}`).toBeDefined();
          expect(kinds[i!]).toBe(TOKEN.word);
          const end = i! + 1 < count ? (starts[i! + 1] as number) : text.length;
          expect(end).toBe(d.nameEnd);
          expect(d.name).toBe(wordValue(text, d.start, end));
          if (d.block && d.raw === undefined) {
            expect(kindAt(d.block.open)).toBe(TOKEN.open);
            if (d.block.close >= 0) expect(kindAt(d.block.close)).toBe(TOKEN.close);
          } else if (!d.block && d.end > d.argsEnd) {
            // Terminated: by the `;` just before its end.
            expect(kindAt(d.end - 1)).toBe(TOKEN.semicolon);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  // Arguments are read from each directive's span with the scanners alone (directive.ts):
  // they must be the word tokens the whole file's token stream has in that span.
  it("a directive's arguments are the words the token stream has between its name and end", () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (parts) => {
        const text = parts.join('');
        const p = parseNginx('f', text);
        const { starts, kinds, count } = p.tree.tokens;
        for (const d of p.directives()) {
          const words: string[] = [];
          for (let i = 0; i < count; i++) {
            const start = starts[i] as number;
            if (start < d.argsStart || start >= d.argsEnd || kinds[i] !== TOKEN.word) continue;
            const end = i + 1 < count ? Math.min(starts[i + 1] as number, d.argsEnd) : d.argsEnd;
            words.push(wordValue(text, start, end));
          }
          expect(d.args, `arguments of "${d.name}" at ${d.start}`).toEqual(words);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on corpus files cut or spliced at random points', () => {
    const files = corpus();
    fc.assert(
      fc.property(fc.nat(files.length - 1), fc.nat(), fc.nat(), (i, a, b) => {
        const text = (files[i] as { text: string }).text;
        const cut = text.slice(0, a % (text.length + 1)) + text.slice(b % (text.length + 1));
        expect(parseNginx('f', cut).print()).toBe(cut);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['1 MB of {', '{'.repeat(1 << 20)],
    ['1 MB of "', '"'.repeat(1 << 20)],
    ["1 MB of '", "'".repeat(1 << 20)],
    ['1 MB of a {', 'a {'.repeat(350_000)],
    ['1 MB of {{', '{{ '.repeat(350_000)],
    ['1 MB of \\', '\\'.repeat(1 << 20)],
    ['1 MB of }', '}'.repeat(1 << 20)],
  ])('adversarial input (%s) finishes and reports an error', (_label, text) => {
    const p = parseNginx('big', text);
    expect(p.errors.length).toBeGreaterThan(0);
    expect(p.errors.length).toBeLessThanOrEqual(51);
  });
});
