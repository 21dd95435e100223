import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { handler } from '../../workers/engine/formats/nginx/index.ts';
import { corpus } from './corpus.ts';

const SHARED = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');
const others = (dir: string) =>
  readdirSync(join(SHARED, dir)).map((name) => ({
    name,
    text: readFileSync(join(SHARED, dir, name), 'utf8'),
  }));

describe('nginx detection', () => {
  it.each(corpus().map((f) => [f.name, f.text] as const))('detects %s', (name, text) => {
    expect(handler.detect(name, text)).toBeGreaterThanOrEqual(0.6);
    // By content alone too: users paste without names.
    expect(handler.detect('pasted', text)).toBeGreaterThanOrEqual(0.5);
  });

  it('is sure of an nginx -T dump', () => {
    expect(
      handler.detect('paste', '# configuration file /etc/nginx/nginx.conf:\nevents {}\n'),
    ).toBe(1);
  });

  it('scores other formats of the corpus low', () => {
    for (const dir of ['gunicorn', 'uwsgi', 'k8s']) {
      for (const f of others(dir))
        expect(handler.detect(f.name, f.text), `${dir}/${f.name}`).toBeLessThan(0.4);
    }
  });

  it('scores log lines and prose low', () => {
    const errors = readFileSync(join(SHARED, 'errors.tsv'), 'utf8')
      .split('\n')
      .map((l) => l.slice(l.indexOf('\t') + 1))
      .join('\n');
    expect(handler.detect('error.log', errors)).toBeLessThan(0.4);
    expect(handler.detect('notes', 'My site returns 502 since yesterday. Help!')).toBeLessThan(0.4);
  });

  it('never throws, even on binary junk', () => {
    expect(handler.detect('x.bin', '\u0000\u0001\uffff'.repeat(1000))).toBeLessThan(0.4);
  });
});
