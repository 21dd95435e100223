/**
 * CloudFormation, read far enough to find the AWS load balancers in front of nginx: YAML with
 * intrinsic-function tags and JSON (what CDK synthesizes); the application and Classic
 * balancers' idle timeouts with their lines, a value known only at deploy as such, network
 * balancers left out; errors with lines; every text back byte for byte; never a throw.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectKind } from '../../workers/engine/formats/detect.ts';
import {
  cloudformationBalancers,
  handler as cloudformation,
  type CloudFormationTree,
} from '../../workers/engine/formats/cloudformation/index.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import { corpusFiles } from './corpus.ts';

const parse = (text: string, name = 'stack.yaml') =>
  cloudformation.parse(name, text) as ParsedFile<CloudFormationTree>;
const balancers = (text: string, name?: string) =>
  cloudformationBalancers(parse(text, name)).map((b) => [
    b.kind,
    b.id,
    b.line,
    b.idle.value,
    b.idle.source,
  ]);

const YAML = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Idle:
    Type: Number
Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Name: !Sub '\${AWS::StackName}-web'
      LoadBalancerAttributes:
        - Key: routing.http2.enabled
          Value: 'true'
        - Key: idle_timeout.timeout_seconds
          Value: '300'
  Admin:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      LoadBalancerAttributes:
        - Key: idle_timeout.timeout_seconds
          Value: !Ref Idle
  Tcp:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: network
  Legacy:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      ConnectionSettings:
        IdleTimeout: 90
  Plain:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
`;

describe('cloudformation', () => {
  it('YAML with tags: the balancers, their idle timeouts and lines, 60 s by default', () => {
    const file = parse(YAML);
    expect(file.errors).toEqual([]);
    expect(file.print()).toBe(YAML);
    expect(balancers(YAML)).toEqual([
      ['alb', 'Web', 6, '300', { file: 'stack.yaml', line: 14 }],
      [
        'alb',
        'Admin',
        15,
        null,
        { dynamic: 'known only when the stack deploys', file: 'stack.yaml', line: 20 },
      ],
      ['elb', 'Legacy', 25, '90', { file: 'stack.yaml', line: 29 }],
      ['alb', 'Plain', 30, '60', { default: 'AWS default (idle timeout, 60 s)' }],
    ]);
    expect(file.settings().map((s) => [s.key, s.value, s.line])).toContainEqual([
      'idle_timeout.timeout_seconds',
      '300',
      14,
    ]);
  });

  it('JSON, as CDK synthesizes it: a `{"Ref": …}` value is known only at deploy', () => {
    const json = JSON.stringify(
      {
        Resources: {
          ApiLB: {
            Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
            Properties: {
              LoadBalancerAttributes: [
                { Key: 'deletion_protection.enabled', Value: 'false' },
                { Key: 'idle_timeout.timeout_seconds', Value: '180' },
              ],
            },
          },
          OtherLB: {
            Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
            Properties: {
              LoadBalancerAttributes: [
                { Key: 'idle_timeout.timeout_seconds', Value: { Ref: 'Idle' } },
              ],
            },
          },
        },
      },
      null,
      1,
    );
    expect(detectKind('cdk.out/Api.template.json', json).kind).toBe('cloudformation');
    expect(balancers(json, 'Api.template.json').map((b) => b.slice(0, 4))).toEqual([
      ['alb', 'ApiLB', 3, '180'],
      ['alb', 'OtherLB', 18, null],
    ]);
  });

  it('detection: a template or a Resources map of AWS types; not Kubernetes, not Terraform', () => {
    expect(detectKind('stack.yaml', YAML).kind).toBe('cloudformation');
    expect(
      detectKind(
        'pasted',
        'Resources:\n  LB:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n',
      ).kind,
    ).toBe('cloudformation');
    expect(
      detectKind('deploy.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n').kind,
    ).toBe('kubernetes');
    expect(detectKind('main.tf', 'resource "aws_lb" "x" {\n}\n').kind).toBe('terraform');
  });

  it('errors say the line: a quote never closed, a tab where YAML wants spaces', () => {
    expect(parse("Resources:\n  LB:\n    Type: 'AWS::X\n").errors[0]).toEqual({
      line: 3,
      message: 'quote opened here is never closed',
    });
    expect(parse('Resources:\n\tLB: 1\n').errors[0]!.line).toBe(2);
  });

  it('property: never throws, always gives the text back, errors have lines', () => {
    const bits = fc.constantFrom(
      'Resources:',
      '\n',
      '  ',
      'LB:',
      'Type:',
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'Properties:',
      'LoadBalancerAttributes:',
      '- Key:',
      'idle_timeout.timeout_seconds',
      'Value:',
      "'120'",
      '!Ref',
      '{',
      '}',
      '[',
      ']',
      '"',
      "'",
      ':',
      '\t',
      '#',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(bits, fc.string()), { maxLength: 40 }), (parts) => {
        const text = parts.join(' ');
        const p = parse(text);
        expect(p.print()).toBe(text);
        cloudformationBalancers(p);
        for (const e of p.errors) expect(e.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('the corpus: every real file parses without throwing and prints back; none is CloudFormation', () => {
    const files = ['nginx', 'gunicorn', 'uwsgi', 'k8s'].flatMap((f) => corpusFiles(f));
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) {
      expect(cloudformation.parse(f.name, f.text).print(), f.name).toBe(f.text);
      expect(detectKind(f.name, f.text).kind, f.name).not.toBe('cloudformation');
    }
  });
});
