import { describe, expect, it } from 'vitest';
import { decodeLine, decodeLog, logConfidence } from '../../workers/engine/logs/index.ts';
import { CASES, PREMATURE } from './decode-cases.ts';

describe('decodeLine: every kind and every messy form', () => {
  for (const [text, source, kind, phase] of CASES) {
    it(`${source ?? 'null'} ${kind ?? ''} ${phase ?? ''} <- ${JSON.stringify(text.slice(0, 70))}`, () => {
      const got = decodeLine(text);
      if (source === null) {
        expect(got).toBeNull();
        return;
      }
      expect(got).not.toBeNull();
      expect(got!.source).toBe(source);
      expect(got!.kind).toBe(kind);
      expect(got!.phase).toBe(phase);
    });
  }
});

describe('decodeLine: fields', () => {
  it('reads ::ffff: mapped clients and keeps the address as written', () => {
    const e = decodeLine(PREMATURE.replace('10.1.0.1', '::ffff:10.0.0.5'))!;
    expect(e.fields).toMatchObject({ client: '::ffff:10.0.0.5', clientIpv4: '10.0.0.5' });
  });

  it('reads IPv6 clients and [v6]:port upstreams', () => {
    const e = decodeLine(CASES[1]![0])!;
    expect(e.fields).toMatchObject({
      client: '2001:db8::1',
      upstreamAddress: '[2001:db8::7]:8000',
    });
    expect(e.upstream).toBe('http://[2001:db8::7]:8000/');
  });

  it('unwraps Docker JSON with escaped quotes and keeps the stream', () => {
    const json = JSON.stringify({
      log: PREMATURE + '\n',
      stream: 'stderr',
      time: '2024-01-02T03:04:06.5Z',
    });
    const e = decodeLine(json)!;
    expect([e.kind, e.method, e.path, e.upstream]).toEqual([
      'premature-close',
      'GET',
      '/x',
      'http://127.0.0.1:8000/x',
    ]);
    expect(e.time).toBe('2024-01-02T03:04:05'); // the line's own time wins over Docker's
    expect(e.fields?.stream).toBe('stderr');
  });

  it('reads Docker JSON cut mid-string up to where it stops, and says so', () => {
    const json = JSON.stringify({ log: PREMATURE }).slice(0, 200);
    const e = decodeLine(json)!;
    expect(e.kind).toBe('premature-close');
    expect(e.fields?.truncated).toBe(1);
  });

  it('uses the wrapper time only when the line has none', () => {
    const e = decodeLine(
      '2019-09-23T09:11:47.981137384Z F*CK !!! i must kill myself (pid: 1 app_id: 0)...',
    )!;
    expect(e.time).toBe('2019-09-23T09:11:47.981137384Z');
  });

  it('keeps journald program and a year-less syslog time in fields, not in time', () => {
    const e = decodeLine(
      'May 17 14:10:09 dljwql gunicorn[10533]: [CRITICAL] WORKER TIMEOUT (pid:12654)',
    )!;
    expect(e.source).toBe('gunicorn');
    expect(e.time).toBeUndefined();
    expect(e.fields).toMatchObject({
      program: 'gunicorn',
      syslogTime: 'May 17 14:10:09',
      workerPid: 12654,
    });
  });

  it('keeps a cut date out of time but the clock in fields', () => {
    const e = decodeLine(
      '4/01/02 03:04:05 [error] 30#30: *5 no live upstreams while connecting to upstream',
    )!;
    expect(e.time).toBeUndefined();
    expect(e.fields?.timeOfDay).toBe('03:04:05');
  });

  it('keeps a kernel since-boot stamp as uptime', () => {
    const e = decodeLine(
      '[ 7063.247407] Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB',
    )!;
    expect(e.time).toBeUndefined();
    expect(e.fields?.uptime).toBe(7063.247407);
  });

  it('reads uWSGI request lines with status and duration', () => {
    const e = decodeLine(CASES.find((c) => c[2] === 'request')![0])!;
    expect([e.method, e.path, e.status, e.time]).toEqual([
      'GET',
      '/report',
      500,
      '2024-01-02T03:04:05',
    ]);
    expect(e.fields?.msecs).toBe(61234);
  });

  it('decodes the head of an over-long line and marks it truncated', () => {
    const e = decodeLine(PREMATURE.replace('/x HTTP', '/' + 'a'.repeat(40_000) + ' HTTP'))!;
    expect(e.kind).toBe('premature-close');
    expect(e.fields?.truncated).toBe(1);
  });

  it('gives php-fpm UTC times a zone and keeps other zone names out of the time', () => {
    expect(decodeLine('[02-Jan-2024 03:04:05 UTC] NOTICE: fpm is running, pid 1')!.time).toBe(
      '2024-01-02T03:04:05Z',
    );
    const e = decodeLine('[02-Jan-2024 03:04:05 Europe/Paris] NOTICE: fpm is running, pid 1')!;
    expect(e.time).toBe('2024-01-02T03:04:05');
    expect(e.fields?.zone).toBe('Europe/Paris');
  });
});

