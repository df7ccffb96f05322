package io.exora.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.EmbeddedPostgres;
import io.exora.db.Migrations;
import io.exora.db.PostgresBinaries;
import io.exora.db.RequestTransactions;
import io.exora.queue.JobQueue;
import io.exora.queue.JobQueue.NewJob;
import io.exora.queue.runtime.Worker;
import io.exora.queue.runtime.WorkerConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * The queue's long run: a steady stream of jobs through the worker runtime for many minutes, with
 * the hot table's live and dead tuples, its size and the claim latency sampled as it goes. Run
 * twice in one process on one PostgreSQL: as shipped (job_queue holds only live jobs, a finished
 * job moves to the archive, autovacuum with the table's own settings) and, as the baseline, the
 * same with autovacuum off for job_queue, which shows what keeps the table bounded. Writes the
 * "Queue, long run" section of docs/benchmarks.md. Not a test: the name ends in Bench.
 *
 * <p>Options (--name=value): minutes (per mode, 5), rate (jobs/s, 1000), sample (seconds, 30),
 * doc (docs/benchmarks.md), command (recorded in the report).
 */
public final class QueueLongRunBench {
  private record Sample(int second, long live, long dead, long sizeKiB, long backlog, long archived,
      double claimP50Ms, double claimP99Ms) {}

  private final Map<String, String> opts;
  private EmbeddedPostgres pg;
  private String runtimePassword;

  private QueueLongRunBench(Map<String, String> opts) {
    this.opts = opts;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : argv) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      opts.put(kv[0], kv.length > 1 ? kv[1] : "true");
    }
    new QueueLongRunBench(opts).run();
    System.exit(0);
  }

  private int opt(String name, int fallback) {
    return Integer.parseInt(opts.getOrDefault(name, String.valueOf(fallback)));
  }

  private void run() throws Exception {
    Path tmp = Files.createTempDirectory("exora-queue-longrun-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (pg != null) {
        pg.close();
      }
      PostgresBinaries.deleteTree(tmp);
    }));
    Path bin = PostgresBinaries.unpack(Path.of("target/pg-runtime").toAbsolutePath());
    pg = EmbeddedPostgres.start(bin, tmp.resolve("cluster"), List.of());  // default settings, fsync on
    runtimePassword = java.util.HexFormat.of().formatHex(java.security.SecureRandom.getSeed(16));

    long began = System.nanoTime();
    List<Sample> shipped = drive("longrun_shipped", true);
    List<Sample> noVacuum = drive("longrun_no_vacuum", false);
    String section = report(shipped, noVacuum, (System.nanoTime() - began) / 1e9);
    Path doc = Path.of(opts.getOrDefault("doc", "docs/benchmarks.md"));
    QueueReport.replaceSection(doc, "Queue, long run", section);
    System.out.println(section);
    System.out.println("Wrote " + doc + " (section \"Queue, long run\")");
  }

  /** One mode: a producer at a steady rate, one worker, samples every {@code sample} seconds. */
  private List<Sample> drive(String database, boolean vacuum) throws Exception {
    pg.createDatabaseIfAbsent(database);
    ConnectionSettings owner = pg.superuser(database);
    Migrations.apply(owner);
    Jdbi ownerJdbi = Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password());
    ownerJdbi.useHandle(h -> h.execute("alter role authenticator with login password '" + runtimePassword + "'"));
    if (!vacuum) {
      ownerJdbi.useHandle(h -> h.execute("alter table public.job_queue set (autovacuum_enabled = false)"));
    }
    ConnectionSettings runtime = owner.as("authenticator", runtimePassword);
    int rate = opt("rate", 1_000);
    int sampleSeconds = opt("sample", 30);
    int seconds = opt("minutes", 5) * 60;
    System.out.printf(Locale.ROOT, "[queue-longrun] %s: %d jobs/s for %d s, autovacuum on job_queue %s%n",
        database, rate, seconds, vacuum ? "on" : "off");

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // Registered first, so the worker's claim timer is this one: percentiles over the last sample.
    Timer claims = Timer.builder("exora.queue.claim.latency").publishPercentiles(0.5, 0.99)
        .distributionStatisticExpiry(Duration.ofSeconds(sampleSeconds)).distributionStatisticBufferLength(3)
        .register(registry);
    List<Sample> samples = new ArrayList<>();
    try (Database pool = Database.open(runtime, 8, "longrun")) {
      RequestTransactions tx = new RequestTransactions(pool.jdbi());
      JobQueue queue = new JobQueue(tx, new ObjectMapper());
      WorkerConfig config = new WorkerConfig("longrun", Map.of("default", 64), Duration.ofMillis(200),
          Duration.ofSeconds(5), Duration.ofSeconds(10), 500, Duration.ofSeconds(5), WorkerConfig.DEFAULT_CLAIMERS,
          WorkerConfig.DEFAULT_COMPLETERS);
      Worker worker = new Worker(config, queue, tx, Map.of("system_maintenance", ctx -> null), runtime,
          new ObjectMapper(), registry).start();
      Thread producer = Thread.ofPlatform().name("longrun-producer").start(() -> produce(queue, rate, seconds));
      long start = System.nanoTime();
      for (int t = sampleSeconds; t <= seconds; t += sampleSeconds) {
        long wait = start + TimeUnit.SECONDS.toNanos(t) - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
        }
        samples.add(sample(ownerJdbi, t, claims));
        System.out.println("[queue-longrun]   " + samples.get(samples.size() - 1));
      }
      producer.join();
      worker.close();
    }
    return samples;
  }

  private static void produce(JobQueue queue, int rate, int seconds) {
    int perTick = Math.max(1, rate / 10);
    long start = System.nanoTime();
    for (int tick = 0; tick < seconds * 10; tick++) {
      List<NewJob> batch = new ArrayList<>(perTick);
      for (int i = 0; i < perTick; i++) {
        batch.add(NewJob.of("system_maintenance", Map.of("tick", tick, "i", i)));
      }
      queue.enqueueAll(batch);
      long next = start + TimeUnit.MILLISECONDS.toNanos(100L * (tick + 1));
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private static Sample sample(Jdbi owner, int second, Timer claims) {
    Map<String, Object> s = owner.withHandle(h -> h.createQuery("""
            select t.n_live_tup as live, t.n_dead_tup as dead,
                   pg_catalog.pg_total_relation_size('public.job_queue') / 1024 as size_kib,
                   (select count(*) from public.job_queue where status = 'pending') as backlog,
                   (select count(*) from public.job_queue_archive) as archived
              from pg_catalog.pg_stat_user_tables t where t.relid = 'public.job_queue'::regclass""")
        .mapToMap().one());
    double p50 = 0;
    double p99 = 0;
    for (ValueAtPercentile v : claims.takeSnapshot().percentileValues()) {
      if (v.percentile() == 0.5) {
        p50 = v.value(TimeUnit.MILLISECONDS);
      } else if (v.percentile() == 0.99) {
        p99 = v.value(TimeUnit.MILLISECONDS);
      }
    }
    return new Sample(second, ((Number) s.get("live")).longValue(), ((Number) s.get("dead")).longValue(),
        ((Number) s.get("size_kib")).longValue(), ((Number) s.get("backlog")).longValue(),
        ((Number) s.get("archived")).longValue(), p50, p99);
  }

  private String report(List<Sample> on, List<Sample> off, double totalSeconds) {
    StringBuilder b = new StringBuilder();
    b.append("## Queue, long run\n\n");
    b.append("Command: `").append(opts.getOrDefault("command", "bench/queue/longrun")).append("` (from the repository root).  \n");
    b.append("Date: ").append(LocalDate.now()).append(" (UTC). Total run time ")
        .append(String.format(Locale.ROOT, "%.0f", totalSeconds)).append(" s. Embedded PostgreSQL 17, default settings (fsync on, autovacuum on).  \n");
    b.append(String.format(Locale.ROOT,
        "A producer enqueues %,d jobs/s (a batch every 100 ms) while one worker (lane concurrency 64) drains them, "
            + "for %d minutes per mode. The same workload twice on one server: as shipped (`job_queue` holds only live "
            + "jobs, each finished job moves to `job_queue_archive` as it finishes, autovacuum with the table's own "
            + "settings) and, as the baseline, the same with autovacuum off for `job_queue`. Claim latency: p50 and p99 of "
            + "the worker's claim statement over each sample interval.%n%n",
        opt("rate", 1_000), opt("minutes", 5)));
    b.append("| elapsed | as shipped: live / dead tuples | size | claim p50 / p99 | autovacuum off: live / dead tuples | size | claim p50 / p99 |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < Math.min(on.size(), off.size()); i++) {
      Sample a = on.get(i);
      Sample z = off.get(i);
      b.append(String.format(Locale.ROOT, "| %d s | %,d / %,d | %,d KiB | %.2f / %.2f ms | %,d / %,d | %,d KiB | %.2f / %.2f ms |%n",
          a.second(), a.live(), a.dead(), a.sizeKiB(), a.claimP50Ms(), a.claimP99Ms(),
          z.live(), z.dead(), z.sizeKiB(), z.claimP50Ms(), z.claimP99Ms()));
    }
    Sample lastOn = on.get(on.size() - 1);
    Sample lastOff = off.get(off.size() - 1);
    b.append(String.format(Locale.ROOT, "%nAt the end: as shipped the hot table held %,d live rows in %,d KiB "
            + "(the archive %,d rows), with a backlog of %,d pending; with autovacuum off, %,d live rows in %,d KiB "
            + "(%.1f× the size). Largest dead-tuple count seen in the second half of the run: %,d as shipped, %,d with autovacuum off.%n",
        lastOn.live(), lastOn.sizeKiB(), lastOn.archived(), lastOn.backlog(), lastOff.live(), lastOff.sizeKiB(),
        (double) lastOff.sizeKiB() / Math.max(1, lastOn.sizeKiB()), maxDeadInSecondHalf(on), maxDeadInSecondHalf(off)));
    return b.toString();
  }

  private static long maxDeadInSecondHalf(List<Sample> s) {
    return s.subList(s.size() / 2, s.size()).stream().mapToLong(Sample::dead).max().orElse(0);
  }
}
