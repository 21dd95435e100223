import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import { detectKind } from '../../workers/engine/formats/detect.ts';
import {
  handler as dotenv,
  setDotenvVar,
  type DotenvTree,
} from '../../workers/engine/formats/dotenv/index.ts';
import {
  gunicornSettings,
  handler as gunicorn,
} from '../../workers/engine/formats/gunicorn/index.ts';
import {
  handler as phpFpm,
  phpFpmSettings,
  setPhpFpmSetting,
  type PhpFpmTree,
} from '../../workers/engine/formats/php-fpm/index.ts';
import {
  handler as puma,
  pumaBinds,
  pumaSettings,
  setPumaSetting,
  type PumaTree,
} from '../../workers/engine/formats/puma/index.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';

const POOL = `; pool for the app
[global]
process_control_timeout = 10s

[www]
user = www-data
listen = /run/php/php8.2-fpm-$pool.sock
listen.backlog = 1024 ; raised
pm = dynamic
pm.max_children = 20
request_terminate_timeout = 60s
php_admin_value[memory_limit] = 256M
`;

describe('php-fpm', () => {
  const p = phpFpm.parse('www.conf', POOL) as ParsedFile<PhpFpmTree>;
  it('round-trips, detects, reads pool and global settings with defaults', () => {
    expect(p.print()).toBe(POOL);
    expect(p.errors).toEqual([]);
    expect(detectKind('www.conf', POOL).kind).toBe('php-fpm');
    const eff = phpFpmSettings(p);
    expect(eff.request_terminate_timeout).toMatchObject({ value: '60s', source: { line: 11 } });
    expect(eff['listen.backlog']).toMatchObject({ value: '1024', source: { line: 8 } });
    expect(eff.listen!.value).toBe('/run/php/php8.2-fpm-www.sock');
    expect(eff['pm.max_requests']).toMatchObject({
      value: '0 (never recycle)',
      source: { default: expect.stringContaining('php-fpm') },
    });
    expect(eff.process_control_timeout!.value).toBe('10s');
  });
  it('edits in the pool section, keeping inline comments', () => {
    const out = applyEdits(POOL, [
      ...setPhpFpmSetting(p, 'listen.backlog', 4096),
      ...setPhpFpmSetting(p, 'pm.max_requests', 500),
    ]);
    expect(out).toContain('listen.backlog = 4096 ; raised\n');
    expect(out.endsWith('php_admin_value[memory_limit] = 256M\npm.max_requests = 500\n')).toBe(
      true,
    );
    const q = phpFpm.parse('www.conf', out) as ParsedFile<PhpFpmTree>;
    expect(phpFpmSettings(q)['pm.max_requests']!.value).toBe('500');
    expect(setPhpFpmSetting(q, 'pm.max_requests', 500)).toEqual([]);
  });
});

const PUMA = `# Puma config
max_threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }
min_threads_count = ENV.fetch("RAILS_MIN_THREADS") { max_threads_count }
threads min_threads_count, max_threads_count

worker_timeout 3600 if ENV.fetch("RAILS_ENV", "development") == "development"
port ENV.fetch("PORT") { 3000 }
workers ENV.fetch("WEB_CONCURRENCY") { 2 }
persistent_timeout(75)
preload_app!
`;

describe('Puma', () => {
  const p = puma.parse('config/puma.rb', PUMA) as ParsedFile<PumaTree>;
  it('is recognised by its DSL without its file name, preload_app! included', () => {
    expect(puma.detect('pasted', 'workers 2\nthreads 1, 5\npreload_app!\n')).toBeGreaterThan(0.5);
    // Two calls and no Puma-only word: could be anything.
    expect(puma.detect('pasted', 'workers 2\nthreads 1, 5\n')).toBe(0);
    expect(puma.detect('pasted', 'workers 2\nthreads 1, 5\n# preload_app! is off\n')).toBe(0);
  });
  it('reads DSL calls with ENV fallbacks and locals; defaults otherwise', () => {
    expect(p.print()).toBe(PUMA);
    expect(detectKind('config/puma.rb', PUMA).kind).toBe('puma');
    const eff = pumaSettings(p);
    expect(eff.persistent_timeout).toMatchObject({ value: '75', source: { line: 9 } });
    expect(eff.workers).toMatchObject({
      value: '2',
      source: { line: 8, dynamic: expect.stringContaining('$WEB_CONCURRENCY') },
    });
    expect(eff.threads!.value).toBe('5, 5');
    expect(eff.first_data_timeout).toMatchObject({
      value: '30',
      source: { default: expect.stringContaining('Puma') },
    });
    // A modifier `if` makes the value depend on the environment: not known.
    expect(eff.worker_timeout!.value).toBeNull();
  });
  it('edits a call argument in place, or adds a call', () => {
    const out = applyEdits(PUMA, [
      ...setPumaSetting(p, 'persistent_timeout', 90),
      ...setPumaSetting(p, 'first_data_timeout', 60),
    ]);
    expect(out).toContain('persistent_timeout(90)\n');
    expect(out).toContain('preload_app!\nfirst_data_timeout 60\n');
    expect(
      pumaSettings(puma.parse('puma.rb', out) as ParsedFile<PumaTree>).first_data_timeout!.value,
    ).toBe('60');
  });
});

