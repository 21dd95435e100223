import type { EventSource, LogEvent } from '../model.ts';

/** What the caller knows about the inputs that helps decoding. */
export interface LogContext {
  /** log_format name -> format string (already joined from the nginx config by the caller). */
  accessLogFormats?: Record<string, string>;
}

/** A decoded line before it is placed in a file. */
export type DecodedLine = Omit<LogEvent, 'file' | 'line'>;

/** Fields a wrapper (journald, Docker JSON, compose, …) contributed before the line itself. */
export interface Wrapper {
  /** Wall-clock time the wrapper carried (ISO 8601), used only when the line has none. */
  time?: string;
  /** Year-less syslog time ("Dec 19 03:29:30"): correlation places it using other events' year. */
  syslogTime?: string;
  /** The process a syslog/journald/compose prefix named ("gunicorn", "kernel", "nginx.1"). */
  program?: string;
  fields: Record<string, string | number>;
}

export type Fields = Record<string, string | number>;

/** A decoder for one source: null when the body is not that source's line. */
export type SourceDecoder = (body: string, wrapper: Wrapper) => DecodedLine | null;

export type { EventSource };
