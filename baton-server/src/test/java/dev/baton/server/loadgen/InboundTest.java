package dev.baton.server.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The field peeks against messages as the server writes them (docs/protocol.md captures). */
class InboundTest {

  @Test
  void readsAReply() {
    String m = "{\"re\":\"a\",\"type\":\"lock.granted\",\"ts\":1795956315565,\"resource\":\"bench:x-d1:main\","
        + "\"token\":1795956294554001,\"expiresAt\":1795956915539,\"remainingMs\":299999}";
    assertThat(Inbound.re(m)).isEqualTo('a');
    int at = Inbound.typeAt(m);
    assertThat(Inbound.typeIs(m, at, "lock.granted")).isTrue();
    assertThat(Inbound.typeIs(m, at, "lock.grant")).isFalse();
    assertThat(Inbound.ts(m)).isEqualTo(1795956315565L);
    assertThat(Inbound.token(m)).isEqualTo(1795956294554001L);
  }

  @Test
  void readsAnEventAndAnError() {
    String e = "{\"type\":\"presence.changed\",\"ts\":1795956317529,\"resource\":\"bench:x-d1:main\",\"version\":5,"
        + "\"member\":{\"sessionId\":\"IqLAEP\",\"userId\":\"jane\",\"name\":\"Nurse Jane\",\"role\":\"editor\"}}";
    assertThat(Inbound.re(e)).isEqualTo((char) 0);
    assertThat(Inbound.typeStarts(e, Inbound.typeAt(e), "presence.")).isTrue();
    assertThat(Inbound.version(e)).isEqualTo(5);
    String err = "{\"re\":\"r\",\"type\":\"error\",\"code\":\"LOCK_LOST\",\"message\":\"x\","
        + "\"retryable\":false,\"ts\":1}";
    assertThat(Inbound.isError(err, Inbound.typeAt(err))).isTrue();
    assertThat(Inbound.code(err)).isEqualTo("LOCK_LOST");
    assertThat(Inbound.re("{\"re\":\"c12\",\"type\":\"pong\",\"ts\":1}")).isEqualTo((char) 0);
  }

  @Test
  void readsJoinedAndWelcome() {
    String j = "{\"re\":\"j\",\"type\":\"joined\",\"ts\":1,\"resource\":\"r:a:main\",\"role\":\"viewer\",\"lock\":{},"
        + "\"presence\":{\"version\":3,\"members\":[]}}";
    assertThat(Inbound.presenceVersion(j)).isEqualTo(3);
    String w = "{\"re\":\"w\",\"type\":\"welcome\",\"ts\":1,\"sessionId\":\"s\",\"heartbeatMs\":60000}";
    assertThat(Inbound.heartbeatMs(w)).isEqualTo(60000);
    assertThat(Inbound.number(w, "\"missing\":")).isEqualTo(-1);
  }
}
