/**
 * Fragments read in the context they imply, and logs as evidence about the configs that ran:
 * a quoted directive is read in a location (of the server the log names), a lone uWSGI option
 * in the [uwsgi] section, a `containers:` excerpt as a pod; nginx's logged upstream and an app
 * server's start lines stand in for configs nobody pasted. Near misses: a sentence naming a
 * directive is no fragment; lines of different blocks are an error; a quote of a pasted config
 * is not read twice; a log alone does not invent settings.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';

const TOO_LARGE =
  '2024/11/05 08:01:15 [error] 7#7: *1 client intended to send too large body: 3145728000 bytes, client: 1.2.3.4, server: pay.example.com, request: "POST /upload HTTP/1.1", host: "pay.example.com"';
const closed = (n: number, upstream: string) =>
  `2024/11/05 08:0${n}:15 [error] 7#7: *${n} upstream prematurely closed connection while reading response header from upstream, client: 1.2.3.4, server: api.example.com, request: "GET /report HTTP/1.1", upstream: "${upstream}", host: "api.example.com"`;
const HARAKIRI = (n: number) =>
  `Tue Nov  5 08:0${n}:15 2024 - *** HARAKIRI ON WORKER 1 (pid: 9${n}, try: 1) ***`;

describe('a lone directive, as people quote it', () => {
  const text = `client_max_body_size 2000M;\n\n${TOO_LARGE}\n`;
  const report = analyze([{ name: 'pasted', text }], { nginxVersion: '1.22.1' });

  it('is read in a location of the server the log names, and says so', () => {
    const finding = report.findings.find((f) => f.cause === 'body-limit')!;
    expect(finding.message).toContain(
      'pay.example.com location / (assuming pasted #1 (nginx) applies to the server your log lines name)',
    );
    expect(finding.message).toContain('over client_max_body_size 2000M (pasted:1)');
    expect(finding.evidence.map((e) => e.line)).toEqual([1, 3]);
  });

  it('is fixed where it was quoted', () => {
    expect(report.fixed).toEqual([
      {
        name: 'pasted #1 (nginx)',
        kind: 'nginx',
        original: 'client_max_body_size 2000M;\n',
        text: 'client_max_body_size 4096m;\n',
      },
    ]);
  });

  it('near miss: the same words in a sentence are prose, and claim nothing about 2000M', () => {
    const prose = analyze([
      {
        name: 'pasted',
        text: `I already set client_max_body_size 2000M in the server block, still 413.\n\n${TOO_LARGE}\n`,
      },
    ]);
    expect(prose.files[0]!.segments!.map((s) => s.kind)).toEqual(['prose', 'log']);
    expect(prose.findings.find((f) => f.cause === 'body-limit')!.message).not.toContain('2000M');
  });

  it('near miss: lines no one block can hold together are an error, not a guess', () => {
    const mixed = analyze([
      { name: 'pasted', text: `keepalive 32;\nlisten 80;\n\n${TOO_LARGE}\n` },
    ]);
    expect(mixed.files[0]!.errors).toEqual([
      expect.objectContaining({
        line: 2,
        message: expect.stringMatching(/cannot all be in one block/),
      }),
    ]);
  });

  it('a quote of a config pasted whole is that config, not a second one', () => {
    const conf = [
      'server {',
      '    server_name pay.example.com;',
      '    location /upload {',
      '        client_max_body_size 20m;',
      '        proxy_pass http://127.0.0.1:8000;',
      '    }',
      '}',
    ].join('\n');
    const quoted = analyze([
      {
        name: 'pasted',
        text: `$ cat /etc/nginx/conf.d/pay.conf\n${conf}\n\nthe relevant part:\n\n    client_max_body_size 20m;\n\n${TOO_LARGE}\n`,
      },
    ]);
    const segments = quoted.files[0]!.segments!;
    expect(segments.find((s) => s.from === 12)).toMatchObject({
      kind: 'nginx',
      sameAs: '/etc/nginx/conf.d/pay.conf',
    });
    const finding = quoted.findings.find((f) => f.cause === 'body-limit')!;
    expect(finding.message).toContain('pay.example.com location /upload');
    expect(quoted.fixed.map((f) => f.name)).toEqual(['/etc/nginx/conf.d/pay.conf']);
  });
});

describe('a lone uWSGI option and the lines nginx and uWSGI logged', () => {
  const text = [
    'My uwsgi has',
    '',
    'harakiri = 30',
    '',
    closed(1, 'uwsgi://127.0.0.1:3031'),
    closed(2, 'uwsgi://127.0.0.1:3031'),
    '',
    HARAKIRI(1),
    HARAKIRI(2),
    '',
  ].join('\n');
  const report = analyze([{ name: 'pasted', text }], { nginxVersion: '1.22.1' });

  it("is uWSGI's, compared with the uwsgi_read_timeout of the server nginx logged", () => {
    const top = report.findings[0]!;
    expect(top.cause).toBe('app-timeout');
    expect(top.message).toContain('harakiri = 30 s (pasted:3)');
    expect(top.message).toContain(
      'api.example.com location / (as your log lines show it; no nginx config routes it)',
    );
    expect(top.message).toContain(
      'uwsgi_read_timeout 60s (nginx 1.22 default, unless your unpasted config sets it)',
    );
  });

  it('is raised where it was quoted, without adding a section header', () => {
    expect(report.fixed.map((f) => [f.name, f.text])).toEqual([
      ['pasted #1 (uwsgi)', 'harakiri = 65\n'],
    ]);
  });
});

describe("nginx's logged upstream against the app server's own start lines", () => {
  const uwsgiStart = [
    '$ uwsgi --http :9090 --wsgi-file app.py --master',
    'Tue Nov  5 08:00:01 2024 - uWSGI http bound on :9090 fd 4',
  ];
  const timedOut = (scheme: string) =>
    `2024/11/05 08:03:15 [error] 7#7: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 1.2.3.4, server: app.example.com, request: "GET / HTTP/1.1", upstream: "${scheme}://127.0.0.1:9090", host: "app.example.com"`;

  it('uwsgi:// to a `uwsgi --http` port is a protocol mismatch, no nginx config needed', () => {
    const report = analyze([
      { name: 'pasted', text: [...uwsgiStart, '', timedOut('uwsgi'), ''].join('\n') },
    ]);
    const mismatch = report.findings.find((f) => f.cause === 'protocol-mismatch')!;
    expect(mismatch.message).toContain(
      'uses uwsgi_pass 127.0.0.1:9090 (pasted:4), which speaks uwsgi',
    );
    // The uWSGI command line was pasted: it is what changes (never a log line).
    expect(mismatch.fix?.safety).toBe('safe');
    expect(report.fixed.map((f) => f.text)).toEqual([
      'uwsgi --socket :9090 --wsgi-file app.py --master\n',
    ]);
  });

  it('near miss: http:// to the same port speaks what the router speaks', () => {
    const report = analyze([
      { name: 'pasted', text: [...uwsgiStart, '', timedOut('http'), ''].join('\n') },
    ]);
    expect(report.findings.map((f) => f.cause)).not.toContain('protocol-mismatch');
  });

  it("gunicorn's logged bind stands in for a config that leaves it at the default", () => {
    const text = [
      '$ cat gunicorn.conf.py',
      'workers = 3',
      '$ journalctl -u gunicorn',
      'Nov 05 08:00:01 web gunicorn[812]: [2024-11-05 08:00:01 +0000] [812] [INFO] Listening at: unix:/run/app/gunicorn.sock (812)',
      '$ tail -n 1 /var/log/nginx/error.log',
      '2024/11/05 08:03:15 [crit] 7#7: *1 connect() to unix:/run/gunicorn.sock failed (2: No such file or directory) while connecting to upstream, client: 1.2.3.4, server: app.example.com, request: "GET / HTTP/1.1", upstream: "http://unix:/run/gunicorn.sock:/", host: "app.example.com"',
      '',
    ].join('\n');
    const report = analyze([{ name: 'pasted', text }]);
    const mismatch = report.findings.find((f) => f.cause === 'address-mismatch')!;
    expect(mismatch.message).toContain('listens on unix:/run/app/gunicorn.sock (pasted:4)');
  });

  it("a Node app's `listening on port` line is its address when its code is not pasted", () => {
    const text = [
      '$ cat /etc/nginx/conf.d/app.conf',
      'server {',
      '    listen 80;',
      '    server_name app.example.com;',
      '    location / { proxy_pass http://127.0.0.1:3001; }',
      '}',
      '$ pm2 logs web --lines 2',
      'Example app listening on port 3000',
      '$ tail -n 1 /var/log/nginx/error.log',
      '2024/11/05 08:03:15 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 1.2.3.4, server: app.example.com, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:3001/", host: "app.example.com"',
      '',
    ].join('\n');
    const report = analyze([{ name: 'pasted', text }], { nginxVersion: '1.24.0' });
    const mismatch = report.findings.find((f) => f.cause === 'address-mismatch')!;
    expect(mismatch.message).toContain(':3000 (pasted:8)');
    expect(mismatch.evidence.some((e) => e.line === 8)).toBe(true);
  });

  it("uvicorn's `running on unix socket` line is its address, and nginx's socket is not it", () => {
    const text = [
      '$ journalctl -u api --since today',
      'INFO:     Started server process [812]',
      'INFO:     Waiting for application startup.',
      'INFO:     Application startup complete.',
      'INFO:     Uvicorn running on unix socket /run/api/uvicorn.sock (Press CTRL+C to quit)',
      '$ grep -A2 "location /" /etc/nginx/sites-enabled/api',
      'location / {',
      '    proxy_pass http://unix:/run/uvicorn.sock;',
      '}',
      '$ tail -n 1 /var/log/nginx/error.log',
      '2024/11/05 08:03:15 [crit] 7#7: *1 connect() to unix:/run/uvicorn.sock failed (2: No such file or directory) while connecting to upstream, client: 1.2.3.4, server: api.example.com, request: "GET / HTTP/1.1", upstream: "http://unix:/run/uvicorn.sock:/", host: "api.example.com"',
      '',
    ].join('\n');
    const report = analyze([{ name: 'pasted', text }]);
    expect(report.events.filter((e) => e.source === 'uvicorn').map((e) => e.kind)).toEqual([
      'startup',
      'startup',
      'startup',
      'startup',
    ]);
    const mismatch = report.findings.find((f) => f.cause === 'address-mismatch')!;
    expect(mismatch.message).toContain('uvicorn');
    expect(mismatch.message).toContain('unix:/run/api/uvicorn.sock (pasted:5)');
  });

  it('near miss: other servers saying where they listen are not Node apps', () => {
    for (const line of [
      'LOG:  listening on IPv4 address "0.0.0.0", port 5432',
      'nginx: listening on port 80',
      'The docs say the server is running at full speed',
      'INFO: Uvicorn is what we run on port 8000',
    ]) {
      const report = analyze([{ name: 'pasted', text: `${line}\n` }]);
      expect(report.events.filter((e) => e.kind === 'startup')).toEqual([]);
    }
  });

  it('near miss: a log alone invents no settings for the configs nobody pasted', () => {
    const report = analyze([{ name: 'pasted', text: `${timedOut('uwsgi')}\n` }]);
    expect(report.findings.map((f) => f.message).join(' ')).not.toMatch(/default, unless/);
  });
});

describe('a `containers:` excerpt', () => {
  it('is read as a pod: its memory limit and command meet the kernel kill lines', () => {
    const text = [
      'containers:',
      '  - name: web',
      '    image: shop:1.4',
      '    command: ["gunicorn", "--workers", "8", "--bind", "0.0.0.0:8000", "shop.wsgi"]',
      '    resources:',
      '      limits:',
      '        memory: 256Mi',
      '',
      '[Tue Apr  9 11:02:13 2024] Memory cgroup out of memory: Killed process 3177 (gunicorn) total-vm:402112kB, anon-rss:187204kB, file-rss:10240kB, shmem-rss:0kB',
      '',
    ].join('\n');
    const report = analyze([{ name: 'pasted', text }]);
    const oom = report.findings.find((f) => f.cause === 'oom-kill')!;
    expect(oom.message).toContain('memory limit 256Mi for Pod (excerpt) / web (pasted:7)');
    expect(oom.message).toContain('workers = 8 (pasted:4)');
  });
});
