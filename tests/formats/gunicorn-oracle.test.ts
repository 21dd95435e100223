/** The real gunicorn (Debian's) loads the configs this tool edits. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import {
  gunicornSettings,
  handler,
  setGunicornSetting,
  type GunicornTree,
} from '../../workers/engine/formats/gunicorn/index.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import { corpusFiles, hasProgram } from './corpus.ts';

const parse = (text: string, name = 'gunicorn.conf.py') =>
  handler.parse(name, text) as ParsedFile<GunicornTree>;

const haveGunicorn = hasProgram('gunicorn') && hasProgram('python3');
describe.skipIf(!haveGunicorn)('edited gunicorn configs load in the real gunicorn', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ud-gunicorn-'));
  writeFileSync(
    join(dir, 'app.py'),
    'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b"ok"]\n',
  );
  const check = (text: string) => {
    const f = join(dir, 'conf.py');
    writeFileSync(f, text);
    const compile = spawnSync('python3', ['-m', 'py_compile', f]);
    const load = spawnSync('gunicorn', ['--check-config', '-c', f, 'app:app'], {
      cwd: dir,
      timeout: 20_000,
    });
    return { compiled: compile.status === 0, loaded: load.status === 0, err: String(load.stderr) };
  };
  it('rejects a broken config (the check can fail)', () => {
    expect(check('timeout = "abc"\n').loaded).toBe(false);
  });
  const validated: string[] = [];
  for (const f of corpusFiles('gunicorn')) {
    it(`edits of ${f.name} still compile and load when the original does`, () => {
      const original = check(f.text);
      if (!original.loaded) return; // imports modules of its own project
      validated.push(f.name);
      let p = parse(f.text, f.name);
      let text = f.text;
      for (const [k, v] of [
        ['timeout', 95],
        ['keepalive', 75],
        ['graceful_timeout', 40],
        ['max_requests', 1000],
      ] as const) {
        text = applyEdits(text, setGunicornSetting(p, k, v));
        p = parse(text, f.name);
      }
      const r = check(text);
      expect(r.compiled).toBe(true);
      expect(r.loaded, r.err).toBe(true);
      const eff = gunicornSettings(p);
      expect(eff.timeout!.value).toBe('95');
      expect(eff.keepalive!.value).toBe('75');
    });
  }
  it('validated the self-contained corpus files with the real program', () =>
    expect(validated.length).toBeGreaterThanOrEqual(8));
});
