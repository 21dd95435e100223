/**
 * uWSGI reads the first 4 bytes of a connection as a uwsgi packet header: modifier1, a 16-bit
 * little-endian size, modifier2. An HTTP request sent to a uwsgi-protocol socket therefore
 * announces a "block size" made of the 2nd and 3rd bytes of its method: "GET " reads as
 * 'E' + 'T' * 256 = 21573, which uWSGI logs as "invalid request block size: 21573 (max 4096)".
 * Those lines are a protocol mismatch (proxy_pass to a `socket`), not a header-size problem.
 */
const METHODS = ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'];

const BY_SIZE = new Map<number, string>(
  METHODS.map((m) => [(m + ' ').charCodeAt(1) + (m + ' ').charCodeAt(2) * 256, m]),
);

/** The HTTP method whose first bytes read as this uwsgi block size, or null. */
export function httpMethodOfBlockSize(size: number): string | null {
  return BY_SIZE.get(size) ?? null;
}
