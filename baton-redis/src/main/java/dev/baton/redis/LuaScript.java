package dev.baton.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Redis store's Lua scripts, one per operation, each read once from {@code
 * src/main/resources/lua/<name>.lua} with {@code lib.lua} prepended. Called by SHA-1 ({@code
 * EVALSHA}); the SHA is computed here, so no {@code SCRIPT LOAD} is needed: the first {@code
 * EVAL} after a {@code NOSCRIPT} caches the script in Redis.
 *
 * <p>Immutable and thread-safe.
 */
enum LuaScript {
  SESSION_OPEN("session_open"),
  SESSION_RESUME("session_resume"),
  SESSION_DISCONNECT("session_disconnect"),
  SESSION_END("session_end"),
  SESSION_SETTLE("session_settle"),
  SESSION_JOIN("session_join"),
  SESSION_LEAVE("session_leave"),
  JOIN("join"),
  LEAVE("leave"),
  ACQUIRE("acquire"),
  RELEASE("release"),
  RENEW("renew"),
  HEARTBEAT("heartbeat"),
  CANCEL("cancel"),
  REQUEST("request"),
  TAKEOVER("takeover"),
  RESPOND("respond"),
  FORCE_RELEASE("force_release"),
  STATE("state"),
  DOCUMENT("document"),
  VERIFY("verify"),
  LOCKS("locks"),
  STATUS("status"),
  SWEEP("sweep"),
  DUE("due"),
  DUE_SLOTS("due_slots"),
  SNAPSHOT("snapshot"),
  NODE_BEAT("node_beat"),
  NODE_DOWN("node_down"),
  NODE_RECONCILE("node_reconcile");

  private final String file;
  private final String source;
  private final String sha;

  LuaScript(String name) {
    this.file = "lua/" + name + ".lua";
    this.source = Sources.LIB + "\n" + Sources.read(file);
    this.sha = sha1(source);
  }

  /** The script's full text: {@code lib.lua}, then its own body. */
  String source() {
    return source;
  }

  /** The SHA-1 of {@link #source}, lower-case hex, as {@code EVALSHA} wants it. */
  String sha() {
    return sha;
  }

  /** The resource the script's body comes from, for messages. */
  String file() {
    return file;
  }

  private static String sha1(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }

  /** Reads the script files from the class path; holds the shared library. */
  private static final class Sources {

    static final String LIB = read("lua/lib.lua");

    static String read(String path) {
      try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException("missing script resource " + path);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read script resource " + path, e);
      }
    }
  }
}
