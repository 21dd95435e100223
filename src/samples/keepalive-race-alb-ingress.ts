import type { Sample } from './index.ts';

// An Express API on EKS behind an AWS Load Balancer Controller Ingress: the ALB sends straight
// to the pods (target type ip) and keeps idle connections 60 s, while Node closes idle
// keep-alive sockets after 5 s. Now and then the ALB writes a request onto a socket Node just
// closed: a 502 with target status "-", and nothing in the app's own log.
const arn =
  'arn:aws:elasticloadbalancing:eu-west-1:444455556666:targetgroup/k8s-shop-cart-1f2e3d4c5b/0a1b2c3d4e5f6071';
const line = (
  time: string,
  client: string,
  target: string,
  status: string,
  times: string,
  request: string,
) =>
  `https ${time} app/k8s-shop-cart-9a8b7c6d5e/4f3e2d1c0b9a8877 ${client} 10.42.3.17:3000 ${times} ${status} ${target} 318 ${target === '-' ? '272' : '904'} "${request}" "Mozilla/5.0 (X11; Linux x86_64)" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ${arn} "Root=1-6750a1b2-0c1d2e3f4a5b6c7d8e9f0a1b" "cart.example.org" "-" 0 ${time} "forward" "-" "-" "10.42.3.17:3000" "${target}" "-" "-"`;
const log =
  [
    line(
      '2026-11-30T08:12:40.201337Z',
      '192.0.2.14:53110',
      '200',
      '200',
      '0.000 0.012 0.000',
      'GET https://cart.example.org:443/api/cart HTTP/1.1',
    ),
    line(
      '2026-11-30T08:12:47.918002Z',
      '192.0.2.14:53110',
      '-',
      '502',
      '0.000 -1 -1',
      'POST https://cart.example.org:443/api/cart/items HTTP/1.1',
    ),
    line(
      '2026-11-30T08:31:05.004719Z',
      '198.51.100.61:40022',
      '-',
      '502',
      '0.001 -1 -1',
      'POST https://cart.example.org:443/api/checkout HTTP/1.1',
    ),
    line(
      '2026-11-30T08:31:09.660130Z',
      '198.51.100.61:40022',
      '200',
      '200',
      '0.000 0.087 0.000',
      'POST https://cart.example.org:443/api/checkout HTTP/1.1',
    ),
  ].join('\n') + '\n';

const manifests = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: cart
  namespace: shop
  annotations:
    alb.ingress.kubernetes.io/scheme: internet-facing
    alb.ingress.kubernetes.io/target-type: ip
spec:
  ingressClassName: alb
  rules:
    - host: cart.example.org
      http:
        paths:
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: cart
                port:
                  number: 80
---
apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
spec:
  selector:
    app: cart
  ports:
    - port: 80
      targetPort: 3000
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels:
      app: cart
  template:
    metadata:
      labels:
        app: cart
    spec:
      containers:
        - name: cart
          image: registry.example.org/shop/cart:2.8.0
          command: ["node", "server.js"]
          ports:
            - containerPort: 3000
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "15"]
`;

const server = `const express = require('express');
const routes = require('./routes');

const app = express();
app.use(express.json());
app.use('/api', routes);

const server = app.listen(3000, () => {
  console.log('cart listening on 3000');
});
`;

export const sample: Sample = {
  id: 'keepalive-race-alb-ingress',
  title: 'ALB Ingress straight to Node pods: the ALB reuses sockets Node closed after 5 s',
  log,
  files: [
    { name: 'k8s/cart.yaml', text: manifests },
    { name: 'server.js', text: server },
  ],
};
