package io.exora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.api.ApiClient;
import io.exora.db.ConnectionSettings;
import io.exora.db.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * {@code EXORA_DB_URL} pointing at a PostgreSQL 15 cluster made from this machine's own server
 * binaries (Debian's postgresql-15; `./exora test` installs it when it is missing).
 */
class ExternalPostgres15IT {
  static final Path PG15 = Path.of("/usr/lib/postgresql/15/bin");

  @Test
  void runsOnAnExternalPostgres15() throws Exception {
    assertThat(PG15.resolve("postgres")).as("PostgreSQL 15 server binaries").exists();
    Path clusterDir = Files.createTempDirectory("exora-pg15");
    try (EmbeddedPostgres pg15 = EmbeddedPostgres.start(PG15, clusterDir, List.of())) {
      ConnectionSettings su = pg15.superuser("postgres");
      String version = Jdbi.create(su.jdbcUrl(), su.user(), su.password())
          .withHandle(h -> h.createQuery("show server_version_num").mapTo(String.class).one());
      assertThat(version).startsWith("15");

      String url = "postgres://postgres:" + su.password() + "@127.0.0.1:" + pg15.port() + "/postgres";
      Path dataDir = Files.createTempDirectory("exora-ext-data");
      try (ExoraProcess exora = ExoraProcess.start(dataDir, Map.of("EXORA_DB_URL", url), "serve")) {
        exora.awaitHealthy(Duration.ofSeconds(120));
        ApiClient api = exora.client();
        String token = api.signup("pg15@example.org", "correct horse battery", "Fifteen").get("access_token").asText();
        assertThat(api.post("/v1/profiles", token, Map.of("display_name", "Kid")).status()).isEqualTo(201);
        assertThat(api.get("/v1/profiles", token).body().get("profiles")).hasSize(2);
        assertThat(exora.output()).doesNotContain(su.password());
        exora.process.destroy();
        assertThat(exora.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      }
      // No embedded cluster was made: the external database was used.
      assertThat(dataDir.resolve("postgres")).doesNotExist();
    }
  }
}
