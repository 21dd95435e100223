/**
 * keepalive-race's front hop: a load balancer in front of nginx (Terraform, CloudFormation) against nginx's
 * client keepalive_timeout. Triggering cases with the exact fixed nginx file, and near misses;
 * run by keepalive-race.test.ts with the app-side cases.
 */
import type { SourceFile } from '../../workers/engine/model.ts';
import type { Invalid } from './keepalive-race.cases.ts';

/** A Terraform file declaring one AWS load balancer in front of nginx. */
const lb = (resource: string, body = '') => ({
  name: 'infra/main.tf',
  text: `resource "${resource}" "front" {\n  name = "front"\n${body}}\n`,
});
/** A CloudFormation template declaring one ALB with this attribute value (YAML). */
const cfn = (value: string, type = 'application') => ({
  name: 'infra/stack.yaml',
  text: `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Front:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Type: ${type}\n      LoadBalancerAttributes:\n        - Key: idle_timeout.timeout_seconds\n          Value: ${value}\n`,
});
const httpConf = (extra = '') =>
  `events {}\nhttp {${extra}\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://127.0.0.1:8000;\n        }\n    }\n}\n`;
const serverConf = (extra = '') =>
  `server {\n    listen 80;${extra}\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n`;

export const frontInvalid: Invalid[] = [
  {
    name: 'front: a Google Cloud backend service (600 s keep-alive, fixed) before nginx’s default 75s',
    files: [
      { name: 'nginx.conf', text: httpConf() },
      {
        name: 'infra/lb.tf',
        text: 'resource "google_compute_backend_service" "web" {\n  timeout_sec = 90\n}\n',
      },
    ],
    output: httpConf('\n    keepalive_timeout 605s;'),
    compared: ['600 s', '75s'],
  },
  {
    name: 'front: a CloudFormation ALB (idle_timeout.timeout_seconds 120) before nginx’s default keepalive_timeout',
    files: [{ name: 'nginx.conf', text: httpConf() }, cfn("'120'")],
    output: httpConf('\n    keepalive_timeout 125s;'),
    compared: ['120 s', '75s'],
  },
  {
    name: 'front: an ALB with idle_timeout 120 before nginx’s default keepalive_timeout (75s)',
    files: [{ name: 'nginx.conf', text: httpConf() }, lb('aws_lb', '  idle_timeout = 120\n')],
    output: httpConf('\n    keepalive_timeout 125s;'),
    compared: ['120 s', '75s'],
  },
  {
    name: 'front: an ALB (aws_alb, 60 s by default) before keepalive_timeout 30s 25s, header value kept',
    files: [
      { name: 'nginx.conf', text: httpConf('\n    keepalive_timeout 30s 25s;') },
      lb('aws_alb'),
    ],
    output: httpConf('\n    keepalive_timeout 65s 25s;'),
    compared: ['60 s', '30s'],
  },
  {
    name: 'front: a Classic ELB before a conf.d server block that sets keepalive_timeout 10',
    files: [
      { name: 'conf.d/app.conf', text: serverConf('\n    keepalive_timeout 10;') },
      lb('aws_elb', '  idle_timeout = 60\n'),
    ],
    output: serverConf('\n    keepalive_timeout 65s;'),
    compared: ['60 s', '10s'],
  },
  {
    name: 'front: idle_timeout 300 before a conf.d server block on nginx’s default: set in the server',
    files: [
      { name: 'conf.d/app.conf', text: serverConf() },
      lb('aws_lb', '  idle_timeout = 300\n'),
    ],
    output: serverConf('\n    keepalive_timeout 305s;'),
    compared: ['300 s', '75s'],
  },
];

export const frontValid: { name: string; files: SourceFile[]; version?: string }[] = [
  {
    name: 'front: a CloudFormation idle timeout from a parameter (`!Ref`), known only at deploy',
    files: [
      { name: 'nginx.conf', text: httpConf('\n    keepalive_timeout 5s;') },
      cfn('!Ref Idle'),
    ],
  },
  {
    name: 'front: a CloudFormation network balancer',
    files: [
      { name: 'nginx.conf', text: httpConf('\n    keepalive_timeout 5s;') },
      cfn("'300'", 'network'),
    ],
  },
  {
    name: 'front: an ALB on its default 60 s before nginx’s default 75s: nginx closes last',
    files: [{ name: 'nginx.conf', text: httpConf() }, lb('aws_lb')],
  },
  {
    name: 'front: a Network Load Balancer (no HTTP idle timeout of this kind)',
    files: [
      { name: 'nginx.conf', text: httpConf('\n    keepalive_timeout 5s;') },
      lb('aws_lb', '  load_balancer_type = "network"\n'),
    ],
  },
  {
    name: 'front: an idle_timeout only known when Terraform runs',
    files: [
      { name: 'nginx.conf', text: httpConf('\n    keepalive_timeout 5s;') },
      lb('aws_lb', '  idle_timeout = var.idle\n'),
    ],
  },
  {
    name: 'front: keepalive_timeout 0 (nginx closes after every response, nothing is reused)',
    files: [{ name: 'nginx.conf', text: httpConf('\n    keepalive_timeout 0;') }, lb('aws_lb')],
  },
];
