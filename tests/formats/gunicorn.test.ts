import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyEdits } from '../../workers/engine/fix/apply.ts';
import {
  gunicornBinds,
  gunicornSettings,
  handler,
  setGunicornSetting,
  type GunicornTree,
} from '../../workers/engine/formats/gunicorn/index.ts';
import type { ParsedFile } from '../../workers/engine/formats/types.ts';
import { corpusFiles } from './corpus.ts';
import { detectKind } from '../../workers/engine/formats/detect.ts';

const parse = (text: string, name = 'gunicorn.conf.py') =>
  handler.parse(name, text) as ParsedFile<GunicornTree>;
const setting = (p: ParsedFile, key: string) =>
  p
    .settings()
    .filter((s) => s.key === key)
    .pop();

describe('gunicorn corpus', () => {
  const files = corpusFiles('gunicorn');
  it('has files', () => expect(files.length).toBeGreaterThan(10));
  for (const f of files) {
    it(`round-trips ${f.name} byte for byte and is detected`, () => {
      const p = handler.parse(f.name, f.text);
      expect(p.print()).toBe(f.text);
      expect(p.errors).toEqual([]);
      expect(handler.detect(f.name, f.text)).toBeGreaterThan(0.5);
      expect(p.settings().length).toBeGreaterThan(0);
    });
  }
  it('reads values through os.getenv defaults, f-strings and conditionals (tiangolo)', () => {
    const f = files.find((x) => x.name.startsWith('tiangolo'))!;
    const p = handler.parse(f.name, f.text);
    const timeout = setting(p, 'timeout')!;
    expect(timeout.value).toBe('120');
    expect(timeout.line).toBe(47);
    expect(timeout.dynamic).toContain('$TIMEOUT');
    expect(setting(p, 'bind')!.value).toBe('0.0.0.0:80');
    expect(setting(p, 'bind')!.dynamic).toContain('$BIND');
    expect(setting(p, 'workers')!.value).toBeNull();
    expect(setting(p, 'workers')!.dynamic).toMatch(/cpu_count/);
  });
});

describe('gunicorn safe evaluation', () => {
  it('evaluates literals, arithmetic, int/str and known names', () => {
    const p = parse(
      'import os\nbase = 30\ntimeout = base * 4\nkeepalive = int("5")\nbind = "0.0.0.0:" + str(8000 + 1)\npreload_app = True\n',
    );
    expect(setting(p, 'timeout')).toMatchObject({ value: '120', line: 3 });
    expect(setting(p, 'keepalive')!.value).toBe('5');
    expect(setting(p, 'bind')!.value).toBe('0.0.0.0:8001');
    expect(setting(p, 'preload_app')!.value).toBe('true');
    expect(setting(p, 'base')).toBeUndefined();
  });
  it('reports os.environ["X"] and cpu_count() as dynamic, never guessing', () => {
    const p = parse(
      'import os, multiprocessing\ntimeout = int(os.environ["TIMEOUT"])\nworkers = multiprocessing.cpu_count() * 2 + 1\n',
    );
    expect(setting(p, 'timeout')).toMatchObject({ value: null, line: 2 });
    expect(setting(p, 'timeout')!.dynamic).toContain('TIMEOUT');
    expect(setting(p, 'workers')!.value).toBeNull();
  });
  it('uses the default of os.environ.get / getenv and notes the variable', () => {
    const p = parse(
      'from os import environ, getenv\ntimeout = int(environ.get("T", 90))\ngraceful_timeout = int(getenv("G") or 15)\n',
    );
    expect(setting(p, 'timeout')).toMatchObject({ value: '90' });
    expect(setting(p, 'timeout')!.dynamic).toContain('$T');
    expect(setting(p, 'graceful_timeout')).toMatchObject({ value: '15' });
  });
  it('f-strings, % formatting and conditional expressions with known parts', () => {
    const p = parse(
      'host = "127.0.0.1"\nport = 9000\nbind = f"{host}:{port}"\naccesslog = "%s/%s" % ("/var/log", "a.log")\nworkers = 4 if port > 8000 else 2\n',
    );
    expect(setting(p, 'bind')!.value).toBe('127.0.0.1:9000');
    expect(setting(p, 'accesslog')!.value).toBe('/var/log/a.log');
    expect(setting(p, 'workers')!.value).toBe('4');
  });
  it('assignments under an unknown condition are dynamic; hooks are ignored', () => {
    const p = parse(
      'import os\nif os.path.exists("/x"):\n    timeout = 10\n\ndef post_fork(server, worker):\n    timeout = 99\n',
    );
    expect(setting(p, 'timeout')).toMatchObject({ value: null, line: 3 });
    expect(p.settings().filter((s) => s.key === 'timeout')).toHaveLength(1);
  });
  it('reports unterminated strings with their line and keeps the text', () => {
    const text = 'timeout = 30\nbind = "0.0.0.0:80\nworkers = 2\n';
    const p = parse(text);
    expect(p.errors).toEqual([
      { line: 2, message: expect.stringContaining('unterminated string') },
    ]);
    expect(p.print()).toBe(text);
    expect(setting(p, 'workers')!.value).toBe('2');
  });
});

