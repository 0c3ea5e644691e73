package dev.baton.server.auth;

import static dev.baton.server.auth.TestKeys.NOW_MS;
import static dev.baton.server.auth.TestKeys.SECRET;
import static dev.baton.server.auth.TestKeys.auth;
import static dev.baton.server.auth.TestKeys.claims;
import static dev.baton.server.auth.TestKeys.hs256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.identity.Access;
import dev.baton.core.identity.Principal;
import dev.baton.core.resource.ResourceId;
import dev.baton.core.time.FakeClock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Name, roles and resources claims. */
class PrincipalClaimsTest {

  private static final String UUID_UPPER = "7F1C0D4E-9A3B-4C2D-8E1F-0A2B3C4D5E6F";
  private static final String UUID_LOWER = UUID_UPPER.toLowerCase();

  private final FakeClock clock = new FakeClock(0, NOW_MS);
  private final JwtAuthenticator jwt =
      new JwtAuthenticator(auth(Map.of("BATON_AUTH_HMAC_SECRET", SECRET)), clock);

  private Principal principal(Map<String, Object> extra) {
    var c = claims("u1");
    extra.forEach(c::claim);
    return jwt.authenticate(hs256(SECRET, c.build()));
  }

  private static Access access(Principal p, String resource) {
    return p.access().accessTo(ResourceId.parse(resource));
  }

  @Test
  void theNameFallsBackToSub() {
    assertThat(principal(Map.of()).name()).isEqualTo("u1");
    assertThat(principal(Map.of("name", " ")).name()).isEqualTo("u1");
    assertThat(principal(Map.of("name", 42)).name()).isEqualTo("u1");
  }

  @Test
  void rolesComeFromAnArrayOrASeparatedString() {
    assertThat(principal(Map.of("roles", List.of("admin", "emergency"))).roles())
        .containsExactlyInAnyOrder("admin", "emergency");
    assertThat(principal(Map.of("roles", "admin emergency,service , nurse")).roles())
        .containsExactlyInAnyOrder("admin", "emergency", "service", "nurse");
    assertThat(principal(Map.of("roles", "")).roles()).isEmpty();
  }

  @Test
  void malformedRolesAreRefused() {
    assertThatThrownBy(() -> principal(Map.of("roles", List.of("admin", 1))))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("roles claim must hold strings only");
    assertThatThrownBy(() -> principal(Map.of("roles", Map.of("a", "b"))))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("roles claim must be a list of strings or a string");
  }

  @Test
  void configuredClaimNamesAreUsed() {
    JwtAuthenticator custom =
        new JwtAuthenticator(
            auth(
                Map.of(
                    "BATON_AUTH_HMAC_SECRET", SECRET,
                    "BATON_AUTH_NAME_CLAIM", "preferred_username",
                    "BATON_AUTH_ROLES_CLAIM", "groups",
                    "BATON_AUTH_RESOURCES_CLAIM", "baton_res")),
            clock);

    Principal p =
        custom.authenticate(
            hs256(
                SECRET,
                claims("u1")
                    .claim("preferred_username", "jane")
                    .claim("groups", List.of("admin"))
                    .claim("baton_res", Map.of("note:*", "view"))
                    .claim("name", "ignored")
                    .build()));

    assertThat(p.name()).isEqualTo("jane");
    assertThat(p.roles()).containsExactly("admin");
    assertThat(access(p, "note:1:main")).isEqualTo(Access.VIEW);
    assertThat(access(p, "report:1:main")).isEqualTo(Access.NONE);
  }

  @Test
  void withoutTheResourcesClaimTheDefaultAccessApplies() {
    assertThat(access(principal(Map.of()), "operation-report:1:diagnosis")).isEqualTo(Access.EDIT);
    JwtAuthenticator viewOnly =
        new JwtAuthenticator(
            auth(Map.of("BATON_AUTH_HMAC_SECRET", SECRET, "BATON_AUTH_DEFAULT_ACCESS", "view")), clock);
    Principal p = viewOnly.authenticate(hs256(SECRET, claims("u1").build()));
    assertThat(access(p, "operation-report:1:diagnosis")).isEqualTo(Access.VIEW);
  }

  @Test
  void theResourcesClaimBoundsAccess() {
    Principal p =
        principal(
            Map.of(
                "res",
                Map.of(
                    "operation-report:" + UUID_UPPER, "edit",
                    "operation-report:*", "view",
                    "operation-report:abc:signature", "none",
                    "operation-report:abc", "edit",
                    "note:n1:main", "view")));

    // a UUID id is lower-cased, and the document key covers its children
    assertThat(access(p, "operation-report:" + UUID_LOWER + ":diagnosis")).isEqualTo(Access.EDIT);
    assertThat(access(p, "operation-report:" + UUID_UPPER)).isEqualTo(Access.EDIT);
    // the most specific key wins
    assertThat(access(p, "operation-report:abc:diagnosis")).isEqualTo(Access.EDIT);
    assertThat(access(p, "operation-report:abc:signature")).isEqualTo(Access.NONE);
    // type:* covers the rest of the type
    assertThat(access(p, "operation-report:other:main")).isEqualTo(Access.VIEW);
    // an exact child key covers only that child
    assertThat(access(p, "note:n1")).isEqualTo(Access.VIEW);
    assertThat(access(p, "note:n1:tab2")).isEqualTo(Access.NONE);
    // anything unlisted gets nothing
    assertThat(access(p, "lab-result:1:main")).isEqualTo(Access.NONE);
  }

  @Test
  void anEmptyResourcesClaimGrantsNothing() {
    assertThat(access(principal(Map.of("res", Map.of())), "note:1:main")).isEqualTo(Access.NONE);
  }

  @Test
  void twoKeysThatNormalizeAlikeKeepTheLesserAccess() {
    Principal p =
        principal(Map.of("res", Map.of("note:" + UUID_UPPER, "edit", "note:" + UUID_LOWER, "view")));

    assertThat(access(p, "note:" + UUID_LOWER + ":main")).isEqualTo(Access.VIEW);
  }

  @Test
  void malformedResourcesClaimsAreRefused() {
    assertThatThrownBy(() -> principal(Map.of("res", "note:*=edit")))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("resources claim must be an object");
    assertThatThrownBy(() -> principal(Map.of("res", Map.of("note:1", "admin"))))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("resources claim entry note:1 invalid: must be view, edit or none");
    assertThatThrownBy(() -> principal(Map.of("res", Map.of("Note:*", "view"))))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageStartingWith("resources claim entry Note:* invalid");
    assertThatThrownBy(() -> principal(Map.of("res", Map.of("note", "view"))))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("resources claim entry note invalid: must be type:*, type:id or type:id:child");
    assertThatThrownBy(() -> principal(Map.of("res", Map.of("note:1", true))))
        .isInstanceOf(AuthenticationException.class)
        .hasMessage("resources claim value of note:1 must be a string");
  }

  @Test
  void claimKeysNormalizeLikeResourceIds() {
    assertThat(ResourceClaims.normalizeKey("note:*")).isEqualTo("note:*");
    assertThat(ResourceClaims.normalizeKey("note:" + UUID_UPPER)).isEqualTo("note:" + UUID_LOWER);
    assertThat(ResourceClaims.normalizeKey("note:" + UUID_UPPER + ":Tab.1"))
        .isEqualTo("note:" + UUID_LOWER + ":Tab.1");
    assertThat(ResourceClaims.normalizeKey("note:abc:*")).isEqualTo("note:abc:*");
  }
}
