package dev.baton.server.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.core.resource.ResourceId;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestRedis;
import dev.baton.server.testing.TestServer;
import io.cucumber.java.After;
import io.cucumber.java.Before;
import io.cucumber.java.ParameterType;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Steps of the clinical scenarios. Cucumber makes one instance per scenario: each scenario gets its own
 * {@link TestServer} (lock TTL 3 s, heartbeat 1 s, grace 2 s, expiry warning 1.5 s) and its own tabs.
 * After every scenario, every message every tab received is checked for {@code ts} and for tokens of
 * locks that are not the tab's own.
 *
 * <p>The server starts on first use, so that a scenario's first steps can give a record type its own
 * policy ({@code operation-report records have this policy}) and a person a role ({@code Dr. Adams has
 * the "admin" role}); without a role a person's token carries the role {@code clinician}. This class
 * owns the scenario's server, people and tabs; the other step classes of this package reach them
 * through {@link #current()} (Cucumber runs the scenarios one after another here, and the glue has no
 * dependency injection).
 */
public class ClinicalSteps {

  /** A clinician: display name and JWT subject. */
  public record Person(String name, String userId) {}

  static final Duration EVENT_TIMEOUT = Duration.ofSeconds(5);

  /** The instance of the running scenario, for the other step classes. */
  private static volatile ClinicalSteps current;

  /**
   * Set (per scenario) by {@code dev.baton.server.twonodes.TwoNodesHooks} when the scenarios run on two
   * nodes sharing one Redis ({@code RunCucumberOnTwoNodesTest}): people alternate between the nodes, a
   * second window and a reconnected tab go to the other node than the person's previous tab.
   */
  static volatile boolean twoNodes;

  /** Switches the scenarios that start after this call to two nodes (true) or one (false). */
  public static void useTwoNodes(boolean on) {
    twoNodes = on;
  }
  private static TestRedis redis;

  private final TestServer.Builder builder = TestServer.builder();
  private TestServer server;
  /** Node B in two-node mode, else null. */
  private TestServer otherNode;
  /** The node each person's (current) tab is connected to, in two-node mode. */
  private final Map<String, TestServer> nodeOf = new HashMap<>();
  private final Map<String, TestClient> tabs = new HashMap<>();
  /** Second windows (another session of the same user), by person. */
  private final Map<String, TestClient> secondWindows = new HashMap<>();
  private final Map<String, List<String>> roles = new HashMap<>();
  private final List<ScheduledExecutorService> keepAlives = new ArrayList<>();
  private final Map<String, String> jwts = new HashMap<>();
  /** The last reply each person got. */
  private final Map<String, JsonNode> lastReply = new HashMap<>();
  /** Every fencing token each person was granted, oldest first. */
  private final Map<String, List<Long>> granted = new HashMap<>();
  private final List<JsonNode> heartbeatAcks = new ArrayList<>();
  private String sessionBeforeDrop;

  @ParameterType("Dr\\. (?:Smith|Patel|Adams|Baker|Grey)|Nurse (?:Jane|Kim)")
  public Person person(String name) {
    return new Person(name, name.substring(name.lastIndexOf(' ') + 1).toLowerCase());
  }

  @ParameterType("[A-Za-z0-9_.*-]+(?::[A-Za-z0-9_.*-]+){1,2}")
  public String record(String id) {
    return id;
  }

  @Before(order = 0)
  public void beginScenario() {
    current = this;
  }

  @After(order = 0)
  public void stopServer() {
    try {
      keepAlives.forEach(ScheduledExecutorService::shutdownNow);
      if (server != null) {
        try {
          server.assertTokensPrivate();
          if (otherNode != null) {
            otherNode.assertTokensPrivate();
          }
          for (TestClient tab : allClients()) {
            assertPresenceWithoutGaps(tab);
          }
        } finally {
          server.close();
          if (otherNode != null) {
            otherNode.close();
          }
        }
      }
    } finally {
      current = null;
    }
  }

  /** The running scenario's instance. */
  static ClinicalSteps current() {
    ClinicalSteps c = current;
    assertThat(c).as("a scenario is running").isNotNull();
    return c;
  }

