import { describe, expect, it } from 'vitest';
import { compileFormat, decodeLine } from '../../workers/engine/logs/index.ts';

const UPSTREAMINFO =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time uct="$upstream_connect_time" uht="$upstream_header_time" urt="$upstream_response_time" ua=$upstream_addr us=$upstream_status';
const JSON_FORMAT =
  '{"time":"$time_iso8601","remote_addr":"$remote_addr","request":"$request","status":$status,"upstream_addr":"$upstream_addr","upstream_connect_time":"$upstream_connect_time","request_time":$request_time}';
const INGRESS =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id';
const ctx = {
  accessLogFormats: { upstreaminfo: UPSTREAMINFO, json: JSON_FORMAT, ingress: INGRESS },
};

describe('nginx access logs', () => {
  it('decodes the default combined format without any config', () => {
    const e = decodeLine(
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
    )!;
    expect(e).toMatchObject({
      source: 'nginx-access',
      kind: 'response',
      method: 'GET',
      path: '/apache_pb.gif',
      status: 200,
      time: '2000-10-10T13:55:36-07:00',
    });
    expect(e.fields).toMatchObject({
      format: 'combined',
      client: '127.0.0.1',
      remoteUser: 'frank',
      httpUserAgent: 'Mozilla/4.08 [en] (Win98; I ;Nav)',
    });
  });

  it('reads upstream timings and flags a 0.000 connect time on a 502', () => {
    const e = decodeLine(
      '10.0.0.1 - - [02/Jan/2024:03:04:05 +0100] "POST /api/orders HTTP/1.1" 502 157 "-" "curl/8.0" rt=0.002 uct="0.000" uht="-" urt="0.001" ua=127.0.0.1:8000 us=502',
      ctx,
    )!;
    expect([e.status, e.upstream, e.method]).toEqual([502, '127.0.0.1:8000', 'POST']);
    expect(e.fields).toMatchObject({
      format: 'upstreaminfo',
      upstreamConnectTime: 0,
      upstreamResponseTime: 0.001,
      requestTime: 0.002,
      upstreamStatus: 502,
      connectTimeZero: 1,
      upstreamAddress: '127.0.0.1:8000',
    });
  });

  it('reads list values across tries and keeps the last try as the number', () => {
    const e = decodeLine(
      '10.0.0.1 - - [02/Jan/2024:03:04:05 +0100] "GET /a HTTP/1.1" 504 0 "-" "Mozilla/5.0 (X11; Linux)" rt=60.001 uct="0.001, 0.002" uht="-, -" urt="30.000, 30.001" ua=10.0.0.7:8000, 10.0.0.8:8000 us=504, 504',
      ctx,
    )!;
    expect(e.upstream).toBe('10.0.0.7:8000, 10.0.0.8:8000');
    expect(e.fields).toMatchObject({
      upstreamAddress: '10.0.0.8:8000',
      upstreamTries: 2,
      upstreamResponseTime: 30.001,
      upstreamStatusAll: '504, 504',
    });
    expect(e.fields?.connectTimeZero).toBeUndefined();
  });

  it('reads JSON formats and unix-socket upstreams', () => {
    const e = decodeLine(
      '{"time":"2024-01-02T03:04:05+00:00","remote_addr":"::1","request":"GET /x HTTP/1.1","status":502,"upstream_addr":"unix:/run/app.sock","upstream_connect_time":"0.000","request_time":0.003}',
      ctx,
    )!;
    expect([e.time, e.status, e.upstream]).toEqual([
      '2024-01-02T03:04:05+00:00',
      502,
      'unix:/run/app.sock',
    ]);
    expect(e.fields).toMatchObject({ format: 'json', client: '::1', requestTime: 0.003 });
  });

  it('reads the ingress-nginx format', () => {
    const e = decodeLine(
      '192.168.1.1 - - [02/Jan/2024:03:04:05 +0000] "GET /api HTTP/2.0" 502 150 "-" "curl/7.68.0" 45 0.004 [default-web-80] [] 10.244.0.5:8000 0 0.004 502 4f2d2a0c8b1e',
      ctx,
    )!;
    expect(e.fields).toMatchObject({
      format: 'ingress',
      proxyUpstreamName: 'default-web-80',
      upstreamAddress: '10.244.0.5:8000',
      upstreamStatus: 502,
    });
  });

  it('keeps a malformed request line as text rather than guessing a method', () => {
    const e = decodeLine(
      '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "\\x16\\x03\\x01" 400 157 "-" "-"',
    )!;
    expect(e.method).toBeUndefined();
    expect(e.fields?.request).toBe('\\x16\\x03\\x01');
  });

  it('does not decode a cut access line or a format that is not in the config', () => {
    expect(decodeLine('127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /cut')).toBeNull();
    expect(
      decodeLine(
        '10.0.0.1 - - [02/Jan/2024:03:04:05 +0100] "GET / HTTP/1.1" 502 1 "-" "c" rt=1 uct="0"',
      ),
    ).toBeNull();
  });

  it('compiles ${var} spellings and adjacent variables', () => {
    const f = compileFormat('x', '${remote_addr} $host$request_uri $status')!;
    expect(f.vars).toEqual(['remote_addr', 'host', 'request_uri', 'status']);
    expect(f.re.exec('1.2.3.4 example.com/x 502')).not.toBeNull();
    expect(compileFormat('none', 'no variables here')).toBeNull();
  });
});

describe('nginx access logs: whose line it is', () => {
  it('does not claim a combined-format line that journald says gunicorn wrote', () => {
    const line = '10.0.0.1 - - [02/Jan/2024:03:04:05 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8.0"';
    expect(decodeLine(line)?.source).toBe('nginx-access');
    expect(decodeLine(`Jan 02 03:04:05 web gunicorn[12]: ${line}`)).toBeNull();
    expect(decodeLine(`Jan 02 03:04:05 web nginx[12]: ${line}`)?.source).toBe('nginx-access');
  });
});

describe('nginx access logs: built-in formats', () => {
  it('knows the stock main format and ingress-nginx upstreaminfo without a config', () => {
    const main = decodeLine(
      '172.17.0.1 - - [02/Jan/2024:03:04:05 +0000] "GET / HTTP/1.1" 502 157 "-" "curl/8.0" "10.0.0.9"',
    )!;
    expect(main.fields).toMatchObject({ format: 'main', httpXForwardedFor: '10.0.0.9' });
    const ingress = decodeLine(
      '192.168.1.1 - - [02/Jan/2024:03:04:05 +0000] "GET /api HTTP/2.0" 502 150 "-" "curl/7.68.0" 45 0.004 [default-web-80] [] 10.244.0.5:8000 0 0.004 502 4f2d2a0c8b1e',
    )!;
    expect(ingress.fields).toMatchObject({ format: 'ingress-nginx', upstreamStatus: 502 });
  });

  it('lets the pasted config redefine a built-in name', () => {
    const e = decodeLine('GET /x 502', {
      accessLogFormats: { main: '$request_method $uri $status' },
    })!;
    expect([e.method, e.path, e.status, e.fields?.format]).toEqual(['GET', '/x', 502, 'main']);
  });
});

describe('nginx access logs: loose formats', () => {
  it('rejects lines whose status or time does not have nginx shape', () => {
    const ctx2 = { accessLogFormats: { loose: '$remote_addr $status' } };
    expect(decodeLine('10.0.0.1 502', ctx2)?.status).toBe(502);
    expect(decodeLine('Traceback (most recent call last):', ctx2)).toBeNull();
    expect(decodeLine('hello world', ctx2)).toBeNull();
  });
});
