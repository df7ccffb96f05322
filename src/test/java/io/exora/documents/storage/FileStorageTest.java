package io.exora.documents.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStorageTest extends ObjectStorageContract {
  @TempDir Path dataDir;
  Path root;
  FileStorage store;

  @BeforeEach
  void open() {
    root = dataDir.resolve("objects");
    store = new FileStorage(root);
  }

  @Override
  protected ObjectStorage storage() {
    return store;
  }

  @Override
  protected Map<String, String> childEnvironment() {
    return Map.of("EXORA_STORAGE", "file:" + root, "EXORA_DATA_DIR", dataDir.toString());
  }

  @Override
  protected void assertNoLeftovers() throws IOException {
    try (Stream<Path> all = Files.walk(dataDir)) {
      assertThat(all.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.startsWith(FileStorage.TEMP_PREFIX));
    }
  }

  @Test
  void objectsAreReadableOnlyByTheirOwner() throws Exception {
    store.put("patient/file", new ByteArrayInputStream("private".getBytes(UTF_8)), 100);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("patient"))))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("patient/file"))))
        .isEqualTo("rw-------");
  }

  @Test
  void aKeyIsAFileUnderTheRootAndNothingOutsideItIsTouched() throws Exception {
    store.put("a/b/c", new ByteArrayInputStream("abc".getBytes(UTF_8)), 100);
    assertThat(root.resolve("a/b/c")).hasContent("abc");

    for (String key : List.of("../outside", "../../etc/passwd", "a/../../outside")) {
      assertThatThrownBy(() -> store.put(key, new ByteArrayInputStream("x".getBytes(UTF_8)), 10))
          .isInstanceOf(IllegalArgumentException.class);
    }
    try (Stream<Path> siblings = Files.list(dataDir)) {
      assertThat(siblings).containsExactly(root);
    }
  }

  @Test
  void aSymlinkInTheStoreIsNeitherOpenedNorListed() throws Exception {
    Path secret = Files.writeString(dataDir.resolve("secret.txt"), "not an object");
    Files.createSymbolicLink(root.resolve("link"), secret);

    assertThatThrownBy(() -> store.open("link")).isInstanceOf(ObjectNotFound.class);
    assertThat(store.listOlderThan("", FAR_FUTURE, 10)).isEmpty();
    store.delete("link");
    assertThat(secret).hasContent("not an object");
  }

  @Test
  void aKeyThatIsADirectoryOfOtherObjectsIsNoObject() throws Exception {
    store.put("p/f", new ByteArrayInputStream("x".getBytes(UTF_8)), 10);
    assertThatThrownBy(() -> store.open("p")).isInstanceOf(ObjectNotFound.class);
    store.delete("p");
    assertThat(root.resolve("p/f")).exists();
  }

  @Test
  void listingUsesTheFilesModificationTime() throws Exception {
    Instant now = Instant.now();
    store.put("p/old", new ByteArrayInputStream("old".getBytes(UTF_8)), 10);
    store.put("p/new", new ByteArrayInputStream("new".getBytes(UTF_8)), 10);
    Files.setLastModifiedTime(root.resolve("p/old"), FileTime.from(now.minus(Duration.ofHours(2))));

    List<ObjectInfo> old = store.listOlderThan("", now.minus(Duration.ofHours(1)), 10);
    assertThat(keys(old)).containsExactly("p/old");
    assertThat(old.get(0).lastModified())
        .isBetween(now.minus(Duration.ofHours(2)).minusSeconds(1), now.minus(Duration.ofHours(2)).plusSeconds(1));
  }

  @Test
  void abandonedTempFilesAreNotObjectsAndAreRemovedOnceStale() throws Exception {
    store.put("p/real", new ByteArrayInputStream("real".getBytes(UTF_8)), 10);
    Path stale = Files.writeString(root.resolve("p/" + FileStorage.TEMP_PREFIX + "123.partial"), "half");
    Path fresh = Files.writeString(root.resolve("p/" + FileStorage.TEMP_PREFIX + "456.partial"), "in flight");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(3))));

    assertThat(keys(store.listOlderThan("", FAR_FUTURE, 10))).containsExactly("p/real");
    assertThat(store.removeIncomplete(Instant.now().minus(Duration.ofHours(1)))).isEqualTo(1);
    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    assertThat(root.resolve("p/real")).exists();
  }

  @Test
  void filesThatAreNotExorasAreNotListed() throws Exception {
    Files.createDirectories(root.resolve("p"));
    Files.writeString(root.resolve("p/with space"), "stranger");
    Files.writeString(root.resolve("p/caf\u00e9"), "stranger");
    assertThat(store.listOlderThan("", FAR_FUTURE, 10)).isEmpty();
  }

  @Test
  void describeNamesTheDirectory() {
    assertThat(store.describe()).isEqualTo("file:" + root.toAbsolutePath().normalize());
  }

  @Test
  void theOpenStreamReadsTheWholeFile() throws Exception {
    store.put("p/f", TestContent.generated(5, 1_000_000), 1_000_000);
    try (InputStream in = store.open("p/f")) {
      assertThat(in.readAllBytes()).hasSize(1_000_000);
    }
  }
}
