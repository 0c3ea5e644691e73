/**
 * Types of baton-client.js, the browser client of Baton protocol v1 (presence and single-editor locks).
 * See docs/client.md.
 */

/** The WebSocket subprotocol of Baton protocol v1. */
export const PROTOCOL: 'baton.v1';

/** The server's error codes (SPEC section 3) and the client's own. */
export type ErrorCode =
  | 'BAD_REQUEST' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'INVALID_RESOURCE' | 'NOT_JOINED' | 'LOCK_HELD'
  | 'LOCK_LIMIT' | 'VIEWER_LIMIT' | 'JOIN_LIMIT' | 'NOT_HOLDER' | 'LOCK_LOST' | 'TAKEOVER_PENDING'
  | 'RATE_LIMITED' | 'UNAVAILABLE' | 'INTERNAL'
  /** No reply within `requestTimeoutMs` (retryable). */
  | 'TIMEOUT'
  /** The connection dropped before the reply (retryable). */
  | 'DISCONNECTED'
  /** The client was closed, or the server ended the session. */
  | 'CLOSED'
  /** Close 4009: this session was resumed on another connection. */
  | 'RESUMED_ELSEWHERE';

/** A refusal or failure with the server's (or the client's own) error code. */
export class BatonError extends Error {
  constructor(code: ErrorCode | string, message: string, options?: { retryable?: boolean; details?: Record<string, unknown> });
  readonly name: 'BatonError';
  readonly code: ErrorCode | string;
  /** Whether trying again may succeed. */
  readonly retryable: boolean;
  /** The error reply's other fields: `holder`, `remainingMs`, `queueLength` for LOCK_HELD, `limit`, `held` for LOCK_LIMIT, ... */
  readonly details: Record<string, any>;
  /** Builds the error for an `error` reply. */
  static fromReply(reply: { code: string; message: string; retryable?: boolean; [field: string]: unknown }): BatonError;
}

/** Someone, as events name them. */
export interface Actor {
  userId: string;
  name: string;
}

/** One session's presence in one resource. */
export interface Member {
  sessionId: string;
  userId: string;
  name: string;
  role: 'viewer' | 'editor';
  /** `away` while the session's connection is down and inside its grace. */
  status: 'online' | 'away';
  /** Epoch ms of the last change of role or status. */
  since: number;
}

/** Members grouped by user: one user with two tabs is one person. */
export interface Person {
  userId: string;
  name: string;
  /** `away` only when every tab of this user is away. */
  status: 'online' | 'away';
  /** Whether one of this user's tabs holds the lock. */
  editing: boolean;
  /** Whether this is the client's own user. */
  self: boolean;
  /** The latest `since` of the user's sessions. */
  since: number;
  sessions: Member[];
}

export interface Holder {
  userId: string;
  name: string;
  sessionId: string;
}

export interface LockState {
  holder: Holder | null;
  /** Only in the holder's own copy. */
  token?: number;
  acquiredAt: number | null;
  expiresAt: number | null;
  remainingMs: number | null;
  /** The holder's connection dropped and its session is inside the grace. */
  inGrace: boolean;
  queueLength: number;
  takeover: { by: Holder; deadline: number; remainingMs: number } | null;
}

export interface Lease {
  resource: string;
  token: number;
  expiresAt: number;
  remainingMs: number;
}

export interface Policy {
  lockTtlMs: number;
  heartbeatIntervalMs: number;
  disconnectGraceMs: number;
  expiryWarningMs: number;
  maxLocksPerUserPerDocument: number;
  maxViewers: number | null;
  maxJoinsPerSession: number;
  conflict: 'deny' | 'queue';
  takeover: { mode: 'request' | 'immediate' | 'disabled'; timeoutMs: number; allowDecline: boolean };
}

export type Granted = { granted: true; token: number; expiresAt: number; remainingMs: number };
export type Queued = { queued: true; position: number };
export type TakeoverPending = { pending: true; deadline: number; remainingMs: number };

export interface ResourceEvents {
  presence: { people: Person[]; members: Member[]; version: number };
  lock: { lock: LockState | null; holding: boolean };
  /** `handedOver`: the lock came by a queue hand-off or a takeover (a push), not as the answer to this tab's own command. */
  granted: Lease & { handedOver: boolean };
  queued: { position: number };
  expiring: Lease;
  /** The lock ended without renewal, or was lost with the session; stop editing. */
  expired: { token: number };
  revoked: { token: number; by: Actor | null; reason: string };
  requested: { by: Member; message: string | null };
  takeoverRequested: { resource: string; by: Actor; reason: string; deadline: number; remainingMs: number };
  takeoverDeclined: { by: Actor | null; reason: string };
}

/** One joined resource (from `client.join`); its state follows the server, also across reconnects. */
export class ResourceHandle {
  private constructor();
  /** The normalized resource id. */
  readonly resource: string;
  /** The mode it was joined with. */
  readonly mode: 'view' | 'edit';
  readonly policy: Policy;
  /** Why a `mode: "edit"` join made this session a viewer (`LOCK_HELD`, `LOCK_LIMIT`, `FORBIDDEN`), or null. */
  readonly downgraded: string | null;
  readonly lock: LockState | null;
  /** Whether this session (this tab) holds the lock. */
  readonly holding: boolean;
  /** The fencing token while this session holds the lock; send it with every save. */
  readonly token: number | null;
  readonly role: 'editor' | 'viewer';
  /** This session's place in the lock queue, or null. */
  readonly position: number | null;
  readonly version: number;
  readonly members: Member[];
  readonly people: Person[];

