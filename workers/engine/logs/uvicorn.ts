import type { DecodedLine, Fields, Wrapper } from './types.ts';

/**
 * uvicorn's own lines (`INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to
 * quit)`, `… on unix socket /run/app.sock`, `Started server process [12]`, `Shutting down`),
 * as uvicorn/server.py and uvicorn/main.py print them: level, colon, padding, message. Only
 * uvicorn's wordings are read — `INFO:` alone is every Python program's prefix.
 */
const LINE = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL|TRACE):[ \t]{1,12}(.*)$/;

const MESSAGES: [RegExp, string, (m: RegExpExecArray, f: Fields) => void][] = [
  [
    /^Uvicorn running on (?:unix socket (\S+)|(https?:\/\/\S+))/,
    'startup',
    (m, f) => void (f.bind = m[1] ? `unix:${m[1]}` : m[2]!),
  ],
  [/^Started server process \[(\d+)\]/, 'startup', (m, f) => void (f.pid = Number(m[1]))],
  [/^(?:Waiting for application startup|Application startup complete)\./, 'startup', () => {}],
  [/^(?:Shutting down|Finished server process \[(\d+)\])/, 'shutdown', () => {}],
  // --limit-max-requests reached: this process (the server, or one --workers child) exits.
  [
    /^Maximum request limit of (\d+) exceeded\. Terminating process\./,
    'worker-recycle',
    (m, f) => void (f.limit = Number(m[1])),
  ],
  [/^(?:Exception in ASGI application|Application startup failed)/, 'other', () => {}],
];

export function decodeUvicorn(body: string, _wrapper: Wrapper): DecodedLine | null {
  const line = LINE.exec(body);
  if (!line) return null;
  for (const [re, kind, read] of MESSAGES) {
    const m = re.exec(line[2]!);
    if (!m) continue;
    const fields: Fields = { level: line[1]! };
    read(m, fields);
    return { source: 'uvicorn', kind, fields };
  }
  return null;
}
