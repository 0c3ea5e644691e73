package dev.baton.core.identity;

/** What a user may do with a resource, ordered from least to most. */
public enum Access {
  NONE,
  VIEW,
  EDIT;

  /** Whether this access includes {@code other}. */
  public boolean allows(Access other) {
    return compareTo(other) >= 0;
  }
}
