/**
 * A launch file that starts two kinds of app server (a compose file whose `web` runs gunicorn
 * and `api` uvicorn, a Procfile with both) is detected as one kind; the topology reads the
 * other server from it too, so each upstream meets its own app server.
 */
import { expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import { eachPlace } from '../../workers/engine/pipeline/places.ts';
import { parseInput } from '../../workers/engine/pipeline/parse.ts';
import { detectKind } from '../../workers/engine/formats/detect.ts';
import { buildTopology, observe } from '../../workers/engine/topology/index.ts';

const compose = `services:
  web:
    image: shop/web:5
    command: gunicorn shop.wsgi --bind 0.0.0.0:8000 --worker-class gthread
  api:
    image: shop/api:5
    command: uvicorn api.main:app --host 0.0.0.0 --port 8001
`;
const nginx = `events {}
http {
    upstream web { server web:8000; keepalive 16; }
    upstream api { server api:8001; keepalive 16; }
    server {
        location / {
            proxy_pass http://web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
        location /api/ {
            proxy_pass http://api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
`;

it('a compose file running gunicorn and uvicorn: both app servers, each behind its upstream', () => {
  const report = analyze([
    { name: 'compose.yaml', text: compose },
    { name: 'nginx.conf', text: nginx },
  ]);
  const races = report.findings
    .filter((f) => f.cause === 'keepalive-race')
    .flatMap((f) => eachPlace(f))
    .map((f) => f.compared!.at(-1)!);
  expect(races.map((c) => [c.hop, c.setting, c.value])).toEqual([
    ['gunicorn', 'keepalive', '2s'],
    ['uvicorn', 'timeout_keep_alive', '5s'],
  ]);
});

it('a Procfile that starts one server yields that one; a word in a comment starts nothing', () => {
  const kinds = (text: string) => {
    const files = [{ name: 'Procfile', text }].map((f) =>
      parseInput({ ...f, kind: detectKind(f.name, f.text).kind } as never)!,
    );
    return buildTopology(files, '1.24.0', observe([])).backends.map((b) => b.kind);
  };
  expect(kinds('web: uvicorn main:app --port 8000\n')).toEqual(['uvicorn']);
  expect(kinds('web: uvicorn main:app --port 8000  # gunicorn was slower\n')).toEqual(['uvicorn']);
  expect(kinds('web: gunicorn app:app\nasgi: uvicorn main:app --port 8001\n').sort()).toEqual([
    'gunicorn',
    'uvicorn',
  ]);
});
