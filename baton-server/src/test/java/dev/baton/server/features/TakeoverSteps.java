package dev.baton.server.features;

import static dev.baton.server.features.ClinicalSteps.EVENT_TIMEOUT;
import static dev.baton.server.features.ClinicalSteps.norm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.server.features.ClinicalSteps.Person;
import dev.baton.server.testing.TestClient;
import dev.baton.server.testing.TestServer;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * Steps of Phase 2 about taking a lock from its editor: lock requests ("may I edit?"), admin takeovers
 * with their deadline, the holder's answer, break-glass, withdrawing, and the HTTP force release. The
 * server, people and tabs are {@link ClinicalSteps}'s. One instance per scenario.
 */
public class TakeoverSteps {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Slack for comparing two epoch-ms times that the server computed at slightly different moments. */
  private static final long CLOCK_SLACK_MS = 100;

  /** The deadline each requester was shown in {@code takeover.pending}, by person. */
  private final Map<String, Long> deadlines = new HashMap<>();
  /** The answer the holder gave last ({@code takeover.respond {accept}}). */
  private Boolean lastAnswer;
  private TestServer.Response httpResponse;

  private static ClinicalSteps c() {
    return ClinicalSteps.current();
  }

  // ---------------------------------------------------------------- lock requests

  @When("{person} asks {person} for the lock on {record} saying {string}")
  public void asksForTheLock(Person p, Person holder, String record, String message) {
    c().replied(p, c().tab(p).request("lock.request", Map.of("resource", record, "message", message)));
  }

  @When("{person} asks {person} for the lock on {record} from a second window saying {string}")
  public void asksFromSecondWindow(Person p, Person holder, String record, String message) {
    TestClient window = c().secondWindow(p);
    JsonNode joined = window.expect("joined", "join", Map.of("resource", record, "mode", "view"));
    assertThat(joined.path("role").asText()).isEqualTo("viewer");
    c().replied(p, window.request("lock.request", Map.of("resource", record, "message", message)));
  }

  @Then("{person} is told that his/her request was sent")
  public void requestSent(Person p) {
    JsonNode r = c().lastReply(p);
    assertThat(r.path("type").asText()).as("%s", r).isEqualTo("lock.request.sent");
  }

  @Then("{person} is asked by {person} for the lock on {record} saying {string}")
  public void isAsked(Person holder, Person requester, String record, String message) {
    JsonNode e = c().tab(holder).awaitEvent("lock.requested", x -> x.path("resource").asText().equals(norm(record))
        && x.path("by").path("userId").asText().equals(requester.userId()), EVENT_TIMEOUT);
    JsonNode by = e.path("by");
    assertThat(by.path("name").asText()).as("%s", e).isEqualTo(requester.name());
    assertThat(by.path("sessionId").asText()).as("by is the asking member: %s", e)
        .isEqualTo(c().tab(requester).sessionId());
    assertThat(by.path("role").asText()).as("%s", e).isEqualTo("viewer");
    assertThat(e.path("message").asText()).as("%s", e).isEqualTo(message);
  }

  @Then("{person} is told to wait about {int} seconds before asking again")
  public void rateLimited(Person p, int seconds) {
    JsonNode e = c().lastReply(p);
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("RATE_LIMITED");
    assertThat(e.path("retryable").asBoolean(false)).as("%s", e).isTrue();
    assertThat(e.path("retryAfterMs").asLong(-1)).as("retryAfterMs in %s", e)
        .isBetween(seconds * 1000L - 10_000, seconds * 1000L);
  }

  @Then("{person} was asked for the lock on {record} by {person} only once")
  public void askedOnce(Person holder, String record, Person requester) {
    List<JsonNode> asked = c().tab(holder).eventsOf("lock.requested").stream()
        .filter(x -> x.path("resource").asText().equals(norm(record))
            && x.path("by").path("userId").asText().equals(requester.userId()))
        .toList();
    assertThat(asked).as("requests by %s that reached %s", requester.name(), holder.name()).hasSize(1);
  }

  // ---------------------------------------------------------------- takeover

  @When("{person} takes over {record} because {string}")
  public void takesOver(Person p, String record, String reason) {
    JsonNode r = c().tab(p).request("lock.takeover", Map.of("resource", record, "reason", reason));
    c().replied(p, r);
    if (r.path("type").asText().equals("takeover.pending")) {
      deadlines.put(p.name(), r.path("deadline").asLong());
    }
  }

  @When("{person} takes over {record} without giving a reason")
  public void takesOverWithoutReason(Person p, String record) {
    c().replied(p, c().tab(p).request("lock.takeover", Map.of("resource", record)));
  }

  @When("{person} breaks the glass on {record} because {string}")
  public void breaksTheGlass(Person p, String record, String reason) {
    c().replied(p, c().tab(p).request("lock.takeover", Map.of("resource", record, "reason", reason, "force", true)));
  }

