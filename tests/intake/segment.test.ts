/**
 * Intake, piece by piece: the separators people use, the names they give, and the near misses
 * that must not split a file (comments that look like captions, banners inside nginx blocks,
 * YAML keys named like programs, a sentence that mentions a directive).
 */
import { describe, expect, it } from 'vitest';
import { segmentText, type Segment } from '../../workers/engine/intake/index.ts';
import { formatsFor } from '../../workers/engine/logs/nginx-access.ts';
import { corpusFiles } from '../formats/corpus.ts';

const formats = formatsFor(undefined);
const segment = (text: string) => segmentText('pasted', text, formats);
const summary = (segments: Segment[]) =>
  segments.map((s) => ({ name: s.name, kind: s.kind, from: s.from, to: s.to }));

const ERROR =
  '2024/03/11 09:41:07 [error] 1187#1187: *20411 upstream prematurely closed connection while reading response header from upstream, client: 203.0.113.41, server: shop.example.com, request: "GET /reports/yearly HTTP/1.1", upstream: "http://127.0.0.1:8000/reports/yearly", host: "shop.example.com"';

describe('separators and names', () => {
  it('a shell transcript: each command names what it printed, sudo and pipes included', () => {
    const text = [
      '$ sudo tail -n 1 /var/log/nginx/error.log',
      ERROR,
      'root@web:/etc# cat /etc/gunicorn.conf.py | grep -v "^#"',
      'bind = "127.0.0.1:8000"',
      'timeout = 30',
      '[deploy@web ~]$ journalctl -u gunicorn --since today',
      'Mar 11 09:41:07 web gunicorn[912]: [2024-03-11 09:41:07 +0000] [912] [CRITICAL] WORKER TIMEOUT (pid:915)',
      '',
    ].join('\n');
    expect(summary(segment(text))).toEqual([
      { name: '/var/log/nginx/error.log', kind: 'log', from: 2, to: 2 },
      { name: '/etc/gunicorn.conf.py', kind: 'gunicorn', from: 4, to: 5 },
      { name: 'pasted #3 (log)', kind: 'log', from: 7, to: 7 },
    ]);
  });

  it('a Markdown thread: prose set aside, captions and fence titles name the code', () => {
    const text = [
      'Since the upgrade we get 502s. I set timeout 30 in gunicorn but nginx still returns 502.',
      '',
      '**gunicorn.conf.py**',
      '```python',
      'bind = "127.0.0.1:8000"',
      '```',
      '',
      'nginx.conf:',
      '',
      '```',
      'server {',
      '    location / { proxy_pass http://127.0.0.1:8000; }',
      '}',
      '```',
      '',
      '```nginx title="sites-enabled/api"',
      'upstream api { server 127.0.0.1:9000; }',
      '```',
      'Any idea what is going on here? Thanks in advance!',
    ].join('\n');
    expect(summary(segment(text))).toEqual([
      { name: 'pasted (prose)', kind: 'prose', from: 1, to: 1 },
      { name: 'gunicorn.conf.py', kind: 'gunicorn', from: 5, to: 5 },
      { name: 'nginx.conf', kind: 'nginx', from: 11, to: 13 },
      { name: 'sites-enabled/api', kind: 'nginx', from: 17, to: 17 },
      { name: 'pasted (prose) (2)', kind: 'prose', from: 19, to: 19 },
    ]);
  });

  it('unfenced, a caption with a blank line under it still names what follows', () => {
    const text = [
      'nginx:',
      '',
      'upstream apache {',
      '    server 127.0.0.1:8080;',
      '    keepalive 32;',
      '}',
      '',
      '/etc/apache2/ports.conf:',
      '',
      'Listen 127.0.0.1:8080',
      '',
      '/etc/apache2/sites-enabled/shop.conf:',
      '',
      '<VirtualHost 127.0.0.1:8080>',
      '    ServerName shop.example.com',
      '',
      '    DocumentRoot /var/www/shop',
      '</VirtualHost>',
    ].join('\n');
    expect(summary(segment(text))).toEqual([
      { name: 'pasted #1 (nginx)', kind: 'nginx', from: 3, to: 6 },
      { name: '/etc/apache2/ports.conf', kind: 'apache', from: 10, to: 10 },
      { name: '/etc/apache2/sites-enabled/shop.conf', kind: 'apache', from: 14, to: 18 },
    ]);
  });

  it('`==> FILE <==` from tail, `--- FILE ---` banners and `> ` quotes', () => {
    const text = [
      '==> /var/log/nginx/error.log <==',
      ERROR,
      '',
      '--- uwsgi.ini ---',
      '[uwsgi]',
      'http = :9090',
      '',
      '> my old config:',
      '> [uwsgi]',
      '> socket = :9090',
    ].join('\n');
    const found = segment(text);
    expect(summary(found)).toEqual([
      { name: '/var/log/nginx/error.log', kind: 'log', from: 2, to: 2 },
      { name: 'uwsgi.ini', kind: 'uwsgi', from: 5, to: 6 },
      { name: 'pasted #3 (uwsgi)', kind: 'uwsgi', from: 9, to: 10 },
    ]);
    // Quote marks are not part of the config; each line still knows its paste line.
    expect(found[2]!.text).toBe('[uwsgi]\nsocket = :9090');
    expect(found[2]!.lineMap).toEqual([9, 10]);
  });

  it('an nginx -T dump followed by log lines: each dumped file, then the log', () => {
    const text = [
      '$ nginx -T',
      'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok',
      'nginx: configuration file /etc/nginx/nginx.conf test is successful',
      '# configuration file /etc/nginx/nginx.conf:',
      'http {',
      '    include /etc/nginx/conf.d/*.conf;',
      '}',
      '',
      '# configuration file /etc/nginx/conf.d/app.conf:',
      'server { listen 80; }',
      '',
      '$ tail -n 1 /var/log/nginx/error.log',
      ERROR,
    ].join('\n');
    expect(summary(segment(text))).toEqual([
      { name: '/etc/nginx/nginx.conf', kind: 'nginx', from: 5, to: 7 },
      { name: '/etc/nginx/conf.d/app.conf', kind: 'nginx', from: 10, to: 10 },
      { name: '/var/log/nginx/error.log', kind: 'log', from: 13, to: 13 },
    ]);
  });

  it('a comment naming a file names it and stays its first line', () => {
    const found = segment(
      `${ERROR}\n\n# /etc/nginx/conf.d/shop.conf\nserver {\n    listen 80;\n}\n`,
    );
    expect(found[1]).toMatchObject({ name: '/etc/nginx/conf.d/shop.conf', kind: 'nginx', from: 3 });
    expect(found[1]!.text.startsWith('# /etc/nginx/conf.d/shop.conf\n')).toBe(true);
  });
});

