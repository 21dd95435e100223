/**
 * No pasted text may stall the worker: every detector, decoder and secret scanner is fed text
 * built from repetitions of its own tokens (and random ones), and its time per KB must not
 * grow as the input quadruples. A regex that backtracks polynomially shows a ratio near 4 (or
 * far more); linear code shows about 1. See tests/helpers/growth.ts for how it is judged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formats } from '../../workers/engine/formats/registry.ts';
import { segmentText } from '../../workers/engine/intake/segment.ts';
import { logConfidence, decodeLine, parseUpstream } from '../../workers/engine/logs/index.ts';
import { decodeGunicorn } from '../../workers/engine/logs/gunicorn.ts';
import { decodeKernel } from '../../workers/engine/logs/kernel.ts';
import { decodeKubernetes } from '../../workers/engine/logs/kubernetes.ts';
import {
  COMBINED,
  compileFormat,
  decodeAccess,
  formatsFor,
} from '../../workers/engine/logs/nginx-access.ts';
import { decodeNginxError } from '../../workers/engine/logs/nginx-error.ts';
import { decodeNode } from '../../workers/engine/logs/node.ts';
import { decodePhpFpm } from '../../workers/engine/logs/php-fpm.ts';
import { peelAlways, peelOnce } from '../../workers/engine/logs/prefix.ts';
import { decodeSelinux } from '../../workers/engine/logs/selinux.ts';
import { decodeUwsgi } from '../../workers/engine/logs/uwsgi.ts';
import { decodeUvicorn } from '../../workers/engine/logs/uvicorn.ts';
import type { FileKind } from '../../workers/engine/model.ts';
import { detectSecrets } from '../../workers/engine/redact/index.ts';
import { grown, growth } from '../helpers/growth.ts';

/** Characters that drive most regexes into their alternatives. */
const ANY = [' ', '  ', '\t', '=', '==', ':', '"', "'", '\\', '/', '-', 'a', 'A1', '.', ','];
const BRACKETS = ['[', ']', '{', '}', '(', ')', '<', '>', '$', '#', ';', '|', '*', '@', '%', '&'];
const GENERIC = [...ANY, ...BRACKETS];

interface Target {
  name: string;
  run: (text: string) => unknown;
  /** Starts of text that lead into the function's deeper paths. */
  prefixes: string[];
  tokens: string[];
  /** A log line never holds a newline; whole texts do. */
  line?: boolean;
}

const wrap = { fields: {} };
const lineTarget = (
  name: string,
  run: (text: string) => unknown,
  prefixes: string[],
  tokens: string[],
): Target => ({ name, run, prefixes: ['', ...prefixes], tokens, line: true });

const ERROR_AT = '2024/01/02 03:04:05 [error] 12#12: *3 ';
const ACCESS_AT = '10.0.0.1 - - [02/Jan/2024:03:04:05 +0000] "';

