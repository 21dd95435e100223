/**
 * edge-timeout's other way, opt-in: the balancer's idle timeout raised above the longest wait
 * where a pasted Terraform file or CloudFormation template declares it, and nginx's
 * keepalive_timeout above that (else the balancer reuses connections nginx has closed:
 * keepalive-race). Exact fixed files,
 * re-analysed (neither edge-timeout nor keepalive-race remains), nginx -t on the nginx file;
 * no alternative where the template computes the value.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { nginxMissing, nginxTest } from '../helpers/nginx-t.ts';

const KEY = 'edge-timeout lb.tf AWS ALB aws_lb.front (lb.tf)';
const run = (files: SourceFile[], alternative = true) =>
  analyze(files, {
    nginxVersion: '1.24.0',
    ...(alternative ? { enabledFixes: [`${KEY} (alternative)`] } : {}),
  });
const site = (keepalive = '') => ({
  name: 'site.conf',
  text: `server {\n    listen 80;\n    server_name shop.example.com;${keepalive}\n    location /export/ {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_read_timeout 300s;\n    }\n}\n`,
});
const lb = (body: string) => ({
  name: 'lb.tf',
  text: `resource "aws_lb" "front" {\n  name    = "front"\n  subnets = var.subnets\n${body}}\n`,
});
const fixedOf = (files: SourceFile[], name: string) =>
  run(files).fixed.find((f) => f.name === name)?.text;
const remaining = (files: SourceFile[]) =>
  analyze(files, { nginxVersion: '1.24.0' })
    .findings.filter((f) => f.cause === 'edge-timeout' || f.cause === 'keepalive-race')
    .map((f) => f.key);

describe('edge-timeout: raising the balancer instead (opt-in)', () => {
  it('offers it unsafe and off by default; the default fix stays the lowered read timeout', () => {
    const files = [site(), lb('  idle_timeout = 60\n')];
    const [hit] = analyze(files, { nginxVersion: '1.24.0' }).findings.filter(
      (f) => f.cause === 'edge-timeout',
    );
    expect(hit!.key).toBe(KEY);
    expect(hit!.fix).toMatchObject({ safety: 'safe' });
    expect(hit!.fix!.alternative).toMatchObject({ safety: 'unsafe', applied: false });
    expect(hit!.fix!.alternative!.description).toContain('from 60 s to 305 s');
  });

  it("idle_timeout written: replaced by 305, and the server's default 75 s keep-alive raised to 310s", () => {
    const files = [site(), lb('  idle_timeout = 60\n')];
    const tf = fixedOf(files, 'lb.tf')!;
    const conf = fixedOf(files, 'site.conf')!;
    expect(tf).toBe(lb('  idle_timeout = 305\n').text);
    expect(conf).toBe(site('\n    keepalive_timeout 310s;').text);
    expect(
      remaining([
        { name: 'site.conf', text: conf },
        { name: 'lb.tf', text: tf },
      ]),
    ).toEqual([]);
    if (!nginxMissing) {
      const result = nginxTest([{ name: 'site.conf', text: conf }]);
      expect(result.ok, result.output).toBe(true);
    }
  });

  it("idle_timeout not written (AWS's 60 s): added first in the resource, indented like it", () => {
    const files = [site('\n    keepalive_timeout 400s;'), lb('')];
    expect(fixedOf(files, 'lb.tf')).toBe(
      'resource "aws_lb" "front" {\n  idle_timeout = 305\n  name    = "front"\n  subnets = var.subnets\n}\n',
    );
    // nginx already keeps idle connections longer than 305 s: left alone.
    expect(fixedOf(files, 'site.conf')).toBeUndefined();
  });

  it('nothing when Terraform computes the idle timeout (unknown until it runs), nor when no read timeout is longer', () => {
    const computed = [site(), lb('  idle_timeout = var.idle_timeout\n')];
    const hits = analyze(computed, { nginxVersion: '1.24.0' }).findings.filter(
      (f) => f.cause === 'edge-timeout',
    );
    expect(hits).toEqual([]);
    const enough = [site(), lb('  idle_timeout = 400\n')];
    expect(remaining(enough).filter((key) => key?.startsWith('edge-timeout'))).toEqual([]);
  });

  it('CloudFormation: a written idle_timeout.timeout_seconds replaced with its quotes; none offered where the stack resolves it', () => {
    const stack = (value: string) => ({
      name: 'stack.yaml',
      text: `Resources:\n  Front:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      LoadBalancerAttributes:\n        - Key: idle_timeout.timeout_seconds\n          Value: ${value}\n`,
    });
    const key = 'edge-timeout stack.yaml AWS ALB Front (stack.yaml)';
    const files = [site(), stack("'60'")];
    const report = analyze(files, {
      nginxVersion: '1.24.0',
      enabledFixes: [`${key} (alternative)`],
    });
    const tf = report.fixed.find((f) => f.name === 'stack.yaml')!.text;
    expect(tf).toBe(stack("'305'").text);
    const conf = report.fixed.find((f) => f.name === 'site.conf')!.text;
    expect(
      remaining([
        { name: 'site.conf', text: conf },
        { name: 'stack.yaml', text: tf },
      ]),
    ).toEqual([]);
    const resolved = analyze([site(), stack('!Ref IdleTimeout')], { nginxVersion: '1.24.0' });
    expect(resolved.findings.filter((f) => f.cause === 'edge-timeout')).toEqual([]);
    const bare = {
      name: 'stack.yaml',
      text: 'Resources:\n  Front:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n',
    };
    const [unwritten] = analyze([site(), bare], { nginxVersion: '1.24.0' }).findings.filter(
      (f) => f.cause === 'edge-timeout',
    );
    // AWS's default 60 s, written nowhere: a list item CloudFormation needs is not added.
    expect(unwritten!.fix!.alternative).toBeUndefined();
  });
});
