package io.exora.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.db.ConnectionSettings;
import io.exora.db.TestPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A concurrency slot held by a real worker process that is killed with SIGKILL comes back once the
 * attempt stops heart-beating for worker.timeout_seconds, and not before; a live worker that keeps
 * heart-beating keeps its slot however long its call takes.
 */
class LeaseCrashIT {
  private static final int TIMEOUT_SECONDS = 2;
  private Process worker;

  @AfterEach
  void kill() {
    if (worker != null) {
      worker.destroyForcibly();
    }
  }

  @Test
  void aSigkilledWorkersLeaseReturnsAfterExpiry() throws Exception {
    try (RateLimitDb db = RateLimitDb.create(4)) {
      db.reset();
      db.put(Acquirers.PROVIDER, Acquirers.MODEL, null, null, null, null, 1);
      db.su(h -> h.execute("update public.system_configuration set config_value = '" + TIMEOUT_SECONDS
          + "' where config_key = 'worker.timeout_seconds'"));
      db.service(h -> h.execute("select * from public.enqueue_job_v3('system_maintenance', 'hold a lease', '{\"hold\": true}')"));

      BufferedReader out = start(TestPostgres.runtime(db.owner), "lease-holder");
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("leased ")) {
        // start-up logging
      }
      assertThat(line).as("the worker took a lease").isNotNull();
      UUID job = UUID.fromString(line.substring("leased ".length()).strip());

      // alive and heart-beating past the timeout: the slot stays taken
      Thread.sleep(TIMEOUT_SECONDS * 1_000L + 1_000);
      assertThat(db.limiter.acquire(Acquirers.PROVIDER, Acquirers.MODEL, 1, null))
          .as("a live worker's slot").isInstanceOf(Acquisition.Wait.class);

      worker.destroyForcibly();  // SIGKILL: no shutdown hook, no release
      worker.waitFor();
      Instant killed = db.dbNow();
      assertThat(db.limiter.acquire(Acquirers.PROVIDER, Acquirers.MODEL, 1, null))
          .as("right after the kill, before the heartbeat timeout").isInstanceOf(Acquisition.Wait.class);

      Acquisition after = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(TIMEOUT_SECONDS * 3L).toNanos();
      while (System.nanoTime() < deadline) {
        after = db.limiter.acquire(Acquirers.PROVIDER, Acquirers.MODEL, 1, null);
        if (after instanceof Acquisition.Granted) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(after).as("the dead worker's slot came back").isInstanceOf(Acquisition.Granted.class);
      Instant returned = db.dbNow();
      assertThat(Duration.between(killed, returned)).isLessThanOrEqualTo(Duration.ofSeconds(TIMEOUT_SECONDS + 1));
      assertThat(db.count("select count(*) from public.api_leases where job_id = '" + job + "' and expired_at is not null"))
          .as("the dead attempt's lease is marked expired").isEqualTo(1);
      assertThat(db.count("select count(*) from public.api_leases where expired_at is null"))
          .as("only the new lease counts").isEqualTo(1);
    }
  }

  private BufferedReader start(ConnectionSettings login, String workerId) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    worker = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LeaseHolderMain.class.getName(),
        login.jdbcUrl(), login.user(), login.password(), workerId).redirectErrorStream(true).start();
    return new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
  }
}
