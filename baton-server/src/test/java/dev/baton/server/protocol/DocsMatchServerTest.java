package dev.baton.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml and docs/protocol.md describe every message the server speaks (issue 2, item 11):
 * every command type {@link CommandParser} accepts and every reply and event type the server sends
 * appears in both (in asyncapi.yaml as a {@code type: {const: …}} of a message schema, in protocol.md in
 * an example exchange as {@code "type":"…"}); asyncapi.yaml declares AsyncAPI 3.0.0 and each of its
 * {@code $ref}s resolves inside the file.
 *
 * <p>The server's lists are read from its sources, where they live as string literals: the {@code case}
 * labels of {@link CommandParser}'s switch, and the types that {@code Connection} replies or pushes and
 * that {@link Wire} gives events. Each command type found is also fed to the parser, which must not
 * call it unknown, so that a changed source layout cannot make the lists silently short.
 */
class DocsMatchServerTest {

  private static final Path DOCS = Path.of("..", "docs");
  private static final Path MAIN = Path.of("src", "main", "java", "dev", "baton", "server");
  private static final Pattern CASE = Pattern.compile("case \"([a-z.]+)\" ->");
  private static final List<Pattern> SENT = List.of(
      Pattern.compile("reply\\w*\\([^,()]*(?:\\(\\))?, \"([a-z.]+)\""),
      Pattern.compile("wire\\.message\\(null, \"([a-z.]+)\""),
      Pattern.compile("type = \"([a-z.]+)\";"),
      Pattern.compile("put\\(\"type\", \"([a-z.]+)\"\\)"));

  private static Set<String> commands;
  private static Set<String> sent;
  private static JsonNode asyncapi;
  private static String protocol;

  @BeforeAll
  static void read() throws IOException {
    commands = find(List.of(MAIN.resolve("protocol/CommandParser.java")), List.of(CASE));
    sent = find(List.of(MAIN.resolve("ws/Connection.java"), MAIN.resolve("protocol/Wire.java")), SENT);
    asyncapi = new ObjectMapper(new YAMLFactory()).readTree(DOCS.resolve("asyncapi.yaml").toFile());
    protocol = Files.readString(DOCS.resolve("protocol.md"), StandardCharsets.UTF_8);
  }

  @Test
  void theServersListsAreComplete() {
    assertThat(commands).as("command types in CommandParser").hasSizeGreaterThanOrEqualTo(15)
        .contains("hello", "auth.refresh", "join", "lock.acquire", "takeover.respond", "presence.sync", "bye");
    assertThat(sent).as("types the server sends").hasSizeGreaterThanOrEqualTo(28)
        .contains("welcome", "joined", "error", "lock.granted", "heartbeat.ack", "pong", "server.draining",
            "auth.expiring", "presence.joined", "lock.state", "takeover.declined");
    CommandParser parser = new CommandParser();
    for (String type : commands) {
      String frame = "{\"id\":\"c1\",\"type\":\"" + type + "\"}";
      try {
        parser.parse(frame);
      } catch (ProtocolException e) {
        assertThat(e.getMessage()).as("%s is a command the parser knows", type).doesNotContain("unknown type");
      }
    }
  }

  @Test
  void asyncapiDeclaresVersion3AndEveryRefResolvesInTheFile() {
    assertThat(asyncapi.path("asyncapi").asText()).isEqualTo("3.0.0");
    List<String> refs = new ArrayList<>();
    walk(asyncapi, (key, value) -> {
      if (key.equals("$ref")) {
        refs.add(value.asText());
      }
    });
    assertThat(refs).as("refs in asyncapi.yaml").isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).as("a $ref inside the file").startsWith("#/");
      assertThat(asyncapi.at(ref.substring(1)).isMissingNode()).as("%s resolves", ref).isFalse();
    }
  }

  @Test
  void asyncapiHasAMessageForEveryTypeTheServerAcceptsOrSends() {
    Set<String> declared = new TreeSet<>();
    walk(asyncapi, (key, value) -> {
      if (key.equals("type") && value.path("const").isTextual()) {
        declared.add(value.path("const").asText());
      }
    });
    assertThat(declared).as("message types in asyncapi.yaml").containsAll(commands).containsAll(sent);
  }

  @Test
  void protocolMdShowsEveryTypeInAnExample() {
    Set<String> missing = new TreeSet<>();
    for (String type : Stream.concat(commands.stream(), sent.stream()).toList()) {
      if (!protocol.contains("\"type\":\"" + type + "\"")) {
        missing.add(type);
      }
    }
    assertThat(missing).as("types without an example exchange in protocol.md").isEmpty();
  }

  private static Set<String> find(List<Path> files, List<Pattern> patterns) throws IOException {
    Set<String> found = new TreeSet<>();
    for (Path file : files) {
      String source = Files.readString(file, StandardCharsets.UTF_8);
      for (Pattern p : patterns) {
        Matcher m = p.matcher(source);
        while (m.find()) {
          found.add(m.group(1));
        }
      }
    }
    return found;
  }

  /** Calls {@code visit} with every field of every object in the tree. */
  private static void walk(JsonNode node, java.util.function.BiConsumer<String, JsonNode> visit) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
        visit.accept(field.getKey(), field.getValue());
        walk(field.getValue(), visit);
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        walk(item, visit);
      }
    }
  }
}
