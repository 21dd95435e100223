/**
 * Terraform, read far enough to find the AWS load balancers in front of nginx: blocks,
 * attributes with their lines, literals vs expressions; braces inside strings, heredocs and
 * comments ignored; errors with the line a block, string or heredoc opened on; every text back
 * byte for byte; never a throw.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectKind } from '../../workers/engine/formats/detect.ts';
import {
  handler as terraform,
  terraformBalancers,
  type TerraformTree,
} from '../../workers/engine/formats/terraform/index.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import { corpusFiles } from './corpus.ts';

const parse = (text: string, name = 'main.tf') =>
  terraform.parse(name, text) as ParsedFile<TerraformTree>;

const MAIN = `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

/* Balancers { in a comment } */
resource "aws_lb" "web" {
  name               = "web-\${var.env}" # a brace in a string: }
  load_balancer_type = "application"
  idle_timeout       = 300
  subnets            = ["a", "b"]
  access_logs {
    bucket  = "logs"
    enabled = true
  }
}

resource "aws_alb" "admin" {
  internal = true
}

resource "aws_elb" "legacy" {
  idle_timeout = var.legacy_idle
  listener {
    instance_port     = 80
    instance_protocol = "http"
    lb_port           = 80
    lb_protocol       = "http"
  }
}

resource "aws_lb" "tcp" {
  load_balancer_type = "network"
}

resource "aws_iam_policy" "logs" {
  policy = <<EOF
{ "Statement": [ { "Effect": "Allow" } }
EOF
}
`;

describe('terraform', () => {
  const file = parse(MAIN);

  it('reads blocks and attributes with their lines, and gives the text back', () => {
    expect(file.errors).toEqual([]);
    expect(file.print()).toBe(MAIN);
    expect(file.tree.blocks.map((b) => [b.type, ...b.labels].join(' '))).toEqual([
      'terraform',
      'resource aws_lb web',
      'resource aws_alb admin',
      'resource aws_elb legacy',
      'resource aws_lb tcp',
      'resource aws_iam_policy logs',
    ]);
    const web = file.tree.blocks[1]!;
    expect(web.attributes.map((a) => [a.name, a.value, a.line])).toEqual([
      ['name', null, 9], // interpolated: only known when Terraform runs
      ['load_balancer_type', 'application', 10],
      ['idle_timeout', '300', 11],
      ['subnets', null, 12],
    ]);
    expect(web.blocks.map((b) => b.type)).toEqual(['access_logs']);
    expect(file.settings().find((s) => s.key === 'idle_timeout')).toMatchObject({
      value: '300',
      line: 11,
      scope: 'resource aws_lb web',
    });
  });

  it('the application and Classic load balancers with their idle timeouts (60 s by default)', () => {
    expect(
      terraformBalancers(file).map((b) => [b.kind, b.address, b.line, b.idle.value, b.idle.source]),
    ).toEqual([
      ['alb', 'aws_lb.web', 8, '300', { file: 'main.tf', line: 11 }],
      ['alb', 'aws_alb.admin', 19, '60', { default: 'AWS default (idle_timeout, 60 s)' }],
      [
        'elb',
        'aws_elb.legacy',
        23,
        null,
        {
          dynamic: '`var.legacy_idle` is known only when Terraform runs',
          file: 'main.tf',
          line: 24,
        },
      ],
    ]);
  });

  it('Google Cloud backend services: 600 s keep-alive (fixed), timeout_sec as their wait (30 s by default)', () => {
    const gcp = parse(
      'resource "google_compute_backend_service" "web" {\n  timeout_sec = 120\n}\n' +
        'resource "google_compute_region_backend_service" "api" {\n  protocol = "HTTP"\n}\n',
    );
    expect(
      terraformBalancers(gcp).map((b) => [
        b.kind,
        b.address,
        b.idle.value,
        b.wait?.value,
        b.wait?.source,
      ]),
    ).toEqual([
      ['gcp', 'google_compute_backend_service.web', '600', '120', { file: 'main.tf', line: 2 }],
      [
        'gcp',
        'google_compute_region_backend_service.api',
        '600',
        '30',
        { default: 'Google Cloud default (backend service timeout, 30 s)' },
      ],
    ]);
  });

  it('detection: a .tf file, or AWS resources without the name; not nginx', () => {
    expect(detectKind('main.tf', MAIN).kind).toBe('terraform');
    expect(detectKind('pasted', 'resource "aws_lb" "x" {\n  idle_timeout = 90\n}\n').kind).toBe(
      'terraform',
    );
    expect(detectKind('site.conf', 'server {\n    listen 80;\n}\n').kind).not.toBe('terraform');
  });

  it('errors name the line it opened on: a block, a string, a heredoc', () => {
    expect(parse('resource "aws_lb" "x" {\n  idle_timeout = 90\n').errors).toEqual([
      { line: 1, message: 'block resource opened here is never closed' },
    ]);
    expect(parse('locals {\n  a = "open\n}\n').errors).toContainEqual({
      line: 2,
      message: 'string opened here is never closed',
    });
    expect(parse('locals {\n  p = <<EOT\nnever ends\n}\n').errors).toContainEqual({
      line: 2,
      message: 'heredoc EOT opened here is never closed',
    });
    expect(parse('}\n').errors).toEqual([{ line: 1, message: 'this } closes no block' }]);
  });

  it('property: never throws, always gives the text back, errors have lines', () => {
    const bits = fc.constantFrom(
      'resource',
      '"aws_lb"',
      '"x"',
      '{',
      '}',
      '=',
      '120',
      '"',
      '${',
      '<<EOF',
      'EOF',
      '#',
      '/*',
      '*/',
      '//',
      '\n',
      '[',
      ']',
      'idle_timeout',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(bits, fc.string()), { maxLength: 50 }), (parts) => {
        const text = parts.join(' ');
        const p = parse(text);
        expect(p.print()).toBe(text);
        terraformBalancers(p);
        for (const e of p.errors) expect(e.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('the corpus: every real file parses without throwing and prints back; none is Terraform', () => {
    const files = ['nginx', 'gunicorn', 'uwsgi', 'k8s'].flatMap((f) => corpusFiles(f));
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) {
      expect(terraform.parse(f.name, f.text).print(), f.name).toBe(f.text);
      expect(detectKind(f.name, f.text).kind, f.name).not.toBe('terraform');
    }
  });
});