  acquire(options?: { wait?: boolean; takeOwn?: boolean }): Promise<Granted | Queued>;
  release(): Promise<void>;
  requestLock(message?: string): Promise<void>;
  takeover(options: { reason: string; force?: boolean }): Promise<Granted | TakeoverPending>;
  respondTakeover(accept: boolean): Promise<void>;
  cancel(): Promise<void>;
  leave(): Promise<void>;

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof ResourceEvents>(type: K, listener: (detail: ResourceEvents[K]) => void): () => void;
  off<K extends keyof ResourceEvents>(type: K, listener: (detail: ResourceEvents[K]) => void): void;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed';

export interface Welcome {
  sessionId: string;
  resumeToken: string;
  user: { id: string; name: string; roles: string[] };
  resumed: boolean;
  heartbeatMs: number;
  lockTtlMs: number;
  graceMs: number;
  resources: Array<{ resource: string; role: 'viewer' | 'editor'; lock: LockState; presence: { version: number; members: Member[] } }>;
}

export interface AuthRefreshed {
  expiresAt: number;
  remainingMs: number;
  user: { id: string; name: string; roles: string[] };
}

export interface ClientEvents {
  state: { state: ConnectionState; attempt?: number; delayMs?: number; code?: number | null; reason?: string };
  welcome: Welcome;
  draining: { reconnectInMs: number };
  /** The server pushed `auth.expiring`: the JWT runs out at `expiresAt` (with `getToken` the client refreshes it). */
  expiring: { expiresAt: number; remainingMs: number };
  /** The `auth.refreshed` reply: the connection now closes at `expiresAt` unless refreshed again. */
  refreshed: AuthRefreshed;
  closed: { code: number; reason: string; error?: BatonError };
  error: BatonError;
}

export interface ConnectOptions {
  /** The WebSocket endpoint, e.g. `wss://baton.example/v1/ws`. */
  url: string;
  /** A JWT used for every connection. */
  token?: string;
  /** Called before every connection and on `auth.expiring` (then sent as `auth.refresh`), for fresh JWTs. */
  getToken?: () => string | Promise<string>;
  /** How long a command waits for its reply (default 10000). */
  requestTimeoutMs?: number;
  /** Bound of the first reconnect delay (default 500). */
  backoffBaseMs?: number;
  /** Largest reconnect delay bound (default 30000). */
  backoffCapMs?: number;
  /** A WebSocket constructor (Node, tests); default `globalThis.WebSocket`. */
  WebSocket?: new (url: string, protocol: string) => WebSocket;
  /** Where `pagehide`, `pageshow`, `online`, `offline` and `document` come from (default `globalThis`). */
  environment?: object;
  /** The local wall clock in epoch ms (tests). */
  now?: () => number;
  /** The jitter source in [0, 1) (tests). */
  random?: () => number;
}

export class BatonClient {
  constructor(options: ConnectOptions);
  readonly state: ConnectionState;
  readonly sessionId: string | null;
  readonly user: { id: string; name: string; roles: string[] } | null;
  /** Server time minus local time, in ms. */
  readonly clockOffsetMs: number;
  /** The server's current epoch ms, estimated from message timestamps. */
  serverNow(): number;
  /** Milliseconds left on a lock, lease, takeover or LOCK_HELD details received by this client. */
  remainingMs(x: { remainingMs?: number | null; expiresAt?: number | null; deadline?: number | null } | null): number;
  join(resource: string, options?: { mode?: 'view' | 'edit' }): Promise<ResourceHandle>;
  /** Sends any protocol command and resolves with its reply. */
  request(type: string, fields?: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<Record<string, any>>;
  /** Replaces the connection's JWT (`auth.refresh`, same user) before it expires. */
  refresh(token: string): Promise<AuthRefreshed>;
  /** Says `bye` (locks released at once) and stops for good. */
  close(): void;
  on<K extends keyof ClientEvents>(type: K, listener: (detail: ClientEvents[K]) => void): () => void;
  off<K extends keyof ClientEvents>(type: K, listener: (detail: ClientEvents[K]) => void): void;
}

/** Opens a Baton connection that reconnects by itself. */
export function connect(options: ConnectOptions): BatonClient;

/** random(0, min(capMs, baseMs * 2^attempt)), whole ms: exponential backoff with full jitter. */
export function backoffDelay(attempt: number, limits?: { baseMs?: number; capMs?: number }, random?: () => number): number;

/** Groups members by user (one person per user, away only when every tab is away). */
export function groupPresence(members: Member[], selfUserId?: string): Person[];

/** Estimates the server's clock from message timestamps. */
export class ServerClock {
  constructor(now?: () => number);
  observe(ts: number): void;
  readonly offsetMs: number;
  now(): number;
}