describe('names as people write them for files without an extension', () => {
  const site = [
    'server {',
    '    location / {',
    '        proxy_pass http://unix:/run/app.sock;',
    '    }',
    '}',
  ];
  it('`root@web:~# cat shop` is a prompt naming the site file, not a comment', () => {
    const text = ['root@web:~# cat shop', ...site, ''].join('\n');
    expect(summary(segment(`${ERROR}\n${text}`))).toEqual([
      { name: 'pasted #1 (log)', kind: 'log', from: 1, to: 1 },
      { name: 'shop', kind: 'nginx', from: 3, to: 7 },
    ]);
    // A bare `# cat shop` stays what it may be: a comment.
    expect(segment(['# cat shop', ...site, ''].join('\n'))[0]!.from).toBe(1);
  });

  it('a lone bold word before a fence names the code; ```ini does not overrule a gunicorn unit', () => {
    const unit = [
      '[Service]',
      'ExecStart=/srv/venv/bin/gunicorn --bind unix:/run/app.sock app:app',
    ];
    const text = [
      '**shop**',
      '',
      '```',
      ...site,
      '```',
      '',
      '**gunicorn.service**',
      '',
      '```ini',
      ...unit,
      '```',
      '',
    ].join('\n');
    expect(summary(segment(text))).toEqual([
      { name: 'shop', kind: 'nginx', from: 4, to: 8 },
      { name: 'gunicorn.service', kind: 'gunicorn', from: 14, to: 15 },
    ]);
  });
});

