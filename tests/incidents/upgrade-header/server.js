// Custom Next.js server: the pages, the API routes and the live-order WebSocket on one port.
const { createServer } = require('http');
const next = require('next');
const { attachOrderFeed } = require('./lib/order-feed');

const app = next({ dev: false });
const handle = app.getRequestHandler();

app.prepare().then(() => {
  const server = createServer((req, res) => handle(req, res));
  attachOrderFeed(server); // upgrades /live/orders to a WebSocket
  server.listen(3000, '127.0.0.1', () => console.log('> ready on http://127.0.0.1:3000'));
});
