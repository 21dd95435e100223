/**
 * permission-denied: "connect() … failed (13: Permission denied)". Which permission (a socket
 * mode, a directory, SELinux) follows from the socket's settings, nginx's `user` and pasted AVC
 * lines; the fix is safe only where it opens the socket to nginx's group and nobody else.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { PHP_FPM, UWSGI, fpmReads, uwsgiStrict } from './lib/app-server-oracles.ts';

const V = { nginxVersion: '1.22.1' };
const denied = (target: string, upstream: string) =>
  `2026/12/02 07:31:40 [crit] 2201#2201: *1 connect() to ${target} failed (13: Permission denied) while connecting to upstream, client: 198.51.100.20, server: app.example, request: "GET / HTTP/1.1", upstream: "${upstream}", host: "app.example"\n`;
const SOCK = '/run/uwsgi/app.sock';
const socketDenied = denied(`unix:${SOCK}`, `uwsgi://unix:${SOCK}:`);

const nginx = (user: string | null, pass = `uwsgi_pass unix:${SOCK};`) =>
  `${user ? `user ${user};\n` : ''}events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            include uwsgi_params;\n            ${pass}\n        }\n    }\n}\n`;
const ini = (extra = '') =>
  `[uwsgi]\nmodule = app.wsgi:application\nmaster = true\n${extra}socket = ${SOCK}\nvacuum = true\n`;

const finding = (files: SourceFile[], options = {}) => {
  const report = analyze(files, { ...V, ...options });
  return { report, f: report.findings.find((x) => x.rule === 'permission-denied') };
};

describe('permission-denied', () => {
  it('uWSGI drops to a uid and nginx names its user: 660 with nginx group, safe, applied', () => {
    const files = [
      { name: 'nginx.conf', text: nginx('www-data') },
      { name: 'app.ini', text: ini('uid = app\ngid = app\n') },
      { name: 'error.log', text: socketDenied },
    ];
    const { report, f } = finding(files);
    expect(f).toMatchObject({ cause: 'permission-denied', role: 'cause', explains: 1 });
    expect(f!.message).toContain('without chmod-socket');
    expect(f!.fix).toMatchObject({ safety: 'safe', applied: true });
    const fixed =
      ini('uid = app\ngid = app\n') + 'chmod-socket = 660\nchown-socket = app:www-data\n';
    expect(report.fixed.map((x) => [x.name, x.text])).toEqual([['app.ini', fixed]]);
    expect(f!.evidence.map((e) => `${e.file}:${e.line}`)).toEqual([
      'app.ini:6',
      'nginx.conf:1',
      'error.log:1',
    ]);
    if (UWSGI) expect(uwsgiStrict(fixed)).not.toMatch(/unknown config directive/);
    // Re-analysed with the same (older) log: the mode is no longer what shuts nginx out, so
    // what is left to check is the path (a new finding, resting on no line the fix wrote).
    const again = finding(files.map((x) => (x.name === 'app.ini' ? { ...x, text: fixed } : x)));
    expect(again.f!.title).toMatch(/may write to the socket but not reach it/);
    expect(again.f!.fix).toMatchObject({ safety: 'manual' });
    expect(again.report.fixed).toEqual([]);
  });

  it('nginx group written as `user nginx nginx;` is the group chown-socket gets', () => {
    const { report } = finding([
      { name: 'nginx.conf', text: nginx('nginx nginx') },
      { name: 'app.ini', text: ini('uid = app\n') },
      { name: 'error.log', text: socketDenied },
    ]);
    expect(report.fixed[0]!.text).toContain('chown-socket = app:nginx\n');
  });

  it('without a uid (or with no nginx user pasted) only 666 is possible: unsafe, opt-in', () => {
    for (const files of [
      [{ name: 'app.ini', text: ini() }],
      [
        { name: 'nginx.conf', text: nginx(null) },
        { name: 'app.ini', text: ini('uid = app\n') },
      ],
    ]) {
      const all = [...files, { name: 'error.log', text: socketDenied }];
      const { report, f } = finding(all);
      expect(f!.fix).toMatchObject({ safety: 'unsafe', applied: false });
      expect(f!.fix!.description).toContain('every local user');
      expect(report.fixed).toEqual([]);
      const opted = finding(all, { unsafe: true });
      expect(opted.report.fixed[0]!.text).toMatch(/\nchmod-socket = 666\n$/);
    }
  });

  it('chmod-socket = 660 without nginx in its group: the mode, with a narrower fix named', () => {
    const { f } = finding([
      { name: 'app.ini', text: ini('chmod-socket = 660\n') },
      { name: 'error.log', text: socketDenied },
    ]);
    expect(f!.message).toContain('chmod-socket = 660');
    expect(f!.fix!.description).toContain("chown-socket = <uWSGI's user>:<nginx's group>");
  });

  it('a socket writable by all (chmod-socket = 666, gunicorn umask 0): the path, advice only', () => {
    for (const files of [
      [{ name: 'app.ini', text: ini('chmod-socket = 666\n') }],
      [
        { name: 'nginx.conf', text: nginx(null, 'proxy_pass http://unix:/home/deploy/app.sock;') },
        { name: 'gunicorn.conf.py', text: 'bind = "unix:/home/deploy/app.sock"\nworkers = 2\n' },
      ],
    ]) {
      const unix = files.some((x) => x.name === 'gunicorn.conf.py')
        ? denied('unix:/home/deploy/app.sock', 'http://unix:/home/deploy/app.sock:/')
        : socketDenied;
      const { f } = finding([...files, { name: 'error.log', text: unix }]);
      expect(f!.title).toMatch(/not reach it/);
      expect(f!.message).toMatch(/mode is not it: a directory/);
      expect(f!.fix).toMatchObject({ safety: 'manual', applied: false });
      expect(f!.fix!.description).toContain('namei -l');
    }
  });

  it("gunicorn's umask 0o007 shuts other users out: add nginx to the group, keep the umask", () => {
    const { f } = finding([
      { name: 'gunicorn.conf.py', text: 'bind = "unix:/run/app/app.sock"\numask = 0o007\n' },
      {
        name: 'error.log',
        text: denied('unix:/run/app/app.sock', 'http://unix:/run/app/app.sock:/'),
      },
    ]);
    expect(f!.message).toContain('umask 0o007');
    expect(f!.fix).toMatchObject({ safety: 'manual' });
    expect(f!.fix!.description).toContain('usermod -aG');
    expect(f!.evidence.map((e) => `${e.file}:${e.line}`)).toContain('gunicorn.conf.py:2');
  });

  it('a TCP address: SELinux, with httpd_can_network_connect', () => {
    const { f } = finding([
      { name: 'error.log', text: denied('127.0.0.1:8000', 'http://127.0.0.1:8000/') },
    ]);
    expect(f!.title).toMatch(/SELinux/);
    expect(f!.fix!.description).toContain('setsebool -P httpd_can_network_connect 1');
  });

  const avc =
    'type=AVC msg=audit(1714644844.120:902): avc:  denied  { name_connect } for  pid=31 comm="nginx" dest=8000 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:soundd_port_t:s0 tclass=tcp_socket permissive=0';

  it("cites nginx's AVC denials as evidence and counts them as explained", () => {
    const { f } = finding([
      { name: 'error.log', text: denied('127.0.0.1:8000', 'http://127.0.0.1:8000/') },
      { name: 'audit.log', text: `${avc}\n` },
    ]);
    expect(f!.evidence.map((e) => `${e.file}:${e.line}`)).toEqual(['error.log:1', 'audit.log:1']);
    expect(f!.message).toContain('SELinux refusing nginx 1 time(s) (name_connect to port 8000)');
  });

  it("another program's denial is not nginx's", () => {
    const other = avc.replace('comm="nginx"', 'comm="sshd"').replace('httpd_t', 'sshd_t');
    const { f } = finding([
      { name: 'error.log', text: denied('127.0.0.1:8000', 'http://127.0.0.1:8000/') },
      { name: 'audit.log', text: `${other}\n` },
    ]);
    expect(f!.evidence.map((e) => e.file)).toEqual(['error.log']);
    expect(f!.message).not.toContain('SELinux refusing');
  });

  it('does not trigger on refused connections, a missing socket, or a config alone', () => {
    for (const text of [
      denied(`unix:${SOCK}`, `uwsgi://unix:${SOCK}:`).replace(
        '13: Permission denied',
        '111: Connection refused',
      ),
      denied(`unix:${SOCK}`, `uwsgi://unix:${SOCK}:`).replace(
        '13: Permission denied',
        '2: No such file or directory',
      ),
      '',
    ]) {
      const { f } = finding([
        { name: 'app.ini', text: ini() },
        ...(text ? [{ name: 'error.log', text }] : []),
      ]);
      expect(f).toBeUndefined();
    }
  });

  describe('php-fpm pools (listen.owner, listen.group, listen.mode)', () => {
    const FPM = '/run/php/php8.2-fpm.sock';
    const site = (user: string | null) =>
      nginx(user, `fastcgi_pass unix:${FPM};`).replace(
        'include uwsgi_params;',
        'include fastcgi_params;',
      );
    // Users that exist on every Debian, so php-fpm -tt can read the pool back.
    const pool = (listen: string) =>
      `[www]\nuser = nobody\ngroup = nogroup\nlisten = ${FPM}\n${listen}pm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n`;
    const log = denied(`unix:${FPM}`, `fastcgi://unix:${FPM}:`);

    it("a socket owned by the pool's user: handed to nginx's user and group, safe", () => {
      const input = pool('listen.owner = nobody\nlisten.group = nogroup\n');
      const { report, f } = finding([
        { name: 'nginx.conf', text: site('www-data') },
        { name: 'www.conf', text: input },
        { name: 'error.log', text: log },
      ]);
      expect(f!.message).toContain(
        'as nobody:nogroup with mode 0660, and nginx (www-data) is neither',
      );
      expect(f!.fix).toMatchObject({ safety: 'safe', applied: true });
      const fixed = input
        .replace('listen.owner = nobody', 'listen.owner = www-data')
        .replace('listen.group = nogroup', 'listen.group = www-data');
      expect(report.fixed.map((x) => [x.name, x.text])).toEqual([['www.conf', fixed]]);
      if (PHP_FPM) expect(fpmReads(fixed)).toMatch(/listen\.owner = www-data/);
    });

    it("nginx's user unknown: what to set, by hand", () => {
      const { f } = finding([
        { name: 'www.conf', text: pool('') },
        { name: 'error.log', text: log },
      ]);
      expect(f!.fix).toMatchObject({ safety: 'manual' });
      expect(f!.fix!.description).toContain('listen.owner and listen.group');
    });

    it('a pool that already gives nginx the socket: the path, not the mode', () => {
      const { f } = finding([
        { name: 'nginx.conf', text: site('www-data') },
        { name: 'www.conf', text: pool('listen.owner = www-data\nlisten.group = www-data\n') },
        { name: 'error.log', text: log },
      ]);
      expect(f!.title).toMatch(/not reach it/);
    });
  });
});
