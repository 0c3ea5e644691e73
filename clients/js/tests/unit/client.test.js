// The client against a scripted server: handshake and resume, reconnect rules, presence versions,
// errors and timeouts, heartbeats and the page lifecycle. Timers are Node's mock timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, BatonError } from '../../baton-client.js';
import { FakeServer, FakeWindow, joinedFields, member } from '../support/fake-server.js';

const R = 'operation-report:42:diagnosis';

/** A client on a fake server and window, with mock timers and no jitter. */
function setUp(t, options = {}) {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const server = new FakeServer(options.server);
  const window = new FakeWindow();
  const client = connect({
    url: 'ws://baton.test/v1/ws', token: 'jwt-1', WebSocket: server.WebSocket, environment: window,
    random: () => 0.5, backoffBaseMs: 1000, requestTimeoutMs: 5000, ...options.client,
  });
  t.after(() => client.close());
  const states = [];
  client.on('state', (s) => states.push(s));
  return { server, window, client, states };
}

/** Joins R on `socket` with the given members. */
async function joinR(client, socket, members = [member('s1', 'smith', 'Dr. Smith')]) {
  const joining = client.join(R);
  const join = await socket.next('join');
  socket.reply(join, 'joined', joinedFields(R, members));
  return joining;
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('says hello with the token, over the baton.v1 subprotocol', async (t) => {
  const { server, client } = setUp(t);
  const socket = await server.socket(1);
  const hello = await socket.welcome();
  assert.equal(socket.protocol, 'baton.v1');
  assert.equal(hello.token, 'jwt-1');
  assert.equal(hello.resume, undefined);
  assert.equal(client.state, 'open');
  assert.equal(client.sessionId, 's1');
});

test('reconnects after 1006 with hello carrying the last resume token, and keeps a resumed session', async (t) => {
  const { server, client, states } = setUp(t);
  const first = await server.socket(1);
  await first.welcome();
  const handle = await joinR(client, first);
  first.drop(1006);
  assert.deepEqual(states.at(-1), { state: 'reconnecting', attempt: 1, delayMs: 500, code: 1006, reason: '' });
  t.mock.timers.tick(500);
  const second = await server.socket(2);
  const lock = { holder: { userId: 'smith', name: 'Dr. Smith', sessionId: 's1' }, token: 7, acquiredAt: 1,
    expiresAt: 2, remainingMs: 9000, inGrace: false, queueLength: 0, takeover: null };
  const hello = await second.welcome({ sessionId: 's1', resumed: true,
    resources: [{ resource: R, role: 'editor', lock, presence: { version: 3, members: [member('s1', 'smith', 'Dr. Smith')] } }] });
  assert.equal(hello.resume, 'r1');
  assert.equal(hello.token, 'jwt-1');
  await settle();
  assert.equal(second.sentOf('join').length, 0, 'a resumed session keeps its memberships');
  assert.equal(handle.token, 7);
  assert.equal(handle.version, 3);
});

test('re-joins its resources when the session was not resumed, in edit mode where it held the lock', async (t) => {
  const { server, client } = setUp(t);
  const first = await server.socket(1);
  await first.welcome();
  const handle = await joinR(client, first);
  const expired = [];
  handle.on('expired', (e) => expired.push(e));
  first.push({ type: 'lock.state', resource: R, lock: { holder: { userId: 'smith', name: 'Dr. Smith', sessionId: 's1' },
    token: 11, acquiredAt: 1, expiresAt: 2, remainingMs: 9000, inGrace: false, queueLength: 0, takeover: null } });
  assert.equal(handle.holding, true);
  first.drop(1011);
  t.mock.timers.tick(500);
  const second = await server.socket(2);
  await second.welcome({ sessionId: 's9', resumed: false });
  const join = await second.next('join');
  assert.deepEqual([join.resource, join.mode], [R, 'edit']);
  second.reply(join, 'joined', joinedFields(R, [member('s9', 'smith', 'Dr. Smith')]));
  await settle();
  assert.equal(handle.holding, false);
  assert.deepEqual(expired, [{ token: 11 }], 'the lost lock is reported');
});

test('does not reconnect after 4001 and reports the hello error', async (t) => {
  const { server, client } = setUp(t);
  const closed = [];
  client.on('closed', (c) => closed.push(c));
  const socket = await server.socket(1);
  socket.accept();
  const hello = await socket.next('hello');
  socket.push({ re: hello.id, type: 'error', code: 'UNAUTHENTICATED', message: 'token expired', retryable: false });
  socket.drop(4001, 'unauthenticated');
  t.mock.timers.tick(60_000);
  assert.equal(server.sockets.length, 1);
  assert.equal(client.state, 'closed');
  assert.equal(closed[0].code, 4001);
  assert.equal(closed[0].error.code, 'UNAUTHENTICATED');
  assert.equal(closed[0].error.message, 'token expired');
  await assert.rejects(client.join(R), { code: 'CLOSED' });
});

test('does not reconnect after 4009 (resumed elsewhere)', async (t) => {
  const { server, client } = setUp(t);
  const closed = [];
  client.on('closed', (c) => closed.push(c));
  const socket = await server.socket(1);
  await socket.welcome();
  socket.drop(4009, 'session resumed on another connection');
  t.mock.timers.tick(60_000);
  assert.equal(server.sockets.length, 1);
  assert.equal(closed[0].error.code, 'RESUMED_ELSEWHERE');
});

test('backs off exponentially while reconnects fail, and starts over after a welcome', async (t) => {
  const { server, states } = setUp(t);
  (await server.socket(1)).drop(1006);
  for (let n = 2; n <= 4; n += 1) {
    t.mock.timers.tick(states.at(-1).delayMs);
    (await server.socket(n)).drop(1006);
  }
  assert.deepEqual(states.filter((s) => s.state === 'reconnecting').map((s) => s.delayMs), [500, 1000, 2000, 4000]);
  t.mock.timers.tick(4000);
  await (await server.socket(5)).welcome();
  server.sockets[4].drop(1001);
  assert.equal(states.at(-1).delayMs, 500);
});

test('after server.draining it reconnects when the server said, then resumes', async (t) => {
  const { server, states } = setUp(t);
  const first = await server.socket(1);
  await first.welcome();
  first.push({ type: 'server.draining', reconnectInMs: 3210 });
  first.drop(1012, 'server draining');
  assert.equal(states.at(-1).delayMs, 3210);
  t.mock.timers.tick(3209);
  assert.equal(server.sockets.length, 1);
  t.mock.timers.tick(1);
  const hello = await (await server.socket(2)).welcome();
  assert.equal(hello.resume, 'r1');
});

test('a presence version gap triggers presence.sync; older and next versions are applied in order', async (t) => {
  const { server, client } = setUp(t);
  const socket = await server.socket(1);
  await socket.welcome();
  const handle = await joinR(client, socket, [member('s1', 'smith', 'Dr. Smith')]);
  socket.push({ type: 'presence.joined', resource: R, version: 1, member: member('s1', 'smith', 'Dr. Smith') });
  socket.push({ type: 'presence.joined', resource: R, version: 2, member: member('s2', 'jane', 'Nurse Jane') });
  assert.deepEqual(handle.people.map((p) => p.name), ['Dr. Smith', 'Nurse Jane']);
  assert.equal(socket.sentOf('presence.sync').length, 0);
  socket.push({ type: 'presence.left', resource: R, version: 4, member: member('s2', 'jane', 'Nurse Jane'), reason: 'left' });
  const sync = await socket.next('presence.sync');
  assert.equal(sync.resource, R);
  socket.reply(sync, 'presence', { resource: R, version: 4, members: [member('s1', 'smith', 'Dr. Smith'), member('s3', 'admin', 'Dr. Admin')] });
  await settle();
  assert.equal(handle.version, 4);
  assert.deepEqual(handle.people.map((p) => p.name), ['Dr. Smith', 'Dr. Admin']);
});

test('an error reply rejects with a BatonError carrying code, retryable and details', async (t) => {
  const { server, client } = setUp(t);
  const socket = await server.socket(1);
  await socket.welcome();
  const handle = await joinR(client, socket);
  const acquiring = handle.acquire();
  const acquire = await socket.next('lock.acquire');
  socket.reply(acquire, 'error', { code: 'LOCK_HELD', message: 'Dr. Smith is editing', retryable: false,
    holder: { userId: 'smith', name: 'Dr. Smith' }, remainingMs: 240_000, inGrace: false, queueLength: 0 });
  const error = await acquiring.then(() => assert.fail('resolved'), (e) => e);
  assert.ok(error instanceof BatonError);
  assert.deepEqual([error.code, error.retryable, error.details.holder.name], ['LOCK_HELD', false, 'Dr. Smith']);
  assert.ok(client.remainingMs(error.details) > 239_000, 'details count down like a lock');
});

test('a command without reply fails with a retryable TIMEOUT', async (t) => {
  const { server, client } = setUp(t);
  const socket = await server.socket(1);
  await socket.welcome();
  const handle = await joinR(client, socket);
  const releasing = handle.release();
  await socket.next('lock.release');
  t.mock.timers.tick(5000);
  await assert.rejects(releasing, (e) => e.code === 'TIMEOUT' && e.retryable === true);
});

test('a command sent while reconnecting waits for the welcome', async (t) => {
  const { server, client } = setUp(t);
  const first = await server.socket(1);
  await first.welcome();
  const handle = await joinR(client, first);
  first.drop(1006);
  const releasing = handle.release();
  t.mock.timers.tick(500);
  const second = await server.socket(2);
  await second.welcome({ sessionId: 's1', resumed: true, resources: [joinedFields(R, [member('s1', 'smith', 'Dr. Smith')])] });
  const release = await second.next('lock.release');
  second.reply(release, 'lock.released', { resource: R });
  await releasing;
});

test('heartbeats every welcome.heartbeatMs; an unanswered one drops the socket and reconnects', async (t) => {
  const { server } = setUp(t);
  const first = await server.socket(1);
  await first.welcome({ heartbeatMs: 1000 });
  t.mock.timers.tick(1000);
  first.reply(await first.next('heartbeat'), 'heartbeat.ack', { locks: [] });
  t.mock.timers.tick(1000);
  await first.next('heartbeat');
  t.mock.timers.tick(5000);
  await settle();
  assert.equal(first.closedByClient.code, 4000);
  t.mock.timers.tick(500);
  assert.equal(server.sockets.length, 2);
});

test('pagehide says bye and stops; pageshow from the back-forward cache starts a new session', async (t) => {
  const { server, client, window } = setUp(t);
  const first = await server.socket(1);
  await first.welcome();
  await joinR(client, first);
  window.fire('pagehide');
  assert.equal(first.sentOf('bye').length, 1);
  assert.equal(client.state, 'closed');
  window.fire('pageshow', { persisted: true });
  const second = await server.socket(2);
  const hello = await second.welcome({ sessionId: 's7' });
  assert.equal(hello.resume, undefined, 'bye ended the session: nothing to resume');
  assert.equal((await second.next('join')).resource, R);
});

test('going offline closes the socket at once and waits for the network', async (t) => {
  const { server, window, states } = setUp(t);
  const first = await server.socket(1);
  await first.welcome();
  window.navigator.onLine = false;
  window.fire('offline');
  assert.deepEqual([first.closedByClient.code, states.at(-1).state], [4000, 'offline']);
  t.mock.timers.tick(60_000);
  assert.equal(server.sockets.length, 1);
  window.navigator.onLine = true;
  window.fire('online');
  t.mock.timers.tick(500);
  assert.equal((await server.socket(2)).url, 'ws://baton.test/v1/ws');
});

test('becoming visible sends a heartbeat and syncs presence of every joined resource', async (t) => {
  const { server, client, window } = setUp(t);
  const socket = await server.socket(1);
  await socket.welcome({ heartbeatMs: 60_000 });
  await joinR(client, socket);
  window.document.dispatchEvent(new Event('visibilitychange'));
  await socket.next('heartbeat');
  assert.equal((await socket.next('presence.sync')).resource, R);
});

test('remaining time is right on a client whose clock is 10 minutes wrong', async (t) => {
  const { server, client } = setUp(t, { client: { now: () => Date.now() - 600_000 } });
  const socket = await server.socket(1);
  await socket.welcome();
  const handle = await joinR(client, socket);
  socket.push({ type: 'lock.state', resource: R, lock: { holder: { userId: 'jane', name: 'Nurse Jane', sessionId: 's2' },
    acquiredAt: server.now(), expiresAt: server.now() + 252_000, remainingMs: 252_000, inGrace: false, queueLength: 0, takeover: null } });
  assert.ok(Math.abs(client.serverNow() - Date.now()) < 1000, 'serverNow follows the server, not the local clock');
  const left = client.remainingMs(handle.lock);
  assert.ok(left > 251_000 && left <= 252_000, `remaining ${left}`);
  assert.ok(Math.abs(client.remainingMs({ ...handle.lock }) - 252_000) < 1000, 'a copy falls back to expiresAt - serverNow()');
});

test('a grant makes the handle the holder before the lock.state that follows it', async (t) => {
  const { server, client } = setUp(t);
  const socket = await server.socket(1);
  await socket.welcome();
  const handle = await joinR(client, socket);
  const acquiring = handle.acquire({ wait: true });
  const acquire = await socket.next('lock.acquire');
  assert.equal(acquire.wait, true);
  const expiresAt = server.now() + 20_000;
  socket.reply(acquire, 'lock.granted', { resource: R, token: 42, expiresAt, remainingMs: 20_000 });
  assert.deepEqual(await acquiring, { granted: true, token: 42, expiresAt, remainingMs: 20_000 });
  assert.deepEqual([handle.holding, handle.token, handle.role], [true, 42, 'editor']);
});

test('lock.expiring reaches the handle of its resource as expiring, with the remaining time counted from arrival', async (t) => {
  const { server, client } = setUp(t, { client: { now: () => Date.now() - 600_000 } });
  const socket = await server.socket(1);
  await socket.welcome();
  const handle = await joinR(client, socket);
  const other = 'operation-report:42:procedure';
  const joiningOther = client.join(other);
  socket.reply(await socket.next('join'), 'joined', joinedFields(other, [member('s1', 'smith', 'Dr. Smith')]));
  const otherHandle = await joiningOther;
  const acquiring = handle.acquire();
  socket.reply(await socket.next('lock.acquire'), 'lock.granted',
    { resource: R, token: 42, expiresAt: server.now() + 20_000, remainingMs: 20_000 });
  await acquiring;
  const seen = [];
  handle.on('expiring', (lease) => seen.push(lease));
  otherHandle.on('expiring', (lease) => assert.fail(`the other resource got ${JSON.stringify(lease)}`));
  let clientExpiring = 0;
  client.on('expiring', () => { clientExpiring += 1; });

  const expiresAt = server.now() + 4969;
  socket.push({ type: 'lock.expiring', resource: R, token: 42, expiresAt, remainingMs: 4969 });
  assert.equal(seen.length, 1);
  const [lease] = seen;
  assert.deepEqual({ resource: lease.resource, token: lease.token, expiresAt: lease.expiresAt, remainingMs: lease.remainingMs },
    { resource: R, token: 42, expiresAt, remainingMs: 4969 });
  const left = client.remainingMs(lease);
  assert.ok(left > 4000 && left <= 4975, `remaining ${left} ms on a client 10 minutes behind`); // 4969, give or take the clock estimate
  assert.equal(clientExpiring, 0, 'the client-level expiring is the JWT\'s (auth.expiring), not the lock\'s');
  assert.equal(handle.holding, true, 'a warning, not an expiry: the lock is still held');

  // Read 3 s after the server sent it (the tab was frozen): the 3 s already passed count.
  socket.push({ type: 'lock.expiring', ts: server.now() - 3000, resource: R, token: 42, expiresAt, remainingMs: 7000 });
  const late = client.remainingMs(seen[1]);
  // 7000 - 3000 = 4000, give or take the client's sub-millisecond estimate of the server's clock
  // (the most prompt recent messages' ts - now, each stamped with whole milliseconds).
  assert.ok(late > 3000 && late <= 4005, `remaining ${late} ms of a warning read 3 s late`);
});

test('a jump of the local wall clock does not make messages look late', async (t) => {
  let jumpMs = 0;
  const { server, client } = setUp(t, { client: { now: () => Date.now() + jumpMs } });
  const socket = await server.socket(1);
  await socket.welcome();
  const handle = await joinR(client, socket);
  jumpMs = 3_600_000;
  socket.push({ type: 'lock.state', resource: R, lock: { holder: { userId: 'jane', name: 'Nurse Jane', sessionId: 's2' },
    acquiredAt: server.now(), expiresAt: server.now() + 20_000, remainingMs: 20_000, inGrace: false, queueLength: 0, takeover: null } });
  const left = client.remainingMs(handle.lock);
  assert.ok(left > 19_000 && left <= 20_000, `remaining ${left} ms after the wall clock jumped an hour`);
});

test('answers auth.expiring by calling getToken and sending auth.refresh', async (t) => {
  let calls = 0;
  const { server, client } = setUp(t, { client: { token: undefined, getToken: async () => `jwt-${++calls}` } });
  const expiring = [];
  const refreshed = [];
  client.on('expiring', (e) => expiring.push(e));
  client.on('refreshed', (r) => refreshed.push(r));
  const socket = await server.socket(1);
  await socket.welcome();
  socket.push({ type: 'auth.expiring', expiresAt: 1_000_000, remainingMs: 30_000 });
  const refresh = await socket.next('auth.refresh');
  assert.equal(refresh.token, 'jwt-2');
  assert.deepEqual(expiring, [{ expiresAt: 1_000_000, remainingMs: 30_000 }]);
  socket.reply(refresh, 'auth.refreshed', { expiresAt: 2_000_000, remainingMs: 1_000_000,
    user: { id: 'smith', name: 'Dr. Smith', roles: ['admin'] } });
  await settle();
  assert.equal(refreshed[0].expiresAt, 2_000_000);
  assert.deepEqual(client.user.roles, ['admin']);
  assert.equal(client.state, 'open');
});

test('without getToken it reports auth.expiring and sends nothing', async (t) => {
  const { server, client } = setUp(t);
  const expiring = [];
  client.on('expiring', (e) => expiring.push(e));
  const socket = await server.socket(1);
  await socket.welcome();
  socket.push({ type: 'auth.expiring', expiresAt: 1_000_000, remainingMs: 30_000 });
  await settle();
  assert.equal(expiring.length, 1);
  assert.equal(socket.sentOf('auth.refresh').length, 0);
});

test('a refused refresh is reported as an error and keeps the connection', async (t) => {
  const { server, client } = setUp(t, { client: { token: undefined, getToken: () => 'jwt-other' } });
  const errors = [];
  client.on('error', (e) => errors.push(e));
  const socket = await server.socket(1);
  await socket.welcome();
  socket.push({ type: 'auth.expiring', expiresAt: 1_000_000, remainingMs: 30_000 });
  const refresh = await socket.next('auth.refresh');
  socket.push({ re: refresh.id, type: 'error', code: 'FORBIDDEN', message: 'the token is for another user', retryable: false });
  await settle();
  assert.equal(errors[0].code, 'FORBIDDEN');
  assert.equal(client.state, 'open');
});

test('with getToken a 4001 after the welcome (token expired) reconnects and resumes with a new token', async (t) => {
  let calls = 0;
  const { server, client } = setUp(t, { client: { token: undefined, getToken: () => `jwt-${++calls}` } });
  const first = await server.socket(1);
  await first.welcome();
  first.drop(4001, 'token expired');
  assert.equal(client.state, 'reconnecting');
  t.mock.timers.tick(500);
  const second = await server.socket(2);
  const hello = await second.welcome({ sessionId: 's1', resumed: true });
  assert.equal(hello.token, 'jwt-2');
  assert.equal(hello.resume, 'r1');
  assert.equal(client.state, 'open');
});

test('reconnects and resumes after 4008 (rate limit) and 4010 (read too slowly), restoring state from the welcome', async (t) => {
  const { server, client, states } = setUp(t);
  const first = await server.socket(1);
  await first.welcome();
  const handle = await joinR(client, first);
  first.drop(4010, 'too slow: reconnect and resync');
  assert.equal(states.at(-1).state, 'reconnecting');
  t.mock.timers.tick(500);
  const second = await server.socket(2);
  const members = [member('s1', 'smith', 'Dr. Smith'), member('s9', 'jane', 'Nurse Jane')];
  await second.welcome({ sessionId: 's1', resumed: true, resources: [{ resource: R, role: 'viewer',
    lock: { holder: null, acquiredAt: null, expiresAt: null, remainingMs: null, inGrace: false, queueLength: 0, takeover: null },
    presence: { version: 9, members } }] });
  await settle();
  assert.equal(handle.version, 9, 'the events missed while too slow are replaced by the welcome\'s state');
  second.drop(4008, 'rate limit exceeded');
  assert.equal(states.at(-1).state, 'reconnecting');
  assert.equal(client.state, 'reconnecting');
});
