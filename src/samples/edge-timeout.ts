import type { Sample } from './index.ts';

// Report exports behind an AWS ALB left at its default idle timeout (60 s), while nginx waits
// 10 minutes for them: the ALB answers 504 at 60 s, nginx logs 499 for the same requests
// (the balancer went away), and the app goes on building reports nobody receives.
const arn =
  'arn:aws:elasticloadbalancing:eu-west-1:444455556666:targetgroup/reports-nginx/0f1e2d3c4b5a6978';
const alb = (time: string, client: string, path: string) =>
  `https ${time} app/reports/7a6b5c4d3e2f1a0b ${client} 10.40.2.9:80 0.000 -1 -1 504 - 388 202 "GET https://reports.example.io:443${path} HTTP/1.1" "Mozilla/5.0 (Windows NT 10.0)" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ${arn} "Root=1-65b1c2d3-4e5f6a7b8c9d0e1f2a3b4c5d" "reports.example.io" "arn:aws:acm:eu-west-1:444455556666:certificate/abcd" 0 ${time} "forward" "-" "-" "10.40.2.9:80" "-" "-" "-"`;
const log = `${alb('2026-11-27T14:01:02.100200Z', '198.51.100.61:50100', '/export/quarterly.xlsx')}
${alb('2026-11-27T14:20:45.880011Z', '203.0.113.12:41880', '/export/customers.csv')}
10.40.1.7 - - [27/Nov/2026:14:01:02 +0000] "GET /export/quarterly.xlsx HTTP/1.1" 499 0 "-" "Mozilla/5.0 (Windows NT 10.0)" 60.002
10.40.1.7 - - [27/Nov/2026:14:20:45 +0000] "GET /export/customers.csv HTTP/1.1" 499 0 "-" "Mozilla/5.0 (Windows NT 10.0)" 60.001
`;

const nginx = `log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time';

server {
    listen 80;
    server_name reports.example.io;
    access_log /var/log/nginx/reports.log timed;

    location /export/ {
        proxy_pass http://127.0.0.1:9000;
        proxy_read_timeout 600s;
    }

    location / {
        proxy_pass http://127.0.0.1:9000;
    }
}
`;

const terraform = `resource "aws_lb" "reports" {
  name               = "reports"
  load_balancer_type = "application"
  subnets            = var.public_subnets
}
`;

export const sample: Sample = {
  id: 'edge-timeout',
  title: 'Load balancer gives up first: ALB 504s at 60 s, nginx still waiting (499s)',
  log,
  nginxVersion: '1.24.0',
  files: [
    { name: 'nginx/reports.conf', text: nginx },
    { name: 'infra/lb.tf', text: terraform },
  ],
};
