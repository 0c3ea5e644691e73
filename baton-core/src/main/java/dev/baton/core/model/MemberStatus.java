package dev.baton.core.model;

/** Whether a member's connection is open ({@code ONLINE}) or dropped and inside its grace ({@code AWAY}). */
public enum MemberStatus {
  ONLINE,
  AWAY
}
