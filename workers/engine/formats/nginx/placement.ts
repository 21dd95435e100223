import type { Block } from './tree.ts';

/**
 * Where common directives may appear (from the nginx module docs' "Context:" lines). This is
 * not a full validator — `nginx -t` is the oracle — it catches the misplacements users make
 * when pasting fragments: a `location` straight in `http`, `proxy_pass` at the top of a main
 * config, a timeout inside `if`. Unknown directives are never reported.
 */
const HTTP_SLL = ['http', 'server', 'location'];
const ALLOWED: Record<string, readonly string[]> = {
  http: ['main'],
  events: ['main'],
  stream: ['main'],
  mail: ['main'],
  user: ['main'],
  worker_processes: ['main'],
  worker_rlimit_nofile: ['main'],
  pid: ['main'],
  load_module: ['main'],
  worker_connections: ['events'],
  upstream: ['http', 'stream'],
  map: ['http', 'stream'],
  geo: ['http', 'stream'],
  split_clients: ['http', 'stream'],
  location: ['server', 'location'],
  listen: ['server'],
  server_name: ['server'],
  if: ['server', 'location'],
  limit_except: ['location'],
  proxy_pass: ['location', 'if', 'limit_except', 'server'],
  fastcgi_pass: ['location', 'if'],
  uwsgi_pass: ['location', 'if'],
  scgi_pass: ['location', 'if'],
  grpc_pass: ['location', 'if'],
  keepalive: ['upstream'],
  proxy_read_timeout: HTTP_SLL,
  proxy_send_timeout: HTTP_SLL,
  proxy_http_version: HTTP_SLL,
  proxy_buffering: HTTP_SLL,
  proxy_buffer_size: HTTP_SLL,
  proxy_next_upstream: HTTP_SLL,
  uwsgi_read_timeout: HTTP_SLL,
  fastcgi_read_timeout: HTTP_SLL,
  grpc_read_timeout: HTTP_SLL,
  client_max_body_size: HTTP_SLL,
  keepalive_requests: [...HTTP_SLL, 'upstream'],
  keepalive_timeout: [...HTTP_SLL, 'upstream'],
  keepalive_time: [...HTTP_SLL, 'upstream'],
  proxy_connect_timeout: [...HTTP_SLL, 'stream', 'server'],
};

/** Blocks whose `server` is a block (virtual server), as opposed to upstream's `server` line. */
const SERVER_BLOCK_PARENTS = ['http', 'stream', 'mail'];

const ALLOWED_MAP = new Map(Object.entries(ALLOWED));

/**
 * A cheap prefilter on (length, first character) of the names in ALLOWED: most directives are
 * not in the table, and hashing every fresh name string for a Map lookup showed in profiles.
 */
const MAYBE = new Uint8Array(64 * 128);
for (const name of [...ALLOWED_MAP.keys(), 'server'])
  MAYBE[(name.length & 63) * 128 + (name.charCodeAt(0) & 127)] = 1;

/**
 * Reports a directive nested in a block where nginx would refuse it (the parser calls this for
 * every directive inside a block, as it reads it).
 */
export function checkNested(
  name: string,
  isBlock: boolean,
  line: number,
  context: string,
  error: (line: number, message: string) => void,
): void {
  if (MAYBE[(name.length & 63) * 128 + (name.charCodeAt(0) & 127)] === 0) return;
  let allowed = ALLOWED_MAP.get(name);
  if (name === 'server') allowed = isBlock ? SERVER_BLOCK_PARENTS : ['upstream'];
  if (allowed && !allowed.includes(context)) {
    const where = context === 'main' ? 'at the top level' : `inside "${context}"`;
    error(
      line,
      `"${name}" directive is not allowed here (${where}; allowed in ${allowed.join(', ')})`,
    );
  }
}

/**
 * Reports top-level directives placed where nginx would refuse them. The top level of a file is
 * only checked when the file is a main config (it has `http`, `events` or `stream` at the top):
 * a snippet's top level may be included anywhere.
 */
export function checkTop(root: Block, error: (line: number, message: string) => void): void {
  const isMain = root.children.some(
    (d) => d.name === 'http' || d.name === 'events' || d.name === 'stream',
  );
  if (isMain)
    for (const d of root.children)
      checkNested(d.name, d.block !== undefined, d.line, 'main', error);
}
