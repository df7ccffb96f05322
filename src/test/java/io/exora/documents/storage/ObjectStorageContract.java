package io.exora.documents.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ObjectStorage} keeps, run against each backend by a subclass. Each
 * test gets a fresh, empty store from {@link #storage()}.
 */
abstract class ObjectStorageContract {
  /** "abc" and "" from FIPS 180-2's SHA-256 examples. */
  static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  static final String SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  static final List<String> BAD_KEYS = List.of(
      "../../etc/passwd", "..", "a/../../b", "a//b", "/abs", "/", "", "a/", "./a", "a/./b", "a b",
      "a\\b", "caf\u00e9", "a\u0000b", "a\nb", "%2e%2e/x", "x".repeat(ObjectKeys.MAX_LENGTH + 1));

  /** A fresh, empty store for the current test. */
  protected abstract ObjectStorage storage();

  /**
   * Fails if anything a put may create outside the object namespace is left: temp files, staged
   * copies, pending multipart uploads.
   */
  protected abstract void assertNoLeftovers() throws Exception;

  static final Instant FAR_FUTURE = Instant.now().plus(Duration.ofDays(1));

  @Test
  void aPutObjectReadsBackByteForByteWithItsSizeAndSha256() throws Exception {
    ObjectStorage store = storage();
    byte[] content = TestContent.generated(1, 300_000).readAllBytes();

    StoredObject stored = store.put("patient-1/file-1", new ByteArrayInputStream(content), 1_000_000);

    assertThat(stored.key()).isEqualTo("patient-1/file-1");
    assertThat(stored.size()).isEqualTo(300_000);
    assertThat(stored.sha256()).isEqualTo(TestContent.sha256(new ByteArrayInputStream(content)));
    try (InputStream in = store.open("patient-1/file-1")) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void theSha256IsTheStandardOne() throws Exception {
    ObjectStorage store = storage();
    assertThat(store.put("v/abc", new ByteArrayInputStream("abc".getBytes(UTF_8)), 3).sha256()).isEqualTo(SHA256_ABC);
    StoredObject empty = store.put("v/empty", InputStream.nullInputStream(), 10);
    assertThat(empty.sha256()).isEqualTo(SHA256_EMPTY);
    assertThat(empty.size()).isZero();
    try (InputStream in = store.open("v/empty")) {
      assertThat(in.readAllBytes()).isEmpty();
    }
  }

  @Test
  void contentExactlyAtTheLimitIsStored() throws Exception {
    ObjectStorage store = storage();
    StoredObject stored = store.put("p/at-limit", TestContent.generated(2, 100_000), 100_000);
    assertThat(stored.size()).isEqualTo(100_000);
    assertThat(stored.sha256()).isEqualTo(TestContent.sha256(TestContent.generated(2, 100_000)));
    assertThat(TestContent.sha256(store.open("p/at-limit"))).isEqualTo(stored.sha256());
  }

  @Test
  void contentOneByteOverTheLimitIsRefusedAndLeavesNothing() throws Exception {
    ObjectStorage store = storage();
    assertThatThrownBy(() -> store.put("p/over", TestContent.generated(3, 100_001), 100_000))
        .isInstanceOfSatisfying(ObjectTooLarge.class, e -> assertThat(e.limitBytes()).isEqualTo(100_000));

    assertThatThrownBy(() -> store.open("p/over")).isInstanceOf(ObjectNotFound.class);
    assertThat(store.listOlderThan("", FAR_FUTURE, 100)).isEmpty();
    assertNoLeftovers();
  }

  @Test
  void anOversizedUploadIsReadOnlyOneBytePastTheLimit() throws Exception {
    ObjectStorage store = storage();
    TestContent.Endless endless = new TestContent.Endless();
    assertThatThrownBy(() -> store.put("p/endless", endless, 200_000)).isInstanceOf(ObjectTooLarge.class);
    assertThat(endless.taken).isEqualTo(200_001);
    assertNoLeftovers();
  }

  @Test
  void aSourceThatFailsMidwayLeavesNothing() throws Exception {
    ObjectStorage store = storage();
    IOException dropped = new IOException("client went away");
    assertThatThrownBy(() -> store.put("p/dropped", TestContent.failingAfter(150_000, dropped), 1_000_000))
        .isSameAs(dropped);
    assertThatThrownBy(() -> store.open("p/dropped")).isInstanceOf(ObjectNotFound.class);
    assertThat(store.listOlderThan("", FAR_FUTURE, 100)).isEmpty();
    assertNoLeftovers();
  }

  @Test
  void aNegativeLimitIsRefused() {
    ObjectStorage store = storage();
    assertThatThrownBy(() -> store.put("p/x", InputStream.nullInputStream(), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentPutsOfDifferentKeysAllLandIntact() throws Exception {
    ObjectStorage store = storage();
    int puts = 24;
    List<Callable<StoredObject>> work = new ArrayList<>();
    for (int i = 0; i < puts; i++) {
      int n = i;
      // Half share one directory, half have their own: both cases race on directory creation.
      String key = (n % 2 == 0 ? "shared" : "own-" + n) + "/file-" + n;
      work.add(() -> store.put(key, TestContent.generated(n, 50_000 + n), 1_000_000));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<StoredObject>> results = pool.invokeAll(work);
      for (int i = 0; i < puts; i++) {
        StoredObject stored = results.get(i).get();
        assertThat(stored.size()).isEqualTo(50_000 + i);
        assertThat(TestContent.sha256(store.open(stored.key())))
            .isEqualTo(TestContent.sha256(TestContent.generated(i, 50_000 + i)))
            .isEqualTo(stored.sha256());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.listOlderThan("", FAR_FUTURE, 100)).hasSize(puts);
    assertNoLeftovers();
  }

  @Test
  void badKeysAreRefusedByEveryOperationAndTouchNothing() throws Exception {
    ObjectStorage store = storage();
    for (String key : BAD_KEYS) {
      assertThatThrownBy(() -> store.put(key, new ByteArrayInputStream("x".getBytes(UTF_8)), 10))
          .as("put %s", key).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.open(key)).as("open %s", key).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.delete(key)).as("delete %s", key).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> store.put(null, InputStream.nullInputStream(), 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.listOlderThan("", FAR_FUTURE, 100)).isEmpty();
    assertNoLeftovers();
  }

  @Test
  void openingAnAbsentKeyThrowsObjectNotFound() {
    ObjectStorage store = storage();
    assertThatThrownBy(() -> store.open("p/never-written"))
        .isInstanceOfSatisfying(ObjectNotFound.class, e -> assertThat(e.key()).isEqualTo("p/never-written"));
  }

  @Test
  void deleteRemovesTheObjectAndIsIdempotent() throws Exception {
    ObjectStorage store = storage();
    store.put("p/doomed", new ByteArrayInputStream("bye".getBytes(UTF_8)), 10);
    store.put("p/kept", new ByteArrayInputStream("stay".getBytes(UTF_8)), 10);

    store.delete("p/doomed");
    store.delete("p/doomed");
    store.delete("p/never-existed");

    assertThatThrownBy(() -> store.open("p/doomed")).isInstanceOf(ObjectNotFound.class);
    try (InputStream in = store.open("p/kept")) {
      assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("stay");
    }
  }

  @Test
  void aReaderMayStopEarlyAndTheStoreCarriesOn() throws Exception {
    ObjectStorage store = storage();
    store.put("p/long", TestContent.generated(11, 2_000_000), 2_000_000);
    for (int i = 0; i < 5; i++) {  // more than once: an early close must not leak a connection
      try (InputStream in = store.open("p/long")) {
        assertThat(in.readNBytes(10)).hasSize(10);
      }
    }
    assertThat(TestContent.sha256(store.open("p/long")))
        .isEqualTo(TestContent.sha256(TestContent.generated(11, 2_000_000)));
  }

  @Test
  void aPutUnderAnExistingKeyReplacesTheObject() throws Exception {
    ObjectStorage store = storage();
    store.put("p/same", new ByteArrayInputStream("first version".getBytes(UTF_8)), 100);
    StoredObject second = store.put("p/same", new ByteArrayInputStream("abc".getBytes(UTF_8)), 100);
    assertThat(second.sha256()).isEqualTo(SHA256_ABC);
    try (InputStream in = store.open("p/same")) {
      assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("abc");
    }
  }

  @Test
  void listingIsInBytewiseKeyOrderAndPagesWithStartAfter() throws Exception {
    ObjectStorage store = storage();
    // '/' sorts after '-' and '.': a store that sorted by bare names would put a/x before a-b/x.
    for (String key : List.of("b", "a/y/z", "a/x", "a.b", "a-b/x")) {
      store.put(key, new ByteArrayInputStream(key.getBytes(UTF_8)), 100);
    }

    assertThat(keys(store.listOlderThan("", FAR_FUTURE, 100))).containsExactly("a-b/x", "a.b", "a/x", "a/y/z", "b");
    assertThat(keys(store.listOlderThan("a/", FAR_FUTURE, 100))).containsExactly("a/x", "a/y/z");
    assertThat(keys(store.listOlderThan("a", FAR_FUTURE, 100))).containsExactly("a-b/x", "a.b", "a/x", "a/y/z");
    assertThat(keys(store.listOlderThan("c", FAR_FUTURE, 100))).isEmpty();

    List<List<String>> pages = new ArrayList<>();
    String after = null;
    List<ObjectInfo> page;
    do {
      page = store.listOlderThan("", FAR_FUTURE, after, 2);
      pages.add(keys(page));
      after = page.isEmpty() ? after : page.get(page.size() - 1).key();
    } while (page.size() == 2);
    assertThat(pages).containsExactly(List.of("a-b/x", "a.b"), List.of("a/x", "a/y/z"), List.of("b"));

    ObjectInfo info = store.listOlderThan("a.", FAR_FUTURE, 10).get(0);
    assertThat(info.key()).isEqualTo("a.b");
    assertThat(info.size()).isEqualTo(3);
    assertThat(info.lastModified()).isBetween(Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plusSeconds(5));
  }

  @Test
  void listingLeavesOutObjectsModifiedAfterTheCutoff() throws Exception {
    ObjectStorage store = storage();
    store.put("p/recent", new ByteArrayInputStream("new".getBytes(UTF_8)), 100);
    assertThat(store.listOlderThan("", Instant.now().minus(Duration.ofHours(1)), 100)).isEmpty();
    assertThat(keys(store.listOlderThan("", FAR_FUTURE, 100))).containsExactly("p/recent");
  }

  @Test
  void listingRefusesBadArguments() {
    ObjectStorage store = storage();
    assertThatThrownBy(() -> store.listOlderThan("../", FAR_FUTURE, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.listOlderThan("/a", FAR_FUTURE, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.listOlderThan("", FAR_FUTURE, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void removeIncompleteFindsNothingWhenEveryPutFinished() throws Exception {
    ObjectStorage store = storage();
    store.put("p/done", new ByteArrayInputStream("done".getBytes(UTF_8)), 100);
    assertThat(store.removeIncomplete(FAR_FUTURE)).isZero();
    assertThat(keys(store.listOlderThan("", FAR_FUTURE, 10))).containsExactly("p/done");
  }

  /**
   * 20 MB, streamed from a generator, put by a child JVM whose whole heap is smaller than the
   * object: the put succeeds only if it never holds the content in memory. The same child reading
   * the content whole first runs out of memory, which shows the heap is small enough to tell.
   */
  @Test
  void aPutStreamsInAHeapSmallerThanTheObject() throws Exception {
    long size = 20L * 1024 * 1024;
    String expected = TestContent.sha256(TestContent.generated(42, size));

    Child streamed = putInSmallHeap("stream", "big/object", size);
    assertThat(streamed.exitCode()).as(streamed.output()).isZero();
    assertThat(streamed.output()).contains("sha256=" + expected);
    assertThat(TestContent.sha256(storage().open("big/object"))).isEqualTo(expected);

    Child buffered = putInSmallHeap("buffer", "big/control", size);
    assertThat(buffered.exitCode()).as(buffered.output()).isEqualTo(BoundedHeapPut.OUT_OF_MEMORY);
    assertNoLeftovers();
  }

  static final String SMALL_HEAP = "-Xmx16m";

  record Child(int exitCode, String output) {}

  /** EXORA_STORAGE and the settings a separate process needs to open this same store. */
  protected abstract Map<String, String> childEnvironment();

  private Child putInSmallHeap(String mode, String key, long size) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder builder = new ProcessBuilder(java, SMALL_HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", classpath, BoundedHeapPut.class.getName(), mode, key, Long.toString(size))
        .redirectErrorStream(true);
    builder.environment().clear();  // only what the store needs, nothing of this JVM's environment
    builder.environment().putAll(childEnvironment());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the child put did not finish in 120 s:\n" + output);
    }
    return new Child(process.exitValue(), output);
  }

  static List<String> keys(List<ObjectInfo> infos) {
    return infos.stream().map(ObjectInfo::key).toList();
  }
}
