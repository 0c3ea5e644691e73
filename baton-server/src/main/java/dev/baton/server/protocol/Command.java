package dev.baton.server.protocol;

import dev.baton.core.model.JoinMode;
import dev.baton.core.resource.ResourceId;

/**
 * A parsed client message of protocol v1 (SPEC section 3). Every command carries the client's {@code
 * id}, echoed as {@code re} in the reply. Immutable.
 */
public sealed interface Command {

  /** The client's message id, at most 64 characters. */
  String id();

  /** {@code hello {token, resume?}}: the first message of a connection. */
  record Hello(String id, String token, String resume) implements Command {}

  /** {@code auth.refresh {token}}: replaces the connection's JWT before it expires. */
  record Refresh(String id, String token) implements Command {}

  /** {@code join {resource, mode?}}. */
  record Join(String id, ResourceId resource, JoinMode mode) implements Command {}

  /** {@code leave {resource}}. */
  record Leave(String id, ResourceId resource) implements Command {}

  /** {@code lock.acquire {resource, wait?, takeOwn?}}; {@code waitInQueue} is the wire field {@code wait}. */
  record Acquire(String id, ResourceId resource, boolean waitInQueue, boolean takeOwn) implements Command {}

  /** {@code lock.release {resource}}. */
  record Release(String id, ResourceId resource) implements Command {}

  /** {@code lock.renew {resource, token}}. */
  record Renew(String id, ResourceId resource, long token) implements Command {}

  /** {@code lock.cancel {resource}}: leave the queue or withdraw a pending takeover. */
  record Cancel(String id, ResourceId resource) implements Command {}

  /** {@code lock.request {resource, message?}}: ask the holder to let the caller edit. */
  record Request(String id, ResourceId resource, String message) implements Command {}

  /** {@code lock.takeover {resource, reason, force?}}. */
  record Takeover(String id, ResourceId resource, String reason, boolean force) implements Command {}

  /** {@code takeover.respond {resource, accept}}: the holder's answer to a pending takeover. */
  record RespondTakeover(String id, ResourceId resource, boolean accept) implements Command {}

  /** {@code heartbeat {}}. */
  record Heartbeat(String id) implements Command {}

  /** {@code presence.sync {resource}}. */
  record PresenceSync(String id, ResourceId resource) implements Command {}

  /** {@code ping {}}. */
  record Ping(String id) implements Command {}

  /** {@code bye {}}. */
  record Bye(String id) implements Command {}
}
