package io.exora.documents.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.RequestTransactions;
import io.exora.db.TestPostgres;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference query against the real schema, through the runtime login as the service role. */
class StoredObjectReferencesTest {
  static Jdbi owner;
  static Database pool;
  static StoredObjectReferences references;
  static UUID profile;

  @TempDir Path dataDir;

  @BeforeAll
  static void open() {
    ConnectionSettings settings = TestPostgres.newDatabase();
    owner = Jdbi.create(settings.jdbcUrl(), settings.user(), settings.password());
    pool = Database.open(TestPostgres.runtime(settings), 2, "storage-references-test");
    references = new StoredObjectReferences(new RequestTransactions(pool.jdbi()));
    UUID user = UUID.randomUUID();
    profile = UUID.randomUUID();
    owner.useHandle(h -> {
      h.execute("insert into auth.users (id, email, encrypted_password) values (?, ?, 'x')", user, user + "@test.invalid");
      h.execute("insert into public.user_profiles (id, account_owner_id, profile_type, display_name) values (?, ?, 'self', 'Test')",
          profile, user);
    });
  }

  @AfterAll
  static void close() {
    pool.close();
  }

  static void shellFile(String storagePath, boolean softDeleted) {
    owner.useHandle(h -> h.execute("""
        insert into public.shell_files (patient_id, filename, original_filename, file_size_bytes, mime_type,
                                        storage_path, deleted_at)
        values (?, 'scan.pdf', 'scan.pdf', 10, 'application/pdf', ?, ?)""",
        profile, storagePath, softDeleted ? java.time.OffsetDateTime.now() : null));
  }

  @Test
  void aKeyIsReferencedWhileAShellFileRowPointsAtItEvenSoftDeleted() {
    String live = profile + "/" + UUID.randomUUID();
    String softDeleted = profile + "/" + UUID.randomUUID();
    String orphan = profile + "/" + UUID.randomUUID();
    shellFile(live, false);
    shellFile(softDeleted, true);

    assertThat(references.referencedAmong(List.of(live, softDeleted, orphan))).containsExactlyInAnyOrder(live, softDeleted);
    assertThat(references.referencedAmong(List.of(orphan))).isEmpty();
    assertThat(references.referencedAmong(List.of())).isEmpty();
  }

  @Test
  void aKeyReferencedByTwoRowsIsReportedOnce() {
    String shared = profile + "/" + UUID.randomUUID();
    shellFile(shared, false);
    shellFile(shared, true);
    assertThat(references.referencedAmong(List.of(shared))).isEqualTo(Set.of(shared));
  }

  @Test
  void aFullPageOfKeysIsOneQuery() {
    List<String> keys = IntStream.range(0, OrphanSweeperConfig.DEFAULT_PAGE_SIZE)
        .mapToObj(i -> profile + "/page-" + i).toList();
    shellFile(keys.get(17), false);
    assertThat(references.referencedAmong(keys)).containsExactly(keys.get(17));
  }

  @Test
  void theSweeperKeepsWhatTheDatabaseReferencesAndDeletesTheRest() throws Exception {
    FileStorage store = new FileStorage(dataDir.resolve("objects"));
    String kept = profile + "/" + UUID.randomUUID();
    String orphan = profile + "/" + UUID.randomUUID();
    Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
    for (String key : List.of(kept, orphan)) {
      store.put(key, new ByteArrayInputStream(key.getBytes()), 1_000);
      Files.setLastModifiedTime(store.root().resolve(key), FileTime.from(twoHoursAgo));
    }
    shellFile(kept, false);

    OrphanSweeper.Result result =
        new OrphanSweeper(store, references, OrphanSweeperConfig.defaults(), InstantSource.system()).runOnce();

    assertThat(result.deleted()).isEqualTo(1);
    assertThat(ObjectStorageContract.keys(store.listOlderThan("", Instant.MAX, 10))).containsExactly(kept);
  }
}
