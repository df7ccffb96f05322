package io.exora.queue.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.RequestTransactions;
import io.exora.queue.JobHandler;
import io.exora.queue.JobQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A worker process for {@link WorkerCrashIT}: runs {@code system_maintenance} jobs whose effect is
 * one row in {@code test_effects}, written in the job's transaction after 200..800 ms of "work",
 * so a SIGKILL lands in the middle of many jobs. Prints {@code ready} once it is claiming.
 *
 * <p>Arguments: jdbc-url user password worker-id concurrency
 */
public final class CrashableWorkerMain {
  private CrashableWorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    ConnectionSettings login = new ConnectionSettings(args[0], args[1], args[2]);
    String workerId = args[3];
    int concurrency = Integer.parseInt(args[4]);
    Database pool = Database.open(login, concurrency + 4, workerId);
    RequestTransactions transactions = new RequestTransactions(pool.jdbi());
    JobQueue queue = new JobQueue(transactions, new ObjectMapper());
    JobHandler slowEffect = ctx -> {
      Thread.sleep(ThreadLocalRandom.current().nextLong(200, 800));
      ctx.transaction().createUpdate("""
              insert into public.test_effects (job_id, attempt, worker_id) values (:job, :attempt, :worker)""")
          .bind("job", ctx.job().id()).bind("attempt", ctx.job().attempt()).bind("worker", workerId).execute();
      return Map.of("worker", workerId);
    };
    WorkerConfig config = WorkerConfig.defaults(workerId, Map.of("default", concurrency))
        .withHeartbeatInterval(Duration.ofMillis(500))
        .withPollInterval(Duration.ofMillis(250));
    new Worker(config, queue, transactions, Map.of("system_maintenance", slowEffect), login,
        new ObjectMapper(), new SimpleMeterRegistry()).start();
    System.out.println("ready");
    System.out.flush();
    Thread.currentThread().join();
  }
}
