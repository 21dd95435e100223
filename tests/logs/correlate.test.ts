import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../workers/engine/model.ts';
import { correlate, decodeLog } from '../../workers/engine/logs/index.ts';

const nginx = (time: string, id: number, msg: string, req: string, upstream: string) =>
  `${time} [error] 7#7: *${id} ${msg}, client: 1.1.1.1, server: _, request: "${req} HTTP/1.1", upstream: "${upstream}", host: "x"`;
const RRH = 'upstream prematurely closed connection while reading response header from upstream';

const ERROR_LOG = [
  nginx(
    '2024/01/02 03:04:05',
    1,
    RRH,
    'POST /api/orders?id=1',
    'http://127.0.0.1:8000/api/orders?id=1',
  ),
  nginx(
    '2024/01/02 03:04:05',
    2,
    RRH,
    'POST /api/orders?id=2',
    'http://127.0.0.1:8000/api/orders?id=2',
  ),
  nginx(
    '2024/01/02 03:10:00',
    3,
    'upstream timed out (110: Connection timed out) while reading response header from upstream',
    'GET /report',
    'http://127.0.0.1:8000/report',
  ),
  nginx(
    '2024/01/02 03:11:00',
    4,
    'connect() failed (111: Connection refused) while connecting to upstream',
    'GET /',
    'http://10.0.0.9:9000/',
  ),
].join('\n');

const GUNICORN_LOG = [
  '[2024-01-02 03:00:00 +0000] [1] [INFO] Booting worker with pid: 1300',
  '[2024-01-02 03:04:04 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:1344)',
  '[2024-01-02 03:04:05 +0000] [1] [INFO] Booting worker with pid: 1400',
  '[2024-01-02 03:04:05 +0000] [1] [INFO] Something unclassified',
].join('\n');

const KERNEL_LOG = [
  '[ 7063.247407] Memory cgroup out of memory: Killed process 63214 (gunicorn) total-vm:3149468kB',
  'Jan 02 03:09:55 host kernel: Out of memory: Killed process 15784 (python3) total-vm:11964kB, anon-rss:4288kB',
].join('\n');

function all(...logs: [string, string][]): LogEvent[] {
  return logs.flatMap(([name, text]) => decodeLog(name, text).events);
}

