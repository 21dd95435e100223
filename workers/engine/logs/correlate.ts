import type { Incident, LogEvent } from '../model.ts';
import {
  DEFAULT_OPTIONS,
  IncidentBuilder,
  isContext,
  isFailure,
  type BuilderOptions,
} from './incidents.ts';
import { placeSyslogTime, toInstant } from './time.ts';

export type CorrelateOptions = Partial<Omit<BuilderOptions, 'basis'>>;

/**
 * Puts events from all pasted logs on one timeline and groups the failures into incidents.
 *
 * Times: when every timed event carries a zone they are compared as instants; otherwise as
 * wall-clock readings (nginx's error log has no zone, and logs pasted together usually come
 * from hosts on the same clock). Year-less syslog times take the year that places them nearest
 * the other events. Kernel since-boot stamps are not placed: those events go to `untimed`.
 */
export function correlate(events: LogEvent[], options: CorrelateOptions = {}): Incident[] {
  const instants = events.map((e) => (e.time ? toInstant(e.time) : undefined));
  const timed = instants.filter((i) => i !== undefined);
  const basis = timed.length > 0 && timed.every((i) => i.abs !== undefined) ? 'abs' : 'wall';
  const walls = timed.map((i) => i.wall).sort((a, b) => a - b);
  const near = walls.length ? walls[Math.floor(walls.length / 2)] : undefined;

  type Placed = { e: LogEvent; t: number | undefined; time?: string; order: number };
  const placed: Placed[] = events.map((e, order) => {
    const i = instants[order];
    if (i) return { e, t: basis === 'abs' ? i.abs! : i.wall, time: e.time, order };
    const syslog = e.fields?.syslogTime;
    if (typeof syslog === 'string' && near !== undefined && basis === 'wall') {
      const iso = placeSyslogTime(syslog, near);
      const at = iso ? toInstant(iso) : undefined;
      if (at) return { e, t: at.wall, time: iso, order };
    }
    return { e, t: undefined, order };
  });
  // Timed events in time order (context before failures in the same instant), untimed after.
  placed.sort((a, b) => {
    if (a.t === undefined || b.t === undefined) {
      return a.t === undefined && b.t === undefined
        ? a.order - b.order
        : a.t === undefined
          ? 1
          : -1;
    }
    return a.t - b.t || Number(isFailure(a.e)) - Number(isFailure(b.e)) || a.order - b.order;
  });

  const builder = new IncidentBuilder({ ...DEFAULT_OPTIONS, ...options, basis });
  for (const { e, t, time } of placed) {
    if (isFailure(e)) builder.addFailure(e, t, time);
    else if (isContext(e)) builder.addContext(e, t);
  }
  return builder.build();
}
