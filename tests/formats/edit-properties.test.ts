/** Properties of the edits: on any error-free input they keep it error-free and the value they set is the effective one. */
import { it, expect } from 'vitest';
import fc from 'fast-check';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import {
  handler,
  setGunicornSetting,
  gunicornSettings,
  type GunicornTree,
} from '../../workers/engine/formats/gunicorn/index.ts';
import {
  handler as uh,
  setUwsgiOption,
  uwsgiSettings,
  type UwsgiTree,
} from '../../workers/engine/formats/uwsgi/index.ts';
const py = fc.array(
  fc.constantFrom(
    'timeout = 30\n',
    'timeout=int(os.getenv("T", "30"))\n',
    'import os\n',
    'if x:\n',
    '    timeout = 5\n',
    'else:\n',
    'def f():\n',
    '    pass\n',
    'workers = 2\n',
    '# c\n',
    '\n',
    '\r\n',
    'bind = "a"  # x\n',
    'keepalive = 2; timeout = 9\n',
    'x = (\n    1)\n',
  ),
  { maxLength: 25 },
);
it('gunicorn: setting a value on an error-free config re-parses cleanly and takes effect', () => {
  fc.assert(
    fc.property(
      py.map((a) => a.join('')),
      (text) => {
        const p = handler.parse('g.py', text) as ParsedFile<GunicornTree>;
        if (p.errors.length) return;
        const out = applyEdits(text, setGunicornSetting(p, 'timeout', 77));
        const q = handler.parse('g.py', out);
        expect(q.errors, JSON.stringify({ text, out })).toEqual([]);
        expect(gunicornSettings(q).timeout!.value, JSON.stringify({ text, out })).toBe('77');
      },
    ),
    { numRuns: 300 },
  );
});
const ini = fc.array(
  fc.constantFrom(
    '[uwsgi]\n',
    '[app]\n',
    'harakiri = 5\n',
    'harakiri=6 ; c\n',
    'master\n',
    '# c\n',
    '\n',
    '\r\n',
    'socket = :1\n',
  ),
  { maxLength: 20 },
);
it('uWSGI: setting an option on an error-free ini re-parses cleanly and takes effect', () => {
  fc.assert(
    fc.property(
      ini.map((a) => a.join('')),
      (text) => {
        const p = uh.parse('u.ini', text) as ParsedFile<UwsgiTree>;
        if (p.errors.length) return;
        const out = applyEdits(text, setUwsgiOption(p, 'harakiri', 77));
        const q = uh.parse('u.ini', out);
        expect(q.errors).toEqual([]);
        expect(uwsgiSettings(q).harakiri!.value, JSON.stringify({ text, out })).toBe('77');
      },
    ),
    { numRuns: 300 },
  );
});
