package io.exora.queue.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.RequestTransactions;
import io.exora.db.TestPostgres;
import io.exora.queue.JobHandler;
import io.exora.queue.JobQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * A migrated database with a {@code test_effects} table that handlers write their effects to, and
 * helpers to run workers against it. Short timeouts, so rescue is seconds away.
 */
public final class QueueFixture implements AutoCloseable {
  public final ConnectionSettings owner;
  public final Jdbi ownerJdbi;
  public final Database pool;
  public final JobQueue queue;
  public final RequestTransactions transactions;
  private final List<Worker> workers = new ArrayList<>();

  public QueueFixture(ConnectionSettings owner, int poolSize) {
    this.owner = owner;
    this.ownerJdbi = Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password());
    ownerJdbi.useHandle(h -> {
      h.execute("""
          create table if not exists public.test_effects (
            id bigserial primary key, job_id uuid not null, attempt int not null, worker_id text not null)""");
      h.execute("alter table public.test_effects enable row level security");
      h.execute("grant all on public.test_effects to service_role");
      h.execute("grant usage on sequence public.test_effects_id_seq to service_role");
      h.execute("update public.system_configuration set config_value = '2' where config_key = 'worker.timeout_seconds'");
      h.execute("update public.system_configuration set config_value = '0.5' where config_key = 'worker.rescue_jitter_seconds'");
      h.execute("update public.system_configuration set config_value = '0.25' where config_key = 'worker.rescue_interval_seconds'");
      h.execute("update public.system_configuration set config_value = '0.05' where config_key = 'worker.retry_base_seconds'");
    });
    this.pool = Database.open(TestPostgres.runtime(owner), poolSize, "queue-test");
    this.transactions = new RequestTransactions(pool.jdbi());
    this.queue = new JobQueue(transactions, new ObjectMapper());
  }

  public static QueueFixture fresh(int poolSize) {
    return new QueueFixture(TestPostgres.newDatabase(), poolSize);
  }

  /** A handler that writes one effect row in the job's transaction, after {@code work}. */
  public static JobHandler effectWriter(Duration work) {
    return ctx -> {
      if (!work.isZero()) {
        Thread.sleep(work);
      }
      ctx.transaction().createUpdate(
              "insert into public.test_effects (job_id, attempt, worker_id) values (:job, :attempt, current_setting('exora.correlation_id'))")
          .bind("job", ctx.job().id()).bind("attempt", ctx.job().attempt()).execute();
      return Map.of("ok", true);
    };
  }

  public Worker startWorker(String id, int concurrency, Map<String, JobHandler> handlers) {
    return startWorker(id, concurrency, WorkerConfig.DEFAULT_CLAIMERS, handlers);
  }

  /** A worker of the default lane with {@code claimers} claiming threads. */
  public Worker startWorker(String id, int concurrency, int claimers, Map<String, JobHandler> handlers) {
    return startWorker(id, concurrency, claimers, new SimpleMeterRegistry(), handlers);
  }

  /** A worker of the default lane whose metrics go to {@code registry}. */
  public Worker startWorker(String id, int concurrency, int claimers, MeterRegistry registry,
      Map<String, JobHandler> handlers) {
    WorkerConfig config = WorkerConfig.defaults(id, Map.of("default", concurrency))
        .withClaimersAndCompleters(claimers, WorkerConfig.DEFAULT_COMPLETERS)
        .withHeartbeatInterval(Duration.ofMillis(500))
        .withPollInterval(Duration.ofMillis(250))
        .withShutdownDeadline(Duration.ofSeconds(5));
    Worker worker = new Worker(config, queue, transactions, handlers, TestPostgres.runtime(owner),
        new ObjectMapper(), registry).start();
    workers.add(worker);
    return worker;
  }

  public List<UUID> enqueue(int n) {
    List<UUID> ids = new ArrayList<>();
    for (int from = 0; from < n; from += 5_000) {
      List<JobQueue.NewJob> batch = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + 5_000); i++) {
        batch.add(JobQueue.NewJob.of("system_maintenance", Map.of("n", i)));
      }
      ids.addAll(queue.enqueueAll(batch));
    }
    return ids;
  }

  public long count(String sql) {
    return ownerJdbi.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }

  public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    workers.forEach(Worker::close);
    pool.close();
  }
}
