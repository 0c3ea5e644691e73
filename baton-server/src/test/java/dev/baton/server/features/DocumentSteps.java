package dev.baton.server.features;

import static dev.baton.server.features.ClinicalSteps.EVENT_TIMEOUT;
import static dev.baton.server.features.ClinicalSteps.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.server.features.ClinicalSteps.Person;
import dev.baton.server.testing.TestClient;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * Steps of Phase 2 about one document and its tabs: tabs edited at the same time, the per-user lock
 * limit, the whole-document lock, a second window of the same clinician, the viewer limit, and the
 * wait queue. The server, people and tabs are {@link ClinicalSteps}'s; this class keeps only what its
 * own steps compare later. One instance per scenario.
 */
public class DocumentSteps {

  /** The replies to the acquires sent at the same time, by person. */
  private final Map<String, JsonNode> simultaneous = new HashMap<>();
  /** The last reply to a command sent from a second window. */
  private JsonNode windowReply;
  private long firstWindowToken;
  private long secondWindowToken;

  private static ClinicalSteps c() {
    return ClinicalSteps.current();
  }

  // ---------------------------------------------------------------- tabs edited at the same time

  @Given("{person} has {record} and {record} open")
  public void hasOpen(Person p, String first, String second) {
    for (String record : List.of(first, second)) {
      JsonNode joined = c().tab(p).expect("joined", "join", Map.of("resource", record, "mode", "view"));
      assertThat(joined.path("role").asText()).as("%s", joined).isEqualTo("viewer");
    }
  }

  @When("{person} starts editing {record} while {person} starts editing {record}")
  public void startEditingTogether(Person a, String recordA, Person b, String recordB) throws Exception {
    TestClient tabA = c().tab(a);
    TestClient tabB = c().tab(b);
    CyclicBarrier start = new CyclicBarrier(2);
    CompletableFuture<JsonNode> replyA = CompletableFuture.supplyAsync(() -> {
      await(start);
      return tabA.acquire(recordA);
    });
    CompletableFuture<JsonNode> replyB = CompletableFuture.supplyAsync(() -> {
      await(start);
      return tabB.acquire(recordB);
    });
    simultaneous.put(a.name(), replyA.get(10, TimeUnit.SECONDS));
    simultaneous.put(b.name(), replyB.get(10, TimeUnit.SECONDS));
  }

  @Then("{person} holds the lock on {record}")
  public void holdsTheLock(Person p, String record) {
    JsonNode g = simultaneous.get(p.name());
    assertThat(g).as("%s's reply", p.name()).isNotNull();
    assertThat(g.path("type").asText()).as("%s's reply: %s", p.name(), g).isEqualTo("lock.granted");
    assertThat(g.path("resource").asText()).isEqualTo(norm(record));
    assertThat(g.path("token").isIntegralNumber()).as("%s", g).isTrue();
    assertThat(g.path("remainingMs").asLong(-1)).as("%s", g)
        .isBetween(1L, c().server().config().policies().defaultPolicy().lockTtl().toMillis());
    assertThat(g.path("expiresAt").asLong()).as("expiresAt = ts + remainingMs in %s", g)
        .isCloseTo(g.path("ts").asLong() + g.path("remainingMs").asLong(), offset(200L));
    c().granted(p).add(g.path("token").asLong());
  }

  @Then("{person} sees {person} editing {record}")
  public void seesEditing(Person viewer, Person editor, String record) {
    JsonNode e = c().tab(viewer).awaitEvent("lock.state", s -> s.path("resource").asText().equals(norm(record))
        && s.path("lock").path("holder").path("userId").asText().equals(editor.userId()), EVENT_TIMEOUT);
    JsonNode lock = e.path("lock");
    assertThat(lock.path("holder").path("name").asText()).isEqualTo(editor.name());
    assertThat(lock.has("token")).as("%s's copy of %s's lock has no token: %s", viewer.name(), editor.name(), e)
        .isFalse();
    assertThat(lock.path("remainingMs").asLong(-1)).as("%s", e).isPositive();
    assertThat(lock.path("takeover").isNull()).as("no takeover pending once %s edits: %s", editor.name(), e)
        .isTrue();
    c().tab(viewer).awaitEvent("presence.changed", x -> x.path("resource").asText().equals(norm(record))
        && x.path("member").path("userId").asText().equals(editor.userId())
        && x.path("member").path("role").asText().equals("editor"), EVENT_TIMEOUT);
  }

