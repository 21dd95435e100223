import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUpstream, upstreamServer } from '../../workers/engine/logs/index.ts';

describe('parseUpstream: every way nginx names an upstream', () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      'http://127.0.0.1:8000/x?y=1',
      { scheme: 'http', host: '127.0.0.1', port: 8000, uri: '/x?y=1', address: '127.0.0.1:8000' },
    ],
    [
      'https://api.internal:443/',
      { scheme: 'https', host: 'api.internal', port: 443, address: 'api.internal:443' },
    ],
    ['grpc://10.0.0.1:50051', { scheme: 'grpc', address: '10.0.0.1:50051' }],
    ['uwsgi://127.0.0.1:3031', { scheme: 'uwsgi', address: '127.0.0.1:3031' }],
    ['fastcgi://127.0.0.1:9000', { scheme: 'fastcgi', address: '127.0.0.1:9000' }],
    ['scgi://127.0.0.1:4000', { scheme: 'scgi', address: '127.0.0.1:4000' }],
    ['memcached://127.0.0.1:11211', { scheme: 'memcached', address: '127.0.0.1:11211' }],
    [
      'http://[::1]:8080/sign-in',
      { host: '::1', port: 8080, address: '[::1]:8080', uri: '/sign-in' },
    ],
    ['http://[2001:db8::7]:80', { host: '2001:db8::7', address: '[2001:db8::7]:80' }],
    [
      'http://unix:/run/gunicorn.sock:/api',
      {
        scheme: 'http',
        socket: '/run/gunicorn.sock',
        uri: '/api',
        address: 'unix:/run/gunicorn.sock',
      },
    ],
    [
      'uwsgi://unix:///tmp/uwsgi.sock:',
      { scheme: 'uwsgi', socket: '/tmp/uwsgi.sock', address: 'unix:/tmp/uwsgi.sock' },
    ],
    ['fastcgi://unix:/run/php/php8.2-fpm.sock:', { socket: '/run/php/php8.2-fpm.sock' }],
    ['unix:/run/app.sock', { socket: '/run/app.sock', address: 'unix:/run/app.sock' }],
    ['unix:///run/app.sock', { socket: '/run/app.sock', address: 'unix:/run/app.sock' }],
    ['10.0.0.1:8000', { host: '10.0.0.1', port: 8000, address: '10.0.0.1:8000' }],
    ['[::1]:8080', { address: '[::1]:8080' }],
    ['http://backend/x', { host: 'backend', address: 'backend' }],
  ];
  for (const [text, want] of cases) {
    it(text, () => {
      expect(parseUpstream(text)).toMatchObject(want);
    });
  }

  it('gives both unix spellings the same server', () => {
    expect(upstreamServer('uwsgi://unix:///tmp/a.sock:')).toBe(
      upstreamServer('uwsgi://unix:/tmp/a.sock:'),
    );
    expect(upstreamServer('http://127.0.0.1:8000/x?q')).toBe('http://127.0.0.1:8000');
  });

  it('returns null rather than guessing on what is not an address', () => {
    expect(parseUpstream('')).toBeNull();
    expect(parseUpstream('http://')).toBeNull();
    expect(parseUpstream('a b c')).toBeNull();
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        parseUpstream(s);
        upstreamServer(s);
      }),
      { numRuns: 2000 },
    );
  });
});
