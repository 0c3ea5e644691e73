/**
 * Baton browser client: presence and single-editor locks over Baton's WebSocket protocol v1.
 *
 * One dependency-free ES module. It says `hello` (and `hello` with the resume token on every
 * reconnect), sends heartbeats, refreshes its JWT with `getToken` when the server says it is expiring
 * (`auth.expiring` → `auth.refresh`), reconnects with exponential backoff and full jitter, says `bye` when
 * the page goes away, estimates the server's clock from the `ts` of every message, and gives each
 * joined resource a handle with lock commands, grouped presence and events.
 *
 * ```js
 * import { connect } from '/client/baton-client.js';
 * const client = connect({ url: 'wss://baton.example/v1/ws', getToken: () => fetchMyJwt() });
 * const report = await client.join('operation-report:42:diagnosis');
 * report.on('lock', ({ lock, holding }) => render(lock, holding));
 * await report.acquire();
 * ```
 *
 * Everything runs on the page's event loop; nothing here is shared between threads.
 *
 * @module baton-client
 */

/** The WebSocket subprotocol of Baton protocol v1. */
export const PROTOCOL = 'baton.v1';

/**
 * Close codes after which the client stops: 1000 (bye), 4001 (unauthenticated), 4009 (resumed elsewhere).
 * Every other code reconnects and resumes, among them 4008 (rate limit) and 4010 (the client read too
 * slowly): the welcome of the resume then brings every joined resource's state back. A 4001 after a
 * welcome on the same socket (the token expired) also reconnects when `getToken` can fetch a new one.
 */
const FINAL_CLOSE_CODES = new Set([1000, 4001, 4009]);
/** The code this client closes with when the network goes away or the connection stops answering. */
const CLIENT_DROP_CODE = 4000;
/** How many recent `ts` samples the clock estimate keeps. */
const CLOCK_SAMPLES = 16;

const DEFAULTS = Object.freeze({ requestTimeoutMs: 10_000, backoffBaseMs: 500, backoffCapMs: 30_000 });

// ------------------------------------------------------------------------------------------ errors

/**
 * A refusal or failure, carrying the server's error code (`LOCK_HELD`, `NOT_HOLDER`, ...) or one of
 * the client's own: `TIMEOUT` (no reply in time), `DISCONNECTED` (the connection dropped before the
 * reply), `CLOSED` (the client was closed), `RESUMED_ELSEWHERE` (close 4009).
 */
export class BatonError extends Error {
  /**
   * @param {string} code the error code
   * @param {string} message a human-readable message
   * @param {{retryable?: boolean, details?: object}} [options] whether trying again may work, and
   *     the reply's other fields (`holder`, `remainingMs`, `limit`, ...)
   */
  constructor(code, message, { retryable = false, details = {} } = {}) {
    super(message);
    this.name = 'BatonError';
    this.code = code;
    this.retryable = retryable;
    this.details = details;
  }

  /**
   * Builds the error for an `error` reply.
   *
   * @param {object} reply `{type: "error", code, message, retryable, ...details}`
   * @returns {BatonError}
   */
  static fromReply(reply) {
    const { re, type, ts, code, message, retryable, ...details } = reply;
    return new BatonError(code, message, { retryable: Boolean(retryable), details });
  }
}

// ------------------------------------------------------------------------------------ pure helpers

/**
 * The delay before reconnect attempt `attempt` (0-based): exponential backoff with full jitter,
 * `random(0, min(capMs, baseMs * 2^attempt))`, so that clients dropped together do not come back together.
 *
 * @param {number} attempt how many attempts have failed since the last welcome
 * @param {{baseMs?: number, capMs?: number}} [limits]
 * @param {() => number} [random] a source of numbers in [0, 1)
 * @returns {number} whole milliseconds
 */