describe('gunicorn command lines and precedence', () => {
  it('reads a Procfile', () => {
    const p = handler.parse(
      'Procfile',
      'release: ./manage.py migrate\nweb: gunicorn -w 4 -k gthread --timeout=120 --keep-alive 5 app:app\n',
    );
    expect(p.settings().map((s) => [s.key, s.value, s.line])).toEqual([
      ['workers', '4', 2],
      ['worker_class', 'gthread', 2],
      ['timeout', '120', 2],
      ['keepalive', '5', 2],
      ['wsgi_app', 'app:app', 2],
    ]);
  });
  it('reads Dockerfile exec-form ENTRYPOINT + CMD, shell form, and ENV GUNICORN_CMD_ARGS', () => {
    const text = [
      'FROM python:3.12',
      'ENV GUNICORN_CMD_ARGS="--timeout 60 --workers 3" PORT=8000',
      'ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:8000"]',
      'CMD ["-t", "90", "app:app"]',
      '',
    ].join('\n');
    const p = handler.parse('Dockerfile', text);
    const eff = gunicornSettings(p);
    expect(eff.timeout).toMatchObject({
      value: '90',
      source: { file: 'Dockerfile', line: 4, layer: 'cmdline' },
    });
    expect(eff.workers).toMatchObject({ value: '3', source: { line: 2, layer: 'env' } });
    expect(eff.bind!.value).toBe('0.0.0.0:8000');
    const shell = handler.parse(
      'Dockerfile',
      'FROM x\nCMD gunicorn --workers=2 \\\n    --timeout 45 app.wsgi\n',
    );
    expect(gunicornSettings(shell).timeout).toMatchObject({ value: '45', source: { line: 3 } });
  });
  it('reads systemd ExecStart and sh -c scripts', () => {
    const unit =
      '[Service]\nEnvironment="GUNICORN_CMD_ARGS=--keep-alive 10"\nExecStart=/srv/venv/bin/gunicorn \\\n  --workers 5 --timeout 300 proj.wsgi:application\n';
    const eff = gunicornSettings(handler.parse('app.service', unit));
    expect(eff.timeout).toMatchObject({ value: '300', source: { line: 4 } });
    expect(eff.keepalive).toMatchObject({ value: '10', source: { line: 2, layer: 'env' } });
    const sh = handler.parse(
      'Dockerfile',
      'FROM x\nCMD ["sh", "-c", "exec gunicorn -b :$PORT -t 20 app:app"]\n',
    );
    const e2 = gunicornSettings(sh);
    expect(e2.timeout!.value).toBe('20');
    expect(e2.bind!.value).toBeNull();
  });
  it('reads Docker Compose command/entrypoint and environment, and compose is not Kubernetes', () => {
    const compose = [
      'services:',
      '  web:',
      '    build: .',
      '    command: gunicorn -w 3 --timeout 90 app:app  # the API',
      '    environment:',
      '      - GUNICORN_CMD_ARGS=--keep-alive 5',
      '      - PORT=8000',
      '  worker:',
      '    image: x',
      '    entrypoint: ["gunicorn", "--graceful-timeout", "45", "w:app"]',
      '',
    ].join('\n');
    expect(detectKind('docker-compose.yml', compose).kind).toBe('gunicorn');
    expect(detectKind('pasted', compose).kind).toBe('gunicorn');
    const p = handler.parse('docker-compose.yml', compose);
    expect(p.print()).toBe(compose);
    const eff = gunicornSettings(p);
    expect(eff.timeout).toMatchObject({ value: '90', source: { line: 4 } });
    expect(eff.keepalive).toMatchObject({ value: '5', source: { line: 6, layer: 'env' } });
    expect(eff.graceful_timeout).toMatchObject({ value: '45', source: { line: 10 } });
  });
  it('config file < GUNICORN_CMD_ARGS < command line', () => {
    const conf = parse('timeout = 10\nkeepalive = 3\nworkers = 2\n');
    const proc = handler.parse(
      'Procfile',
      'web: GUNICORN_CMD_ARGS="--keep-alive 4" gunicorn --timeout 50 app:app\n',
    );
    const eff = gunicornSettings([conf, proc]);
    expect(eff.timeout).toMatchObject({ value: '50', source: { file: 'Procfile' } });
    expect(eff.workers).toMatchObject({
      value: '2',
      source: { file: 'gunicorn.conf.py', line: 3 },
    });
    expect(eff.keepalive).toMatchObject({ value: '4', source: { file: 'Procfile', layer: 'env' } });
    expect(eff.graceful_timeout).toMatchObject({
      value: '30',
      source: { default: expect.stringContaining('gunicorn') },
    });
  });
  it('threads > 1 with sync means gthread; keepalive is inert with sync', () => {
    const eff = gunicornSettings(parse('threads = 4\n'));
    expect(eff.worker_class).toMatchObject({ value: 'gthread', source: { line: 1 } });
    expect(eff.timeout!.note).toMatch(/heartbeat/);
    const sync = gunicornSettings(parse('keepalive = 75\n'));
    expect(sync.keepalive).toMatchObject({
      value: '75',
      note: expect.stringMatching(/ignored by the sync worker/),
    });
    expect(sync.backlog!.value).toBe('2048');
    expect(sync.limit_request_line!.value).toBe('4094');
  });
  it('splits bind into TCP, unix socket and fd listeners', () => {
    expect(gunicornBinds('unix:/run/app.sock, 0.0.0.0:8000, fd://3, [::]')).toEqual([
      { kind: 'unix', address: '/run/app.sock' },
      { kind: 'tcp', address: '0.0.0.0:8000' },
      { kind: 'fd', address: '3' },
      { kind: 'tcp', address: '[::]:8000' },
    ]);
    expect(
      gunicornBinds(gunicornSettings(parse('bind = ["unix:/tmp/g.sock"]\n')).bind!.value),
    ).toEqual([{ kind: 'unix', address: '/tmp/g.sock' }]);
  });
  it('reports quotes left open in a command line with their line', () => {
    const p = handler.parse(
      'Procfile',
      'release: migrate\nweb: gunicorn --bind "0.0.0.0:80 app:app\n',
    );
    expect(p.errors).toEqual([{ line: 2, message: expect.stringContaining('never closed') }]);
    expect(p.print()).toBe('release: migrate\nweb: gunicorn --bind "0.0.0.0:80 app:app\n');
  });
  it('reports unknown options with their line', () => {
    const p = handler.parse('Procfile', 'web: gunicorn --timeout 5 --bogus-flag app:app\n');
    expect(p.errors).toEqual([{ line: 1, message: expect.stringContaining('--bogus-flag') }]);
  });
});