  @Then("the document service sees both tabs of {record} edited, with {person} and {person} present once each")
  public void documentShowsBothTabs(String document, Person a, Person b) {
    JsonNode doc = c().server().documentState(document);
    Map<String, JsonNode> children = new HashMap<>();
    for (JsonNode child : doc.path("children")) {
      children.put(child.path("resource").asText(), child);
    }
    List<String> holders = new ArrayList<>();
    for (JsonNode child : children.values()) {
      JsonNode holder = child.path("lock").path("holder");
      if (holder.isObject()) {
        holders.add(holder.path("userId").asText());
        Person p = holder.path("userId").asText().equals(a.userId()) ? a : b;
        assertThat(child.path("lock").path("token").asLong()).as("the service sees the token: %s", child)
            .isEqualTo(c().lastToken(p));
      }
    }
    assertThat(holders).as("holders of the tabs of %s: %s", document, doc)
        .containsExactlyInAnyOrder(a.userId(), b.userId());
    List<String> sessions = new ArrayList<>();
    List<String> users = new ArrayList<>();
    for (JsonNode m : doc.path("presence").path("members")) {
      sessions.add(m.path("sessionId").asText());
      users.add(m.path("userId").asText());
    }
    assertThat(sessions).as("document presence, one entry per session: %s", doc)
        .containsExactlyInAnyOrder(c().tab(a).sessionId(), c().tab(b).sessionId());
    assertThat(users).containsExactlyInAnyOrder(a.userId(), b.userId());
  }

  // ---------------------------------------------------------------- per-user limit

  @Given("{person} is editing these tabs of {record}")
  public void isEditingTabs(Person p, String document, List<String> children) {
    for (String child : children) {
      c().isEditing(p, document + ":" + child.strip());
    }
  }

  @Given("{person} is editing {record} in a second window")
  public void isEditingInSecondWindow(Person p, String record) {
    TestClient window = c().secondWindow(p);
    JsonNode joined = window.expect("joined", "join", Map.of("resource", record, "mode", "edit"));
    assertThat(joined.path("role").asText()).as("%s", joined).isEqualTo("editor");
    JsonNode lock = joined.path("lock");
    assertThat(lock.path("holder").path("sessionId").asText()).isEqualTo(window.sessionId());
    assertThat(lock.path("token").isIntegralNumber()).as("%s", lock).isTrue();
    c().granted(p).add(lock.path("token").asLong());
  }

  @Then("{person} joins {record} as a viewer because he/she holds {int} locks in {record} already")
  public void joinsAsViewerOverLimit(Person p, String record, int held, String document) {
    JsonNode joined = c().lastReply(p);
    assertThat(joined.path("type").asText()).as("%s", joined).isEqualTo("joined");
    assertThat(joined.path("resource").asText()).isEqualTo(norm(record));
    assertThat(joined.path("role").asText()).as("%s", joined).isEqualTo("viewer");
    assertThat(joined.path("downgraded").asBoolean(false)).as("downgraded in %s", joined).isTrue();
    assertThat(joined.path("reason").asText()).as("%s", joined).isEqualTo("LOCK_LIMIT");
    assertThat(joined.path("message").asText()).as("a message for people: %s", joined)
        .contains(String.valueOf(held)).contains(document);
    assertThat(joined.path("lock").path("holder").isNull()).as("nobody holds %s: %s", record, joined).isTrue();
  }