export function backoffDelay(attempt, { baseMs = DEFAULTS.backoffBaseMs, capMs = DEFAULTS.backoffCapMs } = {},
  random = Math.random) {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/**
 * Groups members by user: one user with two tabs is one person, present until the last tab goes,
 * `away` only when every tab is away, `editing` when any tab holds the lock. People keep the order
 * in which their first session appears.
 *
 * @param {Member[]} members the resource's members, one per session
 * @param {string} [selfUserId] this client's user, marked `self: true`
 * @returns {Person[]}
 */
export function groupPresence(members, selfUserId) {
  const people = new Map();
  for (const m of members) {
    let p = people.get(m.userId);
    if (!p) {
      p = { userId: m.userId, name: m.name, status: 'away', editing: false, self: m.userId === selfUserId,
        since: m.since, sessions: [] };
      people.set(m.userId, p);
    }
    p.sessions.push(m);
    if (m.status === 'online') {
      p.status = 'online';
    }
    if (m.role === 'editor') {
      p.editing = true;
    }
    p.since = Math.max(p.since, m.since);
  }
  return [...people.values()];
}

/**
 * Estimates the server's clock from the `ts` of received messages. A sample `ts - localNow` is the
 * offset less the message's travel time, so the largest recent sample is the best estimate.
 */
export class ServerClock {
  #now;
  #samples = [];
  #offsetMs = 0;

  /** @param {() => number} [now] the local wall clock, epoch milliseconds */
  constructor(now = () => Date.now()) {
    this.#now = now;
  }

  /**
   * Takes one message timestamp into the estimate.
   *
   * @param {number} ts the server's epoch milliseconds when it sent the message
   */
  observe(ts) {
    if (typeof ts !== 'number') {
      return;
    }
    this.#samples.push(ts - this.#now());
    if (this.#samples.length > CLOCK_SAMPLES) {
      this.#samples.shift();
    }
    this.#offsetMs = Math.max(...this.#samples);
  }

  /** @returns {number} server time minus local time, in milliseconds */
  get offsetMs() {
    return this.#offsetMs;
  }

  /** @returns {number} the server's current epoch milliseconds, as estimated */
  now() {
    return this.#now() + this.#offsetMs;
  }
}

// --------------------------------------------------------------------------------------- emitter

/** A minimal event emitter: `on` returns its own unsubscribe function. */
class Emitter {
  #listeners = new Map();

  /**
   * Adds a listener.
   *
   * @param {string} type the event name
   * @param {(detail: any) => void} listener called with the event's detail
   * @returns {() => void} removes the listener
   */
  on(type, listener) {
    if (!this.#listeners.has(type)) {
      this.#listeners.set(type, new Set());
    }
    this.#listeners.get(type).add(listener);
    return () => this.off(type, listener);
  }

  /**
   * Removes a listener added with {@link Emitter#on}.
   *
   * @param {string} type the event name
   * @param {(detail: any) => void} listener the listener
   */
  off(type, listener) {
    this.#listeners.get(type)?.delete(listener);
  }

  /** Calls every listener of `type`; a listener that throws is reported and does not stop the others. */
  emit(type, detail) {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) {
      try {
        listener(detail);
      } catch (e) {
        (globalThis.reportError ?? console.error)(e);
      }
    }
  }
}

// ------------------------------------------------------------------------------- resource handle

/**
 * One joined resource. Obtained from {@link BatonClient#join}; its state follows the server's replies
 * and events, also across reconnects.
 *
 * Events (`handle.on(name, fn)`): `presence` {people, members, version}, `lock` {lock, holding},
 * `granted` (lease and `handedOver`), `queued` {position}, `expiring` (lease), `expired` {token}, `revoked` {by, reason},
 * `requested` {by, message}, `takeoverRequested` {by, reason, deadline, remainingMs},
 * `takeoverDeclined` {by, reason}.
 */
export class ResourceHandle extends Emitter {
  #client;
  #lock = null;
  #syncing = false;

  /**
   * @param {BatonClient} client the owning client
   * @param {object} joined the `joined` reply
   * @param {'view'|'edit'} mode the mode it was joined with
   */
  constructor(client, joined, mode) {
    super();
    this.#client = client;
    /** @type {string} the normalized resource id */
    this.resource = joined.resource;
    /** @type {'view'|'edit'} the mode to join with again after a lost session */
    this.mode = mode;
    /** @type {object} the effective policy (`joined.policy`) */
    this.policy = joined.policy;
    /** @type {number|null} this session's place in the lock queue, or null */
    this.position = null;
    /** @type {string|null} why a `mode: "edit"` join made this session a viewer (`LOCK_HELD`, ...), or null */
    this.downgraded = joined.downgraded ? joined.reason : null;
    this.restore(joined);
  }

  /** @returns {LockState|null} the lock as last reported */
  get lock() {
    return this.#lock;
  }