  /**
   * SPEC 3: a resource's presence {@code version} increases by one per change, so a tab that never
   * asked {@code presence.sync} must have seen no gap. Versions come from {@code welcome.resources},
   * {@code joined} and {@code presence} replies and from {@code presence.*} events; an event no newer
   * than what the tab knows (its own join, announced after the reply) is fine, a jump is not.
   */
  static void assertPresenceWithoutGaps(TestClient tab) {
    Map<String, Long> known = new HashMap<>();
    for (JsonNode m : tab.messages()) {
      String type = m.path("type").asText();
      switch (type) {
        case "welcome" -> {
          known.clear();
          for (JsonNode r : m.path("resources")) {
            known.put(r.path("resource").asText(), r.path("presence").path("version").asLong());
          }
        }
        case "joined" -> known.put(m.path("resource").asText(), m.path("presence").path("version").asLong());
        case "presence" -> known.put(m.path("resource").asText(), m.path("version").asLong());
        case "left" -> known.remove(m.path("resource").asText());
        case "presence.joined", "presence.left", "presence.changed" -> {
          String resource = m.path("resource").asText();
          long version = m.path("version").asLong();
          Long before = known.get(resource);
          if (before == null && twoNodes) {
            // On the Redis store the events of a join arrive before its reply.
            known.put(resource, version);
            continue;
          }
          assertThat(before).as("%s got %s before joining", tab.label(), m).isNotNull();
          assertThat(version).as("%s: presence version after %d, in %s", tab.label(), before, m)
              .isLessThanOrEqualTo(before + 1);
          known.put(resource, Math.max(before, version));
        }
        default -> { }
      }
    }
  }

  /**
   * The scenario's server, started on first use with the policies given so far; in two-node mode node
   * A (node B is started with it, on the same Redis and key prefix).
   */
  TestServer server() {
    if (server == null) {
      if (twoNodes) {
        builder.redis(redis().port(), TestRedis.newPrefix());
        server = builder.start();
        otherNode = builder.start();
      } else {
        server = builder.start();
      }
    }
    return server;
  }

  /** The node {@code p}'s tab connects to: the only one, or (two nodes) A and B alternately by person. */
  TestServer nodeFor(Person p) {
    TestServer a = server();
    if (otherNode == null) {
      return a;
    }
    TestServer node = nodeOf.get(p.name());
    if (node == null) {
      node = nodeOf.size() % 2 == 0 ? a : otherNode;
      nodeOf.put(p.name(), node);
    }
    return node;
  }

  /** The node other than {@code node} (itself with one node). */
  TestServer other(TestServer node) {
    return otherNode == null ? node : node == server ? otherNode : server;
  }

  /** Every client of every node. */
  List<TestClient> allClients() {
    List<TestClient> all = new ArrayList<>(server().clients());
    if (otherNode != null) {
      all.addAll(otherNode.clients());
    }
    return all;
  }

  private static synchronized TestRedis redis() {
    if (redis == null) {
      redis = TestRedis.start();
      TestRedis r = redis;
      Runtime.getRuntime().addShutdownHook(new Thread(r::close, "test-redis-stop"));
    }
    return redis;
  }

  // ---------------------------------------------------------------- the setting

  @Given("{word} records have this policy")
  public void typePolicy(String type, Map<String, String> keys) {
    assertThat(server).as("policies are set before the server starts (first steps of a scenario)").isNull();
    keys.forEach((key, value) -> builder.policy(type, key, value));
  }

  @Given("{person} has the {string} role")
  public void hasRole(Person p, String role) {
    assertThat(tabs).as("roles are given before %s opens a tab", p.name()).doesNotContainKey(p.name());
    roles.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(role);
  }

