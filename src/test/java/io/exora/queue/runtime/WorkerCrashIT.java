package io.exora.queue.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.db.ConnectionSettings;
import io.exora.db.TestPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real worker processes killed with SIGKILL in the middle of their jobs: every job still
 * completes, its effect is written exactly once, and the dead worker's jobs are picked up again
 * within the heartbeat timeout plus the rescue jitter (plus the rescue's pace and a poll).
 */
class WorkerCrashIT {
  private static final int JOBS = 2_000;
  private static final int CONCURRENCY = 16;
  /**
   * worker.timeout_seconds 2 + worker.rescue_jitter_seconds 0.5 + worker.rescue_interval_seconds
   * 0.25 (QueueFixture) + poll 0.25, plus 3 s of slack for a 2-core machine that runs several JVMs
   * and PostgreSQL at once.
   */
  private static final Duration RESCUE_BOUND = Duration.ofMillis(2_000 + 500 + 250 + 250 + 3_000);

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killAll() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void sigkilledWorkersLoseNoJobAndDuplicateNoEffect() throws Exception {
    try (QueueFixture fx = QueueFixture.fresh(4)) {
      ConnectionSettings login = TestPostgres.runtime(fx.owner);
      Process a = startWorker(login, "crash-a");
      Process b = startWorker(login, "crash-b");
      Process c = startWorker(login, "crash-c");
      // Only once all three are claiming: a JVM that starts slowly on a loaded machine must not
      // find the work already done by the first.
      fx.enqueue(JOBS);

      QueueFixture.await("a third of the jobs done", Duration.ofSeconds(60),
          () -> fx.count("select count(*) from public.job_queue_all where status = 'completed'") >= JOBS / 3);
      List<Killed> killed = new ArrayList<>();
      killed.add(kill(fx, a, "crash-a"));
      killed.add(kill(fx, b, "crash-b"));
      startWorker(login, "crash-d");

      QueueFixture.await("two thirds of the jobs done", Duration.ofSeconds(60),
          () -> fx.count("select count(*) from public.job_queue_all where status = 'completed'") >= 2 * JOBS / 3);
      killed.add(kill(fx, c, "crash-c"));
      startWorker(login, "crash-e");

      QueueFixture.await("every job completed", Duration.ofSeconds(120),
          () -> fx.count("select count(*) from public.job_queue_all where status = 'completed'") == JOBS);

      assertThat(fx.count("select count(*) from public.job_queue_all where status <> 'completed'")).isZero();
      assertThat(fx.count("select count(*) from public.test_effects")).as("one effect per job").isEqualTo(JOBS);
      assertThat(fx.count("select count(distinct job_id) from public.test_effects")).isEqualTo(JOBS);
      assertThat(fx.count("""
          select count(*) from public.job_queue_all q join public.test_effects e on e.job_id = q.id
           where e.attempt <> q.attempt""")).as("each effect is the completing attempt's").isZero();

      long interrupted = killed.stream().mapToLong(k -> k.held().size()).sum();
      assertThat(interrupted).as("jobs that were in flight when their workers were killed").isPositive();
    }
  }

  /** The jobs a worker held in the database when it was killed, and when. */
  private record Killed(String worker, Instant at, List<UUID> held) {}

  private Killed kill(QueueFixture fx, Process p, String workerId) throws InterruptedException {
    // On a loaded machine a worker can be between batches; kill it only while it holds work.
    QueueFixture.await(workerId + " holds jobs", Duration.ofSeconds(60),
        () -> fx.count("select count(*) from public.job_queue_all where status = 'processing' and worker_id = '" + workerId + "'") > 0);
    p.destroyForcibly();  // SIGKILL: no shutdown hook, no release
    p.waitFor();
    Instant at = fx.ownerJdbi.withHandle(h -> h.createQuery("select now()").mapTo(Instant.class).one());
    List<UUID> held = fx.ownerJdbi.withHandle(h -> h.createQuery("""
            select id from public.job_queue_all where worker_id = :w and status = 'processing'""")
        .bind("w", workerId).mapTo(UUID.class).list());
    // Another worker must take each of them again within timeout plus jitter (plus a poll).
    QueueFixture.await(workerId + "'s jobs taken again", RESCUE_BOUND.multipliedBy(3),
        () -> fx.ownerJdbi.withHandle(h -> h.createQuery("""
                select count(*) from public.job_queue_all where id = any(:held) and worker_id = :w""")
            .bindArray("held", UUID.class, held.toArray()).bind("w", workerId).mapTo(Long.class).one()) == 0);
    for (UUID job : held) {
      Instant restarted = fx.ownerJdbi.withHandle(h -> h.createQuery("select started_at from public.job_queue_all where id = :id")
          .bind("id", job).mapTo(Instant.class).one());
      assertThat(Duration.between(at, restarted))
          .as("job %s of %s picked up again within timeout plus jitter", job, workerId)
          .isLessThanOrEqualTo(RESCUE_BOUND);
    }
    return new Killed(workerId, at, held);
  }

  private Process startWorker(ConnectionSettings login, String workerId) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashableWorkerMain.class.getName(), login.jdbcUrl(), login.user(), login.password(), workerId,
        String.valueOf(CONCURRENCY));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    processes.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.contains("ready")) {
      // start-up logging
    }
    if (line == null) {
      throw new IllegalStateException("worker " + workerId + " exited before it was ready");
    }
    Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));  // keep the pipe drained
    return p;
  }
}