  /** @returns {boolean} whether this session (this tab) holds the lock */
  get holding() {
    return Boolean(this.#lock?.holder) && this.#lock.holder.sessionId === this.#client.sessionId;
  }

  /** @returns {number|null} the fencing token while this session holds the lock */
  get token() {
    return this.holding ? this.#lock.token ?? null : null;
  }

  /** @returns {'editor'|'viewer'} this session's role */
  get role() {
    return this.holding ? 'editor' : 'viewer';
  }

  /**
   * Asks for the lock.
   *
   * @param {{wait?: boolean, takeOwn?: boolean}} [options] `wait`: queue when it is held (policy
   *     `conflict: queue`); `takeOwn`: move it from another tab of the same user
   * @returns {Promise<{granted: true, token: number, expiresAt: number, remainingMs: number} | {queued: true, position: number}>}
   * @throws {BatonError} LOCK_HELD (with `details.holder`, `details.remainingMs`), LOCK_LIMIT, NOT_JOINED, ...
   */
  async acquire({ wait = false, takeOwn = false } = {}) {
    const reply = await this.#client.request('lock.acquire', { resource: this.resource, wait, takeOwn });
    return this.#acquired(reply);
  }

  /**
   * Gives the lock back.
   *
   * @returns {Promise<void>}
   * @throws {BatonError} NOT_HOLDER
   */
  async release() {
    await this.#client.request('lock.release', { resource: this.resource });
  }

  /**
   * Asks the holder to let this user edit (they get `requested`).
   *
   * @param {string} [message] shown to the holder
   * @returns {Promise<void>}
   * @throws {BatonError} RATE_LIMITED (once per 30 s), BAD_REQUEST when nobody else holds it
   */
  async requestLock(message) {
    await this.#client.request('lock.request', { resource: this.resource, message });
  }

  /**
   * Takes the lock over: admins after the policy's deadline (or at once when the holder accepts),
   * with `force` the emergency role at once (break-glass).
   *
   * @param {{reason: string, force?: boolean}} options the reason is shown to the holder and audited
   * @returns {Promise<{granted: true, token: number, expiresAt: number, remainingMs: number} | {pending: true, deadline: number, remainingMs: number}>}
   * @throws {BatonError} FORBIDDEN, TAKEOVER_PENDING, BAD_REQUEST
   */
  async takeover({ reason, force = false }) {
    const reply = await this.#client.request('lock.takeover', { resource: this.resource, reason, force });
    return this.#acquired(reply);
  }

  /**
   * The holder's answer to `takeoverRequested`: `true` hands the lock over now.
   *
   * @param {boolean} accept
   * @returns {Promise<void>}
   */
  async respondTakeover(accept) {
    await this.#client.request('takeover.respond', { resource: this.resource, accept });
  }

  /**
   * Leaves the lock queue, or withdraws this session's pending takeover.
   *
   * @returns {Promise<void>}
   */
  async cancel() {
    await this.#client.request('lock.cancel', { resource: this.resource });
    this.position = null;
  }

  /**
   * Leaves the resource (releasing its lock and queue place); the handle is dead afterwards.
   *
   * @returns {Promise<void>}
   */
  async leave() {
    await this.#client.request('leave', { resource: this.resource });
    this.#client.forget(this);
  }

  /** Asks the server for the full member list (after a version gap or a hidden tab). @internal */
  async sync() {
    if (this.#syncing) {
      return;
    }
    this.#syncing = true;
    try {
      const reply = await this.#client.request('presence.sync', { resource: this.resource });
      this.#setPresence(reply.version, reply.members);
    } catch (e) {
      if (!(e instanceof BatonError)) {
        throw e;
      }
    } finally {
      this.#syncing = false;
    }
  }

  /** Replaces the state with a snapshot (`joined` or a `welcome.resources` entry). @internal */
  restore(state) {
    this.#setLock(state.lock);
    this.#setPresence(state.presence.version, state.presence.members);
  }

  /** Applies one pushed event addressed to this resource. @internal */
  apply(m) {
    switch (m.type) {
      case 'presence.joined':
      case 'presence.left':
      case 'presence.changed':
        this.#presenceEvent(m);
        break;
      case 'presence':
        // Pushed (no re) when a node resynchronized the resource (Redis store): the whole member list,
        // possibly with the same or an older-looking version; a lock.state follows.
        this.#setPresence(m.version, m.members);
        break;
      case 'lock.state':
        this.#setLock(m.lock);
        break;
      case 'lock.granted':
        this.#granted(m);
        break;
      case 'lock.queued':
        this.position = m.position;
        this.emit('queued', { position: m.position });
        break;
      case 'lock.expiring':
        this.emit('expiring', m);
        break;
      case 'lock.expired':
        this.emit('expired', { token: m.token });
        break;
      case 'lock.revoked':
        this.emit('revoked', { token: m.token, by: m.by, reason: m.reason });
        break;
      case 'lock.requested':
        this.emit('requested', { by: m.by, message: m.message });
        break;
      case 'takeover.requested':
        this.emit('takeoverRequested', m);
        break;
      case 'takeover.declined':
        this.emit('takeoverDeclined', { by: m.by, reason: m.reason });
        break;
      default:
        break;
    }
  }

  /** The outcome of `lock.acquire` or `lock.takeover`, stamped for {@link BatonClient#remainingMs}. */
  #acquired(reply) {
    let result;
    if (reply.type === 'lock.granted') {
      this.#granted(reply);
      result = { granted: true, token: reply.token, expiresAt: reply.expiresAt, remainingMs: reply.remainingMs };
    } else if (reply.type === 'lock.queued') {
      this.position = reply.position;
      this.emit('queued', { position: reply.position });
      result = { queued: true, position: reply.position };
    } else {
      result = { pending: true, deadline: reply.deadline, remainingMs: reply.remainingMs };
    }
    this.#client.stamp(result, reply);
    return result;
  }

