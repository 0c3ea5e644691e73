package dev.baton.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The library's source as Redis gets it: named by its hash, one function per script, and no state of
 * a call left for the next (a Function library's tables live as long as the library).
 */
class FunctionLibraryTest {

  /** {@code B.field = value}, not {@code ==} and not a function definition. */
  private static final Pattern FIELD_WRITE = Pattern.compile("\\bB\\.(\\w+)\\s*=(?!=)\\s*(function\\b)?");

  @Test
  void theLibraryIsNamedByItsHashAndRegistersEveryScriptUnderThatName() {
    assertThat(FunctionLibrary.NAME).matches("baton_[0-9a-f]{12}");
    assertThat(FunctionLibrary.SOURCE).startsWith("#!lua name=" + FunctionLibrary.NAME + "\n");
    for (LuaScript script : LuaScript.values()) {
      assertThat(script.function()).isEqualTo(FunctionLibrary.NAME + "_" + script.scriptName());
      assertThat(FunctionLibrary.SOURCE).contains("register('" + script.scriptName() + "', function()");
    }
  }

  @Test
  void everyFieldAScriptWritesIntoTheLibraryTableIsResetBeforeEachCall() {
    String lib = LuaScript.Sources.read("lua/lib.lua");
    Set<String> written = new TreeSet<>(perCallFields(lib));
    for (LuaScript script : LuaScript.values()) {
      written.addAll(perCallFields(script.body()));
    }
    int start = lib.indexOf("function B.reset()");
    String reset = lib.substring(start, lib.indexOf("\nend", start));
    Set<String> cleared = new TreeSet<>();
    Matcher m = Pattern.compile("\\bB\\.(\\w+)\\s*=\\s*nil").matcher(reset);
    while (m.find()) {
      cleared.add(m.group(1));
    }

    assertThat(written).as("fields of B written per call").isNotEmpty();
    assertThat(cleared).as("fields B.reset() clears").containsAll(written);
  }

  /** The decoded policy is cached across calls by the library, so no script may change it. */
  @Test
  void noScriptWritesIntoThePolicyTheLibraryCaches() {
    Pattern policyWrite = Pattern.compile("\\bB\\.P\\s*(\\.\\w+|\\[[^]]*])\\s*=(?!=)");
    assertThat(policyWrite.matcher("B.P.ttl = 1").find()).as("the check sees a write").isTrue();
    assertThat(policyWrite.matcher(LuaScript.Sources.read("lua/lib.lua")).find()).isFalse();
    for (LuaScript script : LuaScript.values()) {
      assertThat(policyWrite.matcher(script.body()).find()).as(script.file()).isFalse();
    }
  }

  /**
   * Fields assigned something other than a function, outside the library's definitions made at load
   * time ({@code B.q = q} and the like, assigned a local function, are constants).
   */
  private static Set<String> perCallFields(String source) {
    Set<String> out = new TreeSet<>();
    Matcher m = FIELD_WRITE.matcher(source);
    while (m.find()) {
      if (m.group(2) != null) {
        continue;
      }
      String rest = source.substring(m.end(), source.indexOf('\n', m.end())).trim();
      if (source.substring(source.lastIndexOf('\n', m.start()) + 1, m.start()).isBlank()
          && rest.matches("[a-z_]+") && source.contains("local function " + rest + "(")) {
        continue;
      }
      if (!rest.equals("nil")) {
        out.add(m.group(1));
      }
    }
    return out;
  }
}