describe('gunicorn edits', () => {
  const apply = (p: ParsedFile<GunicornTree>, name: string, v: string | number | boolean) =>
    applyEdits(p.text, setGunicornSetting(p, name, v));
  it('replaces an existing value in place', () => {
    expect(apply(parse('timeout = 30  # seconds\nworkers = 2\n'), 'timeout', 120)).toBe(
      'timeout = 120  # seconds\nworkers = 2\n',
    );
  });
  it('keeps an env override by changing only its default', () => {
    const out = apply(
      parse("import os\ntimeout = int(os.getenv('TIMEOUT', '30'))\n"),
      'timeout',
      120,
    );
    expect(out).toBe("import os\ntimeout = int(os.getenv('TIMEOUT', '120'))\n");
  });
  it('inserts after the last setting in the file style (no spaces, CRLF)', () => {
    const out = apply(
      parse('import os\r\nworkers=2\r\n\r\ndef on_starting(server):\r\n    pass\r\n'),
      'keepalive',
      75,
    );
    expect(out).toBe(
      'import os\r\nworkers=2\r\nkeepalive=75\r\n\r\ndef on_starting(server):\r\n    pass\r\n',
    );
  });
  it('inserts after a conditional assignment so it wins', () => {
    const out = apply(
      parse(
        'import os\nif os.environ.get("X"):\n    timeout = 5\nelse:\n    timeout = 6\nworkers = 1\n',
      ),
      'timeout',
      100,
    );
    const p = parse(out);
    expect(setting(p, 'timeout')!.value).toBe('100');
  });
  it('edits command lines (shell and exec forms)', () => {
    const proc = handler.parse(
      'Procfile',
      'web: gunicorn -t30 --keep-alive=2 app:app\n',
    ) as ParsedFile<GunicornTree>;
    expect(apply(proc, 'timeout', 90)).toBe('web: gunicorn -t90 --keep-alive=2 app:app\n');
    expect(apply(proc, 'keepalive', 75)).toBe('web: gunicorn -t30 --keep-alive=75 app:app\n');
    expect(apply(proc, 'graceful_timeout', 40)).toBe(
      'web: gunicorn --graceful-timeout 40 -t30 --keep-alive=2 app:app\n',
    );
    const df = handler.parse(
      'Dockerfile',
      'FROM x\nCMD ["gunicorn", "app:app"]\n',
    ) as ParsedFile<GunicornTree>;
    const out = apply(df, 'timeout', 60);
    expect(out).toBe('FROM x\nCMD ["gunicorn", "--timeout", "60", "app:app"]\n');
    expect(gunicornSettings(handler.parse('Dockerfile', out)).timeout!.value).toBe('60');
  });
  it('applying the same fix twice changes nothing the second time', () => {
    const once = apply(parse('workers = 2\n'), 'timeout', 120);
    expect(apply(parse(once), 'timeout', 120)).toBe(once);
  });
});

