/**
 * What systemd (in the journal), supervisord (its own log) and docker compose print when they
 * stop the app server: which stops ended in SIGKILL, and for which unit. Lines written for this
 * test in each tool's documented wording.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeLine } from '../../workers/engine/logs/decode.ts';
import { isSideFailure } from '../../workers/engine/rules/rank.ts';

const pm = (line: string) => {
  const ev = decodeLine(line);
  return ev && ev.source === 'process-manager'
    ? { kind: ev.kind, manager: ev.fields!.manager, unit: ev.fields!.unit, time: ev.time }
    : null;
};

describe('process manager stop lines', () => {
  const cases: [string, string, string, string][] = [
    [
      'Dec 07 09:14:02 web1 systemd[1]: Stopping api.service - Orders API...',
      'stopping',
      'systemd',
      'api.service',
    ],
    [
      "Dec 07 09:14:22 web1 systemd[1]: api.service: State 'stop-sigterm' timed out. Killing.",
      'stop-timeout',
      'systemd',
      'api.service',
    ],
    [
      "Dec 07 09:14:22 web1 systemd[1]: api.service: State 'stop-final-sigterm' timed out. Killing.",
      'stop-timeout',
      'systemd',
      'api.service',
    ],
    [
      'Dec 07 09:14:22 web1 systemd[1]: api.service: Killing process 3141 (gunicorn) with signal SIGKILL.',
      'killed',
      'systemd',
      'api.service',
    ],
    [
      'Dec 07 09:14:22 web1 systemd[1]: api.service: Main process exited, code=killed, status=9/KILL',
      'killed',
      'systemd',
      'api.service',
    ],
    [
      "Dec 07 09:14:22 web1 systemd[1]: api.service: Failed with result 'timeout'.",
      'stop-timeout',
      'systemd',
      'api.service',
    ],
    [
      'Dec 07 09:15:40 web1 systemd[1]: api.service: Deactivated successfully.',
      'stopped',
      'systemd',
      'api.service',
    ],
    [
      '2026-12-07 09:14:02,118 INFO waiting for orders to stop',
      'stopping',
      'supervisord',
      'orders',
    ],
    [
      "2026-12-07 09:14:12,120 WARN killing 'orders' (3141) with SIGKILL",
      'stop-timeout',
      'supervisord',
      'orders',
    ],
    [
      '2026-12-07 09:14:12,125 INFO stopped: orders (terminated by SIGKILL)',
      'killed',
      'supervisord',
      'orders',
    ],
    [
      '2026-12-07 09:14:05,001 INFO stopped: orders (exit status 0)',
      'stopped',
      'supervisord',
      'orders',
    ],
    ['api-1 exited with code 137', 'killed', 'docker compose', 'api-1'],
    ['shop_api_1 exited with code 0', 'stopped', 'docker compose', 'shop_api_1'],
    [' Container shop-api-1  Stopping', 'stopping', 'docker compose', 'shop-api-1'],
    [
      'Dec 07 09:14:23 web1 systemd[1]: Started api.service - Orders API.',
      'started',
      'systemd',
      'api.service',
    ],
    [
      "2026-12-07 09:14:13,300 INFO spawned: 'orders' with pid 3200",
      'started',
      'supervisord',
      'orders',
    ],
  ];
  for (const [line, kind, manager, unit] of cases) {
    it(`${manager}: ${line.slice(0, 70)}`, () => {
      expect(pm(line)).toMatchObject({ kind, manager, unit });
    });
  }

  it('supervisord’s own time is kept (local, no zone); a kill is a failure on the app side', () => {
    expect(pm('2026-12-07 09:14:12,125 INFO stopped: orders (terminated by SIGKILL)')!.time).toBe(
      '2026-12-07T09:14:12.125',
    );
    const killed = decodeLine('api-1 exited with code 137')!;
    expect(isSideFailure({ ...killed, file: 'x', line: 1 })).toBe(true);
    const stopping = decodeLine(' Container shop-api-1  Stopping')!;
    expect(isSideFailure({ ...stopping, file: 'x', line: 1 })).toBe(false);
  });

  it('near misses: prose, another program’s line, a sentence that mentions an exit code', () => {
    expect(pm('We are stopping the api.service tonight')).toBeNull();
    expect(pm('Dec 07 09:14:22 web1 gunicorn[3141]: [INFO] Handling signal: term')).toBeNull();
    expect(pm('the container exited with code 137 after a while')).toBeNull();
    expect(
      pm('2026-12-07 09:14:12,125 INFO exited: orders (exit status 1; not expected)'),
    ).toBeNull();
  });

  it('property: never throws on arbitrary text, nor on text made of its own words', () => {
    const words = fc.constantFrom(
      'api.service:',
      'State',
      "'stop-sigterm'",
      'timed',
      'out.',
      'Killing.',
      'exited',
      'with',
      'code',
      '137',
      'stopped:',
      '(terminated',
      'by',
      'SIGKILL)',
      'Container',
      'Stopping',
      ' ',
      '  ',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(words).map((w) => w.join(' ')),
        ),
        (line) => {
          decodeLine(line);
        },
      ),
      { numRuns: 500 },
    );
  });
});
