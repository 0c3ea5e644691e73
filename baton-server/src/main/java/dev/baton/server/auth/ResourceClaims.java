package dev.baton.server.auth;

import dev.baton.core.error.BatonException;
import dev.baton.core.identity.Access;
import dev.baton.core.identity.AccessRules;
import dev.baton.core.resource.ResourceId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The resources claim (SPEC section 5): an object whose keys are {@code type:*} (a whole type),
 * {@code type:id} (a document and all its children) or {@code type:id:child}, and whose values are
 * {@code view}, {@code edit} or {@code none}. Keys are normalized as resource ids are (UUID ids
 * lower-cased); two keys that normalize alike keep the lesser access. Thread-safe (stateless).
 */
public final class ResourceClaims {

  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

  private ResourceClaims() {}

  /**
   * Normalizes one claim key: {@code type:*} stays, {@code type:id} becomes the document key
   * {@code type:id} (UUID lower-cased), {@code type:id:child} the normalized resource id.
   *
   * @throws IllegalArgumentException if the key is none of the three forms
   */
  public static String normalizeKey(String key) {
    String[] parts = key.split(":", -1);
    try {
      if (parts.length == 2 && parts[1].equals("*")) {
        if (!TYPE.matcher(parts[0]).matches()) {
          throw new IllegalArgumentException("type must match " + TYPE.pattern());
        }
        return key;
      }
      if (parts.length == 2) {
        return new ResourceId(parts[0], parts[1], ResourceId.MAIN).document();
      }
      if (parts.length == 3) {
        return ResourceId.parse(key).toString();
      }
    } catch (BatonException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    throw new IllegalArgumentException("must be type:*, type:id or type:id:child");
  }

  /**
   * Reads one claim value.
   *
   * @throws IllegalArgumentException unless it is {@code view}, {@code edit} or {@code none}
   */
  public static Access access(String value) {
    return switch (value) {
      case "view" -> Access.VIEW;
      case "edit" -> Access.EDIT;
      case "none" -> Access.NONE;
      default -> throw new IllegalArgumentException("must be view, edit or none");
    };
  }

  /** The claim value of {@code access}: {@code view}, {@code edit} or {@code none}. */
  public static String value(Access access) {
    return access.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Builds the access rules of a decoded claim.
   *
   * @param claim the claim as nimbus decodes it: a {@code Map} of strings
   * @throws AuthenticationException if the claim is not an object, or a key or value is invalid
   */
  static AccessRules parse(Object claim) {
    if (!(claim instanceof Map<?, ?> entries)) {
      throw new AuthenticationException("resources claim must be an object");
    }
    Map<String, Access> rules = new HashMap<>();
    for (Map.Entry<?, ?> e : entries.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!(e.getValue() instanceof String text)) {
        throw new AuthenticationException("resources claim value of " + key + " must be a string");
      }
      String normalized;
      Access access;
      try {
        normalized = normalizeKey(key);
        access = access(text);
      } catch (IllegalArgumentException ex) {
        throw new AuthenticationException("resources claim entry " + key + " invalid: " + ex.getMessage());
      }
      rules.merge(normalized, access, (a, b) -> a.compareTo(b) <= 0 ? a : b);
    }
    return AccessRules.claimed(rules);
  }
}
