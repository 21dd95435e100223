import { describe, expect, it } from 'vitest';
import { decodeLine, decodeLog } from '../../workers/engine/logs/index.ts';
import { corpusLines } from './corpus.ts';

type Label = [source: string, kind: string, phase?: string] | null;

/**
 * Expected labels for every line of ../shared/corpus/errors.tsv, keyed by its 1-based line in
 * that file (line 1 is the header). Written by reading each line: null = not a log line.
 */
const EXPECTED: Record<number, Label> = {
  2: ['nginx-error', 'premature-close', 'reading-response-header'],
  3: ['nginx-error', 'premature-close', 'reading-response-header'], // date cut, "[error] 11#11"
  4: ['nginx-error', 'premature-close', 'reading-response-header'], // cut to " 33#33: *619"
  5: ['nginx-error', 'other', 'reading-response-header'], // message cut to "…from upstream"
  6: ['nginx-error', 'premature-close', 'reading-response-header'], // markdown **bold**
  7: ['uwsgi', 'shutdown'], // SIGINT/SIGQUIT received...killing workers
  8: ['nginx-error', 'premature-close', 'reading-response-header'],
  9: ['nginx-error', 'premature-close', 'reading-response-header'],
  10: ['nginx-error', 'premature-close', 'reading-upstream'],
  11: ['nginx-error', 'premature-close', 'reading-upstream'], // the bare message
  12: ['nginx-error', 'other'], // [warn] duplicate MIME type: an nginx line, not upstream
  13: ['nginx-error', 'premature-close', 'reading-response-header'],
  14: ['nginx-error', 'premature-close', 'reading-response-header'],
  15: ['nginx-error', 'premature-close', 'reading-response-header'], // "> " quote
  16: ['nginx-error', 'premature-close', 'reading-response-header'], // unix:/// spelling
  17: ['nginx-error', 'premature-close', 'reading-response-header'],
  18: ['nginx-error', 'premature-close', 'reading-response-header'],
  19: ['nginx-error', 'premature-close', 'reading-response-header'],
  20: ['gunicorn', 'worker-timeout'], // Fabric "[user@host] out: " + old gunicorn stamp
  21: ['nginx-error', 'premature-close', 'reading-response-header'],
  22: ['nginx-error', 'premature-close', 'reading-response-header'],
  23: ['nginx-error', 'server-disabled', 'reading-response-header'],
  24: ['gunicorn', 'worker-boot'],
  25: ['gunicorn', 'worker-killed'], // signal 9
  26: ['gunicorn', 'worker-timeout'],
  27: ['gunicorn', 'worker-timeout'],
  28: ['gunicorn', 'worker-timeout'], // journald-wrapped
  29: ['gunicorn', 'worker-timeout'],
  30: null, // a Python traceback's last line: could be any program
  31: ['gunicorn', 'worker-killed'], // "was sent SIGKILL! Perhaps out of memory?"
  32: ['gunicorn', 'worker-killed'],
  33: ['nginx-error', 'upstream-timeout', 'reading-response-header'],
  34: ['nginx-error', 'upstream-timeout', 'reading-response-header'], // leading backtick
  35: ['nginx-error', 'connect-eagain', 'connecting'],
  36: ['uwsgi', 'harakiri'], // "F*CK !!! i must kill myself" is uWSGI's harakiri()
  37: ['nginx-error', 'upstream-timeout', 'reading-response-header'],
  38: ['uwsgi', 'worker-recycle'], // lifetime reached
  39: ['uwsgi', 'worker-respawn'],
  40: ['uwsgi', 'worker-killed'], // DAMN ! … killed by signal 9
  41: ['uwsgi', 'harakiri'], // behind a tab-separated collector timestamp
  42: ['nginx-error', 'connect-refused', 'connecting'],
  43: ['nginx-error', 'connect-eagain', 'connecting'],
  44: ['nginx-error', 'connect-refused', 'connecting'],
  45: ['nginx-error', 'connect-refused', 'connecting'], // quoted in '…'
  46: ['nginx-error', 'connect-refused', 'connecting'],
  47: ['nginx-error', 'address-unavailable', 'connecting'], // "23:55:50  nginx | " prefix
  48: ['nginx-error', 'no-live-upstreams', 'connecting'],
  49: ['nginx-error', 'connect-refused'], // cut at "Connection ref$": no "while", no phase
  50: ['nginx-error', 'no-live-upstreams', 'connecting'], // compose prefix
  51: ['nginx-error', 'no-live-upstreams', 'connecting'],
  52: ['nginx-error', 'connection-reset', 'reading-upstream'],
  53: ['nginx-error', 'connection-reset', 'reading-response-header'],
  54: ['nginx-error', 'connection-reset', 'reading-response-header'],
  55: ['nginx-error', 'connection-reset', 'reading-response-header'],
  56: ['nginx-error', 'connection-reset', 'reading-response-header'], // swarm prefix
  57: ['nginx-error', 'connection-reset', 'reading-response-header'],
  58: ['uwsgi', 'header-too-big'], // invalid request block size
  59: ['uwsgi', 'connection-reset'], // HTTP router reading from the instance
  60: ['uwsgi', 'header-too-big'],
  61: ['nginx-error', 'request-too-big'], // nginx's "uwsgi request is too big"
  62: ['nginx-error', 'header-too-big', 'reading-response-header'],
  63: ['nginx-error', 'header-too-big', 'reading-response-header'],
  64: ['nginx-error', 'header-too-big', 'reading-response-header'],
  65: ['nginx-error', 'header-too-big', 'reading-response-header'],
  66: ['nginx-error', 'body-too-large'],
  67: ['nginx-error', 'body-too-large'], // OpenWrt "daemon.err nginx[…]: "
  68: ['nginx-error', 'body-too-large'],
  69: ['nginx-error', 'body-too-large'],
  70: ['kernel', 'oom-kill'], // memory cgroup
  71: ['kernel', 'oom-invoked'],
  72: ['kernel', 'oom-kill'], // syslog + "Killed process"
  73: ['kernel', 'oom-kill'],
  74: ['kernel', 'oom-invoked'],
  75: ['kubernetes', 'oom-killed'], // kubectl get pods row
  76: ['kubernetes', 'oom-killed'], // describe pod "Reason: OOMKilled"
  77: ['uwsgi', 'startup'], // uWSGI boot line (with the paster's note after it)
  78: ['nginx-error', 'premature-close', 'reading-response-header'], // cut in upstream
  79: ['nginx-error', 'premature-close', 'sending-to-client'],
};