  @Then("{person} is refused because he/she already holds {int} of the {int} locks allowed in one document")
  public void refusedOverLimit(Person p, int held, int limit) {
    JsonNode e = c().lastReply(p);
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("LOCK_LIMIT");
    assertThat(e.path("retryable").asBoolean(true)).as("%s", e).isFalse();
    assertThat(e.path("limit").asInt(-1)).as("limit in %s", e).isEqualTo(limit);
    assertThat(e.path("held").asInt(-1)).as("held in %s", e).isEqualTo(held);
    assertThat(e.path("message").asText()).as("a message for people").contains(p.name());
  }

  @When("{person} releases his/her lock on {record}")
  public void releases(Person p, String record) {
    JsonNode r = c().tab(p).expect("lock.released", "lock.release", Map.of("resource", record));
    assertThat(r.path("resource").asText()).isEqualTo(norm(record));
  }

  // ---------------------------------------------------------------- whole-document lock

  @Then("{person} joins {record} as a viewer because {person} is editing {record}")
  public void joinsAsViewerBlockedByTab(Person p, String record, Person holder, String blocking) {
    assertDowngradedByHierarchy(p, record, holder, blocking);
  }

  @Then("{person} joins {record} as a viewer because {person} holds the whole-document lock {record}")
  public void joinsAsViewerBlockedByDocument(Person p, String record, Person holder, String blocking) {
    assertDowngradedByHierarchy(p, record, holder, blocking);
  }

  private void assertDowngradedByHierarchy(Person p, String record, Person holder, String blocking) {
    JsonNode joined = c().lastReply(p);
    assertThat(joined.path("type").asText()).as("%s", joined).isEqualTo("joined");
    assertThat(joined.path("resource").asText()).isEqualTo(norm(record));
    assertThat(joined.path("role").asText()).as("%s", joined).isEqualTo("viewer");
    assertThat(joined.path("downgraded").asBoolean(false)).as("downgraded in %s", joined).isTrue();
    assertThat(joined.path("reason").asText()).as("%s", joined).isEqualTo("LOCK_HELD");
    assertThat(joined.path("lockResource").asText()).as("the blocking lock in %s", joined).isEqualTo(norm(blocking));
    assertThat(joined.path("message").asText()).as("a message for people: %s", joined).contains(holder.name());
    assertThat(joined.path("lock").path("holder").isNull())
        .as("%s itself is free; another lock blocks it: %s", record, joined).isTrue();
  }

  @Then("{person} is refused because {person} is editing {record} of that document")
  public void refusedByTab(Person p, Person holder, String blocking) {
    JsonNode e = c().assertLockHeld(p, holder);
    assertThat(e.path("lockResource").asText()).as("the blocking lock in %s", e).isEqualTo(norm(blocking));
  }

  @Then("{person} is refused because {person} holds the whole-document lock {record}")
  public void refusedByDocument(Person p, Person holder, String documentLock) {
    JsonNode e = c().assertLockHeld(p, holder);
    assertThat(e.path("lockResource").asText()).as("the blocking lock in %s", e).isEqualTo(norm(documentLock));
  }

  // ---------------------------------------------------------------- second window

  @When("{person} opens {record} to edit it in a second window")
  public void opensInSecondWindow(Person p, String record) {
    windowReply = c().secondWindow(p).join(record, "edit");
  }

  @Then("the second window joins {record} as a viewer because {person}'s first window holds the lock")
  public void secondWindowJoinsAsViewer(String record, Person p) {
    JsonNode joined = windowReply;
    assertThat(joined.path("type").asText()).as("%s", joined).isEqualTo("joined");
    assertThat(joined.path("resource").asText()).isEqualTo(norm(record));
    assertThat(joined.path("role").asText()).as("%s", joined).isEqualTo("viewer");
    assertThat(joined.path("downgraded").asBoolean(false)).as("downgraded in %s", joined).isTrue();
    assertThat(joined.path("reason").asText()).as("%s", joined).isEqualTo("LOCK_HELD");
    JsonNode lock = joined.path("lock");
    assertThat(lock.path("holder").path("userId").asText()).isEqualTo(p.userId());
    assertThat(lock.path("holder").path("sessionId").asText()).isEqualTo(c().tab(p).sessionId());
    assertThat(lock.has("token")).as("the other window's token is not shown: %s", lock).isFalse();
  }

