package dev.baton.core.identity;

import dev.baton.core.resource.ResourceId;
import java.util.Map;
import java.util.Objects;

/**
 * The resources claim of a JWT (SPEC section 5): keys {@code type:id:child}, {@code type:id} (covers
 * its children) or {@code type:*} (the whole type), values {@code view} or {@code edit}. The most
 * specific matching key decides; a resource no key matches gets {@link Access#NONE}. Without the claim,
 * every resource gets the configured default access. Immutable and thread-safe.
 */
public final class AccessRules {

  private final Map<String, Access> rules;
  private final Access fallback;

  private AccessRules(Map<String, Access> rules, Access fallback) {
    this.rules = rules;
    this.fallback = fallback;
  }

  /** No resources claim: every resource gets {@code defaultAccess}. */
  public static AccessRules uniform(Access defaultAccess) {
    return new AccessRules(Map.of(), Objects.requireNonNull(defaultAccess));
  }

  /**
   * A resources claim. Keys are matched as written after normalizing UUID ids to lower case by the
   * caller; resources no key matches get {@link Access#NONE}.
   */
  public static AccessRules claimed(Map<String, Access> rules) {
    return new AccessRules(Map.copyOf(rules), Access.NONE);
  }

  /** The access to {@code resource}, from the most specific matching rule. */
  public Access accessTo(ResourceId resource) {
    if (rules.isEmpty()) {
      return fallback;
    }
    Access exact = rules.get(resource.toString());
    if (exact != null) {
      return exact;
    }
    Access document = rules.get(resource.document());
    if (document != null) {
      return document;
    }
    return rules.getOrDefault(resource.type() + ":*", fallback);
  }
}