  /**
   * A grant: holding at once, before the `lock.state` that follows it. `granted` carries
   * `handedOver: true` for a push (queue hand-off, takeover deadline or acceptance), false for the
   * answer to this tab's own command.
   */
  #granted(lease) {
    this.position = null;
    if (!this.holding || this.#lock.token !== lease.token) {
      const { id: userId, name } = this.#client.user;
      const lock = { holder: { userId, name, sessionId: this.#client.sessionId }, token: lease.token,
        acquiredAt: null, expiresAt: lease.expiresAt, remainingMs: lease.remainingMs, inGrace: false,
        queueLength: this.#lock?.queueLength ?? 0, takeover: null };
      this.#client.stamp(lock, lease);
      this.#setLock(lock);
    }
    const detail = { resource: lease.resource, token: lease.token, expiresAt: lease.expiresAt,
      remainingMs: lease.remainingMs, handedOver: lease.re === undefined };
    this.#client.stamp(detail, lease);
    this.emit('granted', detail);
  }

  #setLock(lock) {
    this.#lock = lock;
    if (this.position !== null && (this.holding || !lock?.queueLength)) {
      this.position = null;
    }
    this.emit('lock', { lock, holding: this.holding });
  }

  #presenceEvent(m) {
    if (m.version <= this.version) {
      return;
    }
    if (m.version > this.version + 1) {
      this.sync();
      return;
    }
    const members = this.members.filter((x) => x.sessionId !== m.member.sessionId);
    if (m.type !== 'presence.left') {
      const at = this.members.findIndex((x) => x.sessionId === m.member.sessionId);
      members.splice(at < 0 ? members.length : at, 0, m.member);
    }
    this.#setPresence(m.version, members);
  }

  #setPresence(version, members) {
    /** @type {number} the presence version */
    this.version = version;
    /** @type {Member[]} one entry per session */
    this.members = members;
    /** @type {Person[]} members grouped by user */
    this.people = groupPresence(members, this.#client.user?.id);
    this.emit('presence', { people: this.people, members, version });
  }
}

// ---------------------------------------------------------------------------------------- client

/**
 * A connection to Baton that stays up: create it with {@link connect}.
 *
 * Events (`client.on(name, fn)`): `state` {state, attempt?, delayMs?, code?, reason?} on every change
 * of `client.state` (`connecting`, `open`, `reconnecting`, `offline`, `closed`); `welcome` (the welcome
 * message); `draining` {reconnectInMs}; `expiring` {expiresAt, remainingMs} when the server says the
 * JWT runs out (with `getToken` the client refreshes it by itself); `refreshed` (the `auth.refreshed`
 * reply); `closed` {code, reason, error?} when the client stops; `error` (a BatonError the server pushed
 * without a request, a failed re-join, or a failed token refresh).
 */
export class BatonClient extends Emitter {
  #options;
  #env;
  #clock;
  /** The server's clock against the local monotonic one: how late a message is read, whatever the wall clock does. */
  #monotonicClock;
  #ws = null;
  #seq = 0;
  #pending = new Map();
  #outbox = [];
  #handles = new Map();
  #joins = new Map();
  #attempt = 0;
  #retryTimer = null;
  #heartbeatTimer = null;
  #drainDelayMs = null;
  #resumeToken = null;
  #helloError = null;
  #endedByPagehide = false;
  /** Whether the current socket got its welcome (a 4001 after it means the token expired). */
  #welcomed = false;
  #stamps = new WeakMap();
  #unlisten = [];