  @When("{person} tries to take the lock on {record} in the second window")
  public void triesInSecondWindow(Person p, String record) {
    windowReply = c().secondWindow(p).acquire(record);
  }

  @Then("the second window is refused because {person} is editing {record} in another window")
  public void secondWindowRefused(Person p, String record) {
    JsonNode e = windowReply;
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("LOCK_HELD");
    assertThat(e.path("holder").path("self").asBoolean(false)).as("holder.self in %s", e).isTrue();
    assertThat(e.path("holder").path("userId").asText()).as("%s", e).isEqualTo(p.userId());
    assertThat(e.path("holder").path("name").asText()).as("%s", e).isEqualTo(p.name());
    assertThat(e.has("lockResource")).as("the lock of %s itself blocks: %s", record, e).isFalse();
    assertThat(e.path("remainingMs").asLong(-1)).as("%s", e).isPositive();
    assertThat(e.has("token")).as("no token in %s", e).isFalse();
  }

  @When("{person} moves the lock on {record} to the second window")
  public void movesToSecondWindow(Person p, String record) {
    firstWindowToken = c().lastToken(p);
    windowReply = c().secondWindow(p).request("lock.acquire", Map.of("resource", record, "takeOwn", true));
  }

  @Then("the second window holds the lock on {record} with a new, higher fencing token")
  public void secondWindowHolds(String record) {
    JsonNode g = windowReply;
    assertThat(g.path("type").asText()).as("%s", g).isEqualTo("lock.granted");
    assertThat(g.path("resource").asText()).isEqualTo(norm(record));
    secondWindowToken = g.path("token").asLong();
    assertThat(secondWindowToken).as("the new token against the first window's").isGreaterThan(firstWindowToken);
    assertThat(g.path("remainingMs").asLong(-1)).as("%s", g).isPositive();
  }

  @Then("{person}'s first window is told that its lock on {record} was taken over by his/her second window")
  public void firstWindowRevoked(Person p, String record) {
    JsonNode e = c().tab(p).awaitEvent("lock.revoked", x -> x.path("resource").asText().equals(norm(record)),
        EVENT_TIMEOUT);
    assertThat(e.path("token").asLong()).as("%s", e).isEqualTo(firstWindowToken);
    assertThat(e.path("by").path("userId").asText()).as("%s", e).isEqualTo(p.userId());
    assertThat(e.path("reason").asText()).as("%s", e).isNotBlank();
    c().granted(p).add(secondWindowToken);
  }

  @Then("{person} sees {person}'s second window editing {record} and his/her first window viewing it")
  public void seesSecondWindowEditing(Person viewer, Person p, String record) {
    String first = c().tab(p).sessionId();
    String second = c().secondWindow(p).sessionId();
    TestClient tab = c().tab(viewer);
    JsonNode state = tab.awaitEvent("lock.state", s -> s.path("resource").asText().equals(norm(record))
        && s.path("lock").path("holder").path("sessionId").asText().equals(second), EVENT_TIMEOUT);
    assertThat(state.path("lock").has("token")).as("%s", state).isFalse();
    tab.awaitEvent("presence.changed", x -> x.path("resource").asText().equals(norm(record))
        && x.path("member").path("sessionId").asText().equals(first)
        && x.path("member").path("role").asText().equals("viewer"), EVENT_TIMEOUT);
    tab.awaitEvent("presence.changed", x -> x.path("resource").asText().equals(norm(record))
        && x.path("member").path("sessionId").asText().equals(second)
        && x.path("member").path("role").asText().equals("editor"), EVENT_TIMEOUT);
  }

