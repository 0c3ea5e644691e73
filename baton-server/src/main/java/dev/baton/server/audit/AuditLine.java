package dev.baton.server.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One line of an audit file, checked on its own: it ends with its hash, the hash is the SHA-256 of the
 * line without it, and it is a JSON object with a whole {@code seq}, a {@code ts} and a {@code prev}.
 * The hash is checked on the bytes as written (string surgery, never re-serialization), so any edit
 * of any byte is found. Whether {@code seq} and {@code prev} continue the line before is the caller's
 * business. Immutable; {@link #parse} is thread-safe.
 *
 * @param seq the record's sequence number
 * @param ts its wall time, epoch ms
 * @param prev the hash it names as the one before it
 * @param hash its own hash
 */
record AuditLine(long seq, long ts, String prev, String hash) {

  /** A line that is not a valid audit record; the message says why, in words. */
  static final class InvalidLine extends Exception {
    InvalidLine(String message) {
      super(message);
    }
  }

  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final byte[] SUFFIX_START = AuditLog.HASH_FIELD.getBytes(StandardCharsets.US_ASCII);
  /** {@code ,"hash":"} + 64 hex digits + {@code "}}. */
  static final int SUFFIX_LENGTH = SUFFIX_START.length + 64 + 2;
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * Checks one line (without its newline).
   *
   * @throws InvalidLine naming the first problem found
   */
  static AuditLine parse(byte[] line) throws InvalidLine {
    if (line.length == 0) {
      throw new InvalidLine("empty line");
    }
    int start = line.length - SUFFIX_LENGTH;
    if (start < 1 || !endsWithHash(line, start)) {
      throw new InvalidLine("not an audit record: the line does not end with ,\"hash\":\"<64 hex digits>\"}");
    }
    String stated = new String(line, start + SUFFIX_START.length, 64, StandardCharsets.US_ASCII);
    MessageDigest sha256 = sha256();
    sha256.update(line, 0, start);
    sha256.update((byte) '}');
    String actual = HexFormat.of().formatHex(sha256.digest());
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new InvalidLine("not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidLine("not valid JSON: " + e.getMessage());
    }
    if (!actual.equals(stated)) {
      throw new InvalidLine("the hash does not match the line: the line was changed after it was written");
    }
    if (node == null || !node.isObject()) {
      throw new InvalidLine("not a JSON object");
    }
    JsonNode seq = node.get("seq");
    JsonNode ts = node.get("ts");
    JsonNode prev = node.get("prev");
    if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 1) {
      throw new InvalidLine("seq is not a whole number of at least 1");
    }
    if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong()) {
      throw new InvalidLine("ts is not a whole number");
    }
    if (prev == null || !prev.isTextual() || !HEX64.matcher(prev.textValue()).matches()) {
      throw new InvalidLine("prev is not 64 hex digits");
    }
    return new AuditLine(seq.longValue(), ts.longValue(), prev.textValue(), stated);
  }

  private static boolean endsWithHash(byte[] line, int start) {
    for (int i = 0; i < SUFFIX_START.length; i++) {
      if (line[start + i] != SUFFIX_START[i]) {
        return false;
      }
    }
    for (int i = start + SUFFIX_START.length; i < line.length - 2; i++) {
      byte b = line[i];
      if (!(b >= '0' && b <= '9' || b >= 'a' && b <= 'f')) {
        return false;
      }
    }
    return line[line.length - 2] == '"' && line[line.length - 1] == '}';
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
