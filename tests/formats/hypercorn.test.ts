/**
 * hypercorn: its command lines (Dockerfile, Procfile, compose, systemd) and its TOML config,
 * each setting with its line; a command line over the TOML file it names; what is not
 * hypercorn stays apart; errors name their line; parsing never throws and gives every text
 * back byte for byte; edits keep the rest of the file.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectKind } from '../../workers/engine/formats/detect.ts';
import {
  handler as hypercorn,
  hypercornRuns,
  setHypercornSetting,
  type HypercornTree,
} from '../../workers/engine/formats/hypercorn/index.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import { CORPUS, corpusFiles } from './corpus.ts';

const parse = (name: string, text: string) =>
  hypercorn.parse(name, text) as ParsedFile<HypercornTree>;
const runs = (...files: [string, string][]) => hypercornRuns(files.map(([n, t]) => parse(n, t)));
const set = (name: string, text: string, setting: string, value: number) =>
  applyEdits(text, setHypercornSetting(parse(name, text), setting, value));

const TOML = [
  '# hypercorn -c hypercorn.toml',
  'bind = ["0.0.0.0:8000", "unix:/run/app.sock"]',
  'workers = 4',
  'keep_alive_timeout = 75  # above the balancer',
  "accesslog = '-'",
  '',
  '[logconfig_dict]',
  'version = 1',
  '',
].join('\n');

describe('hypercorn', () => {
  it('a TOML config: top-level keys with their lines, a table ends them, defaults beneath', () => {
    expect(detectKind('hypercorn.toml', TOML).kind).toBe('hypercorn');
    const [run] = runs(['hypercorn.toml', TOML]);
    const s = run!.settings;
    expect(s.bind).toMatchObject({
      value: '0.0.0.0:8000, unix:/run/app.sock',
      source: { line: 2 },
    });
    expect(s.keep_alive_timeout).toMatchObject({ value: '75', source: { line: 4 } });
    expect(s.accesslog!.value).toBe('-');
    expect(s.version).toBeUndefined(); // inside [logconfig_dict]
    expect(s.graceful_timeout).toMatchObject({
      value: '3',
      source: { default: expect.stringContaining('hypercorn') },
    });
    expect(parse('hypercorn.toml', TOML).errors).toEqual([]);
  });

  it('command lines: long, `=`, attached short and repeated options; `python -m`; exec form', () => {
    const cases: [string, string, Record<string, string>][] = [
      [
        'Dockerfile',
        'FROM python:3.12\nCMD ["hypercorn", "--bind", "0.0.0.0:8000", "-w4", "--keep-alive=30", "app:app"]\n',
        { bind: '0.0.0.0:8000', workers: '4', keep_alive_timeout: '30', app: 'app:app' },
      ],
      [
        'Procfile',
        'web: python -m hypercorn -b 0.0.0.0:8000 -b [::]:8000 --graceful-timeout 20 main:app\n',
        { bind: '0.0.0.0:8000, [::]:8000', graceful_timeout: '20' },
      ],
      [
        'compose.yaml',
        'services:\n  api:\n    image: api\n    command: hypercorn --max-requests 500 --max-requests-jitter 50 app:app\n',
        { max_requests: '500', max_requests_jitter: '50' },
      ],
      [
        'api.service',
        '[Service]\nExecStart=/srv/venv/bin/hypercorn --read-timeout 20 --keep 9 app:app\n',
        { read_timeout: '20', keep_alive_timeout: '9' }, // an unambiguous prefix, as argparse takes it
      ],
    ];
    for (const [name, text, want] of cases) {
      expect(detectKind(name, text).kind, name).toBe('hypercorn');
      const [run] = runs([name, text]);
      for (const [k, v] of Object.entries(want))
        expect(run!.settings[k]?.value, `${name} ${k}`).toBe(v);
      expect(parse(name, text).errors, name).toEqual([]);
    }
  });

  it('a command line over the TOML file it names with -c, both files kept, the config first', () => {
    const [run, ...rest] = runs(
      ['hypercorn.toml', TOML],
      ['Procfile', 'web: hypercorn -c hypercorn.toml --keep-alive 90 app:app\n'],
    );
    expect(rest).toEqual([]);
    expect(run!.files).toEqual(['hypercorn.toml', 'Procfile']);
    expect(run!.settings.keep_alive_timeout).toMatchObject({
      value: '90',
      source: { file: 'Procfile' },
    });
    expect(run!.settings.workers).toMatchObject({ value: '4', source: { file: 'hypercorn.toml' } });
  });

  it('what is not hypercorn: a pyproject.toml, prose, gunicorn with a worker class', () => {
    const pyproject =
      '[project]\nname = "api"\ndependencies = ["hypercorn>=0.16"]\n\n[tool.ruff]\nline-length = 100\n';
    expect(detectKind('pyproject.toml', pyproject).kind).not.toBe('hypercorn');
    expect(hypercorn.detect('notes.txt', 'we moved from hypercorn to gunicorn last week')).toBe(0);
    expect(
      detectKind('Procfile', 'web: gunicorn -k uvicorn.workers.UvicornWorker app:app\n').kind,
    ).toBe('gunicorn');
  });

  it('errors say the line: an unknown option, a line that is not `key = value`, an array never closed, a quote never closed', () => {
    expect(parse('Procfile', 'web: hypercorn --keepalive 5 app:app\n').errors).toEqual([
      { line: 1, message: 'hypercorn does not know the option --keepalive' },
    ]);
    expect(parse('hypercorn.toml', 'workers = 2\nkeep_alive_timeout\n').errors).toEqual([
      { line: 2, message: 'not a TOML `key = value` line' },
    ]);
    expect(parse('hypercorn.toml', 'workers = 2\nbind = [\n  "0.0.0.0:80",\n').errors).toEqual([
      { line: 2, message: 'array opened here is never closed' },
    ]);
    expect(parse('hypercorn.toml', 'accesslog = "-\nworkers = 2\n').errors).toEqual([
      { line: 1, message: 'quote opened here is never closed' },
    ]);
  });

  it('edits: a TOML value replaced or a line added above the first table; a flag replaced in both forms or added after `hypercorn`', () => {
    expect(set('hypercorn.toml', TOML, 'keep_alive_timeout', 125)).toBe(
      TOML.replace('keep_alive_timeout = 75  #', 'keep_alive_timeout = 125  #'),
    );
    expect(set('hypercorn.toml', TOML, 'max_requests_jitter', 100)).toBe(
      TOML.replace("accesslog = '-'\n", "accesslog = '-'\nmax_requests_jitter = 100\n"),
    );
    expect(set('hypercorn.toml', '', 'keep_alive_timeout', 65)).toBe('keep_alive_timeout = 65\n');
    const proc = 'web: hypercorn --keep-alive 30 -b 0.0.0.0:$PORT app:app\n';
    expect(set('Procfile', proc, 'keep_alive_timeout', 65)).toBe(proc.replace('30', '65'));
    expect(
      set('Procfile', 'web: hypercorn --keep-alive=30 app:app\n', 'keep_alive_timeout', 65),
    ).toBe('web: hypercorn --keep-alive=65 app:app\n');
    const docker = 'FROM python:3.12\nCMD ["hypercorn", "app:app"]\n';
    expect(set('Dockerfile', docker, 'keep_alive_timeout', 65)).toBe(
      'FROM python:3.12\nCMD ["hypercorn", "--keep-alive", "65", "app:app"]\n',
    );
    // Each edit reads back as the value it set.
    const again = runs(['Dockerfile', set('Dockerfile', docker, 'keep_alive_timeout', 65)]);
    expect(again[0]!.settings.keep_alive_timeout!.value).toBe('65');
  });

  it('property: never throws, always gives the text back', () => {
    const words = fc.constantFrom(
      'hypercorn',
      'python -m hypercorn',
      '--keep-alive',
      '-w4',
      '8000',
      '"',
      "'",
      '=',
      '[',
      ']',
      '#',
      '\\',
      '$PORT',
      '\n',
      'CMD [',
      '"]',
      'keep_alive_timeout =',
      'bind = [',
      '[table]',
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(words, fc.string()), { maxLength: 40 }),
        fc.constantFrom(
          'Dockerfile',
          'hypercorn.toml',
          'Procfile',
          'x.service',
          'compose.yaml',
          'a.toml',
        ),
        (parts, name) => {
          const text = parts.join(' ');
          const p = parse(name, text);
          expect(p.print()).toBe(text);
          hypercornRuns([p]);
          p.settings();
          for (const e of p.errors) expect(e.line).toBeGreaterThanOrEqual(1);
          expect(typeof hypercorn.detect(name, text)).toBe('number');
          for (const edit of setHypercornSetting(p, 'keep_alive_timeout', 65))
            expect(edit.start).toBeLessThanOrEqual(edit.end);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('the corpus: every real file parses without throwing, prints back byte for byte, none is hypercorn', () => {
    const files = ['nginx', 'gunicorn', 'uwsgi', 'k8s'].flatMap((f) => corpusFiles(f));
    expect(files.length, CORPUS).toBeGreaterThan(40);
    for (const f of files) {
      expect(hypercorn.parse(f.name, f.text).print(), f.name).toBe(f.text);
      expect(detectKind(f.name, f.text).kind, f.name).not.toBe('hypercorn');
    }
  });
});