  @Then("the document service refuses the first window's fencing token for {record} because it {string}")
  public void serviceRefusesFirstWindow(String record, String reason) {
    var r = c().server().verify(record, firstWindowToken);
    assertThat(r.status()).as("verify: %s", r.body()).isEqualTo(409);
    assertThat(r.json().path("valid").asBoolean(true)).isFalse();
    assertThat(r.json().path("reason").asText()).as("%s", r.body()).isEqualTo(reason);
  }

  @Then("the document service accepts the second window's fencing token for {record}")
  public void serviceAcceptsSecondWindow(String record) {
    var r = c().server().verify(record, secondWindowToken);
    assertThat(r.status()).as("verify: %s", r.body()).isEqualTo(200);
    assertThat(r.json().path("valid").asBoolean()).isTrue();
  }

  // ---------------------------------------------------------------- viewer limit

  @When("{person} opens {record} to view it")
  public void opensToView(Person p, String record) {
    c().replied(p, c().tab(p).join(record, "view"));
  }

  @Then("{person} is turned away because {record} already has {int} of {int} viewers")
  public void turnedAway(Person p, String record, int current, int limit) {
    JsonNode e = c().lastReply(p);
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("VIEWER_LIMIT");
    assertThat(e.path("retryable").asBoolean(true)).isFalse();
    assertThat(e.path("limit").asInt(-1)).as("limit in %s", e).isEqualTo(limit);
    assertThat(e.path("current").asInt(-1)).as("current in %s", e).isEqualTo(current);
    assertThat(e.path("message").asText()).as("%s", e).contains(norm(record));
  }

  @Then("{person} joins {record} as its editor, under a policy of at most {int} viewers")
  public void joinsAsEditorUnderViewerLimit(Person p, String record, int maxViewers) {
    JsonNode joined = c().lastReply(p);
    assertThat(joined.path("type").asText()).as("%s", joined).isEqualTo("joined");
    assertThat(joined.path("role").asText()).as("%s", joined).isEqualTo("editor");
    assertThat(joined.has("downgraded")).as("%s", joined).isFalse();
    assertThat(joined.path("lock").path("holder").path("sessionId").asText()).isEqualTo(c().tab(p).sessionId());
    JsonNode policy = joined.path("policy");
    assertThat(policy.path("maxViewers").asInt(-1)).as("joined.policy: %s", policy).isEqualTo(maxViewers);
    assertThat(policy.path("lockTtlMs").asLong()).as("inherited from the default policy: %s", policy)
        .isEqualTo(c().server().config().policies().defaultPolicy().lockTtl().toMillis());
    c().granted(p).add(joined.path("lock").path("token").asLong());
    long viewers = 0;
    for (JsonNode m : joined.path("presence").path("members")) {
      if (m.path("role").asText().equals("viewer")) {
        viewers++;
      }
    }
    assertThat(viewers).as("viewers besides the editor: %s", joined).isEqualTo(maxViewers);
  }

  @When("{person} closes {record}")
  public void closes(Person p, String record) {
    c().tab(p).expect("left", "leave", Map.of("resource", record));
  }

  @Then("{person} can view {record}")
  public void canView(Person p, String record) {
    JsonNode joined = c().tab(p).expect("joined", "join", Map.of("resource", record, "mode", "view"));
    assertThat(joined.path("role").asText()).as("%s", joined).isEqualTo("viewer");
  }

  // ---------------------------------------------------------------- closing a tab

  @When("{person} closes his/her tab")
  public void closesTab(Person p) {
    TestClient tab = c().tab(p);
    tab.send(Map.of("id", tab.nextId(), "type", "bye"));
    assertThat(tab.awaitClose(EVENT_TIMEOUT).code()).as("close code after bye").isEqualTo(1000);
  }

  // ---------------------------------------------------------------- wait queue

