import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import {
  handler,
  setUwsgiOption,
  uwsgiSettings,
  uwsgiSockets,
  type UwsgiTree,
} from '../../workers/engine/formats/uwsgi/index.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import { corpusFiles, hasProgram } from './corpus.ts';

const parse = (text: string, name = 'uwsgi.ini') =>
  handler.parse(name, text) as ParsedFile<UwsgiTree>;

describe('uWSGI corpus', () => {
  const files = corpusFiles('uwsgi');
  it('has files', () => expect(files.length).toBeGreaterThan(10));
  for (const f of files) {
    it(`round-trips ${f.name} and is detected`, () => {
      const p = handler.parse(f.name, f.text);
      expect(p.print()).toBe(f.text);
      expect(p.errors).toEqual([]);
      expect(handler.detect(f.name, f.text)).toBeGreaterThan(0.5);
      expect(uwsgiSockets(p).length).toBeGreaterThan(0);
    });
  }
  it('reads values with inline comments as uWSGI does (leading number)', () => {
    const f = files.find((x) => x.name.startsWith('GeoNode'))!;
    const eff = uwsgiSettings(handler.parse(f.name, f.text));
    expect(eff.harakiri!.value).toBe('60');
    expect(eff.processes!.value).toBe('128');
  });
});

describe('uWSGI settings', () => {
  it('defaults, last occurrence wins, aliases, repeated env', () => {
    const p = parse(
      '[uwsgi]\nworkers = 2\nprocesses = 4\nenv = A=1\nenv = B=2\n[other]\nharakiri = 5\n',
    );
    const eff = uwsgiSettings(p);
    expect(eff.processes).toMatchObject({ value: '4', source: { line: 3 } });
    expect(eff['buffer-size']).toMatchObject({
      value: '4096',
      source: { default: expect.stringContaining('uWSGI') },
    });
    expect(eff.listen!.value).toBe('100');
    expect(eff.harakiri!.value).toBe('0 (off)');
    expect(eff.env!.value).toBe('A=1, B=2');
  });
  it('resolves %(option) and %n, reports %k, $(ENV) and ${TEMPLATE} as dynamic', () => {
    const p = parse(
      '[uwsgi]\nbase = /srv\nsocket = %(base)/%n.sock\nprocesses = %k\nharakiri = $(HARAKIRI)\nchdir = ${APP_DIR}\n',
      'app.ini',
    );
    const s = p.settings();
    expect(s.find((x) => x.key === 'socket')!.value).toBe('/srv/app.sock');
    expect(s.find((x) => x.key === 'processes')).toMatchObject({
      value: null,
      dynamic: expect.stringContaining('CPU'),
    });
    expect(s.find((x) => x.key === 'harakiri')).toMatchObject({
      value: null,
      dynamic: expect.stringContaining('HARAKIRI'),
    });
    expect(s.find((x) => x.key === 'chdir')!.value).toBeNull();
  });
  it('knows which protocol each socket speaks', () => {
    const socks = (t: string) => uwsgiSockets(parse(t)).map((s) => [s.address, s.protocol]);
    expect(socks('[uwsgi]\nsocket = :3031\nhttp-socket = :8000\nhttp = :9090\n')).toEqual([
      [':3031', 'uwsgi'],
      [':8000', 'http'],
      [':9090', 'http-router'],
    ]);
    expect(socks('[uwsgi]\nprotocol = http\nsocket = :3031\n')).toEqual([[':3031', 'http']]);
  });
  it('bare keys are flags that are on', () => {
    expect(uwsgiSettings(parse('[uwsgi]\nmaster\n')).master!.value).toBe('true');
  });
  it('reads command lines and UWSGI_* variables, command line last', () => {
    const df = [
      'FROM python',
      'ENV UWSGI_HARAKIRI=20 UWSGI_BUFFER_SIZE=8192',
      'CMD ["uwsgi", "--http-socket", ":8000", "-p", "4", "--harakiri=30", "--master", "--module", "app:app"]',
      '',
    ].join('\n');
    const p = handler.parse('Dockerfile', df);
    const eff = uwsgiSettings(p);
    expect(eff.harakiri).toMatchObject({ value: '30', source: { line: 3 } });
    expect(eff['buffer-size']).toMatchObject({ value: '8192', source: { line: 2 } });
    expect(eff.processes!.value).toBe('4');
    expect(eff.master!.value).toBe('true');
    expect(uwsgiSockets(p)).toMatchObject([{ address: ':8000', protocol: 'http', line: 3 }]);
    const ini = parse('[uwsgi]\nharakiri = 10\n');
    expect(uwsgiSettings([ini, p]).harakiri!.value).toBe('30');
  });
  it('reports lines that are not options, with their line number', () => {
    const p = parse('[uwsgi]\nsocket = :1\n= oops\n');
    expect(p.errors).toEqual([{ line: 3, message: expect.stringContaining('key = value') }]);
  });
});