  /** @param {ConnectOptions} options see {@link connect} */
  constructor(options) {
    super();
    if (!options?.url || !(options.token || options.getToken)) {
      throw new TypeError('connect() needs a url and a token or getToken');
    }
    this.#options = { ...DEFAULTS, ...options };
    this.#env = options.environment ?? globalThis;
    this.#clock = new ServerClock(options.now);
    this.#monotonicClock = new ServerClock(() => performance.now());
    /** @type {'connecting'|'open'|'reconnecting'|'offline'|'closed'} */
    this.state = 'connecting';
    /** @type {string|null} this tab's session id */
    this.sessionId = null;
    /** @type {{id: string, name: string, roles: string[]}|null} the authenticated user */
    this.user = null;
    this.#listen();
    this.#open();
  }

  /** @returns {number} the server's current epoch milliseconds, estimated from message timestamps */
  serverNow() {
    return this.#clock.now();
  }

  /** @returns {number} server time minus local time, in milliseconds */
  get clockOffsetMs() {
    return this.#clock.offsetMs;
  }

  /**
   * Milliseconds left on anything the server gave a `remainingMs` (a lock, a lease, a takeover, a
   * `LOCK_HELD` error's details), counted down on the local monotonic clock from its arrival (less
   * how late the message was read, by its `ts`, as in a frozen or throttled tab), so it
   * is right on a client whose wall clock is wrong. For a copy the client never saw, it falls back
   * to `expiresAt` (or `deadline`) against {@link BatonClient#serverNow}.
   *
   * @param {{remainingMs?: number|null, expiresAt?: number|null, deadline?: number|null}|null} x
   * @returns {number} never negative; 0 for null
   */
  remainingMs(x) {
    if (!x) {
      return 0;
    }
    const at = this.#stamps.get(x);
    if (at !== undefined && typeof x.remainingMs === 'number') {
      return Math.max(0, x.remainingMs - (performance.now() - at));
    }
    const end = x.expiresAt ?? x.deadline;
    return typeof end === 'number' ? Math.max(0, end - this.serverNow()) : 0;
  }

  /**
   * Joins a resource (idempotent: joining again returns the same handle). With `mode: "edit"` the
   * lock is taken when free; when someone else holds it the handle is a viewer and
   * `handle.downgraded` says why.
   *
   * @param {string} resource `type:id:child` (or `type:id` for its `main` child)
   * @param {{mode?: 'view'|'edit'}} [options]
   * @returns {Promise<ResourceHandle>}
   * @throws {BatonError} INVALID_RESOURCE, FORBIDDEN, VIEWER_LIMIT, JOIN_LIMIT
   */
  join(resource, { mode = 'view' } = {}) {
    const existing = this.#handles.get(resource) ?? this.#joins.get(resource);
    if (existing) {
      return Promise.resolve(existing);
    }
    const joining = this.request('join', { resource, mode }).then((reply) => {
      this.#joins.delete(resource);
      const known = this.#handles.get(reply.resource);
      if (known) {
        known.restore(reply);
        return known;
      }
      const handle = new ResourceHandle(this, reply, mode);
      this.#handles.set(handle.resource, handle);
      return handle;
    }, (e) => {
      this.#joins.delete(resource);
      throw e;
    });
    this.#joins.set(resource, joining);
    return joining;
  }

  /**
   * Ends the session at once (`bye`: its locks are released without grace) and stops for good.
   * A page need not call it on unload: the client says `bye` by itself on `pagehide`.
   */
  close() {
    this.#end(1000, 'client closed');
    this.#unlisten.forEach((unlisten) => unlisten());
    this.#unlisten = [];
  }

  /**
   * Replaces the connection's JWT before it expires (`auth.refresh`): the server checks it as at
   * `hello` (same user), then closes the connection at the new token's expiry instead of the old one's.
   * With `getToken` the client calls this by itself when the server pushes `auth.expiring`.
   *
   * @param {string} token a fresh JWT of the same user
   * @returns {Promise<object>} the `auth.refreshed` reply `{expiresAt, remainingMs, user}`
   * @throws {BatonError} UNAUTHENTICATED (a bad or expired token), FORBIDDEN (another user's token)
   */
  async refresh(token) {
    const reply = await this.request('auth.refresh', { token });
    this.user = reply.user ?? this.user;
    this.emit('refreshed', reply);
    return reply;
  }