const DECODERS: Target[] = [
  lineTarget(
    'decodeNginxError',
    (t) => decodeNginxError(t, wrap),
    [ERROR_AT],
    [
      'upstream prematurely closed connection while reading response header from upstream',
      'connect() failed (111: Connection refused) while connecting to upstream',
      ', client: 10.0.0.1',
      ', server: a',
      ', request: "GET / HTTP/1.1"',
      ', upstream: "http://127.0.0.1:8000/"',
      ', host: "a"',
      ' bytes',
      'client intended to send too large body: ',
      '*1 ',
      '(13: Permission denied)',
    ],
  ),
  lineTarget(
    'decodeGunicorn',
    (t) => decodeGunicorn(t, wrap),
    ['[2024-01-02 03:04:05 +0000] [12] [CRITICAL] '],
    ['WORKER TIMEOUT (pid:', 'Booting worker with pid: ', '[12]', '[INFO] ', 'Listening at: '],
  ),
  lineTarget(
    'decodeUwsgi',
    (t) => decodeUwsgi(t, wrap),
    ['[pid: 1|app: 0|req: 1/2] ', '*** ', 'Tue Jan  2 03:04:05 2024 - '],
    ['HARAKIRI ', 'worker ', 'core ', '{', ' bytes}', '(', ')', '|', 'req: ', '[pid: 1'],
  ),
  lineTarget(
    'decodePhpFpm',
    (t) => decodePhpFpm(t, wrap),
    ['[02-Jan-2024 03:04:05] WARNING: [pool www] '],
    ['child 12', ", script '", `' (request: "`, '") execution timed out (', ' sec), terminating'],
  ),
  lineTarget(
    'decodeKernel',
    (t) => decodeKernel(t, wrap),
    ['[12345.678] ', 'kernel: '],
    ['Out of memory: Killed process ', ' (', ') ', 'total-vm:', 'kB, anon-rss:', 'oom-kill:'],
  ),
  lineTarget(
    'decodeKubernetes',
    (t) => decodeKubernetes(t, wrap),
    ['web-1   ', '5m   Warning   Unhealthy   pod/web-1   ', '  Reason:  '],
    ['0/1 ', 'CrashLoopBackOff ', '5 ', '(3m ago) ', 'Readiness probe failed:', '"Probe failed"'],
  ),
  lineTarget(
    'decodeNode',
    (t) => decodeNode(t, wrap),
    ['Error: ', '    at '],
    ['ECONNRESET', 'listening on ', 'read ', 'socket hang up', '(node:1) '],
  ),
  lineTarget(
    'decodeUvicorn',
    (t) => decodeUvicorn(t, wrap),
    ['INFO:     ', 'ERROR:    '],
    ['Uvicorn running on ', 'unix socket ', 'http://', 'Started server process [', '('],
  ),
  lineTarget(
    'decodeSelinux',
    (t) => decodeSelinux(t, wrap),
    ['type=AVC msg=audit(1700000000.123:456): avc:  denied  { '],
    ['name_connect ', '} for ', 'pid=1 ', 'comm="nginx" ', 'scontext=', 'tclass=', '{ '],
  ),
  lineTarget(
    'decodeAccess (combined)',
    (t) => decodeAccess(t, formatsFor(undefined)[0]!),
    [ACCESS_AT],
    ['GET / HTTP/1.1', '" ', '502 ', '"-" ', '"', ' ', '-'],
  ),
  lineTarget(
    'decodeAccess (a log_format of adjacent variables)',
    (t) => decodeAccess(t, compileFormat('x', '$a$b$c $upstream_addr $d:$e"$f"$g')!),
    [''],
    ['1.2.3.4:80, ', ' : ', ',', ' '],
  ),
  lineTarget(
    'parseUpstream',
    parseUpstream,
    ['10.0.0.1:80'],
    [', ', ' : ', '10.0.0.1:80', 'unix:'],
  ),
  lineTarget(
    'peel (wrappers)',
    (t) => peelOnce(peelAlways(t, { fields: {} }), { fields: {} }),
    ['{"log":"', 'web-1  | ', 'Jan  2 03:04:05 host nginx[12]: ', '2024-01-02T03:04:05Z stderr F '],
    ['\\"', '","stream":"stderr"', '[pod/x/nginx] ', '> ', '`', '[user@host] out: '],
  ),
  lineTarget('decodeLine (everything)', decodeLine, [ERROR_AT, ACCESS_AT], [COMBINED]),
];

const DETECTOR_TOKENS: Partial<Record<FileKind, string[]>> = {
  nginx: ['server {', 'location / {', 'proxy_pass http://a;', ';', 'include ', 'upstream'],
  gunicorn: ['gunicorn ', '-c ', '--bind=', 'a===b ', 'bind = "', 'os.environ[', '\\\n', 'exec '],
  uwsgi: ['[uwsgi]', 'socket = ', 'uwsgi ', '--ini ', '%(', '$(', 'harakiri = '],
  kubernetes: ['apiVersion: ', 'kind: ', '- ', ': ', '{{', '}}', '|', 'containers:', 'command: ['],
  node: ['server.keepAliveTimeout = ', 'app.listen(', 'require(', '=>', '//', '/*'],
  'php-fpm': ['[www]', 'pm.max_children = ', 'request_terminate_timeout', ';'],
  puma: ['workers ', 'threads ', 'preload_app!', 'worker_timeout ', 'bind "tcp://'],
  dotenv: ['A=', 'export ', '\\', 'KEY="'],
};

