/**
 * A wire with latency: a TCP relay that delays every byte, FIN and reset by `delay` ms in each
 * direction, standing for the network between a load balancer and nginx. On loopback the
 * balancer sees nginx's FIN on an idle connection within microseconds, so it never sends a
 * request into a connection nginx has just closed; across a real network it does, for one
 * round trip. Usage: node wire.mjs LISTEN_PORT TARGET_PORT DELAY_MS
 */
import { createServer, connect } from 'node:net';

const [listenPort, targetPort, delayMs] = process.argv.slice(2).map(Number);
const later = (fn) => setTimeout(fn, delayMs);

/** Forward `from` to `to` with the delay: data, then its end (FIN), or a reset. */
function pipeDelayed(from, to) {
  from.on('data', (chunk) => later(() => to.destroyed || to.write(chunk)));
  from.on('end', () => later(() => to.destroyed || to.end()));
  from.on('error', () => later(() => to.destroyed || to.resetAndDestroy()));
}

createServer({ allowHalfOpen: true }, (client) => {
  const server = connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true });
  pipeDelayed(client, server);
  pipeDelayed(server, client);
  // Writing into a connection the far side has closed ends in a reset: pass it on.
  server.on(
    'close',
    (hadError) => hadError && later(() => client.destroyed || client.resetAndDestroy()),
  );
  client.on(
    'close',
    (hadError) => hadError && later(() => server.destroyed || server.resetAndDestroy()),
  );
}).listen(listenPort, '127.0.0.1');