  /**
   * Sends one command and resolves with its reply. While the connection is down the command waits
   * for the next welcome; either way it fails with `TIMEOUT` after `requestTimeoutMs`.
   *
   * @param {string} type the command
   * @param {object} [fields] its fields
   * @param {{timeoutMs?: number}} [options]
   * @returns {Promise<object>} the reply message
   * @throws {BatonError} the server's error, or TIMEOUT, DISCONNECTED, CLOSED
   */
  request(type, fields = {}, { timeoutMs = this.#options.requestTimeoutMs } = {}) {
    if (this.state === 'closed') {
      return Promise.reject(new BatonError('CLOSED', 'the client was closed'));
    }
    return new Promise((resolve, reject) => {
      const id = this.#nextId();
      const entry = { id, type, fields, resolve, reject, sent: false };
      entry.timer = setTimeout(() => {
        this.#pending.delete(id);
        this.#outbox = this.#outbox.filter((e) => e !== entry);
        reject(new BatonError('TIMEOUT', `no reply to ${type} within ${timeoutMs} ms`, { retryable: true }));
      }, timeoutMs);
      this.#pending.set(id, entry);
      if (this.state === 'open') {
        this.#send(entry);
      } else {
        this.#outbox.push(entry);
      }
    });
  }

  /** Forgets a handle that left. @internal */
  forget(handle) {
    this.#handles.delete(handle.resource);
  }

  /**
   * Marks every object in `x` that has a `remainingMs` for {@link BatonClient#remainingMs}: as counted
   * from the same moment as `source` (a received message it was copied from), else from now. @internal
   */
  stamp(x, source) {
    this.#stampAt(x, (source && this.#stamps.get(source)) ?? performance.now());
  }

  /** `at`: the local monotonic time (`performance.now()`) at which the `remainingMs` values were exact. */
  #stampAt(x, at) {
    if (typeof x.remainingMs === 'number') {
      this.#stamps.set(x, at);
    }
    for (const v of Object.values(x)) {
      if (v && typeof v === 'object') {
        this.#stampAt(v, at);
      }
    }
  }

  // ---------------------------------------------------------------------- connection lifecycle

  async #open() {
    this.#retryTimer = null;
    let token;
    try {
      token = this.#options.token ?? await this.#options.getToken();
    } catch (e) {
      this.#retry(null, `getToken failed: ${e?.message ?? e}`);
      return;
    }
    if (this.state === 'closed') {
      return;
    }
    const WebSocketImpl = this.#options.WebSocket ?? globalThis.WebSocket;
    const ws = new WebSocketImpl(this.#options.url, PROTOCOL);
    this.#ws = ws;
    this.#welcomed = false;
    ws.onopen = () => this.#hello(ws, token);
    ws.onmessage = (e) => this.#onMessage(e.data);
    ws.onclose = (e) => {
      if (this.#ws === ws) {
        this.#ws = null;
        this.#onClose(e.code, e.reason);
      }
    };
  }