describe('correlate', () => {
  const incidents = correlate(
    all(['error.log', ERROR_LOG], ['gunicorn.log', GUNICORN_LOG], ['dmesg.txt', KERNEL_LOG]),
  );
  const app = incidents.find((i) => i.address === '127.0.0.1:8000')!;

  it('groups failures by upstream server, biggest first', () => {
    expect(incidents.map((i) => [i.upstream, i.count])).toEqual([
      ['http://127.0.0.1:8000', 3],
      ['http://10.0.0.9:9000', 1],
    ]);
  });

  it('says what failed, where in the request, on which routes, since when', () => {
    expect(app.kinds).toEqual({ 'premature-close': 2, 'upstream-timeout': 1 });
    expect(app.phases).toEqual({ 'reading-response-header': 3 });
    expect(app.routes).toEqual([
      { method: 'POST', path: '/api/orders', count: 2 },
      { method: 'GET', path: '/report', count: 1 },
    ]);
    expect([app.first, app.last]).toEqual(['2024-01-02T03:04:05', '2024-01-02T03:10:00']);
  });

  it('links app-server events seconds before a failure, not minutes before', () => {
    const related = app.related.map((r) => [r.event.source, r.event.kind, r.secondsBefore]);
    expect(related).toContainEqual(['gunicorn', 'worker-timeout', 1]);
    expect(related).toContainEqual(['gunicorn', 'worker-boot', 0]); // same second
    const boots = app.related.filter((r) => r.event.fields?.workerPid === 1300);
    expect(boots).toEqual([]); // 4 minutes earlier
    expect(related.some(([, kind]) => kind === 'other')).toBe(false);
  });

  it('places a year-less syslog time using the other logs and links it', () => {
    const oom = app.related.find((r) => r.event.kind === 'oom-kill');
    expect(oom?.secondsBefore).toBe(5);
    expect(oom?.event.time).toBeUndefined(); // the event itself is not rewritten
  });

  it('keeps since-boot kernel events as untimed context', () => {
    expect(app.untimed?.map((e) => e.fields?.uptime)).toEqual([7063.247407]);
  });

  it('builds a timeline of at most 60 buckets covering first to last failure', () => {
    expect(app.timeline.length).toBeLessThanOrEqual(60);
    expect(app.bucketSeconds).toBe(10);
    expect(app.timeline[0]).toEqual({
      start: '2024-01-02T03:04:00',
      counts: { 'premature-close': 2, 'gunicorn:worker-timeout': 1, 'gunicorn:worker-boot': 1 },
    });
    const total = app.timeline.reduce((n, b) => n + (b.counts['upstream-timeout'] ?? 0), 0);
    expect(total).toBe(1);
    expect(app.timeline.at(-1)!.start).toBe('2024-01-02T03:10:00');
  });

  it('compares zoned times as instants across offsets', () => {
    const events = all(
      ['gunicorn.log', '[2024-01-02 09:26:01 -0400] [1] [CRITICAL] WORKER TIMEOUT (pid:16)'],
      [
        'access.log',
        '10.0.0.1 - - [02/Jan/2024:13:26:02 +0000] "GET /slow HTTP/1.1" 502 157 "-" "curl/8.0"',
      ],
    );
    const [incident] = correlate(events);
    expect(incident!.statuses).toEqual({ '502': 1 });
    expect(incident!.related.map((r) => r.secondsBefore)).toEqual([1]);
    expect(incident!.first).toBe('2024-01-02T13:26:02+00:00');
    // the timeline opens with the related gunicorn event, in UTC
    expect(incident!.timeline[0]!.start).toBe('2024-01-02T13:26:01Z');
  });

  it('counts error-log failures, not the same requests again from the access log', () => {
    const access = [
      '1.1.1.1 - - [02/Jan/2024:03:04:05 +0000] "POST /api/orders?id=1 HTTP/1.1" 502 157 "-" "c" 127.0.0.1:8000',
      '1.1.1.1 - - [02/Jan/2024:03:04:05 +0000] "POST /api/orders?id=2 HTTP/1.1" 502 157 "-" "c" 127.0.0.1:8000',
      '1.1.1.1 - - [02/Jan/2024:03:04:06 +0000] "GET / HTTP/1.1" 200 15 "-" "c" 127.0.0.1:8000',
    ].join('\n');
    const ctx = {
      accessLogFormats: {
        up: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $upstream_addr',
      },
    };
    const events = [
      ...decodeLog('error.log', ERROR_LOG.split('\n').slice(0, 2).join('\n')).events,
      ...decodeLog('access.log', access, ctx).events,
    ];
    const [incident] = correlate(events);
    expect(incident!.address).toBe('127.0.0.1:8000');
    expect(incident!.count).toBe(2);
    expect(incident!.statuses).toEqual({ '502': 2 });
  });

  it('an access log without $upstream_addr is the same failures seen again, with one upstream failing', () => {
    // The default "combined" format names no upstream.
    const access = [
      '1.1.1.1 - - [02/Jan/2024:03:04:05 +0000] "POST /api/orders?id=1 HTTP/1.1" 502 157 "-" "c"',
      '1.1.1.1 - - [02/Jan/2024:03:04:05 +0000] "POST /api/orders?id=2 HTTP/1.1" 502 157 "-" "c"',
    ].join('\n');
    const events = [
      ...decodeLog('error.log', ERROR_LOG.split('\n').slice(0, 2).join('\n')).events,
      ...decodeLog('access.log', access).events,
    ];
    expect(events.filter((e) => e.source === 'nginx-access' && e.status === 502)).toHaveLength(2);
    const incidents = correlate(events);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.count).toBe(2);
    expect(incidents[0]!.statuses).toEqual({ '502': 2 });
    // Near miss: two upstreams failing, the anonymous responses cannot be placed, and stay apart.
    const two = correlate([...events, ...decodeLog('e2.log', ERROR_LOG.split('\n')[3]!).events]);
    expect(two).toHaveLength(3);
    // Near miss: an access log alone is the incident itself.
    expect(correlate(decodeLog('access.log', access).events)).toHaveLength(1);
  });

  it('does not count client-side failures or other lines as incidents', () => {
    const events = all([
      'error.log',
      [
        '2024/01/02 03:04:05 [info] 30#30: *5 writev() failed (32: Broken pipe) while sending to client, client: 1.1.1.1, server: _',
        '2024/01/02 03:04:05 [warn] 30#30: duplicate MIME type "text/html" in /etc/nginx/nginx.conf:42',
        '2024/01/02 03:04:05 [info] 30#30: *6 client timed out (110: Connection timed out) while reading client request headers, client: 1.1.1.1, server: _',
      ].join('\n'),
    ]);
    expect(events).toHaveLength(3);
    expect(correlate(events)).toEqual([]);
  });

  it('handles single untimed lines: counted, no timeline', () => {
    const [incident] = correlate(
      all(['paste', 'upstream prematurely closed connection while reading upstream']),
    );
    expect(incident).toMatchObject({ upstream: null, count: 1, timeline: [], related: [] });
    expect(incident!.first).toBeUndefined();
  });

  it('caps related events and says how many there were', () => {
    const lines = [nginx('2024/01/02 03:04:05', 1, RRH, 'GET /', 'http://a:1/')];
    const gun = Array.from(
      { length: 80 },
      (_, i) => `[2024-01-02 03:04:0${i % 5} +0000] [1] [INFO] Booting worker with pid: ${i}`,
    );
    const [incident] = correlate(all(['e', lines.join('\n')], ['g', gun.join('\n')]), {
      maxRelated: 10,
    });
    expect(incident!.related).toHaveLength(10);
    expect(incident!.relatedTotal).toBe(80);
  });
});

describe('correlate: bounded', () => {
  it('folds servers past the cap into one group instead of growing', () => {
    const lines = Array.from({ length: 600 }, (_, i) =>
      nginx('2024/01/02 03:04:05', i, RRH, 'GET /', `http://10.0.${i >> 8}.${i & 255}:80/`),
    );
    const incidents = correlate(all(['e', lines.join('\n')]));
    expect(incidents).toHaveLength(501);
    const other = incidents.find((i) => i.upstream === '(other upstreams)')!;
    expect(other.count).toBe(100);
    expect(other.address).toBeNull();
    expect(incidents.reduce((n, i) => n + i.count, 0)).toBe(600);
  });
});
