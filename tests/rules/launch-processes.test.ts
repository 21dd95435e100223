/**
 * One launch file that starts gunicorn in several processes (two compose services, two
 * supervisord programs) is several gunicorns: each with its own command line, bind, limits
 * and stop policy, and each fix written into its own command or service (uvicorn's servers
 * were already apart; their stop policy is now their own service's too). (Merged, the last
 * command's values stood for both, and a fix rewrote every command in the file.)
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../workers/engine/analyze.ts';
import type { SourceFile } from '../../workers/engine/model.ts';
import { gunicornProcesses, parseGunicorn } from '../../workers/engine/formats/gunicorn/index.ts';

const compose = `services:
  web:
    build: .
    command: gunicorn app:app --bind 0.0.0.0:8000 --workers 4 --timeout 30
    environment:
      - GUNICORN_CMD_ARGS=--keep-alive 5
  reports:
    build: .
    command: ["gunicorn", "reports:app", "--bind", "0.0.0.0:8001", "--timeout", "90"]
  worker:
    build: .
    command: celery -A app worker
`;
const nginx = `events {}
http {
    server {
        listen 80;
        server_name shop.example.com;
        location / {
            proxy_pass http://web:8000;
            proxy_read_timeout 60s;
        }
        location /reports/ {
            proxy_pass http://reports:8001;
            proxy_read_timeout 100s;
        }
    }
}
`;
const files: SourceFile[] = [
  { name: 'docker-compose.yml', text: compose },
  { name: 'nginx.conf', text: nginx },
];

describe('a launch file that starts gunicorn in several processes', () => {
  it('reads as one file per process, each with its own command and environment', () => {
    const views = gunicornProcesses(parseGunicorn('docker-compose.yml', compose));
    expect(views.map((v) => v.settings().map((s) => `${s.key}=${s.value} (${s.scope})`))).toEqual([
      [
        'keepalive=5 (GUNICORN_CMD_ARGS (compose service web environment))',
        'bind=0.0.0.0:8000 (command line (compose service web command))',
        'workers=4 (command line (compose service web command))',
        'timeout=30 (command line (compose service web command))',
        'wsgi_app=app:app (command line (compose service web command))',
      ],
      [
        'bind=0.0.0.0:8001 (command line (compose service reports command))',
        'timeout=90 (command line (compose service reports command))',
        'wsgi_app=reports:app (command line (compose service reports command))',
      ],
    ]);
    // Each view is the whole file still: it prints back byte for byte.
    for (const v of views) expect(v.print()).toBe(compose);
  });

  it('one process, a Dockerfile or a Python config: the file itself', () => {
    const one = parseGunicorn(
      'docker-compose.yml',
      'services:\n  web:\n    command: gunicorn a:b\n',
    );
    expect(gunicornProcesses(one)).toEqual([one]);
    const conf = parseGunicorn('gunicorn.conf.py', 'timeout = 30\n');
    expect(gunicornProcesses(conf)).toEqual([conf]);
    const docker = parseGunicorn('Dockerfile', 'FROM python\nCMD gunicorn a:b --timeout 10\n');
    expect(gunicornProcesses(docker)).toEqual([docker]);
  });

  it("compares each service's own timeout with the location that reaches it, and fixes only its command", () => {
    const report = analyze(files, { unsafe: true });
    const timeouts = report.findings.filter((f) => f.cause === 'app-timeout');
    const places = timeouts.flatMap((f) => [f, ...(f.places ?? [])]);
    expect(places.map((p) => p.message.slice(0, p.message.indexOf(')') + 1))).toEqual([
      'gunicorn (compose service web in docker-compose.yml)',
      'gunicorn (compose service reports in docker-compose.yml)',
    ]);
    const fixed = report.fixed.find((f) => f.name === 'docker-compose.yml')!.text;
    expect(fixed).toContain(
      'command: gunicorn app:app --bind 0.0.0.0:8000 --workers 4 --timeout 65\n',
    );
    expect(fixed).toContain(
      'command: ["gunicorn", "reports:app", "--bind", "0.0.0.0:8001", "--timeout", "105"]\n',
    );
    // The fixed files, analysed again: neither service kills requests nginx still waits for.
    const again = analyze([{ name: 'docker-compose.yml', text: fixed }, files[1]!], {
      unsafe: true,
    });
    expect(again.findings.filter((f) => f.cause === 'app-timeout')).toEqual([]);
  });

  it("each service's stop policy: a wait added to the service that runs that gunicorn", () => {
    const report = analyze(files);
    const stops = report.findings.filter((f) => f.cause === 'deploy-termination');
    const places = stops.flatMap((f) => [f, ...(f.places ?? [])]);
    expect(places.map((p) => p.key)).toEqual([
      'deploy-termination docker-compose.yml compose service web',
      'deploy-termination docker-compose.yml compose service reports',
    ]);
    const fixed = analyze(files, {
      enabledFixes: places.map((p) => p.key!),
      disabledFixes: ['app-timeout'],
    }).fixed.find((f) => f.name === 'docker-compose.yml')!.text;
    expect(fixed).toBe(
      compose
        .replace('  web:\n', '  web:\n    stop_grace_period: 35s\n')
        .replace('  reports:\n', '  reports:\n    stop_grace_period: 35s\n'),
    );
    expect(
      analyze([{ name: 'docker-compose.yml', text: fixed }, files[1]!]).findings.filter(
        (f) => f.cause === 'deploy-termination',
      ),
    ).toEqual([]);
  });

  it('supervisord programs: each its own gunicorn and its own [program:x] stop settings', () => {
    const conf = `[program:api]
command=/srv/venv/bin/gunicorn api:app -b 127.0.0.1:8000 --graceful-timeout 60
stopwaitsecs=90

[program:admin]
command=/srv/venv/bin/gunicorn admin:app -b 127.0.0.1:8001 --graceful-timeout 60
`;
    const report = analyze([{ name: 'supervisord.conf', text: conf }]);
    const stops = report.findings.filter((f) => f.cause === 'deploy-termination');
    // api waits 90 s over a 60 s drain; admin waits the default 10 s.
    expect(stops.flatMap((f) => [f, ...(f.places ?? [])]).map((p) => p.key)).toEqual([
      'deploy-termination supervisord.conf supervisord program:admin',
    ]);
  });

  it("claims a service's WORKER TIMEOUT lines for that service only (docker compose logs prefixes)", () => {
    const logs = {
      name: 'compose.log',
      text: [
        'reports-1  | [2026-12-01 10:00:35 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:8)',
        'shop_reports_1  | [2026-12-01 10:04:41 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)',
        'web-1      | [2026-12-01 10:01:02 +0000] [7] [INFO] Booting worker with pid: 7',
        '',
      ].join('\n'),
    };
    const report = analyze([...files, logs]);
    const byLabel = new Map(
      report.findings
        .filter((f) => f.cause === 'app-timeout')
        .flatMap((f) => [f, ...(f.places ?? [])])
        .map((p) => [p.message.slice(0, p.message.indexOf(')') + 1), p]),
    );
    const reports = byLabel.get('gunicorn (compose service reports in docker-compose.yml)')!;
    const web = byLabel.get('gunicorn (compose service web in docker-compose.yml)')!;
    expect(reports.message).toContain('The gunicorn log shows 2 such kill(s)');
    expect(web.message).not.toContain('kill(s)');
    expect(web.evidence.map((e) => e.file)).not.toContain('compose.log');
  });

  it("counts a service's worker restart lines for that service only", () => {
    const recycling = compose
      .replace('--timeout 30', '--timeout 30 --max-requests 1000')
      .replace('"--timeout", "90"]', '"--timeout", "90", "-w", "2", "--max-requests", "500"]');
    const logs = {
      name: 'compose.log',
      text: [
        'web-1      | [2026-12-01 10:00:35 +0000] [12] [INFO] Autorestarting worker after current request.',
        'web-1      | [2026-12-01 10:02:10 +0000] [13] [INFO] Autorestarting worker after current request.',
        '',
      ].join('\n'),
    };
    const report = analyze([{ name: 'docker-compose.yml', text: recycling }, files[1]!, logs]);
    const messages = report.findings
      .filter((f) => f.cause === 'worker-recycle')
      .flatMap((f) => [f, ...(f.places ?? [])])
      .map((p) => p.message);
    const web = messages.find((m) => m.includes('compose service web'))!;
    const reports = messages.find((m) => m.includes('compose service reports'))!;
    expect(web).toContain('2 worker restart line(s)');
    expect(reports).not.toContain('worker restart line(s)');
  });

  it("uvicorn in two compose services: each compared with, and fixed in, its own service's stop settings", () => {
    const two = (api: string, admin: string) => ({
      name: 'docker-compose.yml',
      text: `services:\n  api:\n${api}    command: uvicorn api:app --port 8000 --timeout-graceful-shutdown 30\n  admin:\n    command: uvicorn admin:app --port 8001 --timeout-graceful-shutdown 60\n${admin}`,
    });
    const before = two('', '    stop_grace_period: 20s\n');
    const report = analyze([before], { unsafe: true });
    const places = report.findings
      .filter((f) => f.cause === 'deploy-termination')
      .flatMap((f) => [f, ...(f.places ?? [])]);
    expect(places.map((p) => p.message.match(/compose service \w+ waits \d+ s/)![0])).toEqual([
      'compose service api waits 10 s',
      'compose service admin waits 20 s',
    ]);
    const fixed = report.fixed[0]!.text;
    expect(fixed).toBe(two('    stop_grace_period: 35s\n', '    stop_grace_period: 65s\n').text);
    expect(
      analyze([{ ...before, text: fixed }]).findings.filter(
        (f) => f.cause === 'deploy-termination',
      ),
    ).toEqual([]);
  });

  it("uvicorn in two compose services behind an ALB: each service's own command raised, once", () => {
    const compose = (api: string, admin: string) => ({
      name: 'docker-compose.yml',
      text: `services:\n  api:\n    command: uvicorn${api} api:app --port 8000\n  admin:\n    command: ["uvicorn", "admin:app", "--port", "8001", "--timeout-keep-alive", "${admin}"]\n`,
    });
    const lb = {
      name: 'main.tf',
      text: 'resource "aws_lb" "app" {\n  load_balancer_type = "application"\n  idle_timeout       = 60\n}\n',
    };
    const report = analyze([compose('', '20'), lb]);
    const [hit] = report.findings.filter((f) => f.cause === 'keepalive-race');
    expect(hit!.fix).toMatchObject({ safety: 'safe', applied: true });
    const fixed = report.fixed.find((f) => f.name === 'docker-compose.yml')!.text;
    expect(fixed).toBe(compose(' --timeout-keep-alive 65', '65').text);
    expect(
      analyze([{ name: 'docker-compose.yml', text: fixed }, lb]).findings.filter(
        (f) => f.cause === 'keepalive-race',
      ),
    ).toEqual([]);
  });
});