  #hello(ws, token) {
    const id = this.#nextId();
    this.#helloError = null;
    const timer = setTimeout(() => this.#drop('no welcome in time'), this.#options.requestTimeoutMs);
    this.#pending.set(id, {
      id, type: 'hello', sent: true, timer,
      resolve: (welcome) => this.#onWelcome(welcome),
      reject: (e) => {
        this.#helloError = e;
      },
    });
    ws.send(JSON.stringify({ id, type: 'hello', token, ...(this.#resumeToken ? { resume: this.#resumeToken } : {}) }));
  }

  #onWelcome(w) {
    const hadSession = this.sessionId !== null;
    const heldTokens = new Map([...this.#handles.values()].map((h) => [h, h.token]));
    this.sessionId = w.sessionId;
    this.user = w.user;
    this.#resumeToken = w.resumeToken;
    this.#attempt = 0;
    this.#welcomed = true;
    this.#setState('open');
    this.emit('welcome', w);
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = setInterval(() => this.#heartbeat(), w.heartbeatMs);
    const outbox = this.#outbox;
    this.#outbox = [];
    outbox.forEach((entry) => this.#send(entry));
    const kept = new Map((w.resumed ? w.resources : []).map((r) => [r.resource, r]));
    for (const [handle, token] of heldTokens) {
      if (kept.has(handle.resource)) {
        handle.restore(kept.get(handle.resource));
      } else if (hadSession) {
        this.#rejoin(handle, token);
      }
    }
  }

  /** After a lost session: joins again, in edit mode if it held the lock, and reports a lost lock. */
  async #rejoin(handle, lostToken) {
    handle.position = null;
    try {
      const reply = await this.request('join', { resource: handle.resource, mode: lostToken !== null ? 'edit' : handle.mode });
      handle.restore(reply);
    } catch (e) {
      this.emit('error', e);
      return;
    }
    if (lostToken !== null && handle.token !== lostToken) {
      handle.emit('expired', { token: lostToken });
    }
  }

  #onClose(code, reason) {
    clearInterval(this.#heartbeatTimer);
    this.#failPending(new BatonError('DISCONNECTED', `the connection closed (${code}) before the reply`,
      { retryable: true }), (entry) => entry.sent);
    if (this.state === 'closed') {
      return;
    }
    const tokenExpired = code === 4001 && this.#welcomed && typeof this.#options.getToken === 'function';
    if (FINAL_CLOSE_CODES.has(code) && !tokenExpired) {
      const error = code === 4001 ? this.#helloError ?? new BatonError('UNAUTHENTICATED', reason || 'unauthenticated')
        : code === 4009 ? new BatonError('RESUMED_ELSEWHERE', 'this session was resumed on another connection')
          : new BatonError('CLOSED', 'the server ended the session');
      this.#stop(error);
      this.#finish(code, reason, error);
      return;
    }
    this.#retry(code, reason);
  }

  #retry(code, reason) {
    if (this.#env.navigator?.onLine === false) {
      this.#setState('offline', { code, reason });
      return;
    }
    const delayMs = this.#drainDelayMs ?? backoffDelay(this.#attempt,
      { baseMs: this.#options.backoffBaseMs, capMs: this.#options.backoffCapMs }, this.#options.random);
    this.#drainDelayMs = null;
    this.#attempt += 1;
    this.#setState('reconnecting', { attempt: this.#attempt, delayMs, code, reason });
    this.#retryTimer = setTimeout(() => this.#open(), delayMs);
  }

  /** Abandons a socket that cannot carry messages any more (network gone, heartbeat unanswered). */
  #drop(reason) {
    const ws = this.#detach();
    if (ws) {
      ws.close(CLIENT_DROP_CODE, reason);
      this.#onClose(CLIENT_DROP_CODE, reason);
    }
  }

  /** Says `bye` when the session is up, closes the socket and stops; the handles stay for a restart. */
  #end(code, reason) {
    if (this.state === 'closed') {
      return;
    }
    const open = this.state === 'open';
    const ws = this.#detach();
    if (ws && open) {
      ws.send(JSON.stringify({ id: this.#nextId(), type: 'bye' }));
    } else {
      ws?.close(1000, reason);
    }
    this.#stop(new BatonError('CLOSED', 'the client was closed'));
    this.#finish(code, reason);
  }

  #heartbeat() {
    if (this.state !== 'open') {
      return;
    }
    const ws = this.#ws;
    this.request('heartbeat').catch((e) => {
      if (e.code === 'TIMEOUT' && this.#ws === ws) {
        this.#drop('heartbeat unanswered');
      }
    });
  }

  // ------------------------------------------------------------------------------- messages

  #onMessage(text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    if (!m || typeof m !== 'object') {
      return;
    }
    this.#clock.observe(m.ts);
    this.#monotonicClock.observe(m.ts);
    // A message read late (the tab was frozen or throttled) was exact when the server sent it: count
    // its remainingMs from then, by an estimate on the monotonic clock that the prompt messages keep
    // right (the wall clock may jump).
    const lateMs = typeof m.ts === 'number' ? Math.max(0, this.#monotonicClock.now() - m.ts) : 0;
    this.#stampAt(m, performance.now() - lateMs);
    if (m.re !== undefined) {
      const entry = this.#pending.get(m.re);
      if (entry) {
        this.#pending.delete(m.re);
        clearTimeout(entry.timer);
        if (m.type === 'error') {
          const error = BatonError.fromReply(m);
          this.stamp(error.details, m);
          entry.reject(error);
        } else {
          entry.resolve(m);
        }
      }
      return;
    }
    if (m.type === 'server.draining') {
      this.#drainDelayMs = m.reconnectInMs;
      this.emit('draining', { reconnectInMs: m.reconnectInMs });
    } else if (m.type === 'auth.expiring') {
      this.#onExpiring(m);
    } else if (m.type === 'error') {
      this.emit('error', BatonError.fromReply(m));
    } else if (m.resource !== undefined) {
      this.#handles.get(m.resource)?.apply(m);
    }
  }

  /** `auth.expiring`: tells the page, and with `getToken` fetches a new JWT and sends `auth.refresh`. */
  async #onExpiring(m) {
    this.emit('expiring', { expiresAt: m.expiresAt, remainingMs: m.remainingMs });
    if (typeof this.#options.getToken !== 'function') {
      return;
    }
    try {
      await this.refresh(await this.#options.getToken());
    } catch (e) {
      this.emit('error', e instanceof BatonError ? e : new BatonError('UNAUTHENTICATED', `getToken failed: ${e?.message ?? e}`));
    }
  }

  #send(entry) {
    entry.sent = true;
    this.#ws.send(JSON.stringify({ id: entry.id, type: entry.type, ...entry.fields }));
  }

  #nextId() {
    this.#seq += 1;
    return `c${this.#seq}`;
  }

  #failPending(error, which = () => true) {
    for (const entry of [...this.#pending.values()].filter(which)) {
      this.#pending.delete(entry.id);
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    this.#outbox = this.#outbox.filter((entry) => this.#pending.has(entry.id));
  }

  #setState(state, detail = {}) {
    this.state = state;
    this.emit('state', { state, ...detail });
  }

  /** Cancels the timers and fails every waiting command with `error`. */
  #stop(error) {
    clearTimeout(this.#retryTimer);
    clearInterval(this.#heartbeatTimer);
    this.#retryTimer = null;
    this.#failPending(error);
  }

  /** Unhooks the current socket, so that its late events are ignored, and returns it. */
  #detach() {
    const ws = this.#ws;
    if (ws) {
      ws.onopen = null;
      ws.onclose = null;
      ws.onmessage = null;
      this.#ws = null;
    }
    return ws;
  }

  #finish(code, reason, error) {
    this.#setState('closed', { code, reason });
    this.emit('closed', { code, reason, ...(error ? { error } : {}) });
  }

  // --------------------------------------------------------------------------- page lifecycle

  #listen() {
    const env = this.#env;
    if (typeof env.addEventListener !== 'function') {
      return;
    }
    const on = (target, type, fn) => {
      target.addEventListener(type, fn);
      this.#unlisten.push(() => target.removeEventListener(type, fn));
    };
    on(env, 'pagehide', () => {
      if (this.state !== 'closed') {
        this.#endedByPagehide = true;
        this.#end(1000, 'page hidden');
      }
    });
    on(env, 'pageshow', (e) => {
      if (e.persisted && this.#endedByPagehide) {
        this.#endedByPagehide = false;
        this.#resumeToken = null;
        this.#setState('connecting');
        this.#open();
      }
    });
    on(env, 'offline', () => this.#drop('network offline'));
    on(env, 'online', () => {
      if (this.state === 'offline') {
        this.#retry(null, 'network back');
      }
    });
    if (env.document) {
      on(env.document, 'visibilitychange', () => {
        if (env.document.visibilityState === 'visible' && this.state === 'open') {
          this.#heartbeat();
          this.#handles.forEach((handle) => handle.sync());
        }
      });
    }
  }
}