describe('uWSGI edits', () => {
  const apply = (p: ParsedFile<UwsgiTree>, k: string, v: string | number) =>
    applyEdits(p.text, setUwsgiOption(p, k, v));
  it('replaces the last occurrence, keeping an inline comment', () => {
    expect(
      apply(parse('[uwsgi]\nharakiri = 5\nharakiri = 60   ; kill slow\n'), 'harakiri', 120),
    ).toBe('[uwsgi]\nharakiri = 5\nharakiri = 120   ; kill slow\n');
  });
  it('inserts into the [uwsgi] section, not another, in the file style', () => {
    const text = '[uwsgi]\r\nsocket=:3031\r\n\r\n[app:main]\r\nuse=egg:x\r\n';
    expect(apply(parse(text), 'buffer-size', 32768)).toBe(
      '[uwsgi]\r\nsocket=:3031\r\nbuffer-size=32768\r\n\r\n[app:main]\r\nuse=egg:x\r\n',
    );
  });
  it('adds a section when there is none, and a value to a bare key', () => {
    expect(apply(parse(''), 'harakiri', 30)).toBe('[uwsgi]\nharakiri = 30\n');
    expect(apply(parse('[uwsgi]\nmaster\nsocket = :1\n'), 'master', 'true')).toBe(
      '[uwsgi]\nmaster = true\nsocket = :1\n',
    );
  });
  it('edits command-line values', () => {
    const p = handler.parse(
      'Procfile',
      'web: uwsgi --http :8000 --harakiri 30 --buffer-size=4096\n',
    ) as ParsedFile<UwsgiTree>;
    expect(apply(p, 'harakiri', 60)).toBe(
      'web: uwsgi --http :8000 --harakiri 60 --buffer-size=4096\n',
    );
    expect(apply(p, 'buffer-size', 8192)).toBe(
      'web: uwsgi --http :8000 --harakiri 30 --buffer-size=8192\n',
    );
  });
  it('is idempotent', () => {
    const once = apply(parse('[uwsgi]\nsocket = :1\n'), 'buffer-size', 8192);
    expect(apply(parse(once), 'buffer-size', 8192)).toBe(once);
  });
});

const haveUwsgi =
  hasProgram('uwsgi') &&
  spawnSync('sh', ['-c', 'ls /usr/lib/uwsgi/plugins/python3_plugin.so']).status === 0;
describe.skipIf(!haveUwsgi)(
  'edited uWSGI ini files are read by the real uWSGI (strict mode)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'ud-uwsgi-'));
    const check = (text: string) => {
      const f = join(dir, 'app.ini');
      writeFileSync(f, text);
      // --strict rejects unknown options; --get prints one option and exits before serving.
      const r = spawnSync(
        'uwsgi',
        ['--strict', '--plugin', 'python3,http', '--ini', f, '--get', 'buffer-size'],
        { cwd: dir, timeout: 20_000 },
      );
      return { ok: r.status === 0, out: String(r.stdout).trim(), err: String(r.stderr) };
    };
    it('rejects an unknown option (the check can fail)', () => {
      expect(check('[uwsgi]\nbuffer-sise = 1\n').ok).toBe(false);
    });
    const validated: string[] = [];
    for (const f of corpusFiles('uwsgi')) {
      it(`edits of ${f.name} are accepted when the original is`, () => {
        if (!check(f.text).ok) return; // uses plugins Debian does not ship
        validated.push(f.name);
        let text = f.text;
        for (const [k, v] of [
          ['buffer-size', 32768],
          ['harakiri', 75],
          ['listen', 1024],
          ['http-timeout', 90],
        ] as const) {
          text = applyEdits(text, setUwsgiOption(parse(text, f.name), k, v));
        }
        const r = check(text);
        expect(r.ok, r.err).toBe(true);
        expect(r.out).toBe('32768');
        expect(uwsgiSettings(parse(text, f.name)).harakiri!.value).toBe('75');
      });
    }
    it('validated most of the corpus with the real program', () =>
      expect(validated.length).toBeGreaterThanOrEqual(10));
  },
);

describe('uWSGI parser fuzz', () => {
  const iniish = fc.array(
    fc.constantFrom(
      '[uwsgi]',
      '[x]',
      'socket',
      ' = ',
      '=',
      ':3031',
      '%(socket)',
      '%k',
      '$(X)',
      '${Y}',
      '#',
      ';',
      '\n',
      '\r\n',
      '  ',
      'master',
      'uwsgi --http :80',
      ' -p 4',
      '"',
    ),
    { maxLength: 60 },
  );
  it('never throws and round-trips', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          iniish.map((a) => a.join('')),
        ),
        fc.constantFrom('uwsgi.ini', 'Procfile', 'Dockerfile', 'x.service'),
        (text, name) => {
          const p = handler.parse(name, text);
          expect(p.print()).toBe(text);
          uwsgiSettings(p);
          uwsgiSockets(p);
          handler.detect(name, text);
        },
      ),
      { numRuns: 500 },
    );
  });
});
