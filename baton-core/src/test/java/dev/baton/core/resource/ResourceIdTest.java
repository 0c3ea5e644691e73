package dev.baton.core.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.baton.core.error.BatonException;
import dev.baton.core.error.ErrorCode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResourceIdTest {

  private static final String UUID_LOWER = "7f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
  private static final String UUID_UPPER = "7F1C2A3B-4D5E-4F60-8A9B-0C1D2E3F4A5B";
  private static final String UUID_MIXED = "7F1c2a3B-4d5E-4F60-8a9B-0c1D2e3F4a5B";

  private static final String TYPE_64 = "a" + "b".repeat(63);
  private static final String TYPE_65 = "a" + "b".repeat(64);
  private static final String ID_128 = "I".repeat(128);
  private static final String ID_129 = "I".repeat(129);
  private static final String CHILD_64 = "c".repeat(64);
  private static final String CHILD_65 = "c".repeat(65);

  /** Raw input and its normalized form. */
  static Stream<Arguments> valid() {
    return Stream.of(
        arguments("operation-report:7f1c:diagnosis", "operation-report:7f1c:diagnosis"),
        arguments("operation-report:7f1c", "operation-report:7f1c:main"),
        arguments("a:b", "a:b:main"),
        arguments("a:b:c", "a:b:c"),
        arguments("t:x:main", "t:x:main"),
        // a non-UUID id keeps its case; so does the child
        arguments("t:ABC:c", "t:ABC:c"),
        arguments("t:AbC_dEf-123:x", "t:AbC_dEf-123:x"),
        arguments("t:x:Diagnosis", "t:x:Diagnosis"),
        arguments("t:A", "t:A:main"),
        // UUID ids are lower-cased, two- and three-part, any case mix
        arguments("t:" + UUID_UPPER + ":diagnosis", "t:" + UUID_LOWER + ":diagnosis"),
        arguments("t:" + UUID_MIXED, "t:" + UUID_LOWER + ":main"),
        arguments("t:" + UUID_LOWER + ":c", "t:" + UUID_LOWER + ":c"),
        arguments("t:" + UUID_UPPER + ":Child", "t:" + UUID_LOWER + ":Child"),
        // not quite a UUID: case kept
        arguments("t:7F1C2A3B-4D5E-4F60-8A9B-0C1D2E3F4A5:c", "t:7F1C2A3B-4D5E-4F60-8A9B-0C1D2E3F4A5:c"),
        arguments("t:GF1C2A3B-4D5E-4F60-8A9B-0C1D2E3F4A5B:c", "t:GF1C2A3B-4D5E-4F60-8A9B-0C1D2E3F4A5B:c"),
        arguments("t:7F1C2A3B4D5E4F608A9B0C1D2E3F4A5B:c", "t:7F1C2A3B4D5E4F608A9B0C1D2E3F4A5B:c"),
        // child grammar: dots, dashes, underscores
        arguments("t:x:section.1.2", "t:x:section.1.2"),
        arguments("t:x:v1.0", "t:x:v1.0"),
        arguments("t:x:-", "t:x:-"),
        arguments("t:x:_", "t:x:_"),
        arguments("t:x:0", "t:x:0"),
        // id grammar
        arguments("t:-:c", "t:-:c"),
        arguments("t:_", "t:_:main"),
        arguments("t:12345", "t:12345:main"),
        // type grammar
        arguments("a:x", "a:x:main"),
        arguments("a1:x", "a1:x:main"),
        arguments("a-b_c:x", "a-b_c:x:main"),
        arguments("a-:x", "a-:x:main"),
        arguments("z9-_:x", "z9-_:x:main"),
        // boundary lengths
        arguments(TYPE_64 + ":x", TYPE_64 + ":x:main"),
        arguments("t:" + ID_128, "t:" + ID_128 + ":main"),
        arguments("t:x:" + CHILD_64, "t:x:" + CHILD_64),
        arguments(TYPE_64 + ":" + ID_128 + ":" + CHILD_64, TYPE_64 + ":" + ID_128 + ":" + CHILD_64),
        // the document lock
        arguments("t:x:*", "t:x:*"),
        arguments("operation-report:" + UUID_UPPER + ":*", "operation-report:" + UUID_LOWER + ":*"));
  }

  /** Raw input that must be refused, and why (for the test name). */
  static Stream<Arguments> invalid() {
    return Stream.of(
        arguments(null, "null"),
        arguments("", "empty string"),
        arguments(":", "both parts empty"),
        arguments("::", "three empty parts"),
        arguments(":x", "empty type"),
        arguments("t:", "empty id"),
        arguments("t::c", "empty id with child"),
        arguments("t:x:", "empty child"),
        arguments(":x:c", "empty type with child"),
        arguments("t", "one part"),
        arguments("operation-report", "one part, long"),
        arguments("t;x", "one part, wrong separator"),
        arguments("t\uFF1Ax", "one part, fullwidth colon"),
        arguments("t:x:c:d", "four parts"),
        arguments("t:x:c:d:e", "five parts"),
        arguments("t:x:c:", "four parts, trailing colon"),
        arguments("t x:y", "space in type"),
        arguments("t:x y", "space in id"),
        arguments("t:x:c d", "space in child"),
        arguments(" t:x", "leading space"),
        arguments("t:x ", "trailing space"),
        arguments("t:x\u0000", "NUL in id"),
        arguments("t:x:\u0000", "NUL as child"),
        arguments("t:x\n", "trailing newline"),
        arguments("t\n:x", "newline in type"),
        arguments("t:x:c\t", "tab in child"),
        arguments("t:\tx", "tab in id"),
        arguments("t:x:c\r", "carriage return in child"),
        arguments("t:x\u007F", "DEL in id"),
        arguments("t:x:c\u2028", "line separator in child"),
        arguments("t:x\u00A0", "no-break space in id"),
        arguments("t:\u00e9", "non-ASCII letter in id"),
        arguments("t:x:\u00fc", "non-ASCII letter in child"),
        arguments("\u00e9:x", "non-ASCII letter in type"),
        arguments("t:\u0661\u0662\u0663", "non-ASCII digits in id"),
        arguments("T:x", "uppercase type"),
        arguments("Operation-report:x", "type with uppercase first letter"),
        arguments("tYpe:x", "type with uppercase letter"),
        arguments("1t:x", "type starting with a digit"),
        arguments("-t:x", "type starting with a dash"),
        arguments("_t:x", "type starting with an underscore"),
        arguments("*:x", "* as type"),
        arguments("*:x:c", "* as type with child"),
        arguments("t:*", "* as id"),
        arguments("t:*:c", "* as id with child"),
        arguments("*:*:*", "* everywhere"),
        arguments("t:x:**", "** as child"),
        arguments("t:x:a*", "* inside child"),
        arguments("t:x.y", "dot in id"),
        arguments("t:x.y:c", "dot in id with child"),
        arguments("t/x:y", "slash in type"),
        arguments("t:x/y", "slash in id"),
        arguments("t:x:c/d", "slash in child"),
        arguments(TYPE_65 + ":x", "type of 65 characters"),
        arguments("t:" + ID_129, "id of 129 characters"),
        arguments("t:x:" + CHILD_65, "child of 65 characters"),
        arguments(TYPE_64 + ":" + ID_128 + ":" + CHILD_64 + "c", "259 characters"),
        arguments("t:x:" + "c".repeat(100_000), "over-long raw input"));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @MethodSource("valid")
  void parsesAndNormalizes(String raw, String normalized) {
    ResourceId id = ResourceId.parse(raw);

    assertThat(id).hasToString(normalized);
    assertThat(ResourceId.parse(normalized)).isEqualTo(id);
    assertThat(new ResourceId(id.type(), id.id(), id.child())).isEqualTo(id);
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("invalid")
  void rejects(String raw, String why) {
    assertThatThrownBy(() -> ResourceId.parse(raw))
        .isInstanceOfSatisfying(
            BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_RESOURCE))
        .hasMessageStartingWith("invalid resource: ");
  }

  @Test
  void hasAtLeastThirtyCasesEachWay() {
    assertThat(valid().count()).isGreaterThanOrEqualTo(30);
    assertThat(invalid().count()).isGreaterThanOrEqualTo(30);
  }

  @Test
  void twoPartIdIsTheMainChild() {
    ResourceId id = ResourceId.parse("operation-report:7f1c");

    assertThat(id.type()).isEqualTo("operation-report");
    assertThat(id.id()).isEqualTo("7f1c");
    assertThat(id.child()).isEqualTo(ResourceId.MAIN).isEqualTo("main");
    assertThat(id).isEqualTo(ResourceId.parse("operation-report:7f1c:main"));
  }

  @Test
  void idsDifferingOnlyInUuidCaseAreEqual() {
    ResourceId upper = ResourceId.parse("t:" + UUID_UPPER + ":c");
    ResourceId mixed = ResourceId.parse("t:" + UUID_MIXED + ":c");
    ResourceId lower = ResourceId.parse("t:" + UUID_LOWER + ":c");

    assertThat(upper).isEqualTo(mixed).isEqualTo(lower);
    assertThat(upper.hashCode()).isEqualTo(lower.hashCode());
    assertThat(upper.id()).isEqualTo(UUID_LOWER);
  }

  @Test
  void theConstructorAlsoLowerCasesUuids() {
    assertThat(new ResourceId("t", UUID_UPPER, "c").id()).isEqualTo(UUID_LOWER);
  }

  @Test
  void idsDifferingInTheCaseOfANonUuidAreDifferent() {
    assertThat(ResourceId.parse("t:ABC:c")).isNotEqualTo(ResourceId.parse("t:abc:c"));
    assertThat(ResourceId.parse("t:abc:C")).isNotEqualTo(ResourceId.parse("t:abc:c"));
  }

  @Test
  void documentIsTypeAndId() {
    assertThat(ResourceId.parse("operation-report:7f1c:diagnosis").document())
        .isEqualTo("operation-report:7f1c");
    assertThat(ResourceId.parse("t:x").document()).isEqualTo("t:x");
    assertThat(ResourceId.parse("t:x:*").document()).isEqualTo("t:x");
    assertThat(ResourceId.parse("t:" + UUID_UPPER + ":c").document()).isEqualTo("t:" + UUID_LOWER);
  }

  @Test
  void documentLock() {
    ResourceId lock = ResourceId.parse("t:x:*");

    assertThat(lock.isDocumentLock()).isTrue();
    assertThat(lock.child()).isEqualTo(ResourceId.DOCUMENT_LOCK);
    assertThat(lock).hasToString("t:x:*");
    assertThat(ResourceId.documentLock("t", "x")).isEqualTo(lock);
    assertThat(ResourceId.documentLock("t", UUID_UPPER)).hasToString("t:" + UUID_LOWER + ":*");
    assertThat(ResourceId.parse("t:x").isDocumentLock()).isFalse();
    assertThat(ResourceId.parse("t:x:diagnosis").isDocumentLock()).isFalse();
  }

  @Test
  void documentLockFactoryValidatesItsParts() {
    assertThatThrownBy(() -> ResourceId.documentLock("T", "x"))
        .isInstanceOfSatisfying(
            BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_RESOURCE));
    assertThatThrownBy(() -> ResourceId.documentLock("t", "*"))
        .isInstanceOfSatisfying(
            BatonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_RESOURCE));
  }

  @Test
  void constructorRejectsNullParts() {
    for (String[] parts :
        new String[][] {{null, "x", "c"}, {"t", null, "c"}, {"t", "x", null}}) {
      assertThatThrownBy(() -> new ResourceId(parts[0], parts[1], parts[2]))
          .isInstanceOfSatisfying(
              BatonException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_RESOURCE));
    }
  }

  @Test
  void toStringIsTheNormalizedForm() {
    assertThat(ResourceId.parse("t:" + UUID_UPPER)).hasToString("t:" + UUID_LOWER + ":main");
    assertThat(new ResourceId("t", "x", "c")).hasToString("t:x:c");
  }
}
