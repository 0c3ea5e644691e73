package dev.baton.core.resource;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import java.util.Locale;

/**
 * A normalized resource id {@code type:id:child} (SPEC section 1).
 *
 * <ul>
 *   <li>{@code type} matches {@code [a-z][a-z0-9_-]{0,63}}, {@code id} {@code [A-Za-z0-9_-]{1,128}} and
 *       {@code child} {@code [A-Za-z0-9_.-]{1,64}};
 *   <li>a two-part id {@code type:id} means {@code type:id:main};
 *   <li>an {@code id} in UUID form (8-4-4-4-12 hex digits) is lower-cased;
 *   <li>the child {@code *} names the document lock, an exclusive lock over every child.
 * </ul>
 *
 * <p>Immutable and thread-safe; two ids naming the same resource are {@link #equals equal}.
 */
public record ResourceId(String type, String id, String child) {

  /** The child name of a document lock. */
  public static final String DOCUMENT_LOCK = "*";
  /** The child a two-part id is normalized to. */
  public static final String MAIN = "main";

  /** Longest raw input worth looking at: type + id + child + two colons. */
  private static final int MAX_LENGTH = 64 + 128 + 64 + 2;

  /** Validates the parts; use {@link #parse} for raw input. */
  public ResourceId {
    if (type == null || !isType(type)) {
      throw invalid("type must match [a-z][a-z0-9_-]{0,63}");
    }
    if (id == null || !isWord(id, 128, false)) {
      throw invalid("id must match [A-Za-z0-9_-]{1,128}");
    }
    if (child == null || !(DOCUMENT_LOCK.equals(child) || isWord(child, 64, true))) {
      throw invalid("child must match [A-Za-z0-9_.-]{1,64} or be *");
    }
    if (isUuid(id)) {
      id = id.toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Parses and normalizes a raw id.
   *
   * @param raw {@code type:id} or {@code type:id:child}
   * @return the normalized id
   * @throws BatonException with {@link ErrorCode#INVALID_RESOURCE} if {@code raw} is null, empty, too
   *     long, has other than two or three parts, or a part breaks the grammar
   */
  public static ResourceId parse(String raw) {
    if (raw == null || raw.isEmpty()) {
      throw invalid("resource is missing");
    }
    if (raw.length() > MAX_LENGTH) {
      throw invalid("resource is longer than " + MAX_LENGTH + " characters");
    }
    String[] parts = raw.split(":", -1);
    return switch (parts.length) {
      case 2 -> new ResourceId(parts[0], parts[1], MAIN);
      case 3 -> new ResourceId(parts[0], parts[1], parts[2]);
      default -> throw invalid("resource must be type:id or type:id:child");
    };
  }

  /** The document lock {@code type:id:*} of the given document. */
  public static ResourceId documentLock(String type, String id) {
    return new ResourceId(type, id, DOCUMENT_LOCK);
  }

  /** {@code type:id}, the document this resource belongs to; also the Redis hash tag. */
  public String document() {
    return type + ':' + id;
  }

  /** Whether this is the document lock {@code type:id:*}. */
  public boolean isDocumentLock() {
    return DOCUMENT_LOCK.equals(child);
  }

  /** The normalized form {@code type:id:child}, as carried in every reply and event. */
  @Override
  public String toString() {
    return type + ':' + id + ':' + child;
  }

  // The grammar is checked character by character rather than with java.util.regex: ids are parsed
  // from every command, and a Matcher per part was a third of the allocation of parsing one.

  /** {@code [a-z][a-z0-9_-]{0,63}}. */
  private static boolean isType(String s) {
    int n = s.length();
    if (n < 1 || n > 64 || !lower(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (!(lower(c) || digit(c) || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** {@code [A-Za-z0-9_-]{1,max}}, and {@code .} too when {@code dot}. */
  private static boolean isWord(String s, int max, boolean dot) {
    int n = s.length();
    if (n < 1 || n > max) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!(lower(c) || (c >= 'A' && c <= 'Z') || digit(c) || c == '_' || c == '-' || (dot && c == '.'))) {
        return false;
      }
    }
    return true;
  }

  /** A UUID's text form: 8-4-4-4-12 hex digits of either case. */
  private static boolean isUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      boolean ok = i == 8 || i == 13 || i == 18 || i == 23
          ? c == '-'
          : digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean lower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  private static BatonException invalid(String why) {
    return new BatonException(ErrorCode.INVALID_RESOURCE, "invalid resource: " + why);
  }
}
