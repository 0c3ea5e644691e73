package dev.baton.redis;

import java.nio.charset.StandardCharsets;

/**
 * Redis Cluster hash slots: the slot of a key, and for every slot one short hash tag that falls in
 * it, so that a key of "the same slot as document {@code type:id}" can be named ({@code
 * p:{<tag>}:due}).
 *
 * <p>The slot is {@code CRC16(tag) mod 16384}, CRC16 being the XMODEM variant (polynomial 0x1021,
 * initial value 0), of the key's hash tag (the text between the first {@code {} and the next {@code
 * }}, when not empty) or of the whole key: the Redis Cluster specification, "Keys distribution
 * model" (https://redis.io/docs/reference/cluster-spec/). The tags are the first strings in the order
 * {@code 0-9a-z}, then two characters, three, four, whose slot was not taken yet (every slot has one
 * of at most four characters); computed once, at class load.
 *
 * <p>Immutable and thread-safe.
 */
final class ClusterSlots {

  /** The number of hash slots of a Redis Cluster. */
  static final int SLOTS = 16384;

  private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
  private static final String[] TAGS = tags();

  private ClusterSlots() {}

  /** The slot of {@code key}, honouring its hash tag. */
  static int slotOfKey(String key) {
    int open = key.indexOf('{');
    if (open >= 0) {
      int close = key.indexOf('}', open + 1);
      if (close > open + 1) {
        return slot(key.substring(open + 1, close));
      }
    }
    return slot(key);
  }

  /** The slot of a hash tag's content (e.g. {@code type:id}). */
  static int slot(String tag) {
    return crc16(tag.getBytes(StandardCharsets.UTF_8)) & (SLOTS - 1);
  }

  /**
   * A tag of at most four characters ({@code 0-9a-z}) whose slot is {@code slot}.
   *
   * @throws ArrayIndexOutOfBoundsException if {@code slot} is not in {@code 0..16383}
   */
  static String tag(int slot) {
    return TAGS[slot];
  }

  /** CRC16/XMODEM of {@code data}, as Redis Cluster computes it. */
  static int crc16(byte[] data) {
    int crc = 0;
    for (byte b : data) {
      crc ^= (b & 0xff) << 8;
      for (int i = 0; i < 8; i++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      crc &= 0xffff;
    }
    return crc;
  }

  private static String[] tags() {
    String[] tags = new String[SLOTS];
    int found = 0;
    char[] buf = new char[4];
    for (int length = 1; length <= 4 && found < SLOTS; length++) {
      int combinations = (int) Math.pow(ALPHABET.length(), length);
      for (int n = 0; n < combinations && found < SLOTS; n++) {
        int x = n;
        for (int i = length - 1; i >= 0; i--) {
          buf[i] = ALPHABET.charAt(x % ALPHABET.length());
          x /= ALPHABET.length();
        }
        String tag = new String(buf, 0, length);
        int slot = slot(tag);
        if (tags[slot] == null) {
          tags[slot] = tag;
          found++;
        }
      }
    }
    if (found < SLOTS) {
      throw new IllegalStateException("no tag of at most four characters for " + (SLOTS - found) + " slots");
    }
    return tags;
  }
}
