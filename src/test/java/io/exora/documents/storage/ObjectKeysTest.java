package io.exora.documents.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {
  @Test
  void serverMadeKeysAreValid() {
    String key = UUID.randomUUID() + "/" + UUID.randomUUID();
    assertThat(ObjectKeys.check(key)).isEqualTo(key);
    assertThat(ObjectKeys.check("a")).isEqualTo("a");
    assertThat(ObjectKeys.check("A-Z_0.9/x..y/.hidden")).isEqualTo("A-Z_0.9/x..y/.hidden");
    assertThat(ObjectKeys.check("x".repeat(ObjectKeys.MAX_LENGTH))).hasSize(ObjectKeys.MAX_LENGTH);
  }

  @Test
  void everyBadKeyIsRefusedWithAReason() {
    for (String key : ObjectStorageContract.BAD_KEYS) {
      assertThatThrownBy(() -> ObjectKeys.check(key)).as(key)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
    }
    assertThatThrownBy(() -> ObjectKeys.check(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aControlCharacterIsNamedByItsCodeNotEchoed() {
    assertThatThrownBy(() -> ObjectKeys.check("a\nb"))
        .hasMessageContaining("U+000A").hasMessageNotContaining("\n");
  }

  /** Whatever string comes in, an accepted key resolves to a path strictly inside the root. */
  @Test
  void noAcceptedKeyLeavesTheRoot() {
    Path root = Path.of("/srv/exora/objects");
    // Mostly the characters that make paths interesting: dots, slashes, and a few outsiders.
    List<Character> alphabet = List.of('a', 'b', '.', '.', '/', '/', '-', '_', '\\', ' ', '%', '~');
    AtomicInteger accepted = new AtomicInteger();
    qt().withExamples(50_000).forAll(lists().of(arbitrary().pick(alphabet)).ofSizeBetween(0, 12)).checkAssert(chars -> {
      String key = chars.stream().map(String::valueOf).collect(Collectors.joining());
      if (ObjectKeys.isValid(key)) {
        accepted.incrementAndGet();
        Path resolved = root.resolve(key).normalize();
        assertThat(resolved.startsWith(root) && !resolved.equals(root)).as(key).isTrue();
        assertThat(root.relativize(resolved).toString()).as("one spelling per object").isEqualTo(key);
      }
    });
    assertThat(accepted.get()).as("keys accepted, so the property was exercised").isGreaterThan(1_000);
  }

  @Test
  void prefixesMayEndMidNameOrWithASlashButNotClimb() {
    assertThat(ObjectKeys.checkPrefix("")).isEmpty();
    assertThat(ObjectKeys.checkPrefix("patient/")).isEqualTo("patient/");
    assertThat(ObjectKeys.checkPrefix("pat")).isEqualTo("pat");
    assertThat(ObjectKeys.checkPrefix("a/..b")).isEqualTo("a/..b");
    for (String prefix : new String[] {"/", "/a", "a//", "../", "a/../", "./", "a b", null}) {
      assertThatThrownBy(() -> ObjectKeys.checkPrefix(prefix)).as(prefix).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
