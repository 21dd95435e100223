/**
 * uvicorn: where its settings live (command lines in a Dockerfile, Procfile, compose file,
 * systemd unit or Kubernetes container; `UVICORN_*`; `uvicorn.run()` in Python), each setting
 * with its line; what is not uvicorn stays apart; errors name their line; parsing never throws
 * and gives every text back byte for byte.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectKind } from '../../workers/engine/formats/detect.ts';
import {
  handler as uvicorn,
  uvicornRuns,
  type UvicornTree,
} from '../../workers/engine/formats/uvicorn/index.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import { buildTopology } from '../../workers/engine/topology/index.ts';
import { parseInput } from '../../workers/engine/pipeline/parse.ts';
import { CORPUS, corpusFiles } from './corpus.ts';

const parse = (name: string, text: string) => uvicorn.parse(name, text) as ParsedFile<UvicornTree>;
const runs = (name: string, text: string) => uvicornRuns(parse(name, text));

describe('uvicorn', () => {
  it('a Dockerfile CMD (exec form): flags with their lines, UVICORN_* below them, defaults beneath', () => {
    const text = [
      'FROM python:3.12-slim',
      'ENV UVICORN_TIMEOUT_KEEP_ALIVE=20 \\',
      '    UVICORN_PORT=9000',
      'CMD ["uvicorn", "api.main:app", "--host", "0.0.0.0", "--port", "8080", "--limit-max-requests=1000"]',
      '',
    ].join('\n');
    expect(detectKind('Dockerfile', text).kind).toBe('uvicorn');
    const [run] = runs('Dockerfile', text);
    expect(run!.origin).toBe('Dockerfile CMD');
    const s = run!.settings;
    expect(s.app).toMatchObject({ value: 'api.main:app', source: { line: 4 } });
    expect(s.port).toMatchObject({ value: '8080', source: { line: 4 } }); // the flag wins
    expect(s.timeout_keep_alive).toMatchObject({ value: '20', source: { line: 2 } });
    expect(s.limit_max_requests).toMatchObject({ value: '1000', source: { line: 4 } });
    expect(s.host!.value).toBe('0.0.0.0');
    expect(s.timeout_graceful_shutdown).toMatchObject({
      value: null,
      source: { default: expect.stringContaining('uvicorn') },
    });
    expect(parse('Dockerfile', text).errors).toEqual([]);
  });

  it('ENTRYPOINT + CMD, shell form, `python -m uvicorn`, Procfile, systemd and compose', () => {
    const cases: [string, string, Record<string, string>][] = [
      [
        'Dockerfile',
        'FROM python:3.12\nENTRYPOINT ["uvicorn", "app:app"]\nCMD ["--port", "8001", "--workers", "4"]\n',
        { port: '8001', workers: '4' },
      ],
      [
        'Dockerfile',
        'FROM python:3.12\nCMD exec uvicorn app:app --port 8002 --no-proxy-headers\n',
        { port: '8002', proxy_headers: 'false' },
      ],
      [
        'run.sh',
        '#!/bin/sh\nexec python3 -m uvicorn app:app --port=8003 --reload\n',
        { port: '8003', reload: 'true' },
      ],
      [
        'Procfile',
        'web: uvicorn app:app --host 0.0.0.0 --port $PORT\nworker: celery -A app worker\n',
        { host: '0.0.0.0' },
      ],
      [
        'app.service',
        '[Service]\nExecStart=/opt/venv/bin/uvicorn app:app --uds /run/app.sock --timeout-graceful-shutdown 25\n',
        { uds: '/run/app.sock', timeout_graceful_shutdown: '25' },
      ],
      [
        'compose.yaml',
        'services:\n  api:\n    command: ["uvicorn", "app:app", "--port", "8004"]\n',
        { port: '8004' },
      ],
    ];
    for (const [name, text, want] of cases) {
      expect(detectKind(name, text).kind, name).toBe('uvicorn');
      const [run] = runs(name, text);
      for (const [key, value] of Object.entries(want))
        expect(run!.settings[key]!.value, `${name} ${key}`).toBe(value);
    }
    // `--port $PORT` is known only at run time.
    const [heroku] = runs('Procfile', cases[3]![1]);
    expect(heroku!.settings.port).toMatchObject({
      value: null,
      source: { dynamic: expect.stringContaining('$PORT') },
    });
  });

  it('uvicorn.run() and uvicorn.Config() keyword arguments in Python, computed ones unknown', () => {
    const text = [
      'import os',
      'import uvicorn',
      '',
      'if __name__ == "__main__":',
      '    uvicorn.run(',
      '        "main:app",',
      '        host="0.0.0.0",',
      '        port=int(os.environ.get("PORT", 8000)),',
      '        timeout_keep_alive=65,',
      '        timeout_graceful_shutdown=None,',
      '    )',
      'config = uvicorn.Config(app, uds="/run/api.sock", proxy_headers=False)',
      '',
    ].join('\n');
    expect(detectKind('main.py', text).kind).toBe('uvicorn');
    const [run, config] = runs('main.py', text);
    expect(run!.origin).toBe('uvicorn.run()');
    expect(run!.settings.timeout_keep_alive).toMatchObject({ value: '65', source: { line: 9 } });
    expect(run!.settings.port).toMatchObject({
      value: null,
      source: { dynamic: expect.stringContaining('os.environ') },
    });
    // None is the default: nothing written down.
    expect(run!.settings.timeout_graceful_shutdown!.source).toHaveProperty('default');
    expect(config!.settings.uds).toMatchObject({ value: '/run/api.sock', source: { line: 12 } });
    expect(config!.settings.proxy_headers!.value).toBe('false');
  });

  it('what is not uvicorn: gunicorn running UvicornWorker, prose, a Python file that only imports it', () => {
    expect(
      detectKind('Procfile', 'web: gunicorn app:app -k uvicorn.workers.UvicornWorker\n').kind,
    ).toBe('gunicorn');
    expect(uvicorn.detect('notes.txt', 'We run uvicorn behind nginx and it 502s.\n')).toBe(0);
    expect(
      uvicorn.detect('app.py', 'import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\n'),
    ).toBe(0);
    expect(
      uvicorn.detect(
        'Dockerfile',
        'FROM python:3.12\nRUN pip install uvicorn\nCMD ["python", "serve.py"]\n',
      ),
    ).toBe(0);
  });

  it('errors say the line: an unknown option, an unknown UVICORN_ variable, a quote never closed', () => {
    const text =
      'FROM python:3.12\nENV UVICORN_KEEPALIVE=30\nCMD uvicorn app:app --keep-alive 30 --port 8000\n';
    expect(parse('Dockerfile', text).errors).toEqual([
      { line: 3, message: 'uvicorn does not know the option --keep-alive' },
      { line: 2, message: 'uvicorn reads no setting from UVICORN_KEEPALIVE' },
    ]);
    // The option's value went with it: the port is still read.
    expect(runs('Dockerfile', text)[0]!.settings.port!.value).toBe('8000');
    const open = parse('run.sh', 'uvicorn app:app --root-path "/api\n');
    expect(open.errors).toEqual([{ line: 1, message: 'quote opened here is never closed' }]);
    const py = parse('main.py', 'import uvicorn\nuvicorn.run("a:b", port=8000, keepalive=5)\n');
    expect(py.errors).toEqual([{ line: 2, message: 'uvicorn does not know the option keepalive' }]);
  });

  it('a Kubernetes container running uvicorn is an app server with its args and env', () => {
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: shop/api:1.4
          command: ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
          env:
            - name: UVICORN_TIMEOUT_KEEP_ALIVE
              value: "15"
`;
    const topology = buildTopology(
      [parseInput({ name: 'api.yaml', kind: 'kubernetes', text: manifest })!],
      '1.24.0',
    );
    const api = topology.backends.find((b) => b.kind === 'uvicorn');
    expect(api?.label).toBe('uvicorn in api.yaml Deployment api / api');
    expect(api?.settings.timeout_keep_alive).toMatchObject({ value: '15', source: { line: 14 } });
    expect(api?.listeners.map((l) => l.address)).toEqual(['0.0.0.0:8000']);
  });

  it('property: never throws, always gives the text back', () => {
    const words = fc.constantFrom(
      'uvicorn',
      'python -m uvicorn',
      '--port',
      '8000',
      '--timeout-keep-alive',
      '"',
      "'",
      '=',
      '\\',
      '$PORT',
      'uvicorn.run(',
      ')',
      ',',
      'x=',
      '\n',
      'CMD [',
      '"]',
      'ENV UVICORN_X=1',
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(words, fc.string()), { maxLength: 40 }),
        fc.constantFrom('Dockerfile', 'main.py', 'Procfile', 'x.service', 'compose.yaml', 'run.sh'),
        (parts, name) => {
          const text = parts.join(' ');
          const p = uvicorn.parse(name, text);
          expect(p.print()).toBe(text);
          uvicornRuns(p as ParsedFile<UvicornTree>);
          for (const e of p.errors) expect(e.line).toBeGreaterThanOrEqual(1);
          expect(typeof uvicorn.detect(name, text)).toBe('number');
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('the corpus: every real file parses without throwing, prints back byte for byte, none is uvicorn', () => {
    const files = ['nginx', 'gunicorn', 'uwsgi', 'k8s'].flatMap((f) => corpusFiles(f));
    expect(files.length, CORPUS).toBeGreaterThan(40);
    for (const f of files) {
      expect(uvicorn.parse(f.name, f.text).print(), f.name).toBe(f.text);
      expect(detectKind(f.name, f.text).kind, f.name).not.toBe('uvicorn');
    }
  });
});