/**
 * Opens a Baton connection that reconnects by itself.
 *
 * @param {ConnectOptions} options
 * @returns {BatonClient}
 * @throws {TypeError} without `url` or without `token`/`getToken`
 *
 * @typedef {object} ConnectOptions
 * @property {string} url the WebSocket endpoint, e.g. `wss://baton.example/v1/ws`
 * @property {string} [token] a JWT (used for every connection)
 * @property {() => string | Promise<string>} [getToken] called before every connection and when the
 *     server says the JWT is expiring (fresh JWTs; then `auth.refresh` keeps the connection open)
 * @property {number} [requestTimeoutMs=10000] how long a command waits for its reply
 * @property {number} [backoffBaseMs=500] first reconnect delay bound
 * @property {number} [backoffCapMs=30000] largest reconnect delay bound
 * @property {typeof WebSocket} [WebSocket] a WebSocket constructor (Node, tests)
 * @property {object} [environment] where `pagehide`, `online`, `offline`, `document` come from (default: globalThis)
 * @property {() => number} [now] the local wall clock (tests)
 * @property {() => number} [random] the jitter source (tests)
 *
 * @typedef {{sessionId: string, userId: string, name: string, role: 'viewer'|'editor', status: 'online'|'away', since: number}} Member
 * @typedef {{userId: string, name: string, status: 'online'|'away', editing: boolean, self: boolean, since: number, sessions: Member[]}} Person
 * @typedef {{holder: {userId: string, name: string, sessionId: string}|null, token?: number, acquiredAt: number|null, expiresAt: number|null, remainingMs: number|null, inGrace: boolean, queueLength: number, takeover: {by: {userId: string, name: string, sessionId: string}, deadline: number, remainingMs: number}|null}} LockState
 */
export function connect(options) {
  return new BatonClient(options);
}