  @When("{person} asks to wait for the lock on {record}")
  public void asksToWait(Person p, String record) {
    c().replied(p, c().tab(p).request("lock.acquire", Map.of("resource", record, "wait", true)));
  }

  @Then("{person} is number {int} in line for {record}")
  public void isNumberInLine(Person p, int position, String record) {
    JsonNode q = c().lastReply(p);
    assertThat(q.path("type").asText()).as("%s", q).isEqualTo("lock.queued");
    assertThat(q.path("resource").asText()).isEqualTo(norm(record));
    assertThat(q.path("position").asInt(-1)).as("%s", q).isEqualTo(position);
  }

  @Given("{person} is waiting for the lock on {record} as number {int}")
  public void isWaiting(Person p, String record, int position) {
    c().isViewing(p, record);
    asksToWait(p, record);
    isNumberInLine(p, position, record);
  }

  @Then("{person} sees {int} clinicians waiting for {record}")
  public void seesWaiting(Person p, int waiting, String record) {
    c().tab(p).awaitEvent("lock.state", s -> s.path("resource").asText().equals(norm(record))
        && s.path("lock").path("queueLength").asInt(-1) == waiting, EVENT_TIMEOUT);
  }

  @Then("{person} is given the lock on {record} with a new, higher fencing token")
  public void isGivenTheLock(Person p, String record) {
    long timeoutMs = EVENT_TIMEOUT.toMillis()
        + c().server().config().policies().forType(ClinicalSteps.type(record)).takeover().timeout().toMillis();
    JsonNode g = c().tab(p).awaitEvent("lock.granted", x -> x.path("resource").asText().equals(norm(record)),
        java.time.Duration.ofMillis(timeoutMs));
    assertThat(g.has("re")).as("a pushed grant, not a reply: %s", g).isFalse();
    long token = g.path("token").asLong();
    assertThat(g.path("remainingMs").asLong(-1)).as("%s", g).isPositive();
    assertThat(g.path("expiresAt").asLong()).as("expiresAt = ts + remainingMs in %s", g)
        .isCloseTo(g.path("ts").asLong() + g.path("remainingMs").asLong(), offset(200L));
    c().assertNewestToken(token);
    c().granted(p).add(token);
  }

  @Then("{person} is told that he/she is now number {int} in line for {record}")
  public void toldNewPosition(Person p, int position, String record) {
    JsonNode q = c().tab(p).awaitEvent("lock.queued", x -> x.path("resource").asText().equals(norm(record)),
        EVENT_TIMEOUT);
    assertThat(q.has("re")).as("pushed: %s", q).isFalse();
    assertThat(q.path("position").asInt(-1)).as("%s", q).isEqualTo(position);
  }

  @When("{person} stops waiting for the lock on {record}")
  public void stopsWaiting(Person p, String record) {
    c().replied(p, c().tab(p).request("lock.cancel", Map.of("resource", record)));
  }

  @Then("{person} is told that he/she no longer waits for {record}")
  public void toldCancelled(Person p, String record) {
    JsonNode r = c().lastReply(p);
    assertThat(r.path("type").asText()).as("%s", r).isEqualTo("lock.cancelled");
    assertThat(r.path("resource").asText()).isEqualTo(norm(record));
  }

  @Then("{person} is told that there is nothing to cancel")
  public void toldNothingToCancel(Person p) {
    JsonNode e = c().lastReply(p);
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("BAD_REQUEST");
  }

  @Then("{person} was never given the lock on {record}")
  public void neverGiven(Person p, String record) {
    for (JsonNode m : c().tab(p).messages()) {
      if (!m.path("resource").asText().equals(norm(record))) {
        continue;
      }
      assertThat(m.path("type").asText()).as("%s was granted: %s", p.name(), m).isNotEqualTo("lock.granted");
      assertThat(m.path("lock").path("holder").path("userId").asText())
          .as("%s was shown as the holder: %s", p.name(), m).isNotEqualTo(p.userId());
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
