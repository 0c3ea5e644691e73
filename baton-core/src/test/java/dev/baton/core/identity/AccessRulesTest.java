package dev.baton.core.identity;

import static dev.baton.core.identity.Access.EDIT;
import static dev.baton.core.identity.Access.NONE;
import static dev.baton.core.identity.Access.VIEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.resource.ResourceId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class AccessRulesTest {

  private static Access access(AccessRules rules, String resource) {
    return rules.accessTo(ResourceId.parse(resource));
  }

  @ParameterizedTest
  @EnumSource(Access.class)
  void uniformGivesTheDefaultToEveryResource(Access defaultAccess) {
    AccessRules rules = AccessRules.uniform(defaultAccess);

    assertThat(access(rules, "operation-report:7f1c:diagnosis")).isEqualTo(defaultAccess);
    assertThat(access(rules, "operation-report:7f1c:*")).isEqualTo(defaultAccess);
    assertThat(access(rules, "discharge-letter:1")).isEqualTo(defaultAccess);
  }

  @Test
  void uniformRequiresADefault() {
    assertThatThrownBy(() -> AccessRules.uniform(null)).isInstanceOf(NullPointerException.class);
  }

  /** One claim with a rule at every level; each resource is decided by its most specific rule. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // exact child rule beats the document rule and the type rule
    "t:x:a, VIEW",
    // document rule beats the type rule, for every other child
    "t:x:b, EDIT",
    "t:x, EDIT",
    "t:x:*, EDIT",
    // the type rule covers the rest of the type
    "t:y:a, VIEW",
    "t:y:*, VIEW",
    // nothing matches another type, not even one sharing a prefix
    "u:x:a, NONE",
    "tt:x:a, NONE",
    "t-x:x:a, NONE",
  })
  void mostSpecificRuleDecides(String resource, Access expected) {
    AccessRules rules = AccessRules.claimed(Map.of("t:x:a", VIEW, "t:x", EDIT, "t:*", VIEW));

    assertThat(access(rules, resource)).isEqualTo(expected);
  }

  @Test
  void exactChildRuleBeatsDocumentRuleEvenWhenMorePermissive() {
    AccessRules rules = AccessRules.claimed(Map.of("t:x:a", EDIT, "t:x", VIEW, "t:*", NONE));

    assertThat(access(rules, "t:x:a")).isEqualTo(EDIT);
    assertThat(access(rules, "t:x:b")).isEqualTo(VIEW);
    assertThat(access(rules, "t:y:a")).isEqualTo(NONE);
  }

  @Test
  void documentRuleBeatsTypeRuleEvenWhenMorePermissive() {
    AccessRules rules = AccessRules.claimed(Map.of("t:x", EDIT, "t:*", VIEW));

    assertThat(access(rules, "t:x:a")).isEqualTo(EDIT);
    assertThat(access(rules, "t:y:a")).isEqualTo(VIEW);
  }

  @Test
  void exactRuleOnTheDocumentLock() {
    AccessRules rules = AccessRules.claimed(Map.of("t:x:*", EDIT, "t:x", VIEW));

    assertThat(access(rules, "t:x:*")).isEqualTo(EDIT);
    assertThat(access(rules, "t:x:a")).isEqualTo(VIEW);
  }

  @Test
  void twoPartResourceIsMatchedAsItsMainChild() {
    AccessRules rules = AccessRules.claimed(Map.of("t:x:main", EDIT, "t:x", VIEW));

    assertThat(access(rules, "t:x")).isEqualTo(EDIT);
    assertThat(access(rules, "t:x:other")).isEqualTo(VIEW);
  }

  @Test
  void documentRuleDoesNotCoverAnotherDocumentSharingAPrefix() {
    AccessRules rules = AccessRules.claimed(Map.of("t:x", EDIT));

    assertThat(access(rules, "t:xy:a")).isEqualTo(NONE);
    assertThat(access(rules, "t:x:a")).isEqualTo(EDIT);
  }

  @Test
  void claimedRulesGiveNoneForUnmatchedResources() {
    AccessRules rules = AccessRules.claimed(Map.of("operation-report:7f1c", EDIT));

    assertThat(access(rules, "operation-report:7f1d:diagnosis")).isEqualTo(NONE);
    assertThat(access(rules, "discharge-letter:7f1c")).isEqualTo(NONE);
  }

  @Test
  void anEmptyClaimGivesNoneEverywhere() {
    AccessRules rules = AccessRules.claimed(Map.of());

    assertThat(access(rules, "t:x:a")).isEqualTo(NONE);
  }

  @Test
  void uuidKeysMatchResourcesGivenInAnyCase() {
    // keys are normalized by the caller: lower-case UUIDs
    AccessRules rules =
        AccessRules.claimed(Map.of("operation-report:7f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b", EDIT));

    assertThat(access(rules, "operation-report:7F1C2A3B-4D5E-4F60-8A9B-0C1D2E3F4A5B:diagnosis"))
        .isEqualTo(EDIT);
  }

  @ParameterizedTest(name = "{0} allows {1}: {2}")
  @CsvSource({
    "EDIT, EDIT, true",
    "EDIT, VIEW, true",
    "EDIT, NONE, true",
    "VIEW, EDIT, false",
    "VIEW, VIEW, true",
    "VIEW, NONE, true",
    "NONE, EDIT, false",
    "NONE, VIEW, false",
    "NONE, NONE, true",
  })
  void accessAllows(Access have, Access want, boolean allowed) {
    assertThat(have.allows(want)).isEqualTo(allowed);
  }
}