describe('decodeLog and logConfidence', () => {
  const text = [
    PREMATURE,
    '',
    'Traceback (most recent call last):',
    CASES[1]![0],
    '  File "x.py"',
  ].join('\r\n');

  it('numbers lines from 1 across CRLF and lists non-log lines as unrecognised', () => {
    const { events, unrecognised } = decodeLog('error.log', text);
    expect(events.map((e) => [e.file, e.line, e.kind])).toEqual([
      ['error.log', 1, 'premature-close'],
      ['error.log', 4, 'upstream-timeout'],
    ]);
    expect(unrecognised).toEqual([3, 5]);
  });

  it('is high for a log and near zero for a config', () => {
    expect(logConfidence(text)).toBeCloseTo(0.5);
    expect(logConfidence(Array(10).fill(PREMATURE).join('\n'))).toBe(1);
    expect(
      logConfidence(
        'http {\n  server {\n    listen 80;\n    location / { proxy_pass http://app; }\n  }\n}\n',
      ),
    ).toBe(0);
    expect(logConfidence('')).toBe(0);
  });
});

describe('decodeLine: other JSON wrappers', () => {
  it('reads journald JSON export with its identifier and microsecond time', () => {
    const line = JSON.stringify({
      __REALTIME_TIMESTAMP: '1704164645000000',
      SYSLOG_IDENTIFIER: 'gunicorn',
      MESSAGE: '[CRITICAL] WORKER TIMEOUT (pid:12)',
    });
    const e = decodeLine(line)!;
    expect([e.source, e.kind, e.time]).toEqual([
      'gunicorn',
      'worker-timeout',
      '2024-01-02T03:04:05.000Z',
    ]);
    expect(e.fields?.program).toBe('gunicorn');
  });

  it('reads Cloud Logging textPayload', () => {
    const e = decodeLine(
      JSON.stringify({ textPayload: PREMATURE, timestamp: '2024-01-02T03:04:06Z' }),
    )!;
    expect([e.kind, e.time]).toEqual(['premature-close', '2024-01-02T03:04:05']);
  });

  it('leaves other JSON alone', () => {
    expect(decodeLine(JSON.stringify({ level: 'info', msg: 'hello' }))).toBeNull();
  });
});

describe('SELinux denials', () => {
  it('reads who was refused what, on which port or socket, and when', () => {
    const tcp = decodeLine(
      'type=AVC msg=audit(1700000000.123:456): avc:  denied  { name_connect } for  pid=1234 comm="nginx" dest=8000 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:soundd_port_t:s0 tclass=tcp_socket permissive=0',
    )!;
    expect(tcp).toMatchObject({
      source: 'selinux',
      kind: 'avc-denied',
      time: '2023-11-14T22:13:20Z',
      fields: {
        permission: 'name_connect',
        comm: 'nginx',
        pid: 1234,
        port: 8000,
        tclass: 'tcp_socket',
        sourceType: 'httpd_t',
        targetType: 'soundd_port_t',
        permissive: 0,
      },
    });
    const sock = decodeLine(
      'Mar 14 16:55:03 web audit[1234]: AVC avc:  denied  { write } for  pid=1234 comm="nginx" name="app.sock" scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:var_run_t:s0 tclass=sock_file permissive=0',
    )!;
    expect(sock.fields).toMatchObject({
      permission: 'write',
      name: 'app.sock',
      tclass: 'sock_file',
    });
  });

  it('an allowed access is not a denial, and prose about SELinux is no audit line', () => {
    expect(
      decodeLine(
        'type=AVC msg=audit(1700000000.1:4): avc:  granted  { setenforce } for  pid=1 comm="x"',
      ),
    ).toMatchObject({ source: 'selinux', kind: 'other' });
    expect(decodeLine('avc denied name_connect for nginx, so I set the boolean')).toBeNull();
  });
});
