package dev.baton.core.model;

/** A member's role in a resource: the editor holds its lock. */
public enum Role {
  VIEWER,
  EDITOR
}
