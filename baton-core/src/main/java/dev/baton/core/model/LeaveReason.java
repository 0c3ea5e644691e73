package dev.baton.core.model;

/** Why a member left a resource, as carried by {@code presence.left}. */
public enum LeaveReason {
  /** The member sent {@code leave}. */
  LEFT,
  /** Its connection dropped and the disconnect grace ran out. */
  DISCONNECTED,
  /** Its session's presence lapsed without a disconnect being seen (a dead node). */
  EXPIRED,
  /** Its session said {@code bye}. */
  BYE
}
