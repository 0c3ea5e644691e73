package dev.baton.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Redis store's Lua scripts, one per operation, each read once from {@code
 * src/main/resources/lua/<name>.lua}. They are not sent as scripts: {@link FunctionLibrary} makes one
 * Redis Function library of {@code lib.lua} and every script's body, and each script is called by
 * {@code FCALL} of its {@link #function() function name}.
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

  private final String name;
  private final String file;
  private final String body;

  LuaScript(String name) {
    this.name = name;
    this.file = "lua/" + name + ".lua";
    this.body = Sources.read(file);
  }

  /** The script's name, the file's without {@code .lua}: {@code acquire}. */
  String scriptName() {
    return name;
  }

  /** The script's own text (its body in the library, without {@code lib.lua}). */
  String body() {
    return body;
  }

  /** The name of the script's function in Redis, {@code FCALL}'s first argument: {@code baton_<hash>_acquire}. */
  String function() {
    return FunctionLibrary.FUNCTIONS.get(ordinal());
  }

  /** The resource the script's body comes from, for messages. */
  String file() {
    return file;
  }

  /** Reads the script files from the class path. */
  static final class Sources {

    private Sources() {}

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
