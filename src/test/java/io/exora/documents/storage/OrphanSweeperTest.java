package io.exora.documents.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanSweeperTest {
  static final Duration GRACE = OrphanSweeperConfig.DEFAULT_GRACE_PERIOD;

  @TempDir Path dataDir;
  FileStorage store;
  final Instant now = Instant.parse("2026-06-01T12:00:00Z");
  final InstantSource clock = InstantSource.fixed(now);
  final Set<String> referenced = new HashSet<>();
  final List<Collection<String>> asked = new ArrayList<>();
  final ObjectReferences references = keys -> {
    asked.add(List.copyOf(keys));
    Set<String> hits = new HashSet<>(keys);
    hits.retainAll(referenced);
    return hits;
  };

  @BeforeEach
  void open() {
    store = new FileStorage(dataDir.resolve("objects"));
  }

  @Test
  void deletesUnreferencedObjectsOlderThanTheGracePeriodAndNothingElse() throws Exception {
    put("p/orphan", GRACE.plusMinutes(1));
    put("p/referenced", GRACE.plusHours(5));
    put("p/young-orphan", GRACE.minusMinutes(1));  // its upload may still be committing
    referenced.add("p/referenced");

    OrphanSweeper.Result result = sweeper(OrphanSweeperConfig.defaults()).runOnce();

    assertThat(result).isEqualTo(new OrphanSweeper.Result(2, 1, 0, 0));
    assertThat(remaining()).containsExactly("p/referenced", "p/young-orphan");
  }

  @Test
  void pagesOnPastAPageThatIsAllReferenced() throws Exception {
    for (int i = 0; i < 10; i++) {
      put("p/k" + i, GRACE.plusHours(1));
    }
    referenced.addAll(List.of("p/k0", "p/k1", "p/k2", "p/k5"));  // the whole first page, and one more

    OrphanSweeper.Result result = sweeper(OrphanSweeperConfig.defaults().withPageSize(3)).runOnce();

    assertThat(result.examined()).isEqualTo(10);
    assertThat(result.deleted()).isEqualTo(6);
    assertThat(remaining()).containsExactly("p/k0", "p/k1", "p/k2", "p/k5");
    assertThat(asked).hasSize(4).allSatisfy(page -> assertThat(page).hasSizeLessThanOrEqualTo(3));
  }

  @Test
  void aPassOverAnEmptyStoreAsksNothing() {
    assertThat(sweeper(OrphanSweeperConfig.defaults()).runOnce()).isEqualTo(new OrphanSweeper.Result(0, 0, 0, 0));
    assertThat(asked).isEmpty();
  }

  @Test
  void aFailedDeleteIsCountedAndThePassGoesOn() throws Exception {
    put("p/a", GRACE.plusHours(1));
    put("p/stuck", GRACE.plusHours(1));
    put("p/z", GRACE.plusHours(1));
    ObjectStorage flaky = new DelegatingStorage(store) {
      @Override
      public void delete(String key) throws IOException {
        if (key.equals("p/stuck")) {
          throw new IOException("storage refused");
        }
        super.delete(key);
      }
    };

    OrphanSweeper.Result result = new OrphanSweeper(flaky, references, OrphanSweeperConfig.defaults(), clock).runOnce();

    assertThat(result).isEqualTo(new OrphanSweeper.Result(3, 2, 1, 0));
    assertThat(remaining()).containsExactly("p/stuck");
  }

  @Test
  void whenTheReferenceQueryFailsNothingIsDeleted() throws Exception {
    put("p/a", GRACE.plusHours(1));
    ObjectReferences down = keys -> {
      throw new IllegalStateException("database unavailable");
    };
    OrphanSweeper sweeper = new OrphanSweeper(store, down, OrphanSweeperConfig.defaults(), clock);

    assertThatThrownBy(sweeper::runOnce).hasMessageContaining("database unavailable");
    assertThat(remaining()).containsExactly("p/a");
  }

  @Test
  void removesTheRemainsOfUploadsThatNeverFinished() throws Exception {
    put("p/kept", GRACE.plusHours(1));
    referenced.add("p/kept");
    Path stale = Files.writeString(dataDir.resolve("objects/p/" + FileStorage.TEMP_PREFIX + "1.partial"), "half");
    Path inFlight = Files.writeString(dataDir.resolve("objects/p/" + FileStorage.TEMP_PREFIX + "2.partial"), "half");
    Files.setLastModifiedTime(stale, FileTime.from(now.minus(GRACE).minusSeconds(1)));
    Files.setLastModifiedTime(inFlight, FileTime.from(now.minusSeconds(5)));

    OrphanSweeper.Result result = sweeper(OrphanSweeperConfig.defaults()).runOnce();

    assertThat(result.incompleteRemoved()).isEqualTo(1);
    assertThat(stale).doesNotExist();
    assertThat(inFlight).exists();
  }

  @Test
  void startRunsPassesOnItsOwnThreadUntilClosed() throws Exception {
    put("p/orphan", GRACE.plusHours(1));
    OrphanSweeper sweeper = sweeper(OrphanSweeperConfig.defaults().withInterval(Duration.ofMillis(50))).start();
    try {
      Instant deadline = Instant.now().plusSeconds(10);
      while (!remaining().isEmpty() && Instant.now().isBefore(deadline)) {
        Thread.sleep(20);
      }
      assertThat(remaining()).isEmpty();
      assertThatThrownBy(sweeper::start).isInstanceOf(IllegalStateException.class);
    } finally {
      sweeper.close();
    }
    int passes = asked.size();
    put("p/after-close", GRACE.plusHours(1));
    Thread.sleep(200);
    assertThat(remaining()).containsExactly("p/after-close");
    assertThat(asked).hasSize(passes);
  }

  @Test
  void theConfigurationRefusesDangerousValues() {
    assertThatThrownBy(() -> new OrphanSweeperConfig(Duration.ofMinutes(1), 100, Duration.ofMinutes(1)))
        .hasMessageContaining("grace period must be at least");
    assertThatThrownBy(() -> new OrphanSweeperConfig(GRACE, 0, Duration.ofMinutes(1)))
        .hasMessageContaining("page size");
    assertThatThrownBy(() -> new OrphanSweeperConfig(GRACE, OrphanSweeperConfig.MAX_PAGE_SIZE + 1, Duration.ofMinutes(1)))
        .hasMessageContaining("page size");
    assertThatThrownBy(() -> new OrphanSweeperConfig(GRACE, 100, Duration.ZERO)).hasMessageContaining("interval");
    assertThat(OrphanSweeperConfig.defaults())
        .isEqualTo(new OrphanSweeperConfig(Duration.ofHours(1), 1_000, Duration.ofMinutes(15)));
  }

  OrphanSweeper sweeper(OrphanSweeperConfig config) {
    return new OrphanSweeper(store, references, config, clock);
  }

  /** Puts an object last modified {@code age} before the sweeper's clock. */
  void put(String key, Duration age) throws IOException {
    store.put(key, new ByteArrayInputStream(key.getBytes()), 1_000);
    Files.setLastModifiedTime(store.root().resolve(key), FileTime.from(now.minus(age)));
  }

  List<String> remaining() throws IOException {
    return ObjectStorageContract.keys(store.listOlderThan("", Instant.MAX, 1_000));
  }

  /** Passes everything through; tests override what should fail. */
  static class DelegatingStorage implements ObjectStorage {
    private final ObjectStorage inner;

    DelegatingStorage(ObjectStorage inner) {
      this.inner = inner;
    }

    @Override
    public StoredObject put(String key, InputStream content, long maxBytes) throws IOException {
      return inner.put(key, content, maxBytes);
    }

    @Override
    public InputStream open(String key) throws IOException {
      return inner.open(key);
    }

    @Override
    public void delete(String key) throws IOException {
      inner.delete(key);
    }

    @Override
    public List<ObjectInfo> listOlderThan(String prefix, Instant before, String startAfter, int limit) throws IOException {
      return inner.listOlderThan(prefix, before, startAfter, limit);
    }

    @Override
    public int removeIncomplete(Instant before) throws IOException {
      return inner.removeIncomplete(before);
    }

    @Override
    public String describe() {
      return inner.describe();
    }
  }
}
