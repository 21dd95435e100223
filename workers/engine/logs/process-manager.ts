import type { DecodedLine, Fields, Wrapper } from './types.ts';

/**
 * What a process manager writes when it stops the app server:
 * - systemd, in the journal (`systemd[1]: ` is peeled by prefix.ts): "Stopping shop.service -
 *   Shop API...", "shop.service: State 'stop-sigterm' timed out. Killing.", "shop.service:
 *   Killing process 4242 (gunicorn) with signal SIGKILL.", "shop.service: Main process exited,
 *   code=killed, status=9/KILL", "shop.service: Failed with result 'timeout'.";
 * - supervisord, in its own log ("2026-12-01 10:00:01,234 INFO waiting for shop to stop",
 *   "WARN killing 'shop' (4242) with SIGKILL", "INFO stopped: shop (terminated by SIGKILL)");
 * - docker compose ("web-1 exited with code 137", "Container shop-web-1  Stopping").
 * Kinds: `stopping`, `stop-timeout` (it gave up waiting and kills), `killed` (the app ended by
 * SIGKILL: requests still running were cut), `stopped` (it exited by itself), `started`. Fields: manager,
 * unit (the unit file, supervisord program or compose container, as the line names it).
 */

type Rule = [RegExp, string];

const SYSTEMD: readonly Rule[] = [
  [/^(\S+\.service): State 'stop-(?:final-)?sigterm' timed out\. Killing\.$/, 'stop-timeout'],
  [/^(\S+\.service): Failed with result 'timeout'\.$/, 'stop-timeout'],
  [/^(\S+\.service): Killing process \d+ \([^)]*\) with signal SIGKILL\.$/, 'killed'],
  [/^(\S+\.service): Main process exited, code=killed, status=9\/KILL$/, 'killed'],
  [/^Stopping (\S+\.service)\b/, 'stopping'],
  [/^(\S+\.service): Deactivated successfully\.$/, 'stopped'],
  [/^Stopped (\S+\.service)\b/, 'stopped'],
  [/^Started (\S+\.service)\b/, 'started'],
];

const SUPERVISORD_LINE =
  /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3}) (?:CRIT|ERRO|WARN|INFO|DEBG|TRAC|BLAT) (.*)$/;
const SUPERVISORD: readonly Rule[] = [
  [/^waiting for (\S+) to stop$/, 'stopping'],
  [/^killing '?([^'\s]+)'? \((?:pid )?\d+\) with (?:signal )?SIGKILL$/, 'stop-timeout'],
  [/^stopped: (\S+) \(terminated by SIGKILL\)$/, 'killed'],
  [/^stopped: (\S+) \((?:exit status \d+|terminated by SIG\w+)\)$/, 'stopped'],
  [/^spawned: '([^']+)' with pid \d+$/, 'started'],
];

const COMPOSE_EXIT = /^([\w.-]+) exited with code (\d+)$/;
const COMPOSE_CONTAINER = /^Container ([\w.-]+)\s+(Stopping|Stopped)$/;

function match(rules: readonly Rule[], body: string): { unit: string; kind: string } | null {
  for (const [re, kind] of rules) {
    const m = re.exec(body);
    if (m) return { unit: m[1]!, kind };
  }
  return null;
}

export function decodeProcessManager(body: string, _wrapper: Wrapper): DecodedLine | null {
  const line = (manager: string, unit: string, kind: string, extra: Fields = {}) => ({
    source: 'process-manager' as const,
    kind,
    fields: { manager, unit, ...extra },
  });
  const systemd = match(SYSTEMD, body);
  if (systemd) return line('systemd', systemd.unit, systemd.kind);
  const sup = SUPERVISORD_LINE.exec(body);
  if (sup) {
    const said = match(SUPERVISORD, sup[4]!);
    if (!said) return null;
    return {
      ...line('supervisord', said.unit, said.kind),
      // supervisord writes local time; it stays without a zone, as other local stamps do.
      time: `${sup[1]}T${sup[2]}.${sup[3]}`,
    };
  }
  const exit = COMPOSE_EXIT.exec(body);
  if (exit) {
    const code = Number(exit[2]);
    // 137 = 128 + SIGKILL: stopped by force once the grace period ran out (or OOM-killed).
    return line('docker compose', exit[1]!, code === 137 ? 'killed' : 'stopped', {
      exitCode: code,
    });
  }
  const container = COMPOSE_CONTAINER.exec(body);
  if (container)
    return line(
      'docker compose',
      container[1]!,
      container[2] === 'Stopping' ? 'stopping' : 'stopped',
    );
  return null;
}
