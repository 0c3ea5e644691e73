// The Hocuspocus server of the presence peer, in its own process (forked by bench.mjs with
// --expose-gc), so that its memory is measured apart from the clients'. Listens on 127.0.0.1 at the
// port given as the only argument; answers the parent's {type: 'memory'} with a full GC and
// process.memoryUsage() and process.cpuUsage(), and sends {type: 'listening'} once it accepts connections.
import { Server } from '@hocuspocus/server';

const port = Number(process.argv[2]);
const server = new Server({ port, address: '127.0.0.1', quiet: true });
await server.listen();

process.on('message', (message) => {
  if (message.type === 'memory') {
    global.gc();
    global.gc();
    const m = process.memoryUsage();
    const cpu = process.cpuUsage();
    process.send({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed, external: m.external,
      arrayBuffers: m.arrayBuffers, connections: server.hocuspocus.getConnectionsCount(),
      cpuUser: cpu.user, cpuSystem: cpu.system });
  } else if (message.type === 'stop') {
    server.destroy().then(() => process.exit(0));
  }
});
process.send({ type: 'listening', port });
