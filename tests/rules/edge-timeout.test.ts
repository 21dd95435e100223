/**
 * edge-timeout, RuleTester-style: a load balancer in front (Terraform aws_lb / aws_elb) whose
 * idle timeout is shorter than a location's read timeout; the exact fixed nginx file (re-analysed,
 * checked by the real nginx -t); near misses; which log lines it may claim (the balancer's
 * no-answer 504s on the slow locations, nginx's 499s after about the balancer's limit).
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';

const RULE = 'edge-timeout';
const run = (files: SourceFile[]) => analyze(files, { nginxVersion: '1.24.0' });
const ours = (files: SourceFile[]) => run(files).findings.filter((f) => f.rule === RULE);

const lb = (resource: string, body = '') => ({
  name: 'lb.tf',
  text: `resource "${resource}" "front" {\n${body}}\n`,
});
const site = (exportWait = '', apiPass = 'proxy_pass http://127.0.0.1:8000;') => ({
  name: 'site.conf',
  text: `server {\n    listen 80;\n    server_name shop.example.com;\n    location /export/ {\n        proxy_pass http://127.0.0.1:8000;${exportWait}\n    }\n    location /api/ {\n        ${apiPass}\n    }\n}\n`,
});
const ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/73e2d6bc24d8a067';
const albLine = (status: number, path: string) =>
  `http 2026-12-01T10:00:00.000001Z app/front/50dc6c495c0c9188 203.0.113.5:46532 10.0.1.12:80 0.000 -1 -1 ${status} - 534 257 "GET http://shop.example.com:80${path} HTTP/1.1" "curl/8.4.0" - - ${ARN} "Root=1-1" "-" "-" 0 2026-12-01T09:59:00.000000Z "forward" "-" "-" "10.0.1.12:80" "-" "-" "-"`;

describe('edge-timeout', () => {
  it('triggers and fixes: an ALB on its default 60 s before proxy_read_timeout 300s', () => {
    const files = [site('\n        proxy_read_timeout 300s;'), lb('aws_lb')];
    const [hit] = ours(files);
    expect(hit).toMatchObject({
      cause: 'edge-timeout',
      role: 'risk',
      fix: { safety: 'safe', applied: true },
    });
    expect(hit!.compared!.map((c) => c.value)).toEqual(['60 s', '300s']);
    const report = run(files);
    const fixed = report.fixed.find((f) => f.name === 'site.conf')!.text;
    expect(fixed).toBe(site('\n        proxy_read_timeout 55s;').text);
    expect(ours([{ name: 'site.conf', text: fixed }, files[1]!])).toEqual([]);
    if (!nginxMissing) {
      const result = nginxTest([{ name: 'site.conf', text: fixed }]);
      expect(result.ok, result.output).toBe(true);
    }
  });

  it('triggers and fixes: a Classic ELB with idle_timeout 30 before the default 60s, in every location that waits', () => {
    const files = [site(), lb('aws_elb', '  idle_timeout = 30\n')];
    const report = run(files);
    expect(report.findings.map((f) => f.rule)).toContain(RULE);
    const fixed = report.fixed.find((f) => f.name === 'site.conf')!.text;
    expect(fixed).toBe(
      site(
        '\n        proxy_read_timeout 25s;',
        'proxy_pass http://127.0.0.1:8000;\n        proxy_read_timeout 25s;',
      ).text,
    );
    if (!nginxMissing) {
      const result = nginxTest([{ name: 'site.conf', text: fixed }]);
      expect(result.ok, result.output).toBe(true);
    }
  });

  it('claims the balancer’s no-answer 504s on the slow location and nginx’s 499s after about 60 s', () => {
    const access = [
      '203.0.113.5 - - [01/Dec/2026:10:00:00 +0000] "GET /export/all.csv HTTP/1.1" 499 0 "-" "curl/8.4.0" 60.004',
      '203.0.113.5 - - [01/Dec/2026:10:01:00 +0000] "GET /export/day.csv HTTP/1.1" 499 0 "-" "curl/8.4.0" 3.120',
    ].join('\n');
    const conf = `log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time';\n${site('\n        proxy_read_timeout 300s;').text.replace('listen 80;', 'listen 80;\n    access_log /var/log/nginx/access.log timed;')}`;
    const files = [
      { name: 'site.conf', text: conf },
      lb('aws_lb'),
      {
        name: 'alb.log',
        text: `${albLine(504, '/export/all.csv')}\n${albLine(504, '/api/orders')}\n`,
      },
      { name: 'access.log', text: `${access}\n` },
    ];
    const [hit] = ours(files);
    expect(hit!.role).toBe('cause');
    // /api/ waits 60s, within the balancer's limit: its 504 is not this; a 499 after 3 s is not either.
    expect(
      hit!.evidence.filter((e) => /\.log$/.test(e.file)).map((e) => `${e.file}:${e.line}`),
    ).toEqual(['alb.log:1', 'access.log:1']);
  });

  it('a Google Cloud backend service waits its timeout_sec (30 s by default), not its 600 s keep-alive', () => {
    const files = [site(), lb('google_compute_backend_service')];
    const [hit] = ours(files);
    expect(hit!.compared!.map((c) => [c.setting, c.value])).toEqual([
      ['timeout_sec', '30 s'],
      ['proxy_read_timeout', '60s'],
    ]);
    expect(hit!.message).toContain('after 30 s without a response');
    // keepalive-race's own change (keepalive_timeout above 600 s) is left out here.
    const report = analyze(files, { nginxVersion: '1.24.0', disabledFixes: ['keepalive-race'] });
    const fixed = report.fixed.find((f) => f.name === 'site.conf')!.text;
    expect(fixed).toBe(
      site(
        '\n        proxy_read_timeout 25s;',
        'proxy_pass http://127.0.0.1:8000;\n        proxy_read_timeout 25s;',
      ).text,
    );
    expect(ours([{ name: 'site.conf', text: fixed }, files[1]!])).toEqual([]);
  });

  it('does not trigger: the balancer waits longer than nginx', () => {
    expect(
      ours([site('\n        proxy_read_timeout 100s;'), lb('aws_lb', '  idle_timeout = 120\n')]),
    ).toEqual([]);
  });

  it('does not trigger: no balancer, a Network Load Balancer, an idle timeout known only at apply time', () => {
    const slow = site('\n        proxy_read_timeout 300s;');
    expect(ours([slow])).toEqual([]);
    expect(ours([slow, lb('aws_lb', '  load_balancer_type = "network"\n')])).toEqual([]);
    expect(ours([slow, lb('aws_lb', '  idle_timeout = var.idle\n')])).toEqual([]);
  });
});

describe('edge-timeout behind Cloudflare', () => {
  const cf = (trust: string, wait: string) => ({
    name: 'site.conf',
    text: `server {\n    listen 443 ssl;\n    server_name www.example.com;\n    ssl_certificate /etc/ssl/www.pem;\n    ssl_certificate_key /etc/ssl/www.key;\n${trust}\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_read_timeout ${wait};\n    }\n}\n`,
  });

  it('Cloudflare (real_ip_header CF-Connecting-IP) answers 524 after 100 s: a 300s wait is lowered to 95s', () => {
    const file = cf('    real_ip_header CF-Connecting-IP;', '300s');
    const [hit] = ours([file]);
    expect(hit!.message).toContain('gets a 524 from Cloudflare');
    expect(hit!.compared!.map((c) => [c.setting, c.value])).toEqual([
      ['proxy read timeout', '100 s'],
      ['proxy_read_timeout', '300s'],
    ]);
    const fixed = run([file]).fixed[0]!.text;
    expect(fixed).toBe(cf('    real_ip_header CF-Connecting-IP;', '95s').text);
    expect(ours([{ ...file, text: fixed }])).toEqual([]);
  });

  it('a set_real_ip_from line with a Cloudflare range says the same; another range does not', () => {
    expect(ours([cf('    set_real_ip_from 173.245.48.0/20;', '120s')])).toHaveLength(1);
    expect(ours([cf('    set_real_ip_from 10.0.0.0/8;', '120s')])).toEqual([]);
    // Within Cloudflare's 100 s, nothing to say.
    expect(ours([cf('    real_ip_header CF-Connecting-IP;', '90s')])).toEqual([]);
  });
});
