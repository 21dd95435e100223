import type { Report } from './scan.ts';
import { COL, type DirectiveTable } from './table.ts';

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
const SERVER_LINE_PARENTS = ['upstream'];

const ALLOWED_MAP = new Map(Object.entries(ALLOWED));

/** The contexts a directive may appear in, or null when this table has no rule for it. */
export function allowedIn(name: string, isBlock: boolean): readonly string[] | null {
  if (name === 'server') return isBlock ? SERVER_BLOCK_PARENTS : SERVER_LINE_PARENTS;
  return ALLOWED_MAP.get(name) ?? null;
}

/**
 * Context names as the very strings the tables above hold, so that checking a context against
 * a list compares pointers rather than characters (the parser checks every nested directive).
 */
const CONTEXTS = new Map(
  [...ALLOWED_MAP.values(), SERVER_BLOCK_PARENTS, SERVER_LINE_PARENTS].flat().map((c) => [c, c]),
);
export function contextName(name: string): string {
  return CONTEXTS.get(name) ?? name;
}

/** Reports a directive that is not in one of the contexts `allowed` (from allowedIn). */
export function checkAllowed(
  name: string,
  allowed: readonly string[],
  line: number,
  context: string,
  error: Report,
): void {
  if (allowed.includes(context)) return;
  const where = context === 'main' ? 'at the top level' : `inside "${context}"`;
  error(
    line,
    `"${name}" directive is not allowed here (${where}; allowed in ${allowed.join(', ')})`,
  );
}

/**
 * Reports top-level directives placed where nginx would refuse them. The top level of a file is
 * only checked when the file is a main config (it has `http`, `events` or `stream` at the top):
 * a snippet's top level may be included anywhere.
 */
export function checkTop(table: DirectiveTable, error: Report): void {
  // Read from the rows: building Directive objects for this alone was a tenth of a small parse.
  const top: number[] = [];
  for (let row = table.count > 0 ? 0 : -1; row >= 0; row = table.nextSibling(row)) top.push(row);
  const isMain = top.some((row) => MAIN_BLOCKS.has(table.name(row)));
  if (!isMain) return;
  for (const row of top) {
    const name = table.name(row);
    const allowed = allowedIn(name, table.get(row, COL.open) >= 0);
    if (allowed) checkAllowed(name, allowed, table.get(row, COL.line), 'main', error);
  }
}

const MAIN_BLOCKS = new Set(['http', 'events', 'stream']);
