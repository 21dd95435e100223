import type { Block, Directive } from './tree.ts';

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

/**
 * Reports directives placed where nginx would refuse them. The top level of a file is only
 * checked when the file is a main config (it has `http`, `events` or `stream` at the top): a
 * snippet's top level may be included anywhere.
 */
export function checkPlacement(root: Block, error: (line: number, message: string) => void): void {
  const isMain = root.children.some(
    (d) => d.name === 'http' || d.name === 'events' || d.name === 'stream',
  );
  const stack: { block: Block; context: string | null }[] = [
    { block: root, context: isMain ? 'main' : null },
  ];
  while (stack.length > 0) {
    const { block, context } = stack.pop() as { block: Block; context: string | null };
    for (const d of block.children) {
      if (context !== null) check(d, context, error);
      if (d.block && d.raw === undefined) stack.push({ block: d.block, context: d.name });
    }
  }
}

function check(
  d: Directive,
  context: string,
  error: (line: number, message: string) => void,
): void {
  let allowed = ALLOWED[d.name];
  if (d.name === 'server') allowed = d.block ? SERVER_BLOCK_PARENTS : ['upstream'];
  if (allowed && !allowed.includes(context)) {
    const where = context === 'main' ? 'at the top level' : `inside "${context}"`;
    error(
      d.line,
      `"${d.name}" directive is not allowed here (${where}; allowed in ${allowed.join(', ')})`,
    );
  }
}
