import type { Sample } from './index.ts';

// A rollout stops pods at once: no preStop delay, so kube-proxy still routes to them.
const log = `2026/03/27 15:20:41 [error] 24#24: *9901 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.5, server: orders.internal, request: "GET /orders/991 HTTP/1.1", upstream: "http://10.60.2.14:8000/orders/991", host: "orders.internal"
2026/03/27 15:20:42 [error] 24#24: *9907 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.6, server: orders.internal, request: "POST /orders HTTP/1.1", upstream: "http://10.60.2.14:8000/orders", host: "orders.internal"
[2026-03-27 15:20:40 +0000] [1] [INFO] Handling signal: term
[2026-03-27 15:20:40 +0000] [8] [INFO] Worker exiting (pid: 8)
[2026-03-27 15:20:41 +0000] [1] [INFO] Shutting down: Master
LAST SEEN   TYPE     REASON    OBJECT                       MESSAGE
2m          Normal   Killing   pod/orders-5c8d7b9f4-k2l8p   Stopping container web
`;

const nginx = `server {
    listen 80;
    server_name orders.internal;

    location / {
        proxy_pass http://orders:8000;
        proxy_set_header Host $host;
    }
}
`;

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
spec:
  replicas: 3
  selector:
    matchLabels:
      app: orders
  template:
    metadata:
      labels:
        app: orders
    spec:
      containers:
        - name: web
          image: registry.example.com/orders:1.9.0
          command: ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "orders.wsgi"]
          ports:
            - containerPort: 8000
`;

export const sample: Sample = {
  id: 'deploy-termination',
  title: 'Deploys: pods stop before traffic is drained (no preStop)',
  log,
  nginxVersion: '1.25.3',
  files: [
    { name: 'orders.conf', text: nginx },
    { name: 'deployment.yaml', text: deployment },
  ],
};
