/**
 * Archives and compressed files, made in the test by the real gzip, zip and tar: each member is
 * read as its own file (and an incident in a support bundle gives what the loose files give),
 * a `.gz` log bigger than the streaming threshold is streamed as it inflates, and whatever
 * cannot be read is reported with the reason — never dropped in silence.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { readDropped } from '../../workers/engine/archive/read.ts';
import { STREAM_THRESHOLD_BYTES } from '../../workers/engine/model.ts';
import { streamLog } from '../../workers/engine/pipeline/stream.ts';
import { incidentInputs } from '../intake/pastes.ts';

const INCIDENT = join(import.meta.dirname, '../incidents/keepalive-race');
let dir: string;
const run = (cmd: string, args: string[], cwd = dir) =>
  execFileSync(cmd, args, { cwd, stdio: 'pipe' });
const dropped = async (...names: string[]) =>
  readDropped(
    await Promise.all(
      names.map(async (name) => ({ name, blob: await openAsBlob(join(dir, name)) })),
    ),
  );

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ud-archive-'));
  mkdirSync(join(dir, 'bundle/etc/nginx'), { recursive: true });
  mkdirSync(join(dir, 'bundle/logs'), { recursive: true });
  copyFileSync(join(INCIDENT, 'nginx.conf'), join(dir, 'bundle/etc/nginx/nginx.conf'));
  copyFileSync(join(INCIDENT, 'gunicorn.conf.py'), join(dir, 'bundle/gunicorn.conf.py'));
  copyFileSync(join(INCIDENT, 'error.log'), join(dir, 'bundle/logs/error.log'));
  copyFileSync(join(INCIDENT, 'access.log'), join(dir, 'bundle/logs/access.log'));
  run('tar', ['czf', 'bundle.tar.gz', '-C', 'bundle', '.']);
  run('tar', ['cf', 'bundle.tar', '-C', 'bundle', '.']);
  run('zip', ['-qr', '../bundle.zip', '.'], join(dir, 'bundle'));
  run('zip', ['-q', '-P', 'hunter2', 'secret.zip', 'bundle/gunicorn.conf.py']);
  copyFileSync(join(dir, 'bundle/logs/error.log'), join(dir, 'error.log.2'));
  run('gzip', ['error.log.2']);
  writeFileSync(join(dir, 'shot.png'), Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\rIHDR', 'latin1'));
  writeFileSync(join(dir, 'half.zip'), Buffer.from('PK\x03\x04\x14\0\0\0\x08\0', 'latin1'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('archives made by tar, zip and gzip', () => {
  const separate = analyze(incidentInputs(INCIDENT), { nginxVersion: '1.22.1' });

  it.each(['bundle.tar.gz', 'bundle.tar', 'bundle.zip'])(
    '%s: each member is a file under its path, and the incident is found as from loose files',
    async (archive) => {
      const read = await dropped(archive);
      expect(read.unreadable).toEqual([]);
      expect(read.sources.map((s) => s.name).sort()).toEqual(
        ['etc/nginx/nginx.conf', 'gunicorn.conf.py', 'logs/access.log', 'logs/error.log'].map(
          (p) => `${archive}/${p}`,
        ),
      );
      const report = analyze(read.sources, { nginxVersion: '1.22.1' });
      expect(report.findings.map((f) => f.cause)).toEqual(separate.findings.map((f) => f.cause));
      expect(report.fixed.map((f) => f.text)).toEqual(separate.fixed.map((f) => f.text));
    },
  );

  it('a rotated .gz log is the log inside it', async () => {
    const read = await dropped('error.log.2.gz');
    const log = read.large[0] ?? read.sources[0];
    expect(log?.name).toBe('error.log.2');
  });

  it('what cannot be read says why: an image, an encrypted member, a broken zip', async () => {
    const read = await dropped('shot.png', 'secret.zip', 'half.zip');
    expect(read.sources).toEqual([]);
    expect(read.unreadable).toEqual([
      { path: 'shot.png', reason: expect.stringMatching(/PNG image/) },
      { path: 'secret.zip/bundle/gunicorn.conf.py', reason: expect.stringMatching(/^encrypted/) },
      { path: 'half.zip', reason: expect.stringMatching(/not a complete zip/) },
    ]);
    const report = analyze([], {}, [], read.unreadable);
    expect(report.files.map((f) => [f.name, f.kind])).toEqual([
      ['shot.png', 'unknown'],
      ['secret.zip/bundle/gunicorn.conf.py', 'unknown'],
      ['half.zip', 'unknown'],
    ]);
  });
});

describe('a big compressed log', () => {
  it('is streamed as it inflates, never held whole, and every line is counted', async () => {
    const line = (i: number) =>
      `2024/05/02 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} [error] 7#7: *${i} upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: a, request: "GET /x/${i} HTTP/1.1", upstream: "http://127.0.0.1:8000/x/${i}", host: "a"`;
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size <= STREAM_THRESHOLD_BYTES + 1024 * 1024; i++) {
      lines.push(line(i));
      size += lines.at(-1)!.length + 1;
    }
    writeFileSync(join(dir, 'big.log'), lines.join('\n') + '\n');
    run('gzip', ['-f', 'big.log']);
    const read = await dropped('big.log.gz');
    expect(read.sources).toEqual([]);
    expect(read.large.map((l) => l.name)).toEqual(['big.log']);
    const progress: number[] = [];
    const streamed = await streamLog('big.log', read.large[0]!.source, [], (p) =>
      progress.push(p.done / p.total),
    );
    expect(streamed.result.counters.lines).toBe(lines.length);
    expect(streamed.result.counters.events).toBe(lines.length);
    // Progress is in compressed bytes: it ends at the whole .gz.
    expect(progress.at(-1)).toBeCloseTo(1, 5);
  });
});