const DETECTORS: Target[] = formats.map((h) => ({
  name: `detect ${h.kind}`,
  run: (t) => h.detect('pasted', t),
  prefixes: ['', '$ ', 'A='],
  tokens: [...(DETECTOR_TOKENS[h.kind] ?? []), '\n'],
}));

const SECRET_TOKENS = [
  'password',
  'token',
  'secret_key',
  'Bearer ',
  'Authorization: ',
  '-----BEGIN PRIVATE KEY-----',
  'eyJ',
  'AKIA',
  'ghp_',
  'https://u:p@',
  '?token=',
  '&sig=',
  '--password ',
  '\n',
];
const KINDS: FileKind[] = ['nginx', 'gunicorn', 'uwsgi', 'kubernetes', 'dotenv', 'log', 'unknown'];
const SCANNERS: Target[] = KINDS.map((kind) => ({
  name: `detectSecrets ${kind}`,
  run: (t) => detectSecrets(t, kind),
  prefixes: ['', 'A='],
  tokens: SECRET_TOKENS,
}));

const WHOLE: Target[] = [
  {
    name: 'segmentText (one paste)',
    run: (t) => segmentText('pasted', t, formatsFor(undefined)),
    prefixes: ['', '```\n', '$ cat a.conf\n', '> '],
    tokens: ['```', '$ ', '==> a <==', '--- a.conf ---', 'server {', '}', '\n', '> '],
  },
  {
    name: 'logConfidence',
    run: (t) => logConfidence(t),
    prefixes: ['', ERROR_AT],
    tokens: ['\n', ERROR_AT, ACCESS_AT],
  },
];

function caseOf(target: Target) {
  const pool = [...target.tokens, ...GENERIC].filter((t) => !target.line || !t.includes('\n'));
  return fc.record({
    prefix: fc.constantFrom(...target.prefixes),
    unit: fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 5 }).map((u) => u.join('')),
    tail: fc.constantFrom('', 'x', '"', '\n', '}'),
  });
}

function check(target: Target, size: number) {
  const tail = (t: string) => (target.line ? t.replace(/\n/g, '') : t);
  fc.assert(
    fc.property(caseOf(target), ({ prefix, unit, tail: end }) => {
      const ratio = growth(target.run, (n) => grown(prefix, unit, tail(end), n), size);
      expect(ratio, `${JSON.stringify(prefix)} + ${JSON.stringify(unit)}×n`).toBeLessThan(2.5);
    }),
    { numRuns: 12 },
  );
}

describe('no input makes a detector or decoder super-linear', () => {
  // Lines are decoded from their first 16 KB, so decoders are judged below that.
  for (const target of DECODERS) it(target.name, () => check(target, 2_000));
  for (const target of [...DETECTORS, ...SCANNERS, ...WHOLE])
    it(target.name, () => check(target, 8_000));

  it('the inputs that used to hang stay linear', () => {
    const hostile: Record<string, (n: number) => string> = {
      // exponential in the gunicorn/uWSGI start-line regexes (a 134-byte line hung the CLI)
      'a===b ×n x': (n) => grown('', 'a===b ', 'x', n),
      // quadratic in the same regexes
      'A= then =×n': (n) => grown('A=', '=', '', n),
      'gunicorn a=b ×n x': (n) => grown('gunicorn ', 'a=b ', 'x', n),
    };
    const runs: Record<string, (t: string) => unknown> = {
      segmentText: (t) => segmentText('pasted', t, formatsFor(undefined)),
    };
    for (const h of formats) runs[`detect ${h.kind}`] = (t) => h.detect('pasted', t);
    for (const [input, make] of Object.entries(hostile))
      for (const [name, run] of Object.entries(runs))
        expect(growth(run, make, 8_000), `${name} on ${input}`).toBeLessThan(2.5);
  });
});
