// The presence peer of Baton's benchmarks (issue 6, item 3): one Hocuspocus document with one actor
// and N viewers; the actor changes its awareness state `rate` times a second (one change at a time,
// open loop) and every change is timed from the actor's send to the last viewer receiving it
// (fan-out). The server runs in its own process (server.mjs); its memory per connection is the
// growth of its RSS and heap, each read after a full GC, from before connecting to all connected.
// Viewers are spread over `--threads` worker threads (as loadgen spreads them over its event loops).
//
//   npm ci && node bench.mjs --viewers 1000 --rate 6 --warmup 5 --duration 60 --out hocuspocus.json
//
// Exits 1 if a connection fails, closes or a change never reaches every viewer.
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { createServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import os from 'node:os';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as protocol from './protocol.mjs';

const { values: opts } = parseArgs({
  options: {
    viewers: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '5' },
    duration: { type: 'string', default: '60' },
    threads: { type: 'string', default: '2' },
    'viewer-presence': { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opts.help) {
  console.log('node bench.mjs [--viewers 1000] [--rate 6] [--warmup 5] [--duration 60] [--threads 2]'
    + ' [--viewer-presence] [--out file.json]\n  (seconds for warmup and duration; changes per second for rate)');
  process.exit(0);
}
const viewers = Number(opts.viewers);
const rate = Number(opts.rate);
const warmupS = Number(opts.warmup);
const durationS = Number(opts.duration);
const threads = Math.max(1, Math.min(Number(opts.threads), viewers));
const documentName = 'bench-room';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fail(message) {
  console.error(`hocuspocus bench failed: ${message}`);
  process.exit(1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// CPU pressure (share of time some task waited for a CPU) and load: how shared the machine was.
function pressure() {
  const load = `load=${os.loadavg()[0].toFixed(2)}`;
  try {
    const some = readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
    return `${some.split(' ').slice(1, 3).join(' ')} ${load}`;
  } catch {
    return load;
  }
}

// ---- server
const port = await freePort();
const server = fork(new URL('./server.mjs', import.meta.url), [String(port)], { execArgv: ['--expose-gc'] });
const serverMessages = [];
let serverWaiter = null;
server.on('message', (m) => {
  if (serverWaiter) {
    const w = serverWaiter;
    serverWaiter = null;
    w(m);
  } else {
    serverMessages.push(m);
  }
});
server.on('exit', (code) => {
  if (!stopping) fail(`the server exited with ${code}`);
});
let stopping = false;
const nextServerMessage = () => (serverMessages.length
  ? Promise.resolve(serverMessages.shift())
  : new Promise((r) => { serverWaiter = r; }));
// The server's memory after a full GC, its connection count and CPU time so far.
async function serverMemory() {
  server.send({ type: 'memory' });
  return nextServerMessage();
}
await nextServerMessage(); // listening
const url = `ws://127.0.0.1:${port}`;
const pressureAtStart = pressure();
const before = await serverMemory();

// ---- viewers
const workers = [];
const seen = new Map(); // seq -> {workers, last}
let ready = 0;
const errors = [];
const allReady = new Promise((resolve) => {
  let first = 0;
  for (let t = 0; t < threads; t++) {
    const count = Math.floor(viewers / threads) + (t < viewers % threads ? 1 : 0);
    const w = new Worker(new URL('./viewers.mjs', import.meta.url), {
      workerData: { url, documentName, count, presence: opts['viewer-presence'], first },
    });
    first += count;
    w.on('message', (m) => {
      if (m.type === 'ready') {
        if (++ready === threads) resolve();
      } else if (m.type === 'seen') {
        onSeen(m.seq, m.last);
      } else if (m.type === 'error') {
        errors.push(m.error);
      }
    });
    w.on('error', (e) => errors.push(`worker: ${e.message}`));
    workers.push(w);
  }
});

// ---- actor
const actorDoc = new Y.Doc();
const actorAwareness = new Awareness(actorDoc);
const actor = new WebSocket(url);
actor.binaryType = 'arraybuffer';
const actorReady = new Promise((resolve, reject) => {
  actor.on('open', () => {
    actor.send(protocol.auth(documentName));
    actor.send(protocol.syncStep1(documentName));
  });
  actor.on('message', (data) => {
    const m = protocol.read(data);
    if (m.type === protocol.AUTH) m.authenticated ? resolve() : reject(new Error('actor not authenticated'));
  });
  actor.on('error', reject);
});
actor.on('close', (code) => { if (!stopping) errors.push(`actor closed: ${code}`); });

const connectStart = now();
await Promise.race([Promise.all([allReady, actorReady]), sleep(120_000).then(() => fail('connecting took over 2 minutes'))]);
const connectSeconds = (now() - connectStart) / 1000;
if (errors.length) fail(errors.join('; '));
await sleep(2000);
const joined = await serverMemory();
const connections = viewers + 1;

// ---- changes
const sentAt = new Map();
const fanout = []; // ms, measured window only
let measuredFrom = 0;
let measuredTo = 0;
let measuredSent = 0;

function onSeen(seq, last) {
  let s = seen.get(seq);
  if (!s) {
    s = { workers: 0, last: 0 };
    seen.set(seq, s);
  }
  s.workers++;
  s.last = Math.max(s.last, last);
  if (s.workers === threads) {
    seen.delete(seq);
    const sent = sentAt.get(seq);
    sentAt.delete(seq);
    if (sent !== undefined && sent >= measuredFrom && sent < measuredTo) fanout.push(s.last - sent);
  }
}

const total = Math.round(rate * (warmupS + durationS));
const start = now() + 100;
measuredFrom = start + warmupS * 1000;
measuredTo = start + (warmupS + durationS) * 1000;
const cpuBefore = await serverMemory();
let lastProgress = start;
for (let k = 0; k < total; k++) {
  const due = start + (k * 1000) / rate;
  const wait = due - now();
  if (wait > 0) await sleep(wait);
  const t = now();
  actorAwareness.setLocalState({ user: { name: 'actor' }, seq: k, t });
  sentAt.set(k, t);
  if (t >= measuredFrom) measuredSent++;
  actor.send(protocol.awareness(documentName, encodeAwarenessUpdate(actorAwareness, [actorDoc.clientID])));
  if (t - lastProgress >= 10_000) {
    lastProgress = t;
    console.log(`  ${Math.round((t - start) / 1000)} s: ${k + 1} changes sent, ${fanout.length} measured`);
  }
}
await sleep(2000);
const cpuAfter = await serverMemory();
const incomplete = [...sentAt.keys()].filter((k) => {
  const t = (start + (k * 1000) / rate);
  return t >= measuredFrom && t < measuredTo;
}).length;

// ---- results
fanout.sort((a, b) => a - b);
const pct = (p) => (fanout.length ? fanout[Math.min(fanout.length - 1, Math.ceil((p / 100) * fanout.length) - 1)] : NaN);
const results = {
  peer: `@hocuspocus/server ${JSON.parse(readFileSync(new URL('./node_modules/@hocuspocus/server/package.json', import.meta.url))).version}`,
  node: process.version,
  viewers, rate, warmupSeconds: warmupS, durationSeconds: durationS, threads,
  viewerPresence: opts['viewer-presence'],
  connectSeconds: Number(connectSeconds.toFixed(1)),
  fanoutMs: {
    count: fanout.length, p50: pct(50), p90: pct(90), p99: pct(99), p999: pct(99.9),
    max: fanout[fanout.length - 1],
  },
  changesMeasured: measuredSent,
  incomplete,
  errors,
  server: {
    connections: joined.connections,
    rssBefore: before.rss, rssJoined: joined.rss,
    heapBefore: before.heapUsed, heapJoined: joined.heapUsed,
    rssPerConnection: Math.round((joined.rss - before.rss) / connections),
    heapPerConnection: Math.round((joined.heapUsed - before.heapUsed) / connections),
    externalPerConnection: Math.round((joined.external - before.external) / connections),
    cpuSecondsDuringChanges: Number(((cpuAfter.cpuUser + cpuAfter.cpuSystem - cpuBefore.cpuUser - cpuBefore.cpuSystem) / 1e6).toFixed(2)),
  },
  machine: { cpus: os.cpus().length, pressureAtStart, pressureAtEnd: pressure() },
};
for (const k of Object.keys(results.fanoutMs)) {
  if (typeof results.fanoutMs[k] === 'number') results.fanoutMs[k] = Number(results.fanoutMs[k].toFixed(2));
}
console.log(JSON.stringify(results, null, 2));
if (opts.out) writeFileSync(opts.out, JSON.stringify(results, null, 2));

// ---- close
stopping = true;
actorAwareness.destroy();
actor.close();
await Promise.all(workers.map((w) => new Promise((resolve) => {
  w.on('message', (m) => { if (m.type === 'closed') resolve(); });
  w.postMessage({ type: 'close' });
})));
await Promise.all(workers.map((w) => w.terminate()));
server.send({ type: 'stop' });
const bad = errors.length > 0 || incomplete > 0 || fanout.length === 0
  || joined.connections !== connections;
if (bad) {
  console.error(`hocuspocus bench failed: ${errors.length} errors, ${incomplete} incomplete changes, `
    + `${fanout.length} measured, ${joined.connections} of ${connections} connections on the server`);
}
process.exit(bad ? 1 : 0);
