// A worker thread of bench.mjs holding `count` viewer connections to one document. Each viewer
// authenticates and syncs as the provider does, then only reads: for every awareness update carrying
// the actor's state {seq, ...} it notes its receive time; when all of this worker's viewers have seen
// seq k, it posts {type: 'seen', seq, last} (the latest receive time, epoch ms with sub-ms fraction).
// With `presence`, each viewer also has an awareness state of its own, renewed by y-protocols every
// 15 s as a browser tab's is.
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as protocol from './protocol.mjs';

const { url, documentName, count, presence, first } = workerData;
const now = () => performance.timeOrigin + performance.now();
const seen = new Map(); // seq -> {n, last}
const sockets = [];
const awarenesses = [];
let ready = 0;

function onAwareness(states) {
  const t = now();
  for (const json of states) {
    const i = json.indexOf('"seq":');
    if (i < 0) continue;
    const seq = parseInt(json.slice(i + 6), 10);
    let s = seen.get(seq);
    if (!s) {
      s = { n: 0, last: 0 };
      seen.set(seq, s);
    }
    s.n++;
    s.last = t;
    if (s.n === count) {
      parentPort.postMessage({ type: 'seen', seq, last: s.last });
      seen.delete(seq);
    }
  }
}

for (let i = 0; i < count; i++) {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  sockets.push(ws);
  ws.on('open', () => {
    ws.send(protocol.auth(documentName));
    ws.send(protocol.syncStep1(documentName));
  });
  ws.on('message', (data) => {
    const m = protocol.read(data);
    if (m.type === protocol.AWARENESS) {
      onAwareness(m.states);
    } else if (m.type === protocol.AUTH) {
      if (!m.authenticated) {
        parentPort.postMessage({ type: 'error', error: 'viewer not authenticated' });
        return;
      }
      if (presence) {
        const doc = new Y.Doc();
        const a = new Awareness(doc);
        a.on('update', ({ added, updated, removed }, origin) => {
          if (origin === 'local' && ws.readyState === WebSocket.OPEN) {
            ws.send(protocol.awareness(documentName, encodeAwarenessUpdate(a, added.concat(updated, removed))));
          }
        });
        a.setLocalState({ user: { name: `viewer ${first + i}` } });
        awarenesses.push(a);
      }
      if (++ready === count) parentPort.postMessage({ type: 'ready' });
    }
  });
  ws.on('error', (e) => parentPort.postMessage({ type: 'error', error: `viewer: ${e.message}` }));
  ws.on('close', (code) => {
    if (!closing) parentPort.postMessage({ type: 'error', error: `viewer closed: ${code}` });
  });
}

let closing = false;
parentPort.on('message', (m) => {
  if (m.type === 'close') {
    closing = true;
    for (const a of awarenesses) a.destroy();
    for (const ws of sockets) ws.close();
    parentPort.postMessage({ type: 'closed' });
  }
});
