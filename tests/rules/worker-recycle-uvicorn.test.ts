/**
 * worker-recycle for uvicorn's --limit-max-requests: with --workers it recycles workers (the
 * jitter finding, its fix needs uvicorn 0.37 so it is opt-in; the pool finding), and as a single
 * process it ends the whole server, which is a different story told in its own words.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { decodeLine } from '../../workers/engine/logs/decode.ts';
import { eachPlace } from '../../workers/engine/pipeline/places.ts';

const procfile = (args: string) => ({ name: 'Procfile', text: `web: uvicorn main:app ${args}\n` });
const POOLED = {
  name: 'nginx.conf',
  text: 'events {}\nhttp {\n    upstream api {\n        server 127.0.0.1:8000;\n        keepalive 16;\n    }\n    server {\n        location / {\n            proxy_pass http://api;\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n            proxy_read_timeout 30s;\n        }\n    }\n}\n',
};
const EXIT = 'WARNING:  Maximum request limit of 1000 exceeded. Terminating process.';
const REFUSED =
  '2026/12/07 10:00:01 [error] 31#31: *9001 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.5, server: , request: "GET /items HTTP/1.1", upstream: "http://127.0.0.1:8000/items", host: "api.example.com"';
const run = (files: SourceFile[], unsafe = false) =>
  analyze(files, { nginxVersion: '1.24.0', ...(unsafe ? { unsafe: true } : {}) });
const recycle = (files: SourceFile[], unsafe = false) =>
  run(files, unsafe)
    .findings.filter((f) => f.rule === 'worker-recycle')
    .flatMap((f) => eachPlace(f));

describe('worker-recycle: uvicorn --limit-max-requests', () => {
  it('uvicorn’s exit line is read as the process ending at its limit', () => {
    expect(decodeLine(EXIT)).toMatchObject({
      source: 'uvicorn',
      kind: 'worker-recycle',
      fields: { limit: 1000 },
    });
  });

  it('one process: the whole server ends; its exit line and the refused connect after it are claimed', () => {
    const files = [
      procfile('--port 8000 --limit-max-requests 1000'),
      POOLED,
      { name: 'uvicorn.log', text: `${EXIT}\nINFO:     Shutting down\n` },
      { name: 'error.log', text: `${REFUSED}\n` },
    ];
    const found = recycle(files);
    expect(found.map((f) => f.title)).toEqual([
      'uvicorn ends the whole server after limit_max_requests',
    ]);
    const [hit] = found;
    expect(hit!.role).toBe('cause');
    expect(hit!.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'Procfile:1',
      'uvicorn.log:1',
      'error.log:1',
    ]);
    expect(hit!.fix).toMatchObject({ safety: 'manual', applied: false });
    expect(hit!.fix!.description).toContain('--workers 2');
  });

  it('--workers 4: the workers restart together, and the opt-in fix adds the jitter after `uvicorn`', () => {
    const file = procfile('--port 8000 --workers 4 --limit-max-requests 1000');
    const [hit] = recycle([file]);
    expect(hit!.title).toBe('Workers are recycled all at once (no jitter)');
    expect(hit!.fix).toMatchObject({ safety: 'unsafe', applied: false });
    expect(hit!.fix!.description).toContain('uvicorn 0.37');
    const fixed = run([file], true).fixed[0]!.text;
    expect(fixed).toBe(
      'web: uvicorn --limit-max-requests-jitter 100 main:app --port 8000 --workers 4 --limit-max-requests 1000\n',
    );
    expect(recycle([{ ...file, text: fixed }])).toEqual([]);
  });

  it('--workers 4 behind an nginx pool: recycled workers drop pooled connections', () => {
    const titles = recycle([procfile('--workers 4 --limit-max-requests 1000'), POOLED]).map(
      (f) => f.title,
    );
    expect(titles).toContain('Recycled workers drop the connections nginx pools');
  });

  it('near misses: no limit; the jitter already set; one process has no jitter to add', () => {
    expect(recycle([procfile('--workers 4'), POOLED])).toEqual([]);
    expect(
      recycle([procfile('--workers 4 --limit-max-requests 1000 --limit-max-requests-jitter 100')]),
    ).toEqual([]);
    expect(recycle([procfile('--limit-max-requests 1000')]).map((f) => f.title)).toEqual([
      'uvicorn ends the whole server after limit_max_requests',
    ]);
  });
});
