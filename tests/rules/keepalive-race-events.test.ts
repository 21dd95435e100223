/**
 * keepalive-race: which log events the finding may claim — only failures a reused connection
 * that the app server is closing produces (reset / premature close / broken pipe while sending
 * the request or awaiting the header, or an access-log 502 on a cached connection), never
 * refused connections, mid-body closes, other servers' lines or closes right after a worker kill.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';

const RULE = 'keepalive-race';
const run = (files: SourceFile[], nginxVersion = '1.22.1') => analyze(files, { nginxVersion });
const ours = (files: SourceFile[], nginxVersion?: string) =>
  run(files, nginxVersion).findings.filter((f) => f.rule === RULE);

const pooled = () => `upstream app {
    server 127.0.0.1:8000;
    keepalive 16;
}
server {
    listen 80;
    location / {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
    }
}
`;
const gthread = () => ({
  name: 'gunicorn.conf.py',
  text: `bind = "127.0.0.1:8000"\nworkers = 2\nworker_class = "gthread"\nthreads = 4\n`,
});

describe('keepalive-race: which log events it explains', () => {
  const configs = [{ name: 'app.conf', text: pooled() }, gthread()];
  const line = (
    time: string,
    conn: number,
    what: string,
    request: string,
    upstream = '127.0.0.1:8000',
  ) =>
    `2026/11/21 ${time} [error] 3731#3731: *${conn} ${what}, client: 10.0.0.9, server: shop, request: "${request} HTTP/1.1", upstream: "http://${upstream}/x", host: "shop"`;
  const explainedLines = (log: string, extra: SourceFile[] = []) => {
    const hit = run([...configs, { name: 'error.log', text: log }, ...extra]).findings.find(
      (f) => f.rule === RULE,
    )!;
    return hit.evidence.filter((e) => e.file === 'error.log').map((e) => e.line);
  };

  it('claims resets and premature closes while sending or awaiting the header, nothing else', () => {
    const log = [
      line(
        '07:56:13',
        12,
        'recv() failed (104: Connection reset by peer) while reading response header from upstream',
        'POST /orders',
      ),
      line(
        '07:56:14',
        13,
        'connect() failed (111: Connection refused) while connecting to upstream',
        'POST /orders',
      ),
      line(
        '07:56:15',
        14,
        'upstream prematurely closed connection while reading upstream',
        'GET /report',
      ),
      line(
        '07:56:16',
        15,
        'upstream prematurely closed connection while reading response header from upstream',
        'PATCH /cart',
      ),
      line(
        '07:56:17',
        16,
        'writev() failed (32: Broken pipe) while sending request to upstream',
        'POST /upload',
      ),
      line(
        '07:56:18',
        17,
        'upstream prematurely closed connection while reading response header from upstream',
        'POST /x',
        '10.9.9.9:8000',
      ),
      line(
        '07:56:19',
        18,
        'upstream timed out (110: Connection timed out) while reading response header from upstream',
        'POST /slow',
      ),
    ].join('\n');
    expect(explainedLines(log)).toEqual([1, 4, 5]);
    const hit = ours([...configs, { name: 'error.log', text: log }])[0]!;
    expect(hit.message).toContain('3 logged failure(s)');
    expect(hit.message).toContain('not POST, PATCH or LOCK');
    expect(hit.confidence).toBeGreaterThan(0.5);
  });

  it('does not claim a close that follows a gunicorn worker kill', () => {
    const log = [
      line(
        '07:56:13',
        12,
        'upstream prematurely closed connection while reading response header from upstream',
        'POST /orders',
      ),
      line(
        '07:59:40',
        20,
        'upstream prematurely closed connection while reading response header from upstream',
        'POST /orders',
      ),
    ].join('\n');
    const gunicornLog = {
      name: 'gunicorn.log',
      text: '[2026-11-21 07:59:38 +0000] [3721] [CRITICAL] WORKER TIMEOUT (pid:3725)\n',
    };
    expect(explainedLines(log, [gunicornLog])).toEqual([1]);
  });

  it('with no failure of its kind it holds in the config only and ranks as such', () => {
    const log = line(
      '07:56:14',
      13,
      'connect() failed (111: Connection refused) while connecting to upstream',
      'POST /orders',
    );
    const hit = ours([...configs, { name: 'error.log', text: log }])[0]!;
    expect(hit.evidence.some((e) => e.file === 'error.log')).toBe(false);
    expect(hit.confidence).toBeLessThan(0.5);
  });

  it('an access-log 502 on a reused connection ($upstream_connect_time 0.000) counts when no error log is pasted', () => {
    // Detection does not read log_format yet, so the log's kind is given as a user would pick it.
    const nginx = `log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" ua=$upstream_addr uct=$upstream_connect_time';
${pooled().replace('listen 80;', 'listen 80;\n    access_log /var/log/nginx/access.log timed;')}`;
    const access = [
      '10.0.0.9 - - [21/Nov/2026:07:56:13 +0000] "POST /orders HTTP/1.1" 502 157 "-" "curl/8" ua=127.0.0.1:8000 uct=0.000',
      '10.0.0.9 - - [21/Nov/2026:07:56:14 +0000] "POST /orders HTTP/1.1" 502 157 "-" "curl/8" ua=127.0.0.1:8000 uct=0.012',
      '10.0.0.9 - - [21/Nov/2026:07:56:15 +0000] "GET /orders HTTP/1.1" 200 157 "-" "curl/8" ua=127.0.0.1:8000 uct=0.000',
    ].join('\n');
    const hit = ours([
      { name: 'app.conf', text: nginx },
      gthread(),
      { name: 'access.log', text: access, kind: 'log' },
    ])[0]!;
    expect(hit.evidence.filter((e) => e.file === 'access.log').map((e) => e.line)).toEqual([1]);
  });
});
