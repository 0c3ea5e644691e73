package dev.baton.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.core.error.BatonException;
import dev.baton.core.resource.ResourceId;
import dev.baton.server.fuzz.Hostile.Expect;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates hostile frames from a seeded {@link Random}: random bytes as binary and text frames,
 * random and deeply nested JSON, huge strings up to and over {@code maxFrameBytes}, a wrong type for
 * every field of every command of docs/protocol.md, odd Unicode (NUL, bidi controls, escaped lone
 * surrogates, invalid UTF-8 bytes), malformed resource ids, other users' session ids, resume tokens
 * and fencing tokens, and forged JWTs. Every frame that touches the honest resource is one that must
 * be refused: the honest clients must see nothing.
 *
 * <p>Stateless apart from its immutable inputs; thread-safe as long as each caller passes its own
 * {@link Random}.
 */
final class HostileFrames {

  /** What the fuzzer knows of the honest clients and of the calling lane. */
  record Targets(String honestResource, long honestToken, List<String> honestSessionIds,
      List<String> honestResumeTokens, String sandbox, String validJwt, boolean restricted, int maxFrameBytes) {}

  /** How the lane's connection stands when the frame is sent. */
  enum Stage {
    /** Connected, no hello yet: the frame is the first message. */
    ANONYMOUS,
    /** A valid hello was just sent and not yet answered. */
    MID_HANDSHAKE,
    /** Welcomed. */
    AUTHENTICATED
  }

  private enum Field { STRING_REQ, STRING_OPT, TOKEN_REQ, RESOURCE, MODE, FLAG_OPT, FLAG_REQ, LONG_REQ }

