import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  defaultValue,
  formatDuration,
  knownDefaults,
  parseDuration,
  parseSize,
  parseVersion,
} from '../../workers/engine/formats/nginx/index.ts';

describe('durations and sizes', () => {
  it.each([
    ['60', 60],
    ['60s', 60],
    ['1m30s', 90],
    ['1m 30s', 90],
    ['500ms', 0.5],
    ['2h', 7200],
    ['1d', 86400],
    ['1w', 604800],
    ['1M', 2592000],
    ['1y', 31536000],
  ])('parseDuration(%j) = %d', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', 'abc', '$timeout', '30s1m', '1m1m', '10x', '5 6'])(
    'parseDuration(%j) is null',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );

  it('sizes', () => {
    expect(parseSize('8k')).toBe(8192);
    expect(parseSize('8K')).toBe(8192);
    expect(parseSize('1m')).toBe(1048576);
    expect(parseSize('2g')).toBe(2 * 1024 ** 3);
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('4k|8k')).toBeNull();
    expect(parseSize('${MAX}')).toBeNull();
  });

  it('formats durations as configs write them', () => {
    expect([
      formatDuration(90),
      formatDuration(120),
      formatDuration(3600),
      formatDuration(0.25),
    ]).toEqual(['90s', '2m', '1h', '250ms']);
  });
});

describe('versions and the defaults table', () => {
  it('compares versions', () => {
    expect(compareVersions(parseVersion('1.29.7')!, parseVersion('1.29.10')!)).toBeLessThan(0);
    expect(compareVersions(parseVersion('1.30')!, parseVersion('1.29.7')!)).toBeGreaterThan(0);
    expect(parseVersion('nginx')).toBeNull();
  });

  it('has a default for every directive the timeout/keepalive/buffer rules compare, 1.18 to 1.30', () => {
    const needed = [
      'proxy_read_timeout',
      'proxy_connect_timeout',
      'proxy_send_timeout',
      'proxy_http_version',
      'keepalive_requests',
      'keepalive_timeout',
      'client_max_body_size',
      'proxy_buffer_size',
      'uwsgi_read_timeout',
      'fastcgi_read_timeout',
      'proxy_next_upstream',
    ];
    expect(knownDefaults('http')).toEqual(expect.arrayContaining(needed));
    for (const v of [
      '1.18.0',
      '1.20.2',
      '1.22.1',
      '1.24.0',
      '1.26.3',
      '1.28.0',
      '1.29.7',
      '1.30.0',
    ]) {
      for (const name of needed)
        expect(defaultValue(name, v)?.value, `${name} ${v}`).not.toBeNull();
    }
  });

  it('changes exactly at 1.19.10 and 1.29.7', () => {
    expect(defaultValue('keepalive_requests', '1.19.9', 'upstream')?.value).toEqual(['100']);
    expect(defaultValue('keepalive_requests', '1.19.10', 'upstream')).toEqual({
      value: ['1000'],
      since: '1.19.10',
    });
    expect(defaultValue('keepalive', '1.29.6', 'upstream')?.value).toBeNull();
    expect(defaultValue('keepalive', '1.29.7', 'upstream')?.value).toEqual(['32', 'local']);
    expect(defaultValue('proxy_http_version', '1.29.6')?.value).toEqual(['1.0']);
    expect(defaultValue('proxy_http_version', '1.29.7')?.value).toEqual(['1.1']);
    expect(defaultValue('keepalive_timeout', '1.22.1', 'upstream')?.value).toEqual(['60s']);
    expect(defaultValue('keepalive_timeout', '1.22.1', 'http')?.value).toEqual(['75s']);
    expect(defaultValue('ssl_protocols', '1.27.3')?.value).toEqual(['TLSv1.2', 'TLSv1.3']);
  });
});
