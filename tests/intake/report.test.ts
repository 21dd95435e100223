/**
 * A paste holding several inputs, through the whole engine: the report lists the paste once
 * (kind `mixed`) with what it held, every event, evidence line, error and redaction points at
 * the paste's own lines, prose is never parsed, and the user can correct a segment's kind.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';

const ERROR = (n: number, path: string) =>
  `2026/11/20 14:02:1${n} [error] 21877#21877: *1834${n} upstream prematurely closed connection while reading response header from upstream, client: 198.51.100.23, server: shop.example.com, request: "POST ${path} HTTP/1.1", upstream: "http://127.0.0.1:8000${path}", host: "shop.example.com"`;

const PASTE = [
  'Our shop returns 502 on checkout since we added keepalive. The API token is ghp_4n5VdXc8aZQ2kLm7PqR1sTuW3yB6eF9hJ0iK if that matters.',
  '',
  '$ tail -n 2 /var/log/nginx/error.log',
  ERROR(1, '/cart/items'),
  ERROR(2, '/checkout/confirm'),
  '$ cat /etc/nginx/conf.d/shop.conf',
  'upstream shop_app {',
  '    server 127.0.0.1:8000;',
  '    keepalive 32;',
  '}',
  '',
  'server {',
  '    listen 80;',
  '    server_name shop.example.com;',
  '    location / {',
  '        proxy_pass http://shop_app;',
  '        proxy_http_version 1.1;',
  '        proxy_set_header Connection "";',
  '    }',
  '}',
  '$ cat gunicorn.conf.py',
  'bind = "127.0.0.1:8000"',
  'worker_class = "gthread"',
  'threads = 4',
  '',
].join('\n');

describe('a mixed paste through the engine', () => {
  const report = analyze([{ name: 'pasted', text: PASTE }], { nginxVersion: '1.22.1' });

  it('lists the paste once, with what it held and where', () => {
    expect(report.files).toHaveLength(1);
    expect(report.files[0]).toMatchObject({ name: 'pasted', kind: 'mixed', errors: [] });
    expect(report.files[0]!.segments!.map((s) => [s.name, s.kind, s.from, s.to])).toEqual([
      ['pasted (prose)', 'prose', 1, 1],
      ['/var/log/nginx/error.log', 'log', 4, 5],
      ['/etc/nginx/conf.d/shop.conf', 'nginx', 7, 20],
      ['gunicorn.conf.py', 'gunicorn', 22, 24],
    ]);
  });

  it('finds the keepalive race, its evidence on the very lines of the paste', () => {
    const top = report.findings[0]!;
    expect(top.cause).toBe('keepalive-race');
    const lines = PASTE.split('\n');
    for (const e of top.evidence) {
      expect(e.file).toBe('pasted');
      expect(lines[e.line - 1]).toBe(e.text);
    }
    expect(top.evidence.map((e) => e.line)).toEqual(expect.arrayContaining([4, 5, 9]));
    expect(report.events.map((e) => [e.file, e.line])).toEqual([
      ['pasted', 4],
      ['pasted', 5],
    ]);
  });

  it('fixes the config under its own name, and shows the whole paste redacted', () => {
    expect(report.fixed.map((f) => f.name)).toEqual(['/etc/nginx/conf.d/shop.conf']);
    const source = report.sources!.find((s) => s.name === 'pasted')!;
    expect(source.kind).toBe('mixed');
    expect(source.text).not.toContain('ghp_4n5VdXc8aZQ2kLm7PqR1sTuW3yB6eF9hJ0iK');
    expect(source.text.split('\n')).toHaveLength(PASTE.split('\n').length);
    expect(report.redactions).toContainEqual(expect.objectContaining({ file: 'pasted', line: 1 }));
  });

  it('never parses prose: a sentence naming directives is no config and no error', () => {
    const text = `Increased proxy_read_timeout to 300s and keepalive_timeout 65 but nothing changed at all.\n\n${ERROR(1, '/x')}\n`;
    const r = analyze([{ name: 'pasted', text }]);
    expect(r.files[0]!.errors).toEqual([]);
    expect(r.files[0]!.segments!.map((s) => s.kind)).toEqual(['prose', 'log']);
    expect(r.fixed).toEqual([]);
  });

  it("takes the user's kind for a segment, by its first line", () => {
    const asProse = analyze(
      [{ name: 'pasted', text: PASTE, segmentKinds: [{ from: 22, kind: 'prose' }] }],
      { nginxVersion: '1.22.1' },
    );
    const gunicorn = asProse.files[0]!.segments!.find((s) => s.from === 22)!;
    expect(gunicorn).toMatchObject({ kind: 'prose', confidence: 1 });
    // Without gunicorn's settings nothing says its keepalive is 2 s: no fix for gunicorn.
    expect(asProse.fixed.map((f) => f.name)).not.toContain('gunicorn.conf.py');
  });
});

describe('a CloudFormation template pasted in a thread', () => {
  const lines = [
    'Intermittent 502s behind our ALB. The stack:',
    '',
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Resources:',
    '  Front:',
    '    Type: AWS::ElasticLoadBalancingV2::LoadBalancer',
    '    Properties:',
    '      LoadBalancerAttributes:',
    '        - Key: idle_timeout.timeout_seconds',
    "          Value: '180'",
    '',
    '  FrontListener:',
    '    Type: AWS::ElasticLoadBalancingV2::Listener',
    '    Properties:',
    '      Port: 80',
    '',
    'and nginx:',
    '',
    'http {',
    '    keepalive_timeout 75s;',
    '    server {',
    '        location / {',
    '            proxy_pass http://127.0.0.1:8000;',
    '        }',
    '    }',
    '}',
    '',
    'http 2026-12-06T14:22:31.004000Z app/front/6f7c1d2e3b4a5968 198.51.100.9:41234 10.0.2.14:80 0.000 -1 -1 502 - 733 272 "POST http://api.example.com:80/v1/orders HTTP/1.1" "curl/8.5.0" - - arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/api/0123456789abcdef "Root=1-6752f1a7-aaaa" "-" "-" 0 2026-12-06T14:22:31.003000Z "forward" "-" "-" "10.0.2.14:80" "-" "-" "-"',
    '',
  ];
  const report = analyze([{ name: 'thread.md', text: lines.join('\n') }]);

  it('the template stays one input across its blank lines, and its balancer races nginx', () => {
    const kinds = report.files[0]!.segments!.map((s) => [s.kind, s.from, s.to]);
    expect(kinds).toContainEqual(['cloudformation', 3, 15]);
    const race = report.findings.find((f) => f.cause === 'keepalive-race')!;
    expect(race.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'thread.md:10',
      'thread.md:20',
      'thread.md:28',
    ]);
  });

  it('the timer ladder says where each value is written on the paste’s own lines', () => {
    const timers = report.timers![0]!.timers;
    expect(timers.find((t) => t.setting === 'keepalive_timeout')!.source).toBe('thread.md:20');
    expect(timers.find((t) => t.setting === 'idle_timeout.timeout_seconds')!.source).toBe(
      'thread.md:10',
    );
  });
});
