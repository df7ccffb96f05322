package io.exora.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class MigrationsTest {

  @Test
  void migrationsAreIdempotentOnAnAlreadyMigratedDatabase() {
    ConnectionSettings owner = TestPostgres.newDatabase();
    MigrateResult again = Migrations.apply(owner);
    assertThat(again.migrationsExecuted).isZero();
    assertThat(again.success).isTrue();
  }

  @Test
  void aDatabaseMigratedByAnotherBuildIsRefusedWithoutFlywaysRepairAdvice() {
    ConnectionSettings owner = TestPostgres.newDatabase();
    // what an earlier build whose V070 differed leaves in the history
    TestPostgres.execute(owner, "update public.flyway_schema_history set checksum = checksum + 1 where version = '070'");
    assertThatThrownBy(() -> Migrations.apply(owner))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("migrated by another build of Exora")
        .hasMessageContaining("Do not run `flyway repair`")
        .hasMessageContaining("version 070");
  }

  @Test
  void aDatabaseOfAnEarlierBuildTakesTheMigrationsAddedSince() throws IOException {
    // 090 is where aab1cc9, the last build that edited migrations in place, left a database.
    String name = "test_upgrade_" + ProcessHandle.current().pid();
    TestPostgres.execute(TestPostgres.cluster().superuser("postgres"), "create database " + name);
    ConnectionSettings owner = TestPostgres.cluster().superuser(name);
    Migrations.configuration(owner).target("090").load().migrate();

    MigrateResult upgrade = Migrations.apply(owner);

    assertThat(upgrade.success).isTrue();
    assertThat(upgrade.initialSchemaVersion).isEqualTo("090");
    assertThat(upgrade.migrationsExecuted).isPositive();
    assertThat(upgrade.targetSchemaVersion).isEqualTo(migrationFiles().lastKey().substring(1, 4));
  }

  /**
   * Migrations are only ever added (decision 0016): a database migrated by a released build must
   * take the next build's migrations as they are, and Flyway would refuse it (checksum mismatch)
   * if one it already ran had changed. Each migration's SHA-256 is recorded when it is written; an
   * edit of a recorded one fails here, at the desk, rather than at an operator's next start.
   */
  @Test
  void landedMigrationsAreNeverEdited() throws IOException, NoSuchAlgorithmException {
    Map<String, String> recorded = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("src/test/resources/db/landed-migrations.sha256"))) {
      if (!line.isBlank()) {
        String[] hashAndFile = line.split("\\s+", 2);
        recorded.put(hashAndFile[1], hashAndFile[0]);
      }
    }
    Map<String, String> actual = new TreeMap<>();
    for (Path f : migrationFiles().values()) {
      // As git stores them: a checkout that turned line ends into CRLF has not edited anything.
      String text = Files.readString(f).replace("\r\n", "\n").replace("\uFEFF", "");
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      actual.put(f.getFileName().toString(), HexFormat.of().formatHex(digest));
    }
    List<String> problems = new ArrayList<>();
    actual.forEach((file, hash) -> {
      if (!recorded.containsKey(file)) {
        problems.add(file + ": not recorded");
      } else if (!recorded.get(file).equals(hash)) {
        problems.add(file + ": edited after it was recorded");
      }
    });
    recorded.keySet().stream().filter(f -> !actual.containsKey(f)).forEach(f -> problems.add(f + ": recorded, but gone"));
    assertThat(problems)
        .as("write a change as a new migration numbered after the last (decision 0016); record a new file's"
            + " `sha256sum` line in src/test/resources/db/landed-migrations.sha256")
        .isEmpty();
  }

  /** The versioned migrations (V001__... to the last), by file name, in version order. */
  private static TreeMap<String, Path> migrationFiles() throws IOException {
    TreeMap<String, Path> files = new TreeMap<>();
    try (Stream<Path> all = Files.list(Path.of("src/main/resources/db/migration"))) {
      all.filter(f -> f.getFileName().toString().matches("V\\d{3}__.*\\.sql"))
          .forEach(f -> files.put(f.getFileName().toString(), f));
    }
    return files;
  }

  @Test
  void theAuthLayerMatchesSupabase() {
    ConnectionSettings owner = TestPostgres.newDatabase();
    Jdbi jdbi = Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password());
    jdbi.useTransaction(h -> {
      h.execute("select set_config('request.jwt.claims', "
          + "'{\"sub\":\"6f0c1a9e-5d4b-4c3a-9f1e-2b7d8c6a5e40\",\"role\":\"authenticated\"}', true)");
      assertThat(h.createQuery("select auth.uid()::text").mapTo(String.class).one())
          .isEqualTo("6f0c1a9e-5d4b-4c3a-9f1e-2b7d8c6a5e40");
      assertThat(h.createQuery("select auth.role()").mapTo(String.class).one()).isEqualTo("authenticated");
      assertThat(h.createQuery("select auth.jwt() ->> 'role'").mapTo(String.class).one()).isEqualTo("authenticated");
      // An empty setting is absent, not a cast error (Supabase's nullif).
      h.execute("select set_config('request.jwt.claims', '', true)");
      assertThat(h.createQuery("select auth.uid() is null").mapTo(Boolean.class).one()).isTrue();
    });
    boolean bypass = jdbi.withHandle(h -> h.createQuery(
        "select rolbypassrls from pg_roles where rolname = 'service_role'").mapTo(Boolean.class).one());
    assertThat(bypass).isTrue();
    boolean loginNoInherit = jdbi.withHandle(h -> h.createQuery(
        "select rolcanlogin and not rolinherit from pg_roles where rolname = 'authenticator'").mapTo(Boolean.class).one());
    assertThat(loginNoInherit).isTrue();
  }
}
