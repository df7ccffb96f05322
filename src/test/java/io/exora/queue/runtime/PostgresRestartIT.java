package io.exora.queue.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.db.ConnectionSettings;
import io.exora.db.EmbeddedPostgres;
import io.exora.db.Migrations;
import io.exora.db.PostgresBinaries;
import io.exora.db.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped and started again while workers drain the queue: the workers reconnect on
 * their own, and every job completes with its effect written exactly once.
 */
class PostgresRestartIT {
  private static final int JOBS = 3_000;
  private static final List<String> OPTIONS = List.of("max_connections=100");

  @Test
  void workersReconnectAfterARestartAndLoseNothing() throws Exception {
    Path bin = PostgresBinaries.unpack(Path.of("target").resolve("pg-runtime"));
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart-pg-");
    EmbeddedPostgres pg = EmbeddedPostgres.start(bin, dir, OPTIONS);
    int port = pg.port();
    try {
      pg.createDatabaseIfAbsent("exora");
      ConnectionSettings owner = pg.superuser("exora");
      Migrations.apply(owner);
      Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password()).useHandle(h -> h.execute(
          "alter role authenticator with login password '" + TestPostgres.AUTHENTICATOR_PASSWORD + "'"));

      try (QueueFixture fx = new QueueFixture(owner, 8)) {
        fx.enqueue(JOBS);
        fx.startWorker("restart-a", 8, Map.of("system_maintenance", QueueFixture.effectWriter(Duration.ofMillis(5))));
        fx.startWorker("restart-b", 8, Map.of("system_maintenance", QueueFixture.effectWriter(Duration.ofMillis(5))));
        QueueFixture.await("some jobs done", Duration.ofSeconds(60),
            () -> fx.count("select count(*) from public.job_queue_all where status = 'completed'") >= JOBS / 4);

        pg.close();  // a fast shutdown: every connection is cut mid-transaction
        Thread.sleep(3_000);
        pg = EmbeddedPostgres.start(bin, dir, OPTIONS, port);

        QueueFixture.await("every job completed after the restart", Duration.ofSeconds(120), () -> {
          try {
            return fx.count("select count(*) from public.job_queue_all where status = 'completed'") == JOBS;
          } catch (RuntimeException stillStarting) {
            return false;
          }
        });
        assertThat(fx.count("select count(*) from public.test_effects")).as("one effect per job").isEqualTo(JOBS);
        assertThat(fx.count("select count(distinct job_id) from public.test_effects")).isEqualTo(JOBS);
        assertThat(fx.count("select count(*) from public.job_queue_all where status <> 'completed'")).isZero();
      }
    } finally {
      pg.close();
      PostgresBinaries.deleteTree(dir);
    }
  }
}
