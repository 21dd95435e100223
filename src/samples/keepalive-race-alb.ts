import type { Sample } from './index.ts';

// An AWS ALB from Terraform kept at idle_timeout 180 (for slow exports) in front of nginx with
// keepalive_timeout 60s: the balancer reuses connections nginx closed after 60 s idle, nginx
// logs nothing, and the ALB's log shows 502s whose target never answered (status "-").
const arn =
  'arn:aws:elasticloadbalancing:us-east-2:111122223333:targetgroup/billing-nginx/6d0ecf831eec9f09';
const line = (
  time: string,
  client: string,
  status: string,
  target: string,
  times: string,
  request: string,
) =>
  `http ${time} app/billing/5e1d2c3b4a596877 ${client} 10.8.1.20:80 ${times} ${status} ${target} 402 ${target === '-' ? '257' : '1310'} "${request}" "Mozilla/5.0 (Macintosh)" - - ${arn} "Root=1-65a0b1c2-3d4e5f6a7b8c9d0e1f2a3b4c" "-" "-" 0 ${time} "forward" "-" "-" "10.8.1.20:80" "${target}" "-" "-"`;
const log =
  [
    line(
      '2026-11-29T10:02:11.402135Z',
      '198.51.100.40:50514',
      '200',
      '200',
      '0.000 0.041 0.000',
      'GET http://billing.example.com:80/invoices HTTP/1.1',
    ),
    line(
      '2026-11-29T10:05:48.117402Z',
      '198.51.100.40:50602',
      '502',
      '-',
      '0.000 -1 -1',
      'POST http://billing.example.com:80/invoices HTTP/1.1',
    ),
    line(
      '2026-11-29T10:19:03.660914Z',
      '203.0.113.17:61044',
      '502',
      '-',
      '0.000 -1 -1',
      'POST http://billing.example.com:80/payments/capture HTTP/1.1',
    ),
    line(
      '2026-11-29T10:26:37.009188Z',
      '192.0.2.88:44120',
      '502',
      '-',
      '0.001 -1 -1',
      'PUT http://billing.example.com:80/invoices/5521 HTTP/1.1',
    ),
  ].join('\n') + '\n';

const terraform = `resource "aws_lb" "billing" {
  name               = "billing"
  load_balancer_type = "application"
  subnets            = var.public_subnets

  # CSV exports can take minutes.
  idle_timeout = 180
}
`;

const nginx = `events {}

http {
    keepalive_timeout 60s;

    server {
        listen 80;
        server_name billing.example.com;

        location / {
            proxy_pass http://127.0.0.1:8080;
            proxy_read_timeout 170s;
        }
    }
}
`;

export const sample: Sample = {
  id: 'keepalive-race-alb',
  title: 'AWS ALB idle timeout longer than nginx keepalive_timeout: 502s nginx never logs',
  log,
  nginxVersion: '1.24.0',
  files: [
    { name: 'nginx/nginx.conf', text: nginx },
    { name: 'infra/alb.tf', text: terraform },
  ],
};
