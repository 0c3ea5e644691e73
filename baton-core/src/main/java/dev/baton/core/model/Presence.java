package dev.baton.core.model;

import java.util.List;

/**
 * The members of a resource at a presence version. Immutable.
 *
 * @param version increases by one per presence change of the resource
 * @param members the members, in the order they joined
 */
public record Presence(long version, List<Member> members) {

  public Presence {
    members = List.copyOf(members);
  }
}
