/**
 * body-limit: 413s ("client intended to send too large body") traced to the effective
 * client_max_body_size of the location nginx picked for the request.
 */
import { expect, it } from 'vitest';
import { limitFor } from '../../workers/engine/rules/body-limit.ts';
import { runRuleCases, type InvalidCase, type ValidCase } from './lib/event-rule-tester.ts';

const tooLarge = (bytes: number, path: string, host = 'files.example.com') =>
  `2024/05/02 10:11:12 [error] 311#311: *88 client intended to send too large body: ${bytes} bytes, client: 10.1.2.3, server: files.example.com, request: "POST ${path} HTTP/1.1", host: "${host}"\n`;

const site = `server {
    listen 80;
    server_name files.example.com;
    client_max_body_size 2m;

    location / {
        proxy_pass http://127.0.0.1:8000;
    }

    location /upload/ {
        client_max_body_size 5m;
        proxy_pass http://127.0.0.1:8000;
    }
}
`;

const ingress = (annotation: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: uploads
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: "120"${annotation}
spec:
  ingressClassName: nginx
  rules:
    - host: files.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: files
                port:
                  number: 8000
`;

const invalid: InvalidCase[] = [
  {
    name: 'behind ingress-nginx: the Ingress serving the host gets a proxy-body-size annotation',
    files: [
      { name: 'ingress.yaml', text: ingress('') },
      { name: 'controller.log', text: tooLarge(8388608, '/api/blobs/7') },
    ],
    output: {
      'ingress.yaml': ingress('\n    nginx.ingress.kubernetes.io/proxy-body-size: 8m'),
    },
    safety: 'safe',
    explains: 1,
    mentions: ['Ingress uploads', 'proxy-body-size 1m (ingress-nginx default'],
  },
  {
    name: 'the location that served the upload sets its own limit: raised there only',
    files: [
      { name: 'app.conf', text: site },
      { name: 'error.log', text: tooLarge(12582912, '/upload/avatar') },
    ],
    output: {
      'app.conf': site.replace('client_max_body_size 5m;', 'client_max_body_size 16m;'),
    },
    safety: 'safe',
    explains: 1,
    mentions: ['client_max_body_size 5m (app.conf:11)', '12582912 bytes', 'location /upload/'],
  },
  {
    name: 'limit inherited from the server: the location gets its own, the server keeps 2m',
    files: [
      { name: 'app.conf', text: site },
      {
        name: 'error.log',
        text: tooLarge(3000000, '/api/import?x=1') + tooLarge(2500000, '/api/import'),
      },
    ],
    output: {
      'app.conf': site.replace(
        '        proxy_pass http://127.0.0.1:8000;\n    }\n\n    location /upload/',
        '        proxy_pass http://127.0.0.1:8000;\n        client_max_body_size 4m;\n    }\n\n    location /upload/',
      ),
    },
    safety: 'safe',
    explains: 2,
    mentions: ['client_max_body_size 2m (app.conf:4)', 'location /'],
  },
  {
    name: 'the nginx default (1m) with a uWSGI limit-post behind it: both are raised',
    files: [
      {
        name: 'site.conf',
        text: `server {
    server_name media.test;
    location /media/ {
        include uwsgi_params;
        uwsgi_pass 127.0.0.1:3031;
    }
}
`,
      },
      {
        name: 'uwsgi.ini',
        text: '[uwsgi]\nsocket = 127.0.0.1:3031\nmodule = app:application\nlimit-post = 2097152\n',
      },
      { name: 'error.log', text: tooLarge(1500000, '/media/x.jpg', 'media.test') },
    ],
    output: {
      'site.conf': `server {
    server_name media.test;
    location /media/ {
        include uwsgi_params;
        uwsgi_pass 127.0.0.1:3031;
        client_max_body_size 2m;
    }
}
`,
    },
    safety: 'safe',
    explains: 1,
    mentions: ['client_max_body_size 1m (nginx 1.22 default)', 'limit-post'],
  },
  {
    name: 'a uWSGI limit-post below the new nginx limit is raised with it',
    files: [
      {
        name: 'site.conf',
        text: `server {
    server_name media.test;
    location /media/ {
        include uwsgi_params;
        uwsgi_pass 127.0.0.1:3031;
    }
}
`,
      },
      {
        name: 'uwsgi.ini',
        text: '[uwsgi]\nsocket = 127.0.0.1:3031\nmodule = app:application\nlimit-post = 1048576\n',
      },
      { name: 'error.log', text: tooLarge(3500000, '/media/x.jpg', 'media.test') },
    ],
    output: {
      'site.conf': `server {
    server_name media.test;
    location /media/ {
        include uwsgi_params;
        uwsgi_pass 127.0.0.1:3031;
        client_max_body_size 4m;
    }
}
`,
      'uwsgi.ini':
        '[uwsgi]\nsocket = 127.0.0.1:3031\nmodule = app:application\nlimit-post = 4194304\n',
    },
    safety: 'safe',
    explains: 1,
    mentions: ['also caps bodies at 1048576 bytes'],
  },
  {
    name: 'only the log line pasted: manual advice citing it',
    files: [{ name: 'error.log', text: tooLarge(5000000, '/upload') }],
    output: {},
    safety: 'manual',
    explains: 1,
    mentions: ['5000000 bytes'],
  },
  {
    name: 'uWSGI limit-post below the client_max_body_size of a location that reaches it',
    files: [
      {
        name: 'site.conf',
        text: `server {
    server_name media.test;
    location /media/ {
        client_max_body_size 20m;
        include uwsgi_params;
        uwsgi_pass 127.0.0.1:3031;
    }
}
`,
      },
      {
        name: 'uwsgi.ini',
        text: '[uwsgi]\nsocket = 127.0.0.1:3031\nlimit-post = 10485760\n',
      },
    ],
    output: { 'uwsgi.ini': '[uwsgi]\nsocket = 127.0.0.1:3031\nlimit-post = 20971520\n' },
    safety: 'safe',
    explains: 0,
    mentions: ['limit-post 10485760 bytes (uwsgi.ini:3)', 'client_max_body_size 20m (site.conf:4)'],
  },
];

const valid: ValidCase[] = [
  {
    name: 'the Ingress already allows the logged body',
    files: [
      {
        name: 'ingress.yaml',
        text: ingress('\n    nginx.ingress.kubernetes.io/proxy-body-size: "64m"'),
      },
      { name: 'controller.log', text: tooLarge(8388608, '/api/blobs/7') },
    ],
  },
  {
    name: 'uWSGI limit-post at or above what nginx lets through',
    files: [
      {
        name: 'site.conf',
        text: 'server {\n    location / {\n        include uwsgi_params;\n        uwsgi_pass 127.0.0.1:3031;\n    }\n}\n',
      },
      { name: 'uwsgi.ini', text: '[uwsgi]\nsocket = 127.0.0.1:3031\nlimit-post = 1048576\n' },
    ],
  },
  {
    name: "nginx unlimited (client_max_body_size 0): uWSGI's cap is the only one, by choice",
    files: [
      {
        name: 'site.conf',
        text: 'server {\n    client_max_body_size 0;\n    location / {\n        include uwsgi_params;\n        uwsgi_pass 127.0.0.1:3031;\n    }\n}\n',
      },
      { name: 'uwsgi.ini', text: '[uwsgi]\nsocket = 127.0.0.1:3031\nlimit-post = 1048576\n' },
    ],
  },
  {
    name: 'the same config without 413 lines (a limit alone is not a finding)',
    files: [{ name: 'app.conf', text: site }],
  },
  {
    name: 'the pasted config already allows the logged size (already fixed)',
    files: [
      {
        name: 'app.conf',
        text: site.replace('client_max_body_size 5m;', 'client_max_body_size 16m;'),
      },
      { name: 'error.log', text: tooLarge(12582912, '/upload/avatar') },
    ],
  },
  {
    name: 'client_max_body_size 0 (no limit): the lines came from another config',
    files: [
      {
        name: 'app.conf',
        text: site.replace('client_max_body_size 5m;', 'client_max_body_size 0;'),
      },
      { name: 'error.log', text: tooLarge(12582912, '/upload/avatar') },
    ],
  },
  {
    name: 'a refused connection is not a body limit',
    files: [
      { name: 'app.conf', text: site },
      {
        name: 'error.log',
        text: '2024/05/02 10:11:12 [error] 311#311: *88 connect() failed (111: Connection refused) while connecting to upstream, client: 10.1.2.3, server: files.example.com, request: "POST /upload/a HTTP/1.1", upstream: "http://127.0.0.1:8000/upload/a", host: "files.example.com"\n',
      },
    ],
  },
];

runRuleCases('body-limit', invalid, valid);

it('limitFor: the next power-of-two megabytes above the body', () => {
  expect(limitFor(1)).toEqual({ bytes: 1048576, text: '1m' });
  expect(limitFor(1048576)).toEqual({ bytes: 1048576, text: '1m' });
  expect(limitFor(1048577).text).toBe('2m');
  expect(limitFor(12582912).text).toBe('16m');
});
