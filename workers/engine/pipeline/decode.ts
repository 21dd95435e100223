/**
 * Stage 4, decode logs: every log input, line by line, into events; access logs in any
 * `log_format` the pasted nginx config defines. Then events are grouped into incidents.
 */
import type { Incident, LogEvent } from '../model.ts';
import type { NginxFile } from '../formats/nginx/index.ts';
import { correlate, decodeLog } from '../logs/index.ts';
import type { StreamedLog } from './stream.ts';

export interface DecodedLogs {
  events: LogEvent[];
  unrecognised: { file: string; lines: number[] }[];
  incidents: Incident[];
}

export function decodeLogs(
  logs: readonly { name: string; text: string }[],
  nginxFiles: readonly NginxFile[],
  streamed: readonly StreamedLog[] = [],
  groupOf?: (address: string) => string | null,
): DecodedLogs {
  return withIncidents(decodeEvents(logs, nginxFiles, streamed), streamed, groupOf);
}

/** The events of every log (streamed logs' sample included), not yet grouped into incidents. */
export function decodeEvents(
  logs: readonly { name: string; text: string }[],
  nginxFiles: readonly NginxFile[],
  streamed: readonly StreamedLog[] = [],
): Omit<DecodedLogs, 'incidents'> {
  const ctx = { accessLogFormats: accessLogFormats(nginxFiles) };
  const events: LogEvent[] = [];
  const unrecognised: DecodedLogs['unrecognised'] = [];
  for (const log of logs) {
    const decoded = decodeLog(log.name, log.text, ctx);
    events.push(...decoded.events);
    if (decoded.unrecognised.length > 0) {
      unrecognised.push({ file: log.name, lines: decoded.unrecognised });
    }
  }
  for (const log of streamed) {
    events.push(...log.result.events);
    if (log.result.unrecognised.length > 0) {
      unrecognised.push({ file: log.name, lines: log.result.unrecognised });
    }
  }
  return { events, unrecognised };
}

/** Groups the decoded events into incidents (streamed logs were grouped as they were read). */
export function withIncidents(
  decoded: Omit<DecodedLogs, 'incidents'>,
  streamed: readonly StreamedLog[] = [],
  groupOf?: (address: string) => string | null,
): DecodedLogs {
  const own = new Set(streamed.flatMap((s) => s.result.events));
  const incidents = correlate(
    decoded.events.filter((e) => !own.has(e)),
    groupOf ? { groupOf } : {},
  );
  for (const log of streamed) incidents.push(...log.result.incidents);
  return { ...decoded, incidents };
}

/**
 * `log_format NAME [escape=…] STRING…;` — nginx concatenates the strings with nothing between
 * them, so a format split over several quoted lines is one format.
 */
export function accessLogFormats(files: readonly NginxFile[]): Record<string, string> {
  const formats: Record<string, string> = {};
  for (const file of files) {
    for (const d of file.directives()) {
      if (d.name !== 'log_format' || d.args.length < 2) continue;
      const [name, ...rest] = d.args as [string, ...string[]];
      formats[name] = rest.filter((a) => !a.startsWith('escape=')).join('');
    }
  }
  return formats;
}
