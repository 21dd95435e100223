import type { DecodedLine, Wrapper } from './types.ts';

/**
 * The few Node.js lines that explain a dead upstream on their own: V8 running out of heap
 * and a process dying of an uncaught exception or rejection. Stack frames are not events.
 * Also where the server said it listens, the way Node apps print it (`Server running at
 * http://127.0.0.1:3000/` from the Node docs, Express's `Example app listening on port 3000`,
 * `Listening on http://0.0.0.0:8080`): evidence of its address when its code is not pasted.
 */
const LISTENING =
  /^(?:[\w.@>:-]{1,30} ){0,4}(?:listening|running) (?:on|at) (?:port (\d{2,5})\b|(https?:\/\/[\w.[\]:-]{1,100}?:\d{2,5})\/?(?=$|[\s!.,])|((?:[\d.]{7,15}|localhost|\[[\d:a-f]{2,39}\]):\d{2,5})\b)/i;

/** Servers that print the same words about themselves. */
const OTHER_SERVER =
  /\b(?:nginx|gunicorn|uwsgi|uvicorn|hypercorn|daphne|puma|php-fpm|postgres(?:ql)?|redis|mysqld?|mongod|apache|httpd|caddy|traefik|envoy|haproxy)\b/i;

function listening(body: string): DecodedLine | null {
  const m = LISTENING.exec(body);
  if (!m || OTHER_SERVER.test(m[0])) return null;
  const bind = m[1] ? `:${m[1]}` : (m[2] ?? m[3])!;
  return { source: 'node', kind: 'startup', fields: { bind, message: body.trimEnd() } };
}

export function decodeNode(body: string, wrapper: Wrapper): DecodedLine | null {
  // Another server's log saying where it listens is that server's, not Node's.
  if (wrapper.program && !/node|npm|pm2|nodemon|yarn/i.test(wrapper.program)) return null;
  const started = listening(body);
  if (started) return started;
  if (/^FATAL ERROR: .*JavaScript heap out of memory/.test(body)) {
    return { source: 'node', kind: 'heap-oom', fields: { message: body.trimEnd() } };
  }
  if (
    /^(?:\[nodemon\] app crashed|Uncaught Exception|\[UnhandledPromiseRejection: |UnhandledPromiseRejectionWarning: |Node\.js v\d+\.\d+\.\d+$)/.test(
      body,
    ) ||
    /^\s*triggerUncaughtException\(/.test(body)
  ) {
    return { source: 'node', kind: 'crash', fields: { message: body.trimEnd() } };
  }
  return null;
}
