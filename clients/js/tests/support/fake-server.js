/**
 * A scripted stand-in for a Baton server, for unit tests of the client: it hands the client a
 * WebSocket constructor whose sockets the test opens, answers, pushes to and drops.
 */

/** One client socket as the test sees it. */
class FakeSocket {
  /**
   * @param {FakeServer} server the owner
   * @param {string} url the URL the client asked for
   * @param {string} protocol the subprotocol the client asked for
   */
  constructor(server, url, protocol) {
    this.server = server;
    this.url = url;
    this.protocol = protocol;
    this.readyState = 0;
    /** @type {object[]} every message the client sent, parsed */
    this.sent = [];
    /** @type {{code: number, reason: string}|null} set when the client closed it */
    this.closedByClient = null;
    this.waiters = [];
  }

  // ---- the browser-facing side, called by the client

  /** @param {string} text one JSON message */
  send(text) {
    const message = JSON.parse(text);
    this.sent.push(message);
    const i = this.waiters.findIndex((w) => w.type === message.type);
    if (i >= 0) {
      this.waiters.splice(i, 1)[0].resolve(message);
    }
  }

  /** @param {number} code @param {string} reason */
  close(code, reason) {
    this.closedByClient = { code, reason };
    this.readyState = 3;
  }

  // ---- the server-facing side, called by the test

  /** Completes the WebSocket handshake. */
  accept() {
    this.readyState = 1;
    this.onopen?.({});
  }

  /**
   * Delivers one message to the client, with `ts` from the server's clock unless given.
   *
   * @param {object} message the message without `ts`
   */
  push(message) {
    this.onmessage?.({ data: JSON.stringify({ ts: this.server.now(), ...message }) });
  }

  /**
   * Replies to a client message.
   *
   * @param {{id: string}} request the client's message
   * @param {string} type the reply type
   * @param {object} [fields] the reply's fields
   */
  reply(request, type, fields = {}) {
    this.push({ re: request.id, type, ...fields });
  }

  /** Closes from the server side with `code`. */
  drop(code, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /**
   * Resolves with the next message of `type` the client sends (or one it already sent and nobody took).
   *
   * @param {string} type a command type
   * @returns {Promise<object>}
   */
  next(type) {
    const taken = this.sent.find((m) => m.type === type && !m.taken);
    if (taken) {
      taken.taken = true;
      return Promise.resolve(taken);
    }
    return new Promise((resolve) => this.waiters.push({ type, resolve: (m) => { m.taken = true; resolve(m); } }));
  }

  /** @returns {object[]} the messages of `type` sent so far */
  sentOf(type) {
    return this.sent.filter((m) => m.type === type);
  }

  /**
   * Accepts the socket, waits for `hello` and answers with a welcome.
   *
   * @param {object} [welcome] fields that override the default welcome
   * @returns {Promise<object>} the client's hello
   */
  async welcome(welcome = {}) {
    this.accept();
    const hello = await this.next('hello');
    this.reply(hello, 'welcome', {
      sessionId: `s${this.server.sockets.length}`, resumeToken: `r${this.server.sockets.length}`,
      user: { id: 'smith', name: 'Dr. Smith', roles: [] }, resumed: false, heartbeatMs: 1000,
      lockTtlMs: 20000, graceMs: 3000, resources: [], ...welcome,
    });
    return hello;
  }
}

/** Hands out {@link FakeSocket}s and remembers them in order. */
export class FakeServer {
  /** @param {{clockOffsetMs?: number}} [options] how far the server's clock is ahead of the test's */
  constructor({ clockOffsetMs = 0 } = {}) {
    /** @type {FakeSocket[]} */
    this.sockets = [];
    this.clockOffsetMs = clockOffsetMs;
    this.socketWaiters = [];
    const server = this;
    /** The constructor to pass as `connect({WebSocket})`. */
    this.WebSocket = function WebSocket(url, protocol) {
      const socket = new FakeSocket(server, url, protocol);
      server.sockets.push(socket);
      server.socketWaiters.splice(0).forEach((resolve) => resolve(socket));
      return socket;
    };
  }

  /** @returns {number} the server's epoch milliseconds */
  now() {
    return Date.now() + this.clockOffsetMs;
  }

  /**
   * Resolves with socket number `n` (1-based) once the client has opened it.
   *
   * @param {number} n
   * @returns {Promise<FakeSocket>}
   */
  async socket(n) {
    while (this.sockets.length < n) {
      await new Promise((resolve) => this.socketWaiters.push(resolve));
    }
    return this.sockets[n - 1];
  }
}

/**
 * A `joined` reply for `resource` with the given members, no lock holder.
 *
 * @param {string} resource the normalized id
 * @param {object[]} members presence members
 * @param {object} [extra] fields that override
 * @returns {object}
 */
export function joinedFields(resource, members, extra = {}) {
  return {
    resource, role: 'viewer',
    lock: { holder: null, acquiredAt: null, expiresAt: null, remainingMs: null, inGrace: false, queueLength: 0, takeover: null },
    presence: { version: members.length, members },
    policy: { conflict: 'queue' },
    ...extra,
  };
}

/**
 * A presence member.
 *
 * @param {string} sessionId @param {string} userId @param {string} name
 * @param {{role?: string, status?: string, since?: number}} [fields]
 * @returns {object}
 */
export function member(sessionId, userId, name, { role = 'viewer', status = 'online', since = 1 } = {}) {
  return { sessionId, userId, name, role, status, since };
}

/** A stand-in for the page's `window`: an EventTarget with `navigator.onLine` and a `document`. */
export class FakeWindow extends EventTarget {
  constructor() {
    super();
    this.navigator = { onLine: true };
    this.document = new EventTarget();
    this.document.visibilityState = 'visible';
  }

  /** Fires `type` (with `persisted` for pageshow). */
  fire(type, fields = {}) {
    this.dispatchEvent(Object.assign(new Event(type), fields));
  }
}