  /** Every command of docs/protocol.md with its fields. */
  private static final Map<String, Map<String, Field>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("hello", fields("token", Field.TOKEN_REQ, "resume", Field.STRING_OPT));
    COMMANDS.put("join", fields("resource", Field.RESOURCE, "mode", Field.MODE));
    COMMANDS.put("leave", fields("resource", Field.RESOURCE));
    COMMANDS.put("lock.acquire", fields("resource", Field.RESOURCE, "wait", Field.FLAG_OPT, "takeOwn", Field.FLAG_OPT));
    COMMANDS.put("lock.release", fields("resource", Field.RESOURCE));
    COMMANDS.put("lock.renew", fields("resource", Field.RESOURCE, "token", Field.LONG_REQ));
    COMMANDS.put("lock.cancel", fields("resource", Field.RESOURCE));
    COMMANDS.put("lock.request", fields("resource", Field.RESOURCE, "message", Field.STRING_OPT));
    COMMANDS.put("lock.takeover", fields("resource", Field.RESOURCE, "reason", Field.STRING_REQ, "force", Field.FLAG_OPT));
    COMMANDS.put("takeover.respond", fields("resource", Field.RESOURCE, "accept", Field.FLAG_REQ));
    COMMANDS.put("heartbeat", fields());
    COMMANDS.put("presence.sync", fields("resource", Field.RESOURCE));
    COMMANDS.put("ping", fields());
    COMMANDS.put("bye", fields());
  }

  private static final List<String> COMMAND_TYPES = List.copyOf(COMMANDS.keySet());
  private static final List<String> RESOURCE_COMMANDS = COMMAND_TYPES.stream()
      .filter(t -> COMMANDS.get(t).containsKey("resource")).toList();
  /** Odd but valid Unicode: NUL, bidi overrides and marks, BOM, joiners, noncharacters, homoglyphs. */
  private static final List<String> ODD_UNICODE = List.of("\u0000", "\u202E", "\u200F", "\u202D", "\u2066",
      "\uFEFF", "\u200D", "\u200B", "\uD83D\uDE00", "\uFFFF", "\uFFFE", "e\u0301", "\uFF1A", "\u043E", "\u2028",
      "\u0085", "\u00A0", "\uDB40\uDC01", "\u0007", "\u001B[31m", "\t", "\r\n");
  /** Escapes the JSON text carries verbatim: lone surrogates and a reversed pair. */
  private static final List<String> LONE_SURROGATE_ESCAPES = List.of("\\ud800", "\\udfff", "\\udc00\\ud800",
      "\\ud83d", "\\u0000");
  /** Byte sequences that are not UTF-8: overlong forms, CESU surrogates, 5-byte forms, stray bytes. */
  private static final List<byte[]> INVALID_UTF8 = List.of(bytes(0xC0, 0xAF), bytes(0xE0, 0x80, 0xAF),
      bytes(0xF8, 0x88, 0x80, 0x80, 0x80), bytes(0xED, 0xA0, 0x80), bytes(0xED, 0xBF, 0xBF), bytes(0xFF),
      bytes(0xFE), bytes(0x80), bytes(0xE2, 0x82), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xC1, 0xBF),
      bytes(0xC0, 0x80));
  private static final String PLACEHOLDER = "@@FUZZ@@";

  private final ObjectMapper json = new ObjectMapper();
  private final JsonNodeFactory nodes = JsonNodeFactory.instance;
  private final ForgedTokens forged;

  HostileFrames(ForgedTokens forged) {
    this.forged = forged;
  }

  /** The next frame for a lane at {@code stage}. */
  Hostile next(Random r, Stage stage, Targets t) {
    int dice = r.nextInt(100);
    if (dice < 5) {
      return randomBinary(r);
    } else if (dice < 9) {
      return randomTextBytes(r);
    } else if (dice < 15) {
      return invalidUtf8(r, t);
    } else if (dice < 25) {
      return randomJson(r, t);
    } else if (dice < 30) {
      return deepNesting(r);
    } else if (dice < 36) {
      return hugeString(r, t);
    } else if (dice < 52) {
      return wrongType(r, t);
    } else if (dice < 62) {
      return oddUnicode(r, t);
    } else if (dice < 72) {
      return malformedResource(r, t);
    } else if (dice < 84) {
      return stage == Stage.ANONYMOUS ? stolenResume(r, t) : stolenIds(r, t);
    } else {
      return forgedHello(r, t);
    }
  }

  // ---------------------------------------------------------------- generators

  private Hostile randomBinary(Random r) {
    byte[] b = new byte[r.nextInt(2048)];
    r.nextBytes(b);
    return new Hostile("random binary", 2, b, Expect.REFUSED, null);
  }

  private Hostile randomTextBytes(Random r) {
    byte[] b = new byte[1 + r.nextInt(512)];
    r.nextBytes(b);
    if (r.nextBoolean()) {
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (0x20 + (b[i] & 0x5f)); // printable ASCII: valid UTF-8, not JSON
      }
    }
    return new Hostile("random text bytes", 1, b, Expect.REFUSED, null);
  }

  private Hostile invalidUtf8(Random r, Targets t) {
    String type = pick(r, COMMAND_TYPES);
    ObjectNode m = valid(r, type, t);
    List<String> stringFields = new ArrayList<>(List.of("id", "type"));
    COMMANDS.get(type).forEach((name, kind) -> {
      if (kind != Field.FLAG_OPT && kind != Field.FLAG_REQ && kind != Field.LONG_REQ) {
        stringFields.add(name);
      }
    });
    String field = pick(r, stringFields);
    String original = m.path(field).asText("");
    int at = r.nextInt(original.length() + 1);
    m.put(field, original.substring(0, at) + PLACEHOLDER + original.substring(at));
    byte[] text = write(m).getBytes(StandardCharsets.UTF_8);
    byte[] bad = pick(r, INVALID_UTF8);
    return new Hostile("invalid UTF-8 in " + type + "." + field, 1, splice(text, bad), Expect.REFUSED, null);
  }

  private Hostile randomJson(Random r, Targets t) {
    JsonNode value;
    if (r.nextInt(10) < 7) {
      ObjectNode m = nodes.objectNode();
      m.put("id", "r" + r.nextInt(1000));
      m.put("type", pick(r, COMMAND_TYPES));
      int n = r.nextInt(6);
      for (int i = 0; i < n; i++) {
        m.set(randomKey(r), randomValue(r, t, 3));
      }
      value = m;
    } else {
      value = randomValue(r, t, 5);
    }
    return Hostile.text("random JSON", write(value), Expect.ANY);
  }

  private Hostile deepNesting(Random r) {
    int depth = 10_000;
    String open;
    String close;
    switch (r.nextInt(4)) {
      case 0 -> {
        open = "[";
        close = "]";
      }
      case 1 -> {
        open = "{\"a\":";
        close = "}";
      }
      case 2 -> {
        open = "[{\"a\":";
        close = "}]";
        depth = 5_000;
      }
      default -> {
        open = "[";
        close = "";
      }
    }
    String nested = open.repeat(depth) + "1" + close.repeat(depth);
    String text = r.nextBoolean() ? nested : "{\"id\":\"deep\",\"type\":\"ping\",\"x\":" + nested + "}";
    return Hostile.text("nesting " + depth + " deep", text, Expect.REFUSED);
  }

  private Hostile hugeString(Random r, Targets t) {
    boolean over = r.nextInt(100) < 5;
    String type = pick(r, COMMAND_TYPES);
    ObjectNode m = valid(r, type, t);
    List<String> names = new ArrayList<>(List.of("id", "type", "pad"));
    COMMANDS.get(type).forEach((name, kind) -> {
      if (kind != Field.FLAG_OPT && kind != Field.FLAG_REQ && kind != Field.LONG_REQ) {
        names.add(name);
      }
    });
    String field = pick(r, names);
    if (field.equals("pad") && m.has("resource")) {
      m.put("resource", t.sandbox()); // an unknown field is ignored: the command is valid, so not the honest one
    }
    m.put(field, "");
    int room = t.maxFrameBytes() - write(m).length();
    int size = over ? room + 1 + r.nextInt(t.maxFrameBytes()) : Math.max(1, room - r.nextInt(Math.min(room, 4096)));
    char c = (char) ('a' + r.nextInt(26));
    m.put(field, String.valueOf(c).repeat(size));
    // A padded command is a valid one (on the lane's own resource); everything else is refused.
    boolean harmless = !over && field.equals("pad");
    return Hostile.text((over ? "over-limit " : "huge ") + type + "." + field, write(m),
        harmless ? Expect.ANY : Expect.REFUSED);
  }

  private Hostile wrongType(Random r, Targets t) {
    String type = pick(r, COMMAND_TYPES);
    ObjectNode m = valid(r, type, t);
    List<String> names = new ArrayList<>(List.of("id", "type"));
    names.addAll(COMMANDS.get(type).keySet());
    String field = pick(r, names);
    JsonNode wrong;
    if (field.equals("id")) {
      wrong = pick(r, Arrays.asList(nodes.numberNode(7), nodes.nullNode(), nodes.arrayNode(), nodes.objectNode(),
          nodes.booleanNode(true), nodes.textNode("i".repeat(65)), missing()));
    } else if (field.equals("type")) {
      wrong = pick(r, Arrays.asList(nodes.numberNode(7), nodes.nullNode(), nodes.arrayNode().add(type), nodes.objectNode(),
          nodes.textNode(type.toUpperCase()), nodes.textNode(type + " "), nodes.textNode(""),
          nodes.textNode("lock.steal"), missing()));
    } else {
      wrong = wrongValue(r, COMMANDS.get(type).get(field), t);
    }
    if (wrong == null) {
      m.remove(field);
    } else {
      m.set(field, wrong);
    }
    return Hostile.text("wrong type of " + type + "." + field, write(m), Expect.REFUSED);
  }

  private JsonNode wrongValue(Random r, Field kind, Targets t) {
    List<JsonNode> common = List.of(nodes.numberNode(42), nodes.numberNode(-1), nodes.numberNode(3.14),
        nodes.booleanNode(true), nodes.arrayNode(), nodes.objectNode(), nodes.arrayNode().add("a"),
        nodes.objectNode().put("a", "b"));
    List<JsonNode> options = new ArrayList<>();
    switch (kind) {
      case STRING_REQ, TOKEN_REQ -> {
        options.addAll(common);
        options.add(nodes.nullNode());
        options.add(nodes.textNode(""));
        options.add(missing());
      }
      case STRING_OPT -> options.addAll(common);
      case RESOURCE -> {
        options.addAll(Arrays.asList(nodes.numberNode(42), nodes.booleanNode(true), nodes.nullNode(), nodes.arrayNode(),
            nodes.objectNode(), nodes.arrayNode().add(t.honestResource()),
            nodes.objectNode().put("resource", t.honestResource()), missing()));
      }
      case MODE -> options.addAll(List.of(nodes.numberNode(1), nodes.booleanNode(true), nodes.arrayNode(),
          nodes.objectNode(), nodes.textNode("EDIT"), nodes.textNode("write"), nodes.textNode(""),
          nodes.textNode(" edit"), nodes.textNode("edit\u0000"), nodes.arrayNode().add("edit")));
      case FLAG_OPT, FLAG_REQ -> {
        options.addAll(List.of(nodes.textNode("true"), nodes.textNode("false"), nodes.numberNode(1),
            nodes.numberNode(0), nodes.arrayNode(), nodes.objectNode(), nodes.textNode("yes")));
        if (kind == Field.FLAG_REQ) {
          options.add(nodes.nullNode());
          options.add(missing());
        }
      }
      case LONG_REQ -> options.addAll(Arrays.asList(nodes.textNode("123"), nodes.textNode(Long.toString(t.honestToken())),
          nodes.numberNode(1.5), nodes.numberNode(1e3), nodes.numberNode(new BigInteger("18446744073709551616")),
          nodes.numberNode(new BigInteger("-9223372036854775809")), nodes.booleanNode(true), nodes.nullNode(),
          nodes.arrayNode().add(t.honestToken()), nodes.objectNode(), missing()));
      default -> throw new IllegalStateException(kind.toString());
    }
    return pick(r, options);
  }

  private Hostile oddUnicode(Random r, Targets t) {
    String type = pick(r, COMMAND_TYPES);
    ObjectNode m = valid(r, type, t);
    List<String> names = new ArrayList<>(List.of("id", "type"));
    COMMANDS.get(type).forEach((name, kind) -> {
      if (kind != Field.FLAG_OPT && kind != Field.FLAG_REQ && kind != Field.LONG_REQ) {
        names.add(name);
      }
    });
    String field = pick(r, names);
    if (field.equals("id") && m.has("resource")) {
      m.put("resource", t.sandbox()); // the id is only echoed: the command is valid, so not the honest one
    }
    String original = m.path(field).asText("x");
    StringBuilder odd = new StringBuilder();
    int n = 1 + r.nextInt(3);
    boolean escape = r.nextInt(3) == 0;
    for (int i = 0; i < n; i++) {
      odd.append(pick(r, ODD_UNICODE));
    }
    int at = r.nextInt(original.length() + 1);
    String value = original.substring(0, at) + odd + (escape ? PLACEHOLDER : "") + original.substring(at);
    if (field.equals("id") && value.length() > 60) {
      value = value.substring(value.length() - 60);
    }
    m.put(field, value);
    String text = write(m);
    if (escape) {
      text = text.replace(PLACEHOLDER, pick(r, LONE_SURROGATE_ESCAPES));
    }
    // The id is only echoed, and a ping, heartbeat or a leave of a resource never joined change nothing.
    boolean harmless = field.equals("id") || List.of("ping", "heartbeat", "leave", "bye").contains(type);
    return Hostile.text("odd Unicode in " + type + "." + field, text, harmless ? Expect.ANY : Expect.REFUSED);
  }

  private Hostile malformedResource(Random r, Targets t) {
    String type = pick(r, RESOURCE_COMMANDS);
    ObjectNode m = valid(r, type, t);
    String bad = badResource(r, t);
    m.put("resource", bad);
    return Hostile.text("malformed resource in " + type, write(m), Expect.REFUSED);
  }

  /** A resource id that {@link ResourceId#parse} refuses. */
  String badResource(Random r, Targets t) {
    while (true) {
      String candidate = badResourceCandidate(r, t);
      try {
        ResourceId.parse(candidate);
      } catch (BatonException e) {
        return candidate;
      }
    }
  }

  private String badResourceCandidate(Random r, Targets t) {
    String type = "operation-report";
    String id = t.honestResource().split(":")[1];
    String child = "diagnosis";
    List<String> badChars = List.of(" ", "\t", "\n", "/", "\\", "%", "?", "#", "{", "}", "\"", "'", "\u0000",
        "\u00e9", "\u202E", "..", "*", ":", "@", "+", "\u0130");
    return switch (r.nextInt(14)) {
      case 0 -> "";
      case 1 -> pick(r, List.of(":", "::", ":::", type, type + ":", ":" + id, type + "::" + child,
          type + ":" + id + ":", "*:*", type + ":*:*", type + ":" + id + ":**", "*"));
      case 2 -> String.join(":", type, id, child, pick(r, List.of("x", "", "*")));
      case 3 -> type + ":" + id + ":" + child + ":" + id + ":" + child;
      case 4 -> pick(r, List.of("Operation-report", "OPERATION-REPORT", "1op", "-op", "_op", "op.report", "op report"))
          + ":" + id + ":" + child;
      case 5 -> "t".repeat(65) + ":" + id;
      case 6 -> type + ":" + "i".repeat(129 + r.nextInt(200));
      case 7 -> type + ":" + id + ":" + "c".repeat(65 + r.nextInt(100));
      case 8 -> {
        String c = pick(r, badChars);
        int part = r.nextInt(3);
        yield part == 0 ? type + c + ":" + id + ":" + child
            : part == 1 ? type + ":" + id + c + ":" + child : type + ":" + id + ":" + child + c;
      }
      case 9 -> pick(r, t.honestSessionIds());
      case 10 -> pick(r, t.honestResumeTokens());
      case 11 -> t.validJwt();
      case 12 -> " " + t.honestResource() + pick(r, List.of(" ", "\n", "\u0000", "\u200B"));
      default -> pick(r, List.of("../../etc/passwd", "operation-report:%2e%2e:x", "operation-report:id:main%00",
          "operation-report:" + id + ":diagnosis\u0000", "file:///etc/passwd", "redis:{x}:y",
          "baton:{operation-report:" + id + "}:lock", "operation-report:" + Long.toString(t.honestToken())
              + ":" + "\u202Ediagnosis"));
    };
  }

  /** Before hello: a valid JWT of the lane's user with another user's resume token or session id. */
  private Hostile stolenResume(Random r, Targets t) {
    List<String> stolen = new ArrayList<>(t.honestResumeTokens());
    stolen.addAll(t.honestSessionIds());
    stolen.add(Long.toString(t.honestToken()));
    String resume = pick(r, stolen);
    if (r.nextInt(4) == 0) {
      resume = mutate(r, resume);
    }
    ObjectNode m = message("h" + r.nextInt(1000), "hello");
    m.put("token", t.validJwt());
    m.put("resume", resume);
    return Hostile.text("another user's resume token", write(m), Expect.FRESH_SESSION);
  }

  /** After hello: the honest clients' resource, fencing token, session ids and resume tokens. */
  private Hostile stolenIds(Random r, Targets t) {
    String honest = t.honestResource();
    String docLock = honest.substring(0, honest.lastIndexOf(':')) + ":*";
    String resource = r.nextInt(5) == 0 ? docLock : honest;
    long token = pick(r, List.of(t.honestToken(), t.honestToken() + 1, t.honestToken() - 1, 0L, -1L,
        Long.MAX_VALUE, Long.MIN_VALUE, r.nextLong()));
    ObjectNode m;
    String kind;
    if (t.restricted() && r.nextInt(4) == 0) {
      m = message("j" + r.nextInt(1000), "join");
      m.put("resource", resource);
      m.put("mode", pick(r, List.of("edit", "view")));
      return Hostile.text("join outside the resources claim", write(m), Expect.REFUSED);
    }
    switch (r.nextInt(10)) {
      case 0 -> {
        m = message("s", "lock.renew");
        m.put("resource", resource);
        m.put("token", token);
        kind = "renew with a stolen or guessed token";
      }
      case 1 -> {
        m = message("s", "lock.renew");
        m.put("resource", t.sandbox());
        m.put("token", t.honestToken());
        kind = "renew of its own resource with the honest holder's token";
      }
      case 2 -> {
        m = message("s", pick(r, List.of("lock.release", "lock.acquire", "presence.sync", "lock.cancel")));
        m.put("resource", resource);
        if (r.nextBoolean()) {
          m.put("takeOwn", true);
        }
        kind = m.get("type").asText() + " of the honest resource";
      }
      case 3 -> {
        m = message("s", "lock.request");
        m.put("resource", resource);
        m.put("message", "let me in");
        kind = "lock.request without joining";
      }
      case 4 -> {
        m = message("s", "lock.takeover");
        m.put("resource", resource);
        m.put("reason", "fuzz");
        m.put("force", r.nextBoolean());
        kind = "takeover without joining";
      }
      case 5 -> {
        m = message("s", "takeover.respond");
        m.put("resource", resource);
        m.put("accept", r.nextBoolean());
        kind = "takeover.respond of another's lock";
      }
      case 6 -> {
        m = message("s", "hello");
        m.put("token", t.validJwt());
        m.put("resume", pick(r, t.honestResumeTokens()));
        kind = "second hello with a stolen resume token";
      }
      case 7 -> {
        m = message("s", "join");
        m.put("resource", resource);
        m.put("token", t.honestToken());
        m.put("sessionId", pick(r, t.honestSessionIds()));
        m.put("mode", 7);
        kind = "join with the honest session id and a bad mode";
      }
      case 8 -> {
        m = message("s", "lock.release");
        m.put("resource", resource);
        m.put("sessionId", pick(r, t.honestSessionIds()));
        m.put("token", t.honestToken());
        kind = "release naming the holder's session";
      }
      default -> {
        m = message("s", "lock.acquire");
        m.put("resource", resource);
        m.put("takeOwn", true);
        m.put("resume", pick(r, t.honestResumeTokens()));
        kind = "acquire with takeOwn and a stolen resume token";
      }
    }
    m.put("id", "s" + r.nextInt(1000));
    return Hostile.text(kind, write(m), Expect.REFUSED);
  }

  private Hostile forgedHello(Random r, Targets t) {
    ObjectNode m = message("f" + r.nextInt(1000), "hello");
    m.put("token", forged.pick(r));
    if (r.nextBoolean()) {
      m.put("resume", pick(r, t.honestResumeTokens()));
    }
    return Hostile.text("forged JWT", write(m), Expect.REFUSED);
  }

  // ---------------------------------------------------------------- helpers

  /** A well-formed command of {@code type} aimed at the honest resource (refused once mutated). */
  private ObjectNode valid(Random r, String type, Targets t) {
    ObjectNode m = message("v" + r.nextInt(1000), type);
    COMMANDS.get(type).forEach((name, kind) -> {
      switch (kind) {
        case TOKEN_REQ -> m.put(name, forged.pick(r));
        case STRING_REQ, STRING_OPT -> m.put(name, "please");
        case RESOURCE -> m.put(name, t.honestResource());
        case MODE -> m.put(name, "view");
        case FLAG_OPT, FLAG_REQ -> m.put(name, false);
        case LONG_REQ -> m.put(name, t.honestToken());
        default -> throw new IllegalStateException(kind.toString());
      }
    });
    return m;
  }

  private ObjectNode message(String id, String type) {
    ObjectNode m = nodes.objectNode();
    m.put("id", id);
    m.put("type", type);
    return m;
  }

  private String randomKey(Random r) {
    return r.nextInt(4) == 0 ? randomString(r, 8)
        : pick(r, List.of("id", "type", "resource", "token", "mode", "wait", "takeOwn", "message", "reason",
            "force", "accept", "resume"));
  }

  private JsonNode randomValue(Random r, Targets t, int depth) {
    int choice = r.nextInt(depth <= 0 ? 6 : 8);
    return switch (choice) {
      case 0 -> nodes.nullNode();
      case 1 -> nodes.booleanNode(r.nextBoolean());
      case 2 -> pick(r, List.of(nodes.numberNode(r.nextLong()), nodes.numberNode(r.nextDouble() * 1e300),
          nodes.numberNode(r.nextInt(3) - 1), nodes.numberNode(new BigInteger(200, r))));
      case 3 -> nodes.textNode(pick(r, COMMAND_TYPES));
      case 4 -> nodes.textNode(pick(r, List.of(t.sandbox(), t.sandbox().replace(":main", ":*"),
          t.sandbox().replace(":main", ":notes"), "view", "edit", badResource(r, t))));
      case 5 -> nodes.textNode(randomString(r, 1 + r.nextInt(40)));
      case 6 -> {
        ArrayNode a = nodes.arrayNode();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
          a.add(randomValue(r, t, depth - 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = nodes.objectNode();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
          o.set(randomKey(r), randomValue(r, t, depth - 1));
        }
        yield o;
      }
    };
  }

  private static String randomString(Random r, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.appendCodePoint(r.nextInt(4) == 0 ? r.nextInt(0x3000) : 0x20 + r.nextInt(0x5f));
    }
    return b.toString();
  }

  private static String mutate(Random r, String s) {
    if (s.isEmpty()) {
      return "x";
    }
    int at = r.nextInt(s.length());
    char c = s.charAt(at);
    return s.substring(0, at) + (char) (c == 'A' ? 'B' : 'A') + s.substring(at + 1);
  }

  private String write(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code text} with the placeholder replaced by raw bytes. */
  private static byte[] splice(byte[] text, byte[] bad) {
    String s = new String(text, StandardCharsets.UTF_8);
    int at = s.indexOf(PLACEHOLDER);
    byte[] before = s.substring(0, at).getBytes(StandardCharsets.UTF_8);
    byte[] after = s.substring(at + PLACEHOLDER.length()).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before);
    out.writeBytes(bad);
    out.writeBytes(after);
    return out.toByteArray();
  }

  /** Marks a field to remove: {@link #wrongType} drops the field when it picks this. */
  private static JsonNode missing() {
    return null;
  }

  private static <T> T pick(Random r, List<T> list) {
    return list.get(r.nextInt(list.size()));
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static Map<String, Field> fields(Object... pairs) {
    Map<String, Field> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (Field) pairs[i + 1]);
    }
    return m;
  }
}