describe('near misses: what must not split or be taken for a separator', () => {
  it('a sentence that mentions a directive is prose, never config', () => {
    const found = segment(
      'I set timeout 30 in gunicorn but nginx still returns 502.\nWe increased proxy_read_timeout to 300s and nothing changed.\n\n' +
        ERROR,
    );
    expect(found.map((s) => s.kind)).toEqual(['prose', 'log']);
  });

  it('a comment inside an open nginx block is a comment, even one naming a file', () => {
    const conf = [
      'http {',
      '',
      '# gzip.conf',
      '    gzip on;',
      '',
      '    ### End of compression settings ###',
      '',
      '--- not a banner in here ---',
      '}',
    ].join('\n');
    expect(summary(segment(`${conf}\n\n${ERROR}`))[0]).toMatchObject({
      kind: 'nginx',
      from: 1,
      to: 9,
    });
  });

  it('comments that read like prompts or captions stay in the file', () => {
    const py = [
      '# gunicorn config for the shop (systemd: ExecStart=gunicorn -c /srv/shop/gunicorn.conf.py shop.wsgi)',
      'import multiprocessing',
      '',
      '# server robots.txt from the app',
      'bind = "127.0.0.1:8000"',
      'workers = multiprocessing.cpu_count() * 2 + 1',
    ].join('\n');
    expect(summary(segment(`${py}\n\n${ERROR}`))[0]).toMatchObject({
      kind: 'gunicorn',
      from: 1,
      to: 6,
    });
  });

  it('uWSGI settings with comments are settings; its log banner is a log line', () => {
    const found = segment(
      '[uwsgi]\nharakiri = 60   ; forcefully kill workers after 60 seconds\n\n' +
        '*** Starting uWSGI 2.0.21 (64bit) on [Tue Nov  5 08:00:01 2024] ***\n' +
        'Tue Nov  5 08:00:01 2024 - uwsgi socket 0 bound to TCP address 0.0.0.0:3031 fd 3\n',
    );
    expect(summary(found)).toEqual([
      { name: 'pasted #1 (uwsgi)', kind: 'uwsgi', from: 1, to: 2 },
      { name: 'pasted #2 (log)', kind: 'log', from: 4, to: 5 },
    ]);
  });

  it('a ConfigMap with nginx.conf in a block scalar is one YAML document', () => {
    const yaml = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'data:',
      '  nginx.conf: |',
      '    server {',
      '      listen 80;',
      '',
      '      location / { proxy_pass http://app:8000; }',
      '    }',
    ].join('\n');
    expect(summary(segment(`${yaml}\n\n${ERROR}`))[0]).toMatchObject({
      kind: 'kubernetes',
      from: 1,
      to: 9,
    });
  });

  it('a Python docstring is Python, however much it reads like prose', () => {
    const py = [
      '"""',
      'Gunicorn configuration for the API.',
      '',
      'This file sets the timeouts the load balancer expects, and the workers per core.',
      '"""',
      '',
      'bind = "0.0.0.0:8000"',
      'timeout = 120',
    ].join('\n');
    expect(summary(segment(`${ERROR}\n\n${py}\n`))[1]).toMatchObject({
      kind: 'gunicorn',
      from: 3,
      to: 10,
    });
  });

  it('a systemd unit’s sections and a supervisord config’s programs stay one file across blank lines', () => {
    const unit = [
      '[Unit]',
      'Description=API',
      '',
      '[Service]',
      'ExecStart=/srv/venv/bin/gunicorn api.wsgi -b 127.0.0.1:8000',
      '',
      '[Install]',
      'WantedBy=multi-user.target',
    ].join('\n');
    expect(summary(segment(`${ERROR}\n\n${unit}\n`)).slice(1)).toEqual([
      { name: 'pasted #2 (gunicorn)', kind: 'gunicorn', from: 3, to: 10 },
    ]);
    const sup = [
      '[program:web]',
      'command=/srv/venv/bin/uwsgi --ini /etc/uwsgi/web.ini',
      '',
      '[program:worker]',
      'command=/srv/venv/bin/celery -A shop worker',
    ].join('\n');
    expect(summary(segment(`${ERROR}\n\n${sup}\n`)).slice(1)).toEqual([
      { name: 'pasted #2 (uwsgi)', kind: 'uwsgi', from: 3, to: 7 },
    ]);
  });

  it('a uWSGI ini after a unit is another file: its section is not a unit’s', () => {
    const text = [
      '[Service]',
      'ExecStart=/usr/bin/uwsgi --ini /etc/uwsgi/app.ini',
      '',
      '[uwsgi]',
      'module = app.wsgi',
      'socket = 127.0.0.1:3031',
    ].join('\n');
    expect(segment(`${text}\n`).map((s) => [s.from, s.to])).toEqual([
      [1, 2],
      [4, 6],
    ]);
  });
});

describe('log text as it reaches a paste', () => {
  it('joins a line a terminal wrapped mid-word, and points at its first line', () => {
    const cut = 120;
    const text = `${ERROR.slice(0, cut)}\n${ERROR.slice(cut)}\n`;
    const [log] = segment(text);
    expect(log).toMatchObject({ kind: 'log', from: 1, to: 2 });
    expect(log!.text).toBe(`${ERROR}\n`);
    expect(log!.lineMap).toEqual([1]);
  });

  it('joins a line a web page wrapped at a space', () => {
    const at = ERROR.indexOf(' client:');
    const [log] = segment(`${ERROR.slice(0, at)}\n${ERROR.slice(at + 1)}\n`);
    expect(log!.text).toBe(`${ERROR}\n`);
  });

  it('keeps a traceback with the log line it belongs to', () => {
    const text = [
      '[2024-03-11 09:41:07 +0000] [915] [ERROR] Error handling request /reports',
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/dist-packages/gunicorn/workers/sync.py", line 135, in handle',
      '    self.handle_request(listener, req, client, addr)',
      'OSError: [Errno 24] Too many open files',
      '[2024-03-11 09:41:08 +0000] [912] [CRITICAL] WORKER TIMEOUT (pid:915)',
    ].join('\n');
    expect(summary(segment(text))).toEqual([{ name: 'pasted', kind: 'log', from: 1, to: 6 }]);
  });
});

describe('one real file is one segment', () => {
  const files = [
    ...corpusFiles('nginx').map((f) => ({ ...f, kind: 'nginx' })),
    ...corpusFiles('gunicorn').map((f) => ({ ...f, kind: 'gunicorn' })),
    ...corpusFiles('uwsgi').map((f) => ({ ...f, kind: 'uwsgi' })),
    ...corpusFiles('k8s').map((f) => ({ ...f, kind: 'kubernetes' })),
  ];
  it.each(files.map((f) => [f.name, f] as const))('%s', (_name, file) => {
    const inputs = segment(file.text).filter((s) => s.kind !== 'prose');
    expect(inputs.map((s) => s.kind)).toEqual([file.kind]);
    // Its text, byte for byte, apart from blank lines around it.
    expect(inputs[0]!.text.trim()).toBe(file.text.trim());
  });
});