  @Then("{person} is told that the lock on {record} passes to him/her in about {int} seconds")
  public void toldPending(Person p, String record, int seconds) {
    JsonNode r = c().lastReply(p);
    assertThat(r.path("type").asText()).as("%s", r).isEqualTo("takeover.pending");
    assertThat(r.path("resource").asText()).isEqualTo(norm(record));
    assertThat(r.path("remainingMs").asLong(-1)).as("remainingMs in %s", r)
        .isBetween(seconds * 1000L - 1000, seconds * 1000L);
    assertThat(r.path("deadline").asLong()).as("deadline = ts + remainingMs in %s", r)
        .isCloseTo(r.path("ts").asLong() + r.path("remainingMs").asLong(), offset(CLOCK_SLACK_MS));
  }

  @Then("{person} is told that {person} is taking over {record} because {string}, with the same deadline")
  public void holderToldOfTakeover(Person holder, Person requester, String record, String reason) {
    JsonNode e = c().tab(holder).awaitEvent("takeover.requested",
        x -> x.path("resource").asText().equals(norm(record))
            && x.path("by").path("userId").asText().equals(requester.userId()), EVENT_TIMEOUT);
    assertThat(e.path("by").path("name").asText()).as("%s", e).isEqualTo(requester.name());
    assertThat(e.path("reason").asText()).as("%s", e).isEqualTo(reason);
    long timeoutMs = takeoverTimeoutMs(record);
    assertThat(e.path("remainingMs").asLong(-1)).as("remainingMs in %s", e).isBetween(1L, timeoutMs);
    assertThat(e.path("deadline").asLong()).as("deadline = ts + remainingMs in %s", e)
        .isCloseTo(e.path("ts").asLong() + e.path("remainingMs").asLong(), offset(CLOCK_SLACK_MS));
    assertThat(e.path("deadline").asLong()).as("the deadline %s was shown", requester.name())
        .isCloseTo(deadline(requester), offset(CLOCK_SLACK_MS));
  }

  @Then("{person} sees {person} taking over {record} from {person}")
  public void seesTakeover(Person viewer, Person requester, String record, Person holder) {
    JsonNode e = c().tab(viewer).awaitEvent("lock.state", x -> x.path("resource").asText().equals(norm(record))
        && x.path("lock").path("takeover").path("by").path("userId").asText().equals(requester.userId()),
        EVENT_TIMEOUT);
    JsonNode lock = e.path("lock");
    assertThat(lock.path("holder").path("userId").asText()).as("%s", e).isEqualTo(holder.userId());
    assertThat(lock.has("token")).as("%s", e).isFalse();
    JsonNode t = lock.path("takeover");
    assertThat(t.path("by").path("name").asText()).as("%s", e).isEqualTo(requester.name());
    assertThat(t.path("deadline").asLong()).as("%s", e).isCloseTo(deadline(requester), offset(CLOCK_SLACK_MS));
    assertThat(t.path("remainingMs").asLong(-1)).as("%s", e).isBetween(1L, takeoverTimeoutMs(record));
  }

  @Then("the lock passed to {person} at the deadline, not before")
  public void passedAtDeadline(Person p) {
    long granted = lastPushedGrant(p).path("ts").asLong();
    long deadline = deadline(p);
    assertThat(granted).as("when the lock passed, against the deadline %d", deadline)
        .isGreaterThanOrEqualTo(deadline - 50)
        .isLessThanOrEqualTo(deadline + 1500);
  }

  @Then("the lock passed to {person} well before the deadline")
  public void passedBeforeDeadline(Person p) {
    long granted = lastPushedGrant(p).path("ts").asLong();
    assertThat(granted).as("when the lock passed, against the deadline").isLessThan(deadline(p) - 1000);
  }

  @Then("{person} is told that {person} revoked his/her lock on {record} because {string}")
  public void toldRevoked(Person holder, Person by, String record, String reason) {
    JsonNode e = c().tab(holder).awaitEvent("lock.revoked", x -> x.path("resource").asText().equals(norm(record)),
        EVENT_TIMEOUT);
    assertThat(e.path("token").asLong()).as("the revoked token: %s", e).isEqualTo(c().lastToken(holder));
    assertThat(e.path("by").path("userId").asText()).as("%s", e).isEqualTo(by.userId());
    assertThat(e.path("by").path("name").asText()).as("%s", e).isEqualTo(by.name());
    assertThat(e.path("reason").asText()).as("%s", e).isEqualTo(reason);
  }

  @Then("{person} sees {person} become a viewer of {record}")
  public void seesBecomeViewer(Person viewer, Person who, String record) {
    c().tab(viewer).awaitEvent("presence.changed", x -> x.path("resource").asText().equals(norm(record))
        && x.path("member").path("sessionId").asText().equals(c().tab(who).sessionId())
        && x.path("member").path("role").asText().equals("viewer"), EVENT_TIMEOUT);
  }