describe('gunicorn pathological input', () => {
  it('keeps reasons short and stays lossless on 1 MB of brackets', () => {
    const text = 'timeout = ' + '('.repeat(1 << 20);
    const p = parse(text);
    expect(p.print()).toBe(text);
    expect(p.errors).toEqual([{ line: 1, message: expect.stringContaining('never closed') }]);
    const t = setting(p, 'timeout')!;
    expect(t.value).toBeNull();
    expect(t.dynamic!.length).toBeLessThan(200);
  });
});

describe('gunicorn parser fuzz', () => {
  const pyish = fc.array(
    fc.constantFrom(
      'timeout',
      ' = ',
      '=',
      '"',
      "'",
      '"""',
      'f"{x}"',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '\n',
      '    ',
      '\\\n',
      '#',
      'if ',
      'else:',
      ':',
      'os.getenv("A", 1)',
      '1',
      '+',
      '*',
      ',',
      'import os',
      '\r\n',
      'def f():',
      'gunicorn ',
      '--timeout',
      '-w',
    ),
    { maxLength: 60 },
  );
  it('never throws and round-trips on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          pyish.map((a) => a.join('')),
        ),
        fc.constantFrom('gunicorn.conf.py', 'Procfile', 'Dockerfile', 'x.service', 'run.sh'),
        (text, name) => {
          const p = handler.parse(name, text);
          expect(p.print()).toBe(text);
          p.settings();
          gunicornSettings(p);
          handler.detect(name, text);
          for (const e of p.errors) expect(e.line).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 500 },
    );
  });
});
