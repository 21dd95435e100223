import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DETECT_THRESHOLD, detectKind } from '../../workers/engine/formats/detect.ts';
import type { FileKind } from '../../workers/engine/model.ts';
import { CORPUS, corpusFiles } from './corpus.ts';

const FOLDERS: [string, FileKind][] = [
  ['nginx', 'nginx'],
  ['gunicorn', 'gunicorn'],
  ['uwsgi', 'uwsgi'],
  ['k8s', 'kubernetes'],
];

describe('detection on the corpus', () => {
  for (const [folder, kind] of FOLDERS) {
    for (const f of corpusFiles(folder)) {
      it(`${folder}/${f.name} is ${kind}`, () => {
        const d = detectKind(f.name, f.text);
        expect(d.kind).toBe(kind);
        expect(d.confidence).toBeGreaterThanOrEqual(DETECT_THRESHOLD);
      });
    }
  }
  it('still detects corpus files pasted without a name (content only)', () => {
    let right = 0;
    let total = 0;
    for (const [folder, kind] of FOLDERS) {
      for (const f of corpusFiles(folder)) {
        total++;
        if (detectKind('pasted', f.text).kind === kind) right++;
      }
    }
    expect(right / total).toBeGreaterThan(0.8);
  });
});

describe('detection of launchers and non-configs', () => {
  it('classifies Procfiles, Dockerfiles and units by what they start', () => {
    expect(detectKind('Procfile', 'web: gunicorn app:app --timeout 30\n').kind).toBe('gunicorn');
    expect(
      detectKind('Dockerfile', 'FROM python:3\nCMD ["uwsgi", "--ini", "app.ini"]\n').kind,
    ).toBe('uwsgi');
    expect(
      detectKind('app.service', '[Service]\nExecStart=/usr/bin/gunicorn -w 3 app:app\n').kind,
    ).toBe('gunicorn');
  });
  it('reports prose, JSON, logs and binary as unknown rather than forcing a parser', () => {
    const readme = readFileSync(join(CORPUS, 'README.md'), 'utf8');
    expect(detectKind('README.md', readme).kind).toBe('unknown');
    expect(detectKind('data.json', '{"a": [1, 2, 3], "b": {"c": null}}').kind).toBe('unknown');
    expect(
      detectKind('x', 'Hello, I get 502 errors sometimes. Any idea what gunicorn does there?').kind,
    ).toBe('unknown');
    expect(detectKind('blob', '\u0000\u0001\u0002PNG\u0000\u0000').kind).toBe('unknown');
    expect(detectKind('empty', '   \n').kind).toBe('unknown');
  });
  it('does not take pasted log lines (corpus errors.tsv) for a config, one by one or together', () => {
    const rows = readFileSync(join(CORPUS, 'errors.tsv'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(l.indexOf('\t') + 1));
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) expect(detectKind('pasted', r).kind, r).toBe('unknown');
    expect(detectKind('error.log', rows.join('\n')).kind).toBe('unknown');
  });
  it('uses extra detectors (the lead passes the log detector) and picks the best', () => {
    const line =
      '2024/01/01 00:00:00 [error] 1#1: *5 upstream prematurely closed connection while reading response header from upstream';
    const log = {
      kind: 'log' as const,
      detect: (_n: string, t: string) => (/\[error\]/.test(t) ? 0.9 : 0),
    };
    expect(detectKind('error.log', line, [log])).toEqual({ kind: 'log', confidence: 0.9 });
    const throwing = {
      kind: 'log' as const,
      detect: () => {
        throw new Error('boom');
      },
    };
    expect(detectKind('Procfile', 'web: gunicorn app:app\n', [throwing]).kind).toBe('gunicorn');
  });
  it('never throws on arbitrary input and stays in 0..1', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.constantFrom('a.conf', 'x.yaml', 'Procfile', 'uwsgi.ini', 'g.py', ''),
        (text, name) => {
          const d = detectKind(name, text);
          expect(d.confidence).toBeGreaterThanOrEqual(0);
          expect(d.confidence).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
