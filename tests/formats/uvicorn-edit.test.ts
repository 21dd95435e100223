/**
 * Setting a uvicorn option where the file says it: a command-line option's value (both word
 * forms, JSON exec form), a `uvicorn.run()` keyword, a UVICORN_ variable; else added after
 * `uvicorn` or after the call's last argument. Exact outputs, and a property: on any error-free
 * launch file the value set is the one every server it starts runs with.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import { parseUvicorn, uvicornRuns } from '../../workers/engine/formats/uvicorn/index.ts';
import { setUvicornSetting } from '../../workers/engine/formats/uvicorn/edit.ts';

const set = (name: string, text: string, value: number | string = 65) => {
  const parsed = parseUvicorn(name, text);
  return applyEdits(text, setUvicornSetting(parsed, 'timeout_keep_alive', value));
};

describe('setUvicornSetting', () => {
  const cases: [string, string, string][] = [
    [
      'Dockerfile',
      'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n',
      'CMD ["uvicorn", "--timeout-keep-alive", "65", "main:app", "--host", "0.0.0.0"]\n',
    ],
    [
      'Dockerfile',
      'CMD ["uvicorn", "main:app", "--timeout-keep-alive", "30"]\n',
      'CMD ["uvicorn", "main:app", "--timeout-keep-alive", "65"]\n',
    ],
    [
      'Dockerfile',
      'CMD uvicorn main:app --timeout-keep-alive=30 --port 80\n',
      'CMD uvicorn main:app --timeout-keep-alive=65 --port 80\n',
    ],
    [
      'Procfile',
      'web: uvicorn main:app --timeout-keep-alive 30\n',
      'web: uvicorn main:app --timeout-keep-alive 65\n',
    ],
    [
      'Dockerfile',
      'ENV UVICORN_TIMEOUT_KEEP_ALIVE=30\nCMD uvicorn main:app\n',
      'ENV UVICORN_TIMEOUT_KEEP_ALIVE=65\nCMD uvicorn main:app\n',
    ],
    [
      'docker-compose.yml',
      'services:\n  api:\n    command: uvicorn main:app\n    environment:\n      UVICORN_TIMEOUT_KEEP_ALIVE: "30"\n',
      'services:\n  api:\n    command: uvicorn main:app\n    environment:\n      UVICORN_TIMEOUT_KEEP_ALIVE: "65"\n',
    ],
    [
      'main.py',
      'import uvicorn\nuvicorn.run("main:app", host="0.0.0.0", port=8000)\n',
      'import uvicorn\nuvicorn.run("main:app", host="0.0.0.0", port=8000, timeout_keep_alive=65)\n',
    ],
    [
      'main.py',
      'import uvicorn\nuvicorn.run(\n    "main:app",\n    timeout_keep_alive = 30,\n)\n',
      'import uvicorn\nuvicorn.run(\n    "main:app",\n    timeout_keep_alive = 65,\n)\n',
    ],
  ];
  for (const [name, text, out] of cases) {
    it(`${name}: ${JSON.stringify(text.trim()).slice(0, 70)}`, () => {
      const fixed = set(name, text);
      expect(fixed).toBe(out);
      const runs = uvicornRuns(parseUvicorn(name, fixed));
      expect(runs.map((r) => r.settings.timeout_keep_alive!.value)).toEqual(runs.map(() => '65'));
    });
  }

  it('the command line wins over the variable: the option is changed, the variable left', () => {
    const text =
      'ENV UVICORN_TIMEOUT_KEEP_ALIVE=30\nCMD uvicorn main:app --timeout-keep-alive 10\n';
    expect(set('Dockerfile', text)).toBe(
      'ENV UVICORN_TIMEOUT_KEEP_ALIVE=30\nCMD uvicorn main:app --timeout-keep-alive 65\n',
    );
  });

  it('a switch or an unknown name is not something it sets', () => {
    const parsed = parseUvicorn('Procfile', 'web: uvicorn main:app\n');
    expect(setUvicornSetting(parsed, 'reload', 'true')).toEqual([]);
    expect(setUvicornSetting(parsed, 'no_such_option', 1)).toEqual([]);
  });

  it('property: on an error-free launch file every server it starts runs with the value set', () => {
    const line = fc.constantFrom(
      'web: uvicorn main:app\n',
      'web: uvicorn main:app --port 8000 --timeout-keep-alive 3\n',
      'worker: uvicorn --timeout-keep-alive=9 other:app\n',
      'web: python -m uvicorn main:app --host 0.0.0.0\n',
      '# a comment\n',
      '\n',
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (lines) => {
        const text = lines.join('');
        const parsed = parseUvicorn('Procfile', text);
        if (parsed.errors.length > 0) return;
        const fixed = applyEdits(text, setUvicornSetting(parsed, 'timeout_keep_alive', 77));
        const again = parseUvicorn('Procfile', fixed);
        expect(again.errors).toEqual([]);
        for (const run of uvicornRuns(again))
          expect(run.settings.timeout_keep_alive!.value, fixed).toBe('77');
      }),
      { numRuns: 200 },
    );
  });
});
