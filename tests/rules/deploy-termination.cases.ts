/**
 * deploy-termination's triggering cases (inputs, the exact fixed YAML, what the finding must
 * say) and the fixtures its near misses share; run by deploy-termination.test.ts.
 */
import type { SourceFile } from '../../workers/engine/model.ts';

export const deployment = (container: string, spec = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 3
  template:
    metadata:
      labels:
        app: shop
    spec:${spec}
      containers:
${container}`;

export const GUNICORN_FLOW = `        - name: web
          image: registry.example.com/shop:1.4
          command: ["gunicorn", "-c", "/app/gunicorn.conf.py", "shop.wsgi"]
          ports:
            - containerPort: 8000
`;
export const NGINX = `upstream shop {
    server 10.0.0.10:8000;
}
server {
    listen 80;
    location / {
        proxy_pass http://shop;
    }
}
`;
export const GUNICORN_CONF = 'bind = "0.0.0.0:8000"\nworkers = 4\nworker_class = "gthread"\n';
export const SIGTERM_LOG = `[2024-05-02 10:14:03 +0000] [1] [INFO] Handling signal: term
[2024-05-02 10:14:03 +0000] [9] [INFO] Worker exiting (pid: 9)
[2024-05-02 10:14:04 +0000] [1] [INFO] Shutting down: Master
`;
export const nginxError = (time: string, what: string, path: string) =>
  `2024/05/02 ${time} [error] 31#31: *88 ${what}, client: 10.1.0.4, server: , request: "GET ${path} HTTP/1.1", upstream: "http://10.0.0.10:8000${path}", host: "shop.example.com"`;
export const REFUSED = nginxError(
  '10:14:04',
  'connect() failed (111: Connection refused) while connecting to upstream',
  '/cart',
);
export const CLOSED = nginxError(
  '10:14:05',
  'upstream prematurely closed connection while reading response header from upstream',
  '/checkout',
);

export const INGRESS_SHOP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: shop:7
          args: ["gunicorn", "--bind", "0.0.0.0:8000", "--graceful-timeout", "20", "shop.wsgi"]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port:
                  number: 8000
`;

export interface Invalid {
  name: string;
  files: SourceFile[];
  /** The exact deployment.yaml after the fix ({} for advice only). */
  output: Record<string, string>;
  safety: 'safe' | 'manual';
  explains: boolean;
  mentions: string[];
  /** What the fixed manifest must say, read back by the yaml library. */
  reads?: { preStop: unknown; grace: unknown };
}

export const invalid: Invalid[] = [
  {
    name: 'rollout: SIGTERM with no preStop, refused + closed in nginx; flow command style kept',
    files: [
      { name: 'deployment.yaml', text: deployment(GUNICORN_FLOW) },
      { name: 'gunicorn.conf.py', text: GUNICORN_CONF },
      { name: 'nginx.conf', text: NGINX },
      { name: 'gunicorn.log', text: SIGTERM_LOG },
      { name: 'error.log', text: `${REFUSED}\n${CLOSED}\n` },
    ],
    output: {
      'deployment.yaml': deployment(
        GUNICORN_FLOW +
          `          lifecycle:
            preStop:
              exec:
                command: ["sleep", "10"]
`,
      ).replace(/\n$/, '\n      terminationGracePeriodSeconds: 45\n'),
    },
    safety: 'safe',
    explains: true,
    mentions: [
      'no preStop hook',
      'terminationGracePeriodSeconds 30 (Kubernetes default',
      'graceful_timeout 30 s (gunicorn default',
      '2 failed request(s) in nginx',
    ],
    reads: { preStop: { exec: { command: ['sleep', '10'] } }, grace: 45 },
  },
  {
    name: 'no logs (lint): graceful_timeout 10 leaves room, so only the hook is added, block style',
    files: [
      {
        name: 'deployment.yaml',
        text: deployment(`        - name: web
          image: shop:2
          command:
            - gunicorn
            - -c
            - gunicorn.conf.py
            - shop.wsgi
`),
      },
      { name: 'gunicorn.conf.py', text: 'bind = "0.0.0.0:8000"\ngraceful_timeout = 10\n' },
    ],
    output: {
      'deployment.yaml': deployment(`        - name: web
          image: shop:2
          command:
            - gunicorn
            - -c
            - gunicorn.conf.py
            - shop.wsgi
          lifecycle:
            preStop:
              exec:
                command:
                  - sleep
                  - "10"
`),
    },
    safety: 'safe',
    explains: false,
    mentions: ['no preStop hook'],
    reads: { preStop: { exec: { command: ['sleep', '10'] } }, grace: undefined },
  },
  {
    name: 'a distroless image has no sleep binary: the native sleep action',
    files: [
      {
        name: 'deployment.yaml',
        text: deployment(`        - name: api
          image: gcr.io/distroless/python3:nonroot
          args: ["gunicorn", "--bind", "0.0.0.0:8000", "api.wsgi"]
`),
      },
    ],
    output: {
      'deployment.yaml': deployment(`        - name: api
          image: gcr.io/distroless/python3:nonroot
          args: ["gunicorn", "--bind", "0.0.0.0:8000", "api.wsgi"]
          lifecycle:
            preStop:
              sleep:
                seconds: 10
`).replace(/\n$/, '\n      terminationGracePeriodSeconds: 45\n'),
    },
    safety: 'safe',
    explains: false,
    mentions: ['no preStop hook'],
    reads: { preStop: { sleep: { seconds: 10 } }, grace: 45 },
  },
  {
    name: 'a preStop sleep of 2 s is lengthened in place; the written grace period raised in place',
    files: [
      {
        name: 'deployment.yaml',
        text: deployment(
          `        - name: web
          image: shop:2
          command: ["gunicorn", "shop.wsgi", "--graceful-timeout", "20"]
          lifecycle:
            preStop:
              exec:
                command: ["sh", "-c", "sleep 2"]
`,
          '\n      terminationGracePeriodSeconds: 25',
        ),
      },
    ],
    output: {
      'deployment.yaml': deployment(
        `        - name: web
          image: shop:2
          command: ["gunicorn", "shop.wsgi", "--graceful-timeout", "20"]
          lifecycle:
            preStop:
              exec:
                command: ["sh", "-c", "sleep 10"]
`,
        '\n      terminationGracePeriodSeconds: 35',
      ),
    },
    safety: 'safe',
    explains: false,
    mentions: [
      'sleeps only 2 s',
      'terminationGracePeriodSeconds 25 (deployment.yaml:12) would no longer cover that delay plus graceful_timeout 20 s',
    ],
    reads: { preStop: { exec: { command: ['sh', '-c', 'sleep 10'] } }, grace: 35 },
  },
  {
    name: 'kubectl events (untimed "Killing … Stopping container") place every stop failure',
    files: [
      { name: 'deployment.yaml', text: deployment(GUNICORN_FLOW) },
      { name: 'gunicorn.conf.py', text: GUNICORN_CONF },
      { name: 'nginx.conf', text: NGINX },
      {
        name: 'events.log',
        text: '3m          Normal    Killing             pod/shop-7d9f8b6c5-x2x9k    Stopping container web\n',
      },
      { name: 'error.log', text: `${REFUSED}\n` },
    ],
    output: {
      'deployment.yaml': deployment(
        GUNICORN_FLOW +
          `          lifecycle:
            preStop:
              exec:
                command: ["sleep", "10"]
`,
      ).replace(/\n$/, '\n      terminationGracePeriodSeconds: 45\n'),
    },
    safety: 'safe',
    explains: true,
    mentions: ['Kubernetes Killing', '1 failed request(s)'],
  },
  {
    name: 'uWSGI in a StatefulSet (grace 60 is enough): the hook only, and the die-on-term note',
    files: [
      {
        name: 'sts.yaml',
        text: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: api
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 60
      containers:
      - name: uwsgi
        image: api:3
        args:
        - uwsgi
        - --http-socket=:8000
        - --module=api.wsgi
`,
      },
    ],
    output: {
      'sts.yaml': `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: api
spec:
  template:
    spec:
      terminationGracePeriodSeconds: 60
      containers:
      - name: uwsgi
        image: api:3
        args:
        - uwsgi
        - --http-socket=:8000
        - --module=api.wsgi
        lifecycle:
          preStop:
            exec:
              command:
              - sleep
              - "10"
`,
    },
    safety: 'safe',
    explains: false,
    mentions: ['StatefulSet api / uwsgi runs uWSGI', 'unless die-on-term is set'],
  },
  {
    name: 'behind ingress-nginx (no nginx.conf): controller log lines at the SIGTERM are explained',
    files: [
      { name: 'shop.yaml', text: INGRESS_SHOP },
      {
        name: 'ingress-controller.log',
        text: '2024/05/02 10:14:04 [error] 1203#1203: *88321 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.5, server: shop.example.com, request: "GET /cart HTTP/2.0", upstream: "http://10.244.1.17:8000/cart", host: "shop.example.com"\n',
      },
      {
        name: 'gunicorn.log',
        text: '[2024-05-02 10:14:03 +0000] [1] [INFO] Handling signal: term\n',
      },
    ],
    output: {
      'shop.yaml': INGRESS_SHOP.replace(
        '"shop.wsgi"]\n',
        '"shop.wsgi"]\n          lifecycle:\n            preStop:\n              exec:\n                command: ["sleep", "10"]\n      terminationGracePeriodSeconds: 35\n',
      ),
    },
    safety: 'safe',
    explains: true,
    mentions: [
      'terminationGracePeriodSeconds 30 (Kubernetes default',
      'would no longer cover that delay plus graceful_timeout 20 s',
      '1 failed request(s) in nginx',
    ],
    reads: { preStop: { exec: { command: ['sleep', '10'] } }, grace: 35 },
  },
  {
    name: 'failures that no pod stop explains (504s, no SIGTERM): advice only, no edit',
    files: [
      { name: 'deployment.yaml', text: deployment(GUNICORN_FLOW) },
      { name: 'gunicorn.conf.py', text: GUNICORN_CONF },
      { name: 'nginx.conf', text: NGINX },
      {
        name: 'error.log',
        text:
          nginxError(
            '10:14:04',
            'upstream timed out (110: Connection timed out) while reading response header from upstream',
            '/report',
          ) + '\n',
      },
    ],
    output: {},
    safety: 'manual',
    explains: false,
    mentions: ['no preStop hook'],
  },
];
