package dev.baton.server.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON reader for what clients send, over the WebSocket and HTTP alike: a duplicate key,
 * anything after the value, or nesting deeper than {@link #MAX_DEPTH} is refused, so that Baton and
 * any proxy in front of it can never read two different values out of one body (a save guard that
 * read the first {@code token} while Baton read the last would be no guard).
 *
 * <p>Thread-safe (Jackson's mapper is, once configured).
 */
public final class StrictJson {

  /** Deepest accepted nesting of objects and arrays. */
  public static final int MAX_DEPTH = 16;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private StrictJson() {}

  /**
   * Parses one JSON value.
   *
   * @throws JacksonException for malformed JSON, a duplicate key, trailing content or nesting deeper
   *     than {@link #MAX_DEPTH} (a {@code StreamConstraintsException})
   */
  public static JsonNode read(String text) throws JacksonException {
    return MAPPER.readTree(text);
  }
}
