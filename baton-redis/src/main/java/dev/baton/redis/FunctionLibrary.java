package dev.baton.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The Redis Function library of the store (Redis 7 Functions): {@code lib.lua} once, then every
 * {@link LuaScript}'s body as a Lua function, each registered as {@code baton_<hash>_<script>}. Loaded
 * by {@code FUNCTION LOAD}, its top level (the ~100 functions of {@code lib.lua}) runs once per load
 * instead of once per call as with {@code EVALSHA}.
 *
 * <p><b>Names.</b> The library is {@code baton_<hash>}, {@code <hash>} the first 12 hex digits of the
 * SHA-1 of its source (with a placeholder where the hash goes): two Baton versions whose scripts
 * differ load two libraries side by side and never call each other's code, as with {@code EVALSHA}.
 * Old libraries stay loaded until an operator removes them ({@code FUNCTION DELETE baton_<hash>}).
 *
 * <p><b>Calls.</b> Functions have no {@code KEYS}/{@code ARGV} globals: the library declares them as
 * locals and each registered function sets them from its arguments, then calls {@code B.reset()}
 * (the library's tables outlive a call; see {@code lib.lua}), then runs the script's body. Every
 * function has the flag {@code allow-cross-slot-keys}, the behaviour of a script without flags under
 * {@code EVAL} (on a Cluster {@code due_slots} reads keys of many slots of its master).
 *
 * <p>Immutable and thread-safe (static constants built at class load).
 */
final class FunctionLibrary {

  private static final String HASH_PLACEHOLDER = "%BATON_HASH%";

  /** The library's source with the placeholder where its hash goes. */
  private static final String TEMPLATE = template();

  /** The library's name, {@code baton_} and 12 hex digits of the SHA-1 of its source. */
  static final String NAME = "baton_" + sha1(TEMPLATE).substring(0, 12);

  /** The source {@code FUNCTION LOAD} takes. */
  static final String SOURCE = TEMPLATE.replace(HASH_PLACEHOLDER, NAME);

  /** The function name of each {@link LuaScript}, by ordinal. */
  static final List<String> FUNCTIONS = functions();

  private FunctionLibrary() {}

  private static String template() {
    StringBuilder out = new StringBuilder(128 * 1024);
    out.append("#!lua name=").append(HASH_PLACEHOLDER).append('\n');
    out.append("local KEYS, ARGV\n");
    out.append(LuaScript.Sources.read("lua/lib.lua")).append('\n');
    // The load-time environment of a library has no pairs(): one register() call per script.
    out.append("""
        local function register(name, body)
          redis.register_function{
            function_name = '%s_' .. name,
            flags = { 'allow-cross-slot-keys' },
            callback = function(keys, args)
              KEYS = keys
              ARGV = args
              B.reset()
              return body()
            end
          }
        end
        """.formatted(HASH_PLACEHOLDER));
    for (LuaScript script : LuaScript.values()) {
      out.append("register('").append(script.scriptName()).append("', function()\n")
          .append(script.body()).append("\nend)\n");
    }
    return out.toString();
  }

  private static List<String> functions() {
    List<String> names = new ArrayList<>();
    for (LuaScript script : LuaScript.values()) {
      names.add(NAME + "_" + script.scriptName());
    }
    return List.copyOf(names);
  }

  private static String sha1(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }
}