  @Given("{person}'s tab sends a heartbeat every second from now on")
  public void keepsAlive(Person p) {
    TestClient tab = tab(p);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, p.name() + " heartbeat");
      t.setDaemon(true);
      return t;
    });
    keepAlives.add(timer);
    timer.scheduleAtFixedRate(() -> {
      if (!tab.isClosed()) {
        tab.send(Map.of("id", tab.nextId(), "type", "heartbeat"));
      }
    }, 0, 1, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------- Given

  @Given("{person} is editing {record}")
  public void isEditing(Person p, String record) {
    TestClient tab = tab(p);
    JsonNode joined = tab.expect("joined", "join", Map.of("resource", record, "mode", "edit"));
    assertThat(joined.path("role").asText()).as("%s's role after joining to edit: %s", p.name(), joined)
        .isEqualTo("editor");
    assertThat(joined.has("downgraded")).as("downgraded in %s", joined).isFalse();
    JsonNode lock = joined.path("lock");
    assertThat(lock.path("holder").path("sessionId").asText()).isEqualTo(tab.sessionId());
    assertThat(lock.path("token").isIntegralNumber()).as("the holder's own copy has the token: %s", lock).isTrue();
    granted(p).add(lock.path("token").asLong());
  }

  @Given("{person} is viewing {record}")
  public void isViewing(Person p, String record) {
    JsonNode joined = tab(p).expect("joined", "join", Map.of("resource", record, "mode", "view"));
    assertThat(joined.path("role").asText()).as("%s", joined).isEqualTo("viewer");
  }

  // ---------------------------------------------------------------- When

  @When("{person} opens {record} to edit it")
  public void opensToEdit(Person p, String record) {
    lastReply.put(p.name(), tab(p).join(record, "edit"));
  }

  @When("{person} tries to take the lock on {record}")
  public void triesToTakeTheLock(Person p, String record) {
    lastReply.put(p.name(), tab(p).acquire(record));
  }

  @When("{person}'s tab sends a heartbeat every second for {int} seconds")
  public void heartbeatsFor(Person p, int seconds) throws InterruptedException {
    TestClient tab = tab(p);
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (System.nanoTime() - end < 0) {
      heartbeatAcks.add(tab.heartbeat());
      // Real time has to pass here: the point is that the lock outlives several TTLs.
      Thread.sleep(1000);
    }
  }

  @When("{person}'s tab stops sending heartbeats")
  public void stopsHeartbeats(Person p) {
    // Nothing to do: the tab simply sends nothing more.
  }

  @When("{person}'s connection drops right after a heartbeat, without saying goodbye")
  public void connectionDrops(Person p) {
    TestClient tab = tab(p);
    // The heartbeat gives the lock a full TTL (3 s), longer than the grace (2 s): the grace decides.
    tab.heartbeat();
    sessionBeforeDrop = tab.sessionId();
    tab.abort();
  }

  @When("{person}'s tab reconnects with its resume token")
  public void reconnects(Person p) {
    TestClient old = tabs.get(p.name());
    TestServer node = other(nodeFor(p)); // two nodes: resume on the other one
    nodeOf.put(p.name(), node);
    TestClient tab = node.connect(p.name() + " (reconnected)");
    lastReply.put(p.name(), tab.hello(jwts.get(p.name()), old.resumeToken()));
    tabs.put(p.name(), tab);
  }

  // ---------------------------------------------------------------- Then

  @Then("{person} joins {record} as a viewer because {person} holds the lock")
  public void joinsAsViewer(Person p, String normalized, Person holder) {
    JsonNode joined = lastReply.get(p.name());
    assertThat(joined.path("type").asText()).as("%s", joined).isEqualTo("joined");
    assertThat(joined.path("resource").asText()).isEqualTo(norm(normalized));
    assertThat(joined.path("role").asText()).isEqualTo("viewer");
    assertThat(joined.path("downgraded").asBoolean(false)).as("downgraded in %s", joined).isTrue();
    assertThat(joined.path("reason").asText()).isEqualTo("LOCK_HELD");
    JsonNode lock = joined.path("lock");
    assertThat(lock.path("holder").path("name").asText()).isEqualTo(holder.name());
    assertThat(lock.path("holder").path("userId").asText()).isEqualTo(holder.userId());
    assertThat(lock.has("token")).as("a viewer's copy of the lock has no token: %s", lock).isFalse();
  }

  @Then("{person} is told the lock expires in about {int} seconds")
  public void toldExpiry(Person p, int seconds) {
    JsonNode lock = lastReply.get(p.name()).path("lock");
    long ttlMs = seconds * 1000L;
    assertThat(lock.path("remainingMs").asLong(-1)).as("remainingMs in %s", lock).isBetween(ttlMs - 1000, ttlMs);
    long ts = lastReply.get(p.name()).path("ts").asLong();
    assertThat(lock.path("expiresAt").asLong()).as("expiresAt = ts + remainingMs in %s", lock)
        .isCloseTo(ts + lock.path("remainingMs").asLong(), org.assertj.core.data.Offset.offset(200L));
  }

  @Then("{person} is refused because {person} is editing {record}")
  public void refused(Person p, Person holder, String record) {
    JsonNode e = assertLockHeld(p, holder);
    assertThat(e.path("inGrace").asBoolean(true)).as("inGrace in %s", e).isFalse();
  }

  @Then("{person} is refused because {person} is still holding {record} in his grace")
  public void refusedInGrace(Person p, Person holder, String record) {
    JsonNode e = assertLockHeld(p, holder);
    assertThat(e.path("inGrace").asBoolean(false)).as("inGrace in %s", e).isTrue();
  }

  /** {@code p}'s last reply is LOCK_HELD naming another user, {@code holder}, with every detail. */
  JsonNode assertLockHeld(Person p, Person holder) {
    JsonNode e = lastReply.get(p.name());
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("LOCK_HELD");
    assertThat(e.path("retryable").asBoolean(true)).isFalse();
    assertThat(e.path("message").asText()).as("a message for people").contains(holder.name());
    assertThat(e.path("holder").path("name").asText()).as("%s", e).isEqualTo(holder.name());
    assertThat(e.path("holder").path("userId").asText()).as("%s", e).isEqualTo(holder.userId());
    assertThat(e.path("holder").has("self")).as("holder.self for another user: %s", e).isFalse();
    assertThat(e.path("expiresAt").isIntegralNumber()).as("expiresAt in %s", e).isTrue();
    assertThat(e.path("remainingMs").asLong(-1)).as("remainingMs in %s", e)
        .isBetween(1L, server().config().policies().defaultPolicy().lockTtl().toMillis());
    assertThat(e.path("expiresAt").asLong()).as("expiresAt = ts + remainingMs in %s", e)
        .isCloseTo(e.path("ts").asLong() + e.path("remainingMs").asLong(), org.assertj.core.data.Offset.offset(200L));
    assertThat(e.has("inGrace")).as("inGrace in %s", e).isTrue();
    assertThat(e.has("token")).as("no token in %s", e).isFalse();
    return e;
  }

  @Then("{person} never sees {person}'s fencing token")
  public void neverSeesToken(Person viewer, Person holder) {
    List<Long> tokens = granted(holder);
    assertThat(tokens).as("%s's tokens", holder.name()).isNotEmpty();
    for (TestClient tab : allClients()) {
      if (tab.label().startsWith(viewer.name())) {
        assertThat(tab.seenTokens()).as("tokens in messages to %s", tab.label()).doesNotContainAnyElementsOf(tokens);
        for (JsonNode m : tab.messages()) {
          for (long t : tokens) {
            assertThat(containsNumber(m, "token", t)).as("%s's token %d in %s", holder.name(), t, m).isFalse();
          }
        }
      }
    }
  }

  @Then("every heartbeat renewed {person}'s lock on {record} with the same fencing token")
  public void everyHeartbeatRenewed(Person p, String record) {
    long token = lastToken(p);
    long ttlMs = server().config().policies().defaultPolicy().lockTtl().toMillis();
    assertThat(heartbeatAcks).as("heartbeats over 3 TTLs").hasSizeGreaterThanOrEqualTo(8);
    for (JsonNode ack : heartbeatAcks) {
      JsonNode locks = ack.path("locks");
      assertThat(locks.size()).as("%s", ack).isEqualTo(1);
      assertThat(locks.get(0).path("resource").asText()).isEqualTo(norm(record));
      assertThat(locks.get(0).path("token").asLong()).as("%s", ack).isEqualTo(token);
      assertThat(locks.get(0).path("remainingMs").asLong()).as("%s", ack).isBetween(ttlMs - 500, ttlMs);
    }
  }

  @Then("the document service sees {person} holding {record}")
  public void serviceSeesHolder(Person p, String record) {
    serviceSeesHolder(p, record, record);
  }

  @Then("the document service sees {person} holding {record} when it asks about {record}")
  public void serviceSeesHolder(Person p, String normalized, String asked) {
    JsonNode state = server().resourceState(asked);
    assertThat(state.path("resource").asText()).isEqualTo(norm(normalized));
    assertThat(state.path("lock").path("holder").path("userId").asText()).as("%s", state).isEqualTo(p.userId());
    assertThat(state.path("lock").path("token").asLong()).as("the service sees the token: %s", state)
        .isEqualTo(lastToken(p));
  }

  @Then("the document service accepts {person}'s fencing token for {record}")
  public void serviceAccepts(Person p, String record) {
    TestServer.Response r = server().verify(record, lastToken(p));
    assertThat(r.status()).as("verify: %s", r.body()).isEqualTo(200);
    assertThat(r.json().path("valid").asBoolean()).isTrue();
    assertThat(r.json().path("holder").path("userId").asText()).isEqualTo(p.userId());
    assertThat(r.json().path("expiresAt").isIntegralNumber()).as("%s", r.body()).isTrue();
  }

  @Then("the document service refuses {person}'s fencing token for {record} because it {string}")
  public void serviceRefuses(Person p, String record, String reason) {
    TestServer.Response r = server().verify(record, lastToken(p));
    assertThat(r.status()).as("verify: %s", r.body()).isEqualTo(409);
    assertThat(r.json().path("valid").asBoolean(true)).isFalse();
    assertThat(r.json().path("reason").asText()).as("%s", r.body()).isEqualTo(reason);
  }

  @Then("{person} was never warned that his lock is expiring")
  public void neverWarned(Person p) {
    assertThat(tab(p).eventsOf("lock.expiring")).isEmpty();
    assertThat(tab(p).eventsOf("lock.expired")).isEmpty();
  }

  @Then("{person} never saw the lock on {record} free")
  public void neverSawFree(Person p, String record) {
    List<JsonNode> states = tab(p).eventsOf("lock.state");
    assertThat(states).as("lock.state events while heartbeats renewed the lock").isNotEmpty();
    for (JsonNode s : states) {
      assertThat(s.path("lock").path("holder").isObject()).as("%s", s).isTrue();
    }
  }

  @Then("{person} sees within {int} seconds that nobody holds the lock on {record}")
  public void seesFree(Person p, int seconds, String record) {
    JsonNode e = tab(p).awaitEvent("lock.state",
        s -> s.path("resource").asText().equals(norm(record)) && s.path("lock").path("holder").isNull(),
        Duration.ofSeconds(seconds));
    assertThat(e.path("lock").has("token")).isFalse();
  }

  @Then("{person} is told that his lock on {record} has expired")
  public void toldExpired(Person p, String record) {
    JsonNode e = tab(p).awaitEvent("lock.expired", x -> x.path("resource").asText().equals(norm(record)), EVENT_TIMEOUT);
    assertThat(e.path("token").asLong()).as("%s", e).isEqualTo(lastToken(p));
  }

  @Then("{person} was warned once that his lock on {record} was expiring, before it expired")
  public void warnedOnce(Person p, String record) {
    List<JsonNode> warnings = tab(p).eventsOf("lock.expiring");
    assertThat(warnings).as("lock.expiring events").hasSize(1);
    JsonNode w = warnings.get(0);
    assertThat(w.path("resource").asText()).isEqualTo(norm(record));
    assertThat(w.path("token").asLong()).isEqualTo(lastToken(p));
    assertThat(w.path("remainingMs").asLong(-1)).as("%s", w)
        .isBetween(0L, server().config().policies().defaultPolicy().expiryWarning().toMillis());
    List<JsonNode> all = tab(p).messages();
    int warned = indexOf(all, "lock.expiring");
    int expired = indexOf(all, "lock.expired");
    assertThat(warned).as("the warning came before lock.expired").isBetween(0, expired - 1);
  }

  @Then("{person} can take the lock on {record}")
  public void canTakeLock(Person p, String record) {
    JsonNode g = tab(p).expect("lock.granted", "lock.acquire", Map.of("resource", record));
    assertThat(g.path("resource").asText()).isEqualTo(norm(record));
    long token = g.path("token").asLong();
    for (List<Long> earlier : granted.values()) {
      assertThat(earlier).as("fencing tokens grow").allSatisfy(t -> assertThat(token).isGreaterThan(t));
    }
    granted(p).add(token);
  }

  @Then("{person} sees {person} as away on {record}")
  public void seesAway(Person viewer, Person who, String record) {
    tab(viewer).awaitEvent("presence.changed", e -> e.path("resource").asText().equals(norm(record))
        && e.path("member").path("sessionId").asText().equals(sessionBeforeDrop)
        && e.path("member").path("userId").asText().equals(who.userId())
        && e.path("member").path("status").asText().equals("away"), EVENT_TIMEOUT);
  }

  @Then("{person} sees {person} online again on {record}")
  public void seesOnline(Person viewer, Person who, String record) {
    tab(viewer).awaitEvent("presence.changed", e -> e.path("resource").asText().equals(norm(record))
        && e.path("member").path("sessionId").asText().equals(sessionBeforeDrop)
        && e.path("member").path("status").asText().equals("online"), EVENT_TIMEOUT);
  }

  @Then("{person} sees the lock on {record} still held by {person}, in his grace")
  public void seesInGrace(Person viewer, String record, Person holder) {
    tab(viewer).awaitEvent("lock.state", e -> e.path("resource").asText().equals(norm(record))
        && e.path("lock").path("holder").path("name").asText().equals(holder.name())
        && e.path("lock").path("inGrace").asBoolean(false), EVENT_TIMEOUT);
  }

  @Then("{person} sees {person} leave {record} because he {string}")
  public void seesLeave(Person viewer, Person who, String record, String reason) {
    JsonNode e = tab(viewer).awaitEvent("presence.left", x -> x.path("resource").asText().equals(norm(record))
        && x.path("member").path("sessionId").asText().equals(sessionBeforeDrop), EVENT_TIMEOUT);
    assertThat(e.path("reason").asText()).as("%s", e).isEqualTo(reason);
    assertThat(e.path("member").path("userId").asText()).isEqualTo(who.userId());
  }

  @Then("{person} gets his session back with the lock on {record} and the same fencing token")
  public void getsSessionBack(Person p, String record) {
    JsonNode w = lastReply.get(p.name());
    assertThat(w.path("resumed").asBoolean(false)).as("%s", w).isTrue();
    assertThat(w.path("sessionId").asText()).isEqualTo(sessionBeforeDrop);
    assertThat(w.path("resumeToken").asText()).as("a new, single-use resume token")
        .isNotEmpty().isNotEqualTo(tabsBefore(p));
    JsonNode resource = null;
    for (JsonNode r : w.path("resources")) {
      if (r.path("resource").asText().equals(norm(record))) {
        resource = r;
      }
    }
    assertThat(resource).as("%s in welcome.resources: %s", record, w).isNotNull();
    assertThat(resource.path("role").asText()).isEqualTo("editor");
    assertThat(resource.path("lock").path("holder").path("sessionId").asText()).isEqualTo(sessionBeforeDrop);
    assertThat(resource.path("lock").path("token").asLong()).as("%s", resource).isEqualTo(lastToken(p));
    assertThat(resource.path("lock").path("inGrace").asBoolean(true)).as("%s", resource).isFalse();
  }

  @Then("{person} can renew his lock on {record} with his old fencing token")
  public void canRenew(Person p, String record) {
    JsonNode r = tab(p).expect("lock.renewed", "lock.renew", Map.of("resource", record, "token", lastToken(p)));
    assertThat(r.path("resource").asText()).isEqualTo(norm(record));
    assertThat(r.path("remainingMs").asLong()).isPositive();
  }

  @Then("every message Dr. Smith and Nurse Jane received about the record names it {record}")
  public void everyMessageNames(String normalized) {
    int checked = 0;
    for (TestClient tab : allClients()) {
      for (JsonNode m : tab.messages()) {
        List<String> ids = new ArrayList<>();
        collect(m, "resource", ids);
        for (String id : ids) {
          assertThat(id).as("resource in %s received by %s", m, tab.label()).isEqualTo(norm(normalized));
          checked++;
        }
      }
    }
    assertThat(checked).as("resource ids checked").isGreaterThan(4);
  }

  // ---------------------------------------------------------------- helpers

  /** The person's tab, opened and greeted on first use. */
  TestClient tab(Person p) {
    return tabs.computeIfAbsent(p.name(), k -> {
      TestClient tab = nodeFor(p).connect(p.name());
      tab.hello(jwt(p));
      return tab;
    });
  }

  /** The person's second window: another session of the same user, opened and greeted on first use. */
  TestClient secondWindow(Person p) {
    return secondWindows.computeIfAbsent(p.name(), k -> {
      TestClient tab = other(nodeFor(p)).connect(p.name() + "'s second window");
      tab.hello(jwt(p));
      return tab;
    });
  }

  /** The person's JWT (one per person per scenario), with the roles given or {@code clinician}. */
  String jwt(Person p) {
    return jwts.computeIfAbsent(p.name(), k -> server().token(p.userId(), p.name(),
        roles.getOrDefault(p.name(), List.of("clinician")).toArray(String[]::new)));
  }

  /** The last reply {@code p} got from a step of this class, or stored with {@link #replied}. */
  JsonNode lastReply(Person p) {
    JsonNode r = lastReply.get(p.name());
    assertThat(r).as("%s got a reply", p.name()).isNotNull();
    return r;
  }

  /** Remembers {@code reply} as {@code p}'s last reply, for the steps that check it. */
  void replied(Person p, JsonNode reply) {
    lastReply.put(p.name(), reply);
  }

  private String tabsBefore(Person p) {
    for (TestClient c : allClients()) {
      if (c.label().equals(p.name())) {
        return c.resumeToken();
      }
    }
    return null;
  }

  /** The id as every reply names it (SPEC 1: {@code type:id} means {@code type:id:main}). */
  static String norm(String record) {
    return ResourceId.parse(record).toString();
  }

  /** Every fencing token granted to {@code p} (any of its sessions), oldest first. */
  List<Long> granted(Person p) {
    return granted.computeIfAbsent(p.name(), k -> new ArrayList<>());
  }

  /** The type of a record id ({@code operation-report} of {@code operation-report:42:diagnosis}). */
  static String type(String record) {
    return ResourceId.parse(record).type();
  }

  /** {@code token} is greater than every token granted to anyone in this scenario so far. */
  void assertNewestToken(long token) {
    for (List<Long> earlier : granted.values()) {
      assertThat(earlier).as("fencing tokens grow").allSatisfy(t -> assertThat(token).isGreaterThan(t));
    }
  }

  long lastToken(Person p) {
    List<Long> tokens = granted(p);
    assertThat(tokens).as("%s was granted a lock", p.name()).isNotEmpty();
    return tokens.get(tokens.size() - 1);
  }

  private static int indexOf(List<JsonNode> messages, String type) {
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i).path("type").asText().equals(type)) {
        return i;
      }
    }
    return -1;
  }

  static boolean containsNumber(JsonNode n, String key, long value) {
    if (n.isObject()) {
      JsonNode v = n.get(key);
      if (v != null && v.isNumber() && v.asLong() == value) {
        return true;
      }
      for (Iterator<Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        if (containsNumber(it.next().getValue(), key, value)) {
          return true;
        }
      }
    } else if (n.isArray()) {
      for (JsonNode e : n) {
        if (containsNumber(e, key, value)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void collect(JsonNode n, String key, List<String> out) {
    if (n.isObject()) {
      JsonNode v = n.get(key);
      if (v != null && v.isTextual()) {
        out.add(v.textValue());
      }
      for (Iterator<Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        collect(it.next().getValue(), key, out);
      }
    } else if (n.isArray()) {
      for (JsonNode e : n) {
        collect(e, key, out);
      }
    }
  }
}