  @Then("{person} can no longer renew his/her lock on {record} with his/her old fencing token")
  public void cannotRenew(Person p, String record) {
    JsonNode e = c().tab(p).renew(record, c().lastToken(p));
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("LOCK_LOST");
  }

  @Then("{person} gets the lock on {record} at once, with a new, higher fencing token")
  public void getsTheLockAtOnce(Person p, String record) {
    JsonNode g = c().lastReply(p);
    assertThat(g.path("type").asText()).as("%s", g).isEqualTo("lock.granted");
    assertThat(g.path("resource").asText()).isEqualTo(norm(record));
    assertThat(g.path("remainingMs").asLong(-1)).as("%s", g).isPositive();
    long token = g.path("token").asLong();
    c().assertNewestToken(token);
    c().granted(p).add(token);
  }

  @Then("{person} is refused because he/she does not have the role for it")
  public void refusedForRole(Person p) {
    JsonNode e = c().lastReply(p);
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("FORBIDDEN");
    assertThat(e.path("retryable").asBoolean(true)).isFalse();
  }

  @Then("{person} is refused because takeovers are disabled for {word} records")
  public void refusedDisabled(Person p, String type) {
    JsonNode e = c().lastReply(p);
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("FORBIDDEN");
    assertThat(e.path("message").asText()).as("a message for people: %s", e).contains(type);
  }

  @Then("{person} is told that a takeover needs a reason")
  public void toldReasonNeeded(Person p) {
    JsonNode e = c().lastReply(p);
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("BAD_REQUEST");
    assertThat(e.path("message").asText()).as("%s", e).containsIgnoringCase("reason");
  }

  @Then("{person} still holds the lock on {record}, and nobody is taking it over")
  public void stillHolds(Person p, String record) {
    JsonNode state = c().server().resourceState(record);
    JsonNode lock = state.path("lock");
    assertThat(lock.path("holder").path("sessionId").asText()).as("%s", state).isEqualTo(c().tab(p).sessionId());
    assertThat(lock.path("token").asLong()).as("%s", state).isEqualTo(c().lastToken(p));
    assertThat(lock.path("takeover").isNull()).as("no takeover in %s", state).isTrue();
    TestServer.Response r = c().server().verify(record, c().lastToken(p));
    assertThat(r.status()).as("verify: %s", r.body()).isEqualTo(200);
    assertThat(c().tab(p).eventsOf("lock.revoked")).as("%s's lock.revoked events", p.name()).isEmpty();
  }

  @Then("{person} was never told of a takeover of {record}")
  public void neverToldOfTakeover(Person p, String record) {
    assertThat(c().tab(p).eventsOf("takeover.requested")).as("takeover.requested events").isEmpty();
    for (JsonNode s : c().tab(p).eventsOf("lock.state")) {
      assertThat(s.path("lock").path("takeover").isNull()).as("%s", s).isTrue();
    }
  }

  @When("{person} agrees to hand {record} over")
  public void agrees(Person p, String record) {
    respond(p, record, true);
  }

  @When("{person} declines to hand {record} over")
  public void declines(Person p, String record) {
    respond(p, record, false);
  }

  private void respond(Person p, String record, boolean accept) {
    lastAnswer = accept;
    c().replied(p, c().tab(p).request("takeover.respond", Map.of("resource", record, "accept", accept)));
  }

  @Then("{person}'s answer is confirmed")
  public void answerConfirmed(Person p) {
    JsonNode r = c().lastReply(p);
    assertThat(r.path("type").asText()).as("%s", r).isEqualTo("takeover.responded");
    assertThat(r.path("accept").isBoolean()).as("%s", r).isTrue();
    assertThat(r.path("accept").asBoolean()).as("%s", r).isEqualTo(lastAnswer);
  }

  @Then("{person} is refused because declining is not allowed for {word} records")
  public void declineRefused(Person p, String type) {
    JsonNode e = c().lastReply(p);
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("FORBIDDEN");
    assertThat(c().server().config().policies().forType(type).takeover().allowDecline()).isFalse();
  }

  @Then("the document service sees {person} still taking over {record}")
  public void serviceSeesTakeover(Person requester, String record) {
    JsonNode state = c().server().resourceState(record);
    JsonNode t = state.path("lock").path("takeover");
    assertThat(t.path("by").path("userId").asText()).as("%s", state).isEqualTo(requester.userId());
    assertThat(t.path("deadline").asLong()).as("%s", state).isCloseTo(deadline(requester), offset(CLOCK_SLACK_MS));
  }