const corpus = corpusLines();

describe('errors.tsv: every pasted line', () => {
  it('has an expected label for each line and no label for a line that is not there', () => {
    expect(corpus.map((c) => c.line).sort((a, b) => a - b)).toEqual(
      Object.keys(EXPECTED)
        .map(Number)
        .sort((a, b) => a - b),
    );
  });

  for (const { line, label, text } of corpus) {
    it(`line ${line} (${label}) decodes to ${JSON.stringify(EXPECTED[line])}`, () => {
      const want = EXPECTED[line];
      const got = decodeLine(text);
      if (want === null || want === undefined) {
        expect(got).toBeNull();
        return;
      }
      expect(got).not.toBeNull();
      expect([got!.source, got!.kind, got!.phase]).toEqual([want[0], want[1], want[2]]);
    });
  }

  it('decodeLog over the whole file reports exactly the null lines as unrecognised', () => {
    const text = corpus.map((c) => c.text).join('\n');
    const { events, unrecognised } = decodeLog('errors.txt', text);
    const expectedNull = corpus.filter((c) => EXPECTED[c.line] === null);
    expect(unrecognised).toEqual(expectedNull.map((c) => corpus.indexOf(c) + 1));
    expect(events).toHaveLength(corpus.length - expectedNull.length);
    for (const e of events) expect(e.file).toBe('errors.txt');
  });
});

describe('errors.tsv: fields decoded from what is there', () => {
  const at = (line: number) => decodeLine(corpus.find((c) => c.line === line)!.text)!;

  it('keeps the zone-less nginx time and the gunicorn offset', () => {
    expect(at(2).time).toBe('2016-03-14T23:03:05');
    expect(at(26).time).toBe('2019-09-22T09:26:01-04:00');
    expect(at(24).time).toBe('2020-07-28T22:42:33+00:00');
    expect(at(20).time).toBe('2015-05-18T18:32:39'); // old gunicorn format has no zone
    expect(at(7).time).toBe('2018-09-10T11:02:15'); // uWSGI log-date
  });

  it('never invents a time for cut or relative stamps', () => {
    expect(at(3).time).toBeUndefined();
    expect(at(70).time).toBeUndefined();
    expect(at(70).fields?.uptime).toBe(7063.247407);
    expect(at(72).fields?.syslogTime).toBe('Dec 19 03:29:30');
    expect(at(72).time).toBeUndefined();
  });

  it('reads request, upstream and client', () => {
    const e = at(2);
    expect([e.method, e.path, e.upstream]).toEqual(['GET', '/', 'http://172.17.0.4:5000/']);
    expect(e.fields).toMatchObject({
      level: 'error',
      pid: 17222,
      connection: 21,
      client: '10.23.64.159',
      server: 'go-gru.gruapi.xcal.tv',
      host: 'gruapi.xcal.tv',
      upstreamAddress: '172.17.0.4:5000',
    });
  });

  it('reads unix sockets in both spellings to the same socket', () => {
    expect(at(16).fields?.socket).toBe('/tmp/.uwsgi-socket-mywebsite');
    expect(at(35).fields).toMatchObject({ socket: '/var/sockets/harri.sock', errno: 11 });
    expect(at(42).fields?.upstreamAddress).toBe(
      'unix:/home/user/webapps/my_project/run/gunicorn.sock',
    );
    expect(at(43).fields?.upstreamAddress).toBe('unix:/run/gunicorn.sock');
  });

  it('reads [v6]:port upstreams', () => {
    expect(at(47).fields?.upstreamAddress).toBe('[::1]:8080');
    expect(at(54).fields?.upstreamAddress).toBe('[xxxx:xxxx:xxxx:xxxx::xxxx]:80');
  });

  it('marks truncation instead of completing a cut field', () => {
    expect(at(78).upstream).toBe('grpc://192.16');
    expect(at(78).fields).toMatchObject({ truncated: 1, truncatedField: 'upstream' });
    expect(at(78).fields?.upstreamAddress).toBeUndefined();
    expect(at(79).fields).toMatchObject({ truncated: 1, truncatedField: 'request' });
    expect(at(79).method).toBeUndefined();
    expect(at(50).fields?.server).toBe('moodle.****.org');
  });

  it('reads app-server and kernel details', () => {
    expect(at(25).fields).toMatchObject({ workerPid: 118, signal: 9 });
    expect(at(31).fields).toMatchObject({ workerPid: 113, signal: 9, hint: 'out of memory' });
    expect(at(40).fields).toMatchObject({ worker: 10, workerPid: 97702, signal: 9 });
    expect(at(58).fields).toMatchObject({ bytes: 4429, max: 4096 });
    expect(at(70).fields).toMatchObject({ victimPid: 63214, process: 'uwsgi', trigger: 'cgroup' });
    expect(at(75).fields).toMatchObject({ restarts: 4, status: 'OOMKilled' });
    expect(at(66).fields).toMatchObject({ bytes: 3520276 });
  });
});