describe('Puma binds', () => {
  const binds = (text: string) =>
    pumaBinds(puma.parse('puma.rb', text) as ParsedFile<PumaTree>).map((b) => [
      b.url,
      b.line,
      b.dynamic ?? null,
    ]);
  it('reads bind URLs and port calls (with a host, with an ENV fallback), in order', () => {
    expect(
      binds(
        [
          `bind "unix:///run/puma.sock"`,
          `bind 'ssl://0.0.0.0:3001?key=/k.pem&cert=/c.pem'`,
          `port 3000, "127.0.0.1"`,
          `port ENV.fetch("PORT") { 3000 }`,
          `port Integer(ENV.fetch("PORT", 4000))`,
          '',
        ].join('\n'),
      ),
    ).toEqual([
      ['unix:///run/puma.sock', 1, null],
      ['ssl://0.0.0.0:3001?key=/k.pem&cert=/c.pem', 2, null],
      ['tcp://127.0.0.1:3000', 3, null],
      ['tcp://0.0.0.0:3000', 4, '$PORT from the environment, else 3000'],
      ['tcp://0.0.0.0:4000', 5, '$PORT from the environment, else 4000'],
    ]);
  });
  it('says nothing when neither is written, or the value is only known at run time', () => {
    expect(binds('workers 2\n')).toEqual([]);
    expect(binds('port ENV["PORT"]\nbind "tcp://#{host}:3000"\n')).toEqual([]);
  });
});

describe('dotenv', () => {
  const text =
    '# app\nexport WEB_CONCURRENCY=3\nGUNICORN_CMD_ARGS="--timeout 90 --keep-alive 5"\nSECRET=\'a b\' # not a comment inside quotes\nPLAIN=x # comment\n';
  const p = dotenv.parse('.env', text) as ParsedFile<DotenvTree>;
  it('reads variables and feeds gunicorn (GUNICORN_CMD_ARGS, WEB_CONCURRENCY)', () => {
    expect(p.print()).toBe(text);
    expect(detectKind('.env', text).kind).toBe('dotenv');
    expect(p.settings().map((s) => [s.key, s.value, s.line])).toEqual([
      ['WEB_CONCURRENCY', '3', 2],
      ['GUNICORN_CMD_ARGS', '--timeout 90 --keep-alive 5', 3],
      ['SECRET', 'a b', 4],
      ['PLAIN', 'x', 5],
    ]);
    const conf = gunicorn.parse('gunicorn.conf.py', 'timeout = 30\n');
    const eff = gunicornSettings([conf, p]);
    expect(eff.timeout).toMatchObject({ value: '90', source: { file: '.env', line: 3 } });
    expect(eff.workers).toMatchObject({ value: '3', source: { line: 2 } });
  });
  it('edits keep quoting', () => {
    const out = applyEdits(text, [
      ...setDotenvVar(p, 'GUNICORN_CMD_ARGS', '--timeout 120'),
      ...setDotenvVar(p, 'NEW', 'v w'),
    ]);
    expect(out).toContain('GUNICORN_CMD_ARGS="--timeout 120"\n');
    expect(out.endsWith('NEW="v w"\n')).toBe(true);
  });
});

describe('php-fpm, Puma and dotenv fuzz', () => {
  it('never throw and round-trip', () => {
    const tokens = fc.array(
      fc.constantFrom(
        '[www]',
        'pm',
        ' = ',
        '=',
        ';',
        '#',
        '"',
        "'",
        '\n',
        '\r\n',
        'ENV.fetch("A") { 2 }',
        'workers ',
        'export ',
        'A=b',
        '(',
        ')',
        '$pool',
        '${X}',
      ),
      { maxLength: 50 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          tokens.map((a) => a.join('')),
        ),
        (text) => {
          for (const [h, set] of [
            [
              phpFpm,
              (q: ParsedFile) =>
                setPhpFpmSetting(q as ParsedFile<PhpFpmTree>, 'pm.max_requests', 10),
            ],
            [
              puma,
              (q: ParsedFile) =>
                setPumaSetting(q as ParsedFile<PumaTree>, 'persistent_timeout', 10),
            ],
            [dotenv, (q: ParsedFile) => setDotenvVar(q as ParsedFile<DotenvTree>, 'A', 1)],
          ] as const) {
            const q = h.parse('x', text);
            expect(q.print()).toBe(text);
            q.settings();
            applyEdits(text, set(q));
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
