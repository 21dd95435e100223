/** The request path's chain of hops, from real analyses: which hops a request takes. */
import { expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { drawnHops, hopOf } from '../../src/lib/request-path.ts';
import { nginxVersionWords } from '../../src/lib/version-words.ts';

const alb = { name: 'main.tf', text: 'resource "aws_lb" "web" {\n  idle_timeout = 120\n}\n' };
const gunicorn = { name: 'gunicorn.conf.py', text: 'worker_class = "gthread"\n' };
const nginx = {
  name: 'nginx.conf',
  text: 'events {}\nhttp {\n    keepalive_timeout 30s;\n    server {\n        location / {\n            proxy_pass http://127.0.0.1:8000;\n        }\n    }\n}\n',
};
const chain = (files: { name: string; text: string }[]) =>
  drawnHops(analyze(files)).map((h) => h.id);

it('a balancer sending straight to the app server: no nginx hop the request never takes', () => {
  expect(chain([alb, gunicorn])).toEqual(['client', 'front', 'app', 'pod']);
});

it('with nginx pasted, or no balancer, nginx is on the path', () => {
  expect(chain([alb, nginx, gunicorn])).toEqual(['client', 'front', 'nginx', 'app', 'pod']);
  expect(chain([gunicorn])).toEqual(['client', 'nginx', 'app', 'pod']);
});

it('Node.js is an app server, a Kubernetes node is not', () => {
  expect(hopOf('Node.js (server.js)')).toBe('app');
  expect(hopOf('node ip-10-0-1-5 (kernel)')).toBe('pod');
  expect(hopOf('gunicorn in deploy.yaml Deployment web / app')).toBe('app');
  expect(hopOf('Deployment web / app')).toBe('pod');
});

it('an assumed nginx version is said only when something pasted is nginx’s', () => {
  expect(nginxVersionWords(analyze([alb, gunicorn]))).toBeNull();
  expect(nginxVersionWords(analyze([alb, nginx, gunicorn]))).toBe('nginx 1.24.0 (assumed)');
  // A version the user gave is always said.
  expect(nginxVersionWords(analyze([alb, gunicorn], { nginxVersion: '1.26.2' }))).toBe(
    'nginx 1.26.2',
  );
  // An nginx error line is nginx's too, pasted inside a text with other things.
  const line =
    '2026/12/07 10:00:01 [error] 31#31: *9 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.5, server: , request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "a"';
  expect(nginxVersionWords(analyze([{ name: 'paste', text: `${line}\n\n${gunicorn.text}` }]))).toBe(
    'nginx 1.24.0 (assumed)',
  );
});
