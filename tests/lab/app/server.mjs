// The lab's Node.js HTTP server: the same endpoints as app.py, on Node's defaults.
// Usage: node server.mjs PORT
// Nothing here sets keepAliveTimeout, headersTimeout or requestTimeout: the point is to
// run Node exactly as most apps do, with keepAliveTimeout at its default of 5 seconds.
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
if (!port) {
  console.error('usage: node server.mjs PORT');
  process.exit(2);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const num = (name, dflt) => Number(url.searchParams.get(name) ?? dflt) || dflt;
  let size = 0;
  req.on('data', (chunk) => (size += chunk.length));
  req.on('end', () => {
    const headers = { 'content-type': 'text/plain', 'x-worker-pid': String(process.pid) };
    const send = (text) => {
      res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(text + '\n') });
      res.end(text + '\n');
    };
    if (url.pathname === '/cpu') {
      // Blocks the event loop, as CPU-bound handlers do: timers and I/O wait behind it.
      const end = Date.now() + num('ms', 10);
      let n = 0;
      while (Date.now() < end) n++;
      send(`cpu ${n}`);
    } else if (url.pathname === '/slow') setTimeout(() => send('slow'), num('s', 1) * 1000);
    else if (url.pathname === '/alloc') {
      const block = Buffer.alloc(num('mb', 10) * 1024 * 1024, 1);
      setTimeout(() => send(`allocated ${block.length}`), num('hold', 0) * 1000);
    } else if (url.pathname === '/bigheader') {
      headers['x-big'] = 'b'.repeat(num('kb', 8) * 1024);
      send('bigheader');
    } else if (url.pathname === '/cookie') send(`cookie ${(req.headers.cookie ?? '').length}`);
    else if (url.pathname === '/echo') send(`echo ${size}`);
    else send('fast');
  });
});

server.listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
