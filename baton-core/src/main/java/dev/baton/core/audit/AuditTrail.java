package dev.baton.core.audit;

/**
 * Where audit records go (SPEC section 6): the server writes them to a hash-chained JSON-lines file.
 * The engine calls it for what only the engine sees (session start and resume, denials, break-glass,
 * force release); {@link AuditingSink} for every transition the store publishes.
 *
 * <p>Implementations must be thread-safe, must have written (handed to the operating system) the
 * record when {@link #record} returns, so that it precedes the acknowledgement of the operation, and
 * must never throw: a failure to write is theirs to report (log, readiness), and the operation that
 * caused the record is not undone.
 */
@FunctionalInterface
public interface AuditTrail {

  /** A trail that keeps nothing, for tests and benchmarks. */
  AuditTrail NONE = record -> {};

  /** Writes {@code record}; returns once it is written. */
  void record(AuditRecord record);
}