  @Then("{person} is told that {person} declined to hand {record} over")
  public void toldDeclined(Person requester, Person holder, String record) {
    JsonNode e = c().tab(requester).awaitEvent("takeover.declined",
        x -> x.path("resource").asText().equals(norm(record)), EVENT_TIMEOUT);
    assertThat(e.path("by").path("userId").asText()).as("%s", e).isEqualTo(holder.userId());
  }

  /**
   * A {@code lock.state} of {@code record} without a takeover arrives after the last one that showed
   * a takeover (earlier states, e.g. of heartbeat renewals before the takeover, do not count).
   */
  @Then("{person} sees that nobody is taking {record} over any more")
  public void seesNoTakeover(Person p, String record) {
    TestClient tab = c().tab(p);
    Awaitility.await().atMost(EVENT_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
      List<JsonNode> states = tab.eventsOf("lock.state").stream()
          .filter(s -> s.path("resource").asText().equals(norm(record))).toList();
      int lastWithTakeover = -1;
      for (int i = 0; i < states.size(); i++) {
        if (states.get(i).path("lock").path("takeover").isObject()) {
          lastWithTakeover = i;
        }
      }
      return lastWithTakeover >= 0 && lastWithTakeover < states.size() - 1
          && states.get(states.size() - 1).path("lock").path("takeover").isNull()
          && states.get(states.size() - 1).path("lock").path("holder").isObject();
    });
    tab.assertHealthy();
  }

  @When("{person} withdraws his/her takeover of {record}")
  public void withdraws(Person p, String record) {
    c().replied(p, c().tab(p).request("lock.cancel", Map.of("resource", record)));
  }

  @Then("{person} is told that his/her takeover of {record} is withdrawn")
  public void toldWithdrawn(Person p, String record) {
    JsonNode r = c().lastReply(p);
    assertThat(r.path("type").asText()).as("%s", r).isEqualTo("lock.cancelled");
    assertThat(r.path("resource").asText()).isEqualTo(norm(record));
  }

  @Then("{person} is refused because {person} is already taking over {record}")
  public void takeoverPending(Person p, Person other, String record) {
    JsonNode e = c().lastReply(p);
    assertThat(e.path("type").asText()).as("%s", e).isEqualTo("error");
    assertThat(e.path("code").asText()).as("%s", e).isEqualTo("TAKEOVER_PENDING");
    assertThat(e.path("retryable").asBoolean(true)).isFalse();
    assertThat(e.path("message").asText()).as("a message for people: %s", e).contains(other.name());
  }

  // ---------------------------------------------------------------- HTTP force release

  @When("the document service force-releases {record} over HTTP because {string}")
  public void serviceForceReleases(String record, String reason) {
    httpResponse = c().server().delete("/v1/locks/" + record, c().server().serviceToken(), reasonBody(reason));
  }

  @When("{person} force-releases {record} over HTTP because {string}")
  public void forceReleases(Person p, String record, String reason) {
    httpResponse = c().server().delete("/v1/locks/" + record, c().jwt(p), reasonBody(reason));
  }

  @When("{person} force-releases {record} over HTTP without a reason")
  public void forceReleasesWithoutReason(Person p, String record) {
    httpResponse = c().server().delete("/v1/locks/" + record, c().jwt(p), "{}");
  }

  @Then("the force release is refused with HTTP {int} {string}")
  public void forceReleaseRefused(int status, String code) {
    assertThat(httpResponse.status()).as("DELETE: %s", httpResponse.body()).isEqualTo(status);
    assertThat(httpResponse.json()).as("a JSON body: %s", httpResponse.body()).isNotNull();
    assertThat(httpResponse.json().path("code").asText()).as("%s", httpResponse.body()).isEqualTo(code);
  }

  @Then("the force release of {record} is confirmed")
  public void forceReleaseConfirmed(String record) {
    assertThat(httpResponse.status()).as("DELETE: %s", httpResponse.body()).isEqualTo(200);
    assertThat(httpResponse.json().path("resource").asText()).as("%s", httpResponse.body()).isEqualTo(norm(record));
    assertThat(httpResponse.json().path("released").asBoolean(false)).as("%s", httpResponse.body()).isTrue();
  }

  // ---------------------------------------------------------------- helpers

  private long deadline(Person requester) {
    Long d = deadlines.get(requester.name());
    assertThat(d).as("%s was shown a takeover deadline", requester.name()).isNotNull();
    return d;
  }

  private static long takeoverTimeoutMs(String record) {
    return c().server().config().policies().forType(ClinicalSteps.type(record)).takeover().timeout().toMillis();
  }

  private static JsonNode lastPushedGrant(Person p) {
    List<JsonNode> grants = c().tab(p).eventsOf("lock.granted");
    assertThat(grants).as("lock.granted pushed to %s", p.name()).isNotEmpty();
    return grants.get(grants.size() - 1);
  }

  private static String reasonBody(String reason) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("reason", reason);
    try {
      return JSON.writeValueAsString(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
