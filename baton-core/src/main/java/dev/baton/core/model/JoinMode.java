package dev.baton.core.model;

/** How a session asks to join a resource. */
public enum JoinMode {
  /** As a viewer. */
  VIEW,
  /** As the editor if the lock can be had, else as a viewer (auto-downgrade). */
  EDIT
}
