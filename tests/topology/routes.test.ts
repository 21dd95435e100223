/** The request path: nginx locations linked to the app servers that listen where they connect. */
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../workers/engine/topology/index.ts';
import { connects, parseEndpoint } from '../../workers/engine/topology/address.ts';
import { parseInput } from '../../workers/engine/pipeline/parse.ts';
import type { FileKind } from '../../workers/engine/model.ts';

const parse = (name: string, kind: FileKind, text: string) => parseInput({ name, kind, text })!;

const nginx = (target: string) =>
  parse(
    'site.conf',
    'nginx',
    `upstream app { server ${target}; keepalive 8; }\nserver { server_name a.test; location /api/ { proxy_pass http://app; } location /direct/ { proxy_pass http://127.0.0.1:9000; } }\n`,
  );

describe('topology routes', () => {
  it('links a location to gunicorn by address, with gunicorn settings and their sources', () => {
    const t = buildTopology(
      [
        nginx('127.0.0.1:8000'),
        parse(
          'gunicorn.conf.py',
          'gunicorn',
          'bind = "0.0.0.0:8000"\nworkers = 3\nworker_class = "gthread"\n',
        ),
      ],
      '1.22.1',
    );
    const api = t.routes.find((r) => r.location.path === '/api/')!;
    expect(api.label).toBe('a.test location /api/');
    expect(api.upstream?.name).toBe('app');
    expect(api.backends).toHaveLength(1);
    expect(api.backends[0]).toMatchObject({
      how: 'address',
      listener: { address: '0.0.0.0:8000', line: 1 },
    });
    expect(api.backends[0]!.backend.workerClass).toBe('gthread');
    expect(api.backends[0]!.backend.settings.workers).toMatchObject({
      value: '3',
      source: { file: 'gunicorn.conf.py', line: 2 },
    });
    // The other location connects to a port nothing listens on.
    expect(t.routes.find((r) => r.location.path === '/direct/')!.backends).toEqual([]);
  });

  it('gunicorn without bind listens on its default 127.0.0.1:8000', () => {
    const t = buildTopology(
      [nginx('localhost:8000'), parse('gunicorn.conf.py', 'gunicorn', 'workers = 2\n')],
      '1.22.1',
    );
    expect(t.routes[0]!.backends[0]).toMatchObject({ how: 'address' });
  });

  it('links a container name to a listener on another address by port only', () => {
    const t = buildTopology(
      [nginx('web:8000'), parse('gunicorn.conf.py', 'gunicorn', 'bind = "10.0.0.3:8000"\n')],
      '1.22.1',
    );
    expect(t.routes[0]!.backends[0]).toMatchObject({ how: 'port' });
  });

  it('links uwsgi_pass to a uWSGI unix socket and records the protocol it speaks', () => {
    const conf = parse(
      'site.conf',
      'nginx',
      'server { location / { uwsgi_pass unix:///run/app/uwsgi.sock; include uwsgi_params; } }\n',
    );
    const ini = parse(
      'uwsgi.ini',
      'uwsgi',
      '[uwsgi]\nsocket = /run/app/uwsgi.sock\nharakiri = 20\n',
    );
    const [route] = buildTopology([conf, ini], '1.22.1').routes;
    expect(route!.backends[0]).toMatchObject({
      how: 'socket',
      listener: { protocol: 'uwsgi', line: 2 },
    });
  });

  it('does not link a socket path that differs (that is a mismatch, not a link)', () => {
    const conf = parse(
      'site.conf',
      'nginx',
      'server { location / { uwsgi_pass unix:/run/app.sock; } }\n',
    );
    const ini = parse('uwsgi.ini', 'uwsgi', '[uwsgi]\nsocket = /tmp/app.sock\n');
    expect(buildTopology([conf, ini], '1.22.1').routes[0]!.backends).toEqual([]);
  });

  it('assumes the only app server pasted when it says nothing about where it listens', () => {
    const conf = parse(
      'site.conf',
      'nginx',
      'server { location / { proxy_pass http://api:3000; } }\n',
    );
    const node = parse(
      'server.js',
      'node',
      "const http = require('http');\nconst server = http.createServer(app);\nserver.listen(3000);\n",
    );
    const [route] = buildTopology([conf, node], '1.22.1').routes;
    expect(route!.backends).toHaveLength(1);
    expect(route!.backends[0]).toMatchObject({ how: 'only-backend', listener: null });
  });

  it('finds gunicorn running in a Kubernetes container, with the pod it runs in', () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: example/app:1
          command: ["gunicorn", "--bind", "0.0.0.0:8000", "--timeout", "20", "app:app"]
`;
    const t = buildTopology(
      [nginx('web:8000'), parse('deploy.yaml', 'kubernetes', yaml)],
      '1.22.1',
    );
    const link = t.routes[0]!.backends[0]!;
    expect(link.backend.kind).toBe('gunicorn');
    expect(link.backend.pod?.workload.name).toBe('web');
    expect(link.backend.settings.timeout).toMatchObject({
      value: '20',
      source: { file: 'deploy.yaml', line: 11 },
    });
  });
});

describe('address comparison', () => {
  it.each([
    ['127.0.0.1:8000', '0.0.0.0:8000', 'address'],
    ['127.0.0.1:8000', '127.0.0.1:8001', null],
    ['10.0.0.2:8000', '10.0.0.3:8000', null],
    ['app:8000', '10.0.0.3:8000', 'port'],
    ['[::1]:8000', '[::]:8000', 'address'],
    ['unix:/run/a.sock', '/run/a.sock', 'socket'],
    ['unix:/run/a.sock', '127.0.0.1:80', null],
  ] as const)('%s -> %s', (target, listener, how) => {
    expect(connects(parseEndpoint(target, 80)!, parseEndpoint(listener, 8000)!)).toBe(how);
  });
});
