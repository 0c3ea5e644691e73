package dev.baton.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoliciesTest {

  private static final Policy REPORT =
      new Policy(
          Duration.ofMinutes(10),
          Duration.ofSeconds(60),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          5,
          10,
          200,
          Conflict.QUEUE,
          TakeoverPolicy.DEFAULT);

  @Test
  void forTypeReturnsTheTypesOwnPolicy() {
    Policies policies = new Policies(Policy.DEFAULT, Map.of("operation-report", REPORT));

    assertThat(policies.forType("operation-report")).isSameAs(REPORT);
  }

  @Test
  void forTypeFallsBackToTheDefault() {
    Policies policies = new Policies(Policy.DEFAULT, Map.of("operation-report", REPORT));

    assertThat(policies.forType("discharge-letter")).isSameAs(Policy.DEFAULT);
    assertThat(policies.forType("operation")).isSameAs(Policy.DEFAULT);
    assertThat(policies.defaultPolicy()).isSameAs(Policy.DEFAULT);
  }

  @Test
  void fallbackIsTheGivenDefaultNotTheSpecDefault() {
    Policies policies = new Policies(REPORT, Map.of());

    assertThat(policies.forType("anything")).isSameAs(REPORT);
  }

  @Test
  void defaultsHaveNoTypes() {
    Policies policies = Policies.defaults();

    assertThat(policies.types()).isEmpty();
    assertThat(policies.defaultPolicy()).isSameAs(Policy.DEFAULT);
    assertThat(policies.forType("operation-report")).isSameAs(Policy.DEFAULT);
  }

  @Test
  void typesAreCopiedAndImmutable() {
    Map<String, Policy> byType = new HashMap<>(Map.of("operation-report", REPORT));
    Policies policies = new Policies(Policy.DEFAULT, byType);
    byType.clear();

    assertThat(policies.forType("operation-report")).isSameAs(REPORT);
    assertThatThrownBy(() -> policies.types().put("x", REPORT))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void defaultIsRequired() {
    assertThatThrownBy(() -> new Policies(null, Map.of())).isInstanceOf(NullPointerException.class);
  }
}
