package io.exora.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.db.Caller;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.RequestTransactions;
import io.exora.queue.JobHandler;
import io.exora.queue.JobQueue;
import io.exora.queue.JobQueue.NewJob;
import io.exora.queue.runtime.Worker;
import io.exora.queue.runtime.WorkerConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * One workload of the queue benchmark, in a JVM of its own (started by {@link QueueBench}, which
 * owns the PostgreSQL cluster). Not a test: the name ends in Bench so surefire leaves it alone.
 *
 * <p>Usage: {@code QueueWorkloadBench MODE RESULT_JSON [key=value...]}, with the database named by
 * the environment ({@code BENCH_JDBC_URL}, {@code BENCH_OWNER_USER}/{@code _PASSWORD},
 * {@code BENCH_RUNTIME_USER}/{@code _PASSWORD}). Modes:
 * <ul>
 *   <li>{@code exora-drain}: enqueue {@code jobs} no-op jobs with enqueue_jobs_v3 batches, then
 *       drain them with the worker runtime ({@link Worker}, effect-free handlers, so completions
 *       are batched);
 *   <li>{@code original-drain}: enqueue the same way (or one enqueue_job_v3 per job with
 *       {@code enqueue=single}), then drain with the original worker's loop: one
 *       claim_next_job_v3 and one complete_job per job, on {@code loops} connections at once;
 *   <li>{@code latency}: an idle worker woken by NOTIFY; {@code samples} single enqueues, each
 *       after the previous job started plus a random gap, timed from the enqueue call's return
 *       to the handler's first instruction (System.nanoTime in this one JVM);
 *   <li>{@code memory}: {@code inflight} jobs whose handlers sleep, then heap used after GC and
 *       RSS of this JVM.
 * </ul>
 */
public final class QueueWorkloadBench {
  static final String JOB_TYPE = "system_maintenance";  // lane 'default'
  static final int ENQUEUE_BATCH = 5_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> args;
  private final ConnectionSettings owner;
  private final ConnectionSettings runtime;
  private final ObjectNode out = JSON.createObjectNode();

  private QueueWorkloadBench(Map<String, String> args) {
    this.args = args;
    String url = env("BENCH_JDBC_URL");
    this.owner = new ConnectionSettings(url, env("BENCH_OWNER_USER"), env("BENCH_OWNER_PASSWORD"));
    this.runtime = new ConnectionSettings(url, env("BENCH_RUNTIME_USER"), env("BENCH_RUNTIME_PASSWORD"));
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length < 2) {
      System.err.println("usage: QueueWorkloadBench exora-drain|original-drain|latency|memory RESULT_JSON [key=value...]");
      System.exit(2);
    }
    Map<String, String> args = new TreeMap<>();
    for (String a : Arrays.asList(argv).subList(2, argv.length)) {
      int eq = a.indexOf('=');
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    QueueWorkloadBench bench = new QueueWorkloadBench(args);
    bench.out.put("mode", argv[0]);
    switch (argv[0]) {
      case "exora-drain" -> bench.exoraDrain();
      case "original-drain" -> bench.originalDrain();
      case "latency" -> bench.latency();
      case "memory" -> bench.memory();
      default -> throw new IllegalArgumentException("unknown mode " + argv[0]);
    }
    Files.writeString(Path.of(argv[1]), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(bench.out));
    System.exit(0);  // the worker's daemon threads and pools are done with; do not wait for stragglers
  }

  // ---------------------------------------------------------------------------------------------
  // Throughput: the worker runtime.

  private void exoraDrain() throws Exception {
    int jobs = intArg("jobs", 200_000);
    int warmup = intArg("warmup", 0);
    int concurrency = intArg("concurrency", 1_000);
    int poolSize = intArg("pool", 8);
    int claimers = intArg("claimers", WorkerConfig.DEFAULT_CLAIMERS);
    int completers = intArg("completers", WorkerConfig.DEFAULT_COMPLETERS);
    int workers = intArg("workers", 1);
    List<WorkerConfig> configs = new ArrayList<>();
    for (int i = 1; i <= workers; i++) {
      configs.add(WorkerConfig.defaults(workers == 1 ? "bench-exora" : "bench-exora-" + i, Map.of("default", concurrency))
          .withClaimersAndCompleters(claimers, completers));
    }
    WorkerConfig config = configs.get(0);
    resetQueue();
    // One pool for every worker, sized as if each had its own (as a separate process would), so
    // that no worker waits for a connection it would have had.
    try (Database db = Database.open(runtime, poolSize * workers, "bench-exora")) {
      StatementCounter counter = StatementCounter.install(db.jdbi());
      RequestTransactions tx = new RequestTransactions(db.jdbi());
      JobQueue queue = new JobQueue(tx, JSON);
      if (warmup > 0) {
        // A worker runs for days: its steady state, not the JIT compiling its first seconds, is
        // what the timed drain measures. The warm-up's jobs are gone before the timed run starts.
        enqueueBatches(queue, warmup);
        drain(queue, tx, configs, new SimpleMeterRegistry(), warmup);
        resetQueue();
        counter.snapshotAndReset();
      }

      long t0 = System.nanoTime();
      enqueueBatches(queue, jobs);
      double enqueueSeconds = seconds(System.nanoTime() - t0);
      Map<String, Long> enqueueStatements = counter.snapshotAndReset();
      checkCount("status = 'pending'", jobs);

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Drain timed = drain(queue, tx, configs, registry, jobs);
      boolean capped = timed.capped();
      double drainSeconds = timed.seconds();
      Map<String, Long> drainStatements = counter.snapshotAndReset();
      long drained = capped ? countWhere("status = 'completed'") : jobs;
      if (!capped) {
        checkCount("status = 'completed'", jobs);
      }

      out.put("system", "exora");
      out.put("jobs", jobs);
      out.put("warmupJobs", warmup);
      out.put("enqueueBatch", ENQUEUE_BATCH);
      out.put("workers", workers);
      out.put("concurrency", concurrency);
      out.put("maxClaimBatch", config.maxClaimBatch());
      out.put("claimers", config.claimers());
      out.put("completers", config.completers());
      out.put("pool", poolSize * workers);
      out.put("enqueueSeconds", enqueueSeconds);
      out.put("enqueueRate", jobs / enqueueSeconds);
      out.put("drainSeconds", drainSeconds);
      out.put("drained", drained);
      out.put("timeBoxed", capped);
      out.put("drainRate", drained / drainSeconds);
      out.put("endToEndRate", 1 / (enqueueSeconds / jobs + drainSeconds / drained));
      out.set("enqueueStatements", JSON.valueToTree(enqueueStatements));
      out.set("drainStatements", JSON.valueToTree(drainStatements));
      out.set("claimStatement", claimTimer(registry));
      out.set("completeBatch", timer(registry, "exora.queue.complete.latency"));
    }
  }

  /** A timed drain; {@code capped}: it hit capSeconds and was cut short. */
  private record Drain(boolean capped, double seconds) {}

  /**
   * Drains {@code jobs} queued no-op jobs with workers of its own (one per config, each with its
   * own claim loop, completers and heartbeat, as separate worker processes would be to the
   * database), timed from their start until every handler ran and every completion batch was
   * written (a job leaves a worker's running set only when its completion committed); the
   * workers' shutdown is not timed. The cap (capSeconds) is a guard so that a pathological runtime
   * cannot make the benchmark run for ever.
   */
  private Drain drain(JobQueue queue, RequestTransactions tx, List<WorkerConfig> configs,
      SimpleMeterRegistry registry, int jobs) {
    LongAdder handled = new LongAdder();
    JobHandler noop = ctx -> {
      handled.increment();
      return null;  // no transaction opened: the runtime batches the completion
    };
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(intArg("capSeconds", 300));
    List<Worker> workers = new ArrayList<>();
    for (WorkerConfig config : configs) {
      workers.add(new Worker(config, queue, tx, Map.of(JOB_TYPE, noop), runtime, JSON, registry).start());
    }
    try {
      while (handled.sum() < jobs || workers.stream().anyMatch(w -> w.activeJobs() > 0)) {
        if (System.nanoTime() > deadline) {
          return new Drain(true, seconds(System.nanoTime() - start));
        }
        LockSupport.parkNanos(1_000_000);
      }
      return new Drain(false, seconds(System.nanoTime() - start));
    } finally {
      workers.forEach(Worker::close);
    }
  }

  /** The runtime's own claim timer (exora.queue.claim.latency: the claim transaction, commit included). */
  private static ObjectNode claimTimer(SimpleMeterRegistry registry) {
    return timer(registry, "exora.queue.claim.latency");
  }

  private static ObjectNode timer(SimpleMeterRegistry registry, String name) {
    ObjectNode n = JSON.createObjectNode();
    Timer t = registry.find(name).timer();
    if (t != null) {
      n.put("count", t.count());
      n.put("meanMs", t.mean(TimeUnit.MILLISECONDS));
      n.put("maxMs", t.max(TimeUnit.MILLISECONDS));
      n.put("totalSeconds", t.totalTime(TimeUnit.SECONDS));
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Throughput: the original worker's loop.

  /**
   * The original's costs grow with the backlog (its claim sorts every ready row), so both phases
   * are time-boxed: single enqueues for {@code enqueueSeconds} (then the backlog is topped up to
   * {@code jobs} with batches, untimed), and the drain of that backlog for {@code drainSeconds}.
   */
  private void originalDrain() throws Exception {
    int jobs = intArg("jobs", 200_000);
    int loops = intArg("loops", 8);
    boolean single = "single".equals(args.getOrDefault("enqueue", "single"));
    long enqueueBox = TimeUnit.SECONDS.toNanos(intArg("enqueueSeconds", 15));
    long drainBox = TimeUnit.SECONDS.toNanos(intArg("drainSeconds", 30));
    resetQueue();
    try (Database db = Database.open(runtime, loops, "bench-original")) {
      StatementCounter counter = StatementCounter.install(db.jdbi());
      RequestTransactions tx = new RequestTransactions(db.jdbi());
      JobQueue queue = new JobQueue(tx, JSON);

      AtomicInteger next = new AtomicInteger();
      long t0 = System.nanoTime();
      if (single) {
        long until = t0 + enqueueBox;
        runLoops(loops, i -> {
          while (System.nanoTime() < until) {
            int n = next.getAndIncrement();
            if (n >= jobs) {
              return;
            }
            tx.run(Caller.serviceRole(), null, h -> h.createQuery(
                    "select job_id from public.enqueue_job_v3(:type, :name, cast(:payload as jsonb))")
                .bind("type", JOB_TYPE).bind("name", JOB_TYPE).bind("payload", "{\"n\":" + n + "}")
                .mapTo(UUID.class).one());
          }
        });
      } else {
        enqueueBatches(queue, jobs);
        next.set(jobs);
      }
      double enqueueSeconds = seconds(System.nanoTime() - t0);
      int enqueued = Math.min(next.get(), jobs);
      Map<String, Long> enqueueStatements = counter.snapshotAndReset();
      if (enqueued < jobs) {
        // Top up the backlog, untimed, with the rows enqueue_jobs_v3 would write (a plain INSERT
        // is quicker, and this part is not measured).
        int missing = jobs - enqueued;
        Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password()).useHandle(h -> h.createUpdate("""
                insert into public.job_queue (job_type, job_lane, job_name, job_payload)
                select :type, 'default', :type, jsonb_build_object('n', :from + g) from generate_series(1, :n) g""")
            .bind("type", JOB_TYPE).bind("from", enqueued).bind("n", missing).execute());
      }
      checkCount("status = 'pending'", jobs);

      AtomicLong done = new AtomicLong();
      long t1 = System.nanoTime();
      long until = t1 + drainBox;
      runLoops(loops, i -> {
        String worker = "bench-original-" + i;
        while (System.nanoTime() < until) {
          List<Map<String, Object>> claimed = tx.run(Caller.serviceRole(), null, h -> h.createQuery(
                  "select job_id, attempt from public.claim_next_job_v3(:worker)")
              .bind("worker", worker).mapToMap().list());
          if (claimed.isEmpty()) {
            return;  // everything was enqueued before the drain began: empty means drained
          }
          Map<String, Object> job = claimed.get(0);
          boolean ok = tx.run(Caller.serviceRole(), null, h -> h.createQuery(
                  "select public.complete_job(:id, :worker, cast(null as jsonb), :attempt)")
              .bind("id", (UUID) job.get("job_id")).bind("worker", worker)
              .bind("attempt", (Integer) job.get("attempt")).mapTo(Boolean.class).one());
          if (!ok) {
            throw new IllegalStateException("complete_job refused job " + job);
          }
          done.incrementAndGet();
        }
      });
      double drainSeconds = seconds(System.nanoTime() - t1);
      Map<String, Long> drainStatements = counter.snapshotAndReset();
      checkCount("status = 'completed'", done.get());

      double enqueueRate = enqueued / enqueueSeconds;
      double drainRate = done.get() / drainSeconds;
      out.put("system", "original-loop");
      out.put("jobs", jobs);
      out.put("loops", loops);
      out.put("enqueue", single ? "one enqueue_job_v3 per job, " + loops + " connections"
          : "enqueue_jobs_v3 batches of " + ENQUEUE_BATCH);
      out.put("enqueued", enqueued);
      out.put("enqueueSeconds", enqueueSeconds);
      out.put("enqueueRate", enqueueRate);
      out.put("drained", done.get());
      out.put("drainSeconds", drainSeconds);
      out.put("drainRate", drainRate);
      out.put("timeBoxed", enqueued < jobs || done.get() < jobs);
      out.put("endToEndRate", 1 / (1 / enqueueRate + 1 / drainRate));
      out.set("enqueueStatements", JSON.valueToTree(enqueueStatements));
      out.set("drainStatements", JSON.valueToTree(drainStatements));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Pickup latency on an idle queue.

  private void latency() throws Exception {
    int samples = intArg("samples", 1_000);
    int warmup = intArg("warmup", 100);
    int concurrency = intArg("concurrency", 16);
    resetQueue();
    try (Database db = Database.open(runtime, 8, "bench-latency")) {
      RequestTransactions tx = new RequestTransactions(db.jdbi());
      JobQueue queue = new JobQueue(tx, JSON);
      Map<UUID, Long> startedAt = new ConcurrentHashMap<>();
      JobHandler stamp = ctx -> {
        startedAt.put(ctx.job().id(), System.nanoTime());
        return null;
      };
      WorkerConfig config = WorkerConfig.defaults("bench-latency", Map.of("default", concurrency));
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      List<UUID> measured = new ArrayList<>();
      try (Worker worker = new Worker(config, queue, tx, Map.of(JOB_TYPE, stamp), runtime, JSON, registry).start()) {
        Thread.sleep(1_500);  // the listener is connected and the first poll is behind us
        Random gaps = new Random(42);
        long[] pickup = new long[samples];
        long[] fromCall = new long[samples];
        long[] call = new long[samples];
        int slow = 0;
        for (int i = -warmup; i < samples; i++) {
          long before = System.nanoTime();
          UUID id = queue.enqueue(NewJob.of(JOB_TYPE, Map.of("n", i)));
          long returned = System.nanoTime();
          long deadline = returned + TimeUnit.SECONDS.toNanos(30);
          Long started;
          while ((started = startedAt.get(id)) == null) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("job " + id + " did not start within 30 s");
            }
            LockSupport.parkNanos(20_000);
          }
          if (i >= 0) {
            measured.add(id);
            pickup[i] = started - returned;
            fromCall[i] = started - before;
            call[i] = returned - before;
            if (pickup[i] > TimeUnit.MILLISECONDS.toNanos(50)) {
              slow++;
            }
          }
          // Idle again: the completion is written, then a gap of 2 to 8 ms.
          while (worker.activeJobs() > 0) {
            LockSupport.parkNanos(50_000);
          }
          Thread.sleep(2 + gaps.nextInt(7));
        }
        out.put("samples", samples);
        out.put("warmup", warmup);
        out.put("concurrency", concurrency);
        out.put("pollIntervalMs", config.pollInterval().toMillis());
        out.set("pickupMs", percentiles(pickup));
        out.set("enqueueCallStartToHandlerMs", percentiles(fromCall));
        out.set("enqueueCallMs", percentiles(call));
        out.put("over50ms", slow);
        // The database's view: enqueue transaction start (created_at) to claim transaction start
        // (started_at), on the server clock.
        List<Double> dbMs = Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password()).withHandle(h -> h.createQuery(
                "select extract(epoch from (started_at - created_at)) * 1000 from public.job_queue_all where id = any(:ids)")
            .bindArray("ids", UUID.class, measured.toArray()).mapTo(Double.class).list());
        out.set("dbEnqueueStartToClaimStartMs", percentiles(dbMs.stream().mapToLong(d -> (long) (d * 1e6)).toArray()));
        out.set("claimStatement", claimTimer(registry));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Memory with jobs in flight.

  private void memory() throws Exception {
    int inflight = intArg("inflight", 256);
    resetQueue();
    try (Database db = Database.open(runtime, 8, "bench-memory")) {
      RequestTransactions tx = new RequestTransactions(db.jdbi());
      JobQueue queue = new JobQueue(tx, JSON);
      CountDownLatch started = new CountDownLatch(inflight);
      CountDownLatch release = new CountDownLatch(1);
      JobHandler sleeper = ctx -> {
        started.countDown();
        release.await();  // a handler that sleeps (parks its virtual thread)
        return null;
      };
      WorkerConfig config = WorkerConfig.defaults("bench-memory", Map.of("default", inflight));
      Worker worker = new Worker(config, queue, tx, Map.of(JOB_TYPE, sleeper), runtime, JSON,
          new SimpleMeterRegistry()).start();
      Thread.sleep(1_000);
      ObjectNode idle = memorySnapshot();
      enqueueBatches(queue, inflight);
      if (!started.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("only " + (inflight - started.getCount()) + " handlers started");
      }
      Thread.sleep(1_000);
      ObjectNode busy = memorySnapshot();
      busy.put("activeJobs", worker.activeJobs());
      release.countDown();
      worker.close();
      out.put("inflight", inflight);
      out.set("idleWorker", idle);
      out.set("withJobsInFlight", busy);
      out.put("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
      out.put("javaVersion", System.getProperty("java.version"));
      out.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / 1048576.0);
    }
  }

  /** Heap used right after a full GC (summed over the heap pools' after-GC usage) and RSS. */
  private static ObjectNode memorySnapshot() throws Exception {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    long afterGc = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
        afterGc += pool.getCollectionUsage().getUsed();
      }
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("heapUsedAfterGcMiB", afterGc / 1048576.0);
    n.put("heapUsedNowMiB", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0);
    n.put("heapCommittedMiB", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1048576.0);
    n.put("nonHeapUsedMiB", ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed() / 1048576.0);
    n.put("rssMiB", procStatusKib("VmRSS") / 1024.0);
    n.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
    return n;
  }

  private static long procStatusKib(String key) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------------------------------------

  private static void enqueueBatches(JobQueue queue, int jobs) {
    for (int from = 0; from < jobs; from += ENQUEUE_BATCH) {
      List<NewJob> batch = new ArrayList<>(ENQUEUE_BATCH);
      for (int i = from; i < Math.min(jobs, from + ENQUEUE_BATCH); i++) {
        batch.add(NewJob.of(JOB_TYPE, Map.of("n", i)));
      }
      queue.enqueueAll(batch);
    }
  }

  /** Empties the queue tables, so each run starts from the same state (no dead rows, no stats). */
  private void resetQueue() {
    Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password()).useHandle(h -> {
      h.execute("truncate public.job_queue, public.job_queue_archive, public.job_workers");
    });
  }

  private long countWhere(String where) {
    return Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password()).withHandle(h ->
        h.createQuery("select count(*) from public.job_queue_all where " + where).mapTo(Long.class).one());
  }

  private void checkCount(String where, long expected) {
    long n = countWhere(where);
    if (n != expected) {
      throw new IllegalStateException("expected " + expected + " jobs with " + where + ", found " + n);
    }
  }

  private interface Loop {
    void run(int index) throws Exception;
  }

  private static void runLoops(int n, Loop loop) throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < n; i++) {
      int index = i;
      threads.add(Thread.ofPlatform().name("bench-loop-" + i).start(() -> {
        try {
          loop.run(index);
        } catch (Throwable e) {
          errors.add(e);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("a loop failed", errors.get(0));
    }
  }

  private static ObjectNode percentiles(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    ObjectNode n = JSON.createObjectNode();
    n.put("p50", pct(s, 50));
    n.put("p90", pct(s, 90));
    n.put("p99", pct(s, 99));
    n.put("max", s[s.length - 1] / 1e6);
    n.put("min", s[0] / 1e6);
    n.put("mean", Arrays.stream(s).average().orElse(0) / 1e6);
    return n;
  }

  /** Nearest-rank percentile, in milliseconds. */
  private static double pct(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }

  private int intArg(String name, int fallback) {
    return Integer.parseInt(args.getOrDefault(name, Integer.toString(fallback)));
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String env(String name) {
    String v = System.getenv(name);
    if (v == null) {
      throw new IllegalStateException(name + " is not set (QueueWorkloadBench is started by QueueBench)");
    }
    return v;
  }

  /**
   * Counts the statements the runtime sends through JDBI, by kind. Each transaction the runtime
   * opens starts with one set_config statement (RequestTransactions), so "transaction" counts
   * transactions; COMMIT is not a JDBI statement and is not counted.
   */
  static final class StatementCounter implements SqlLogger {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    static StatementCounter install(Jdbi jdbi) {
      StatementCounter c = new StatementCounter();
      jdbi.setSqlLogger(c);
      return c;
    }

    @Override
    public void logAfterExecution(StatementContext context) {
      counts.computeIfAbsent(kind(context.getRawSql()), k -> new LongAdder()).increment();
    }

    @Override
    public void logException(StatementContext context, SQLException ex) {
      counts.computeIfAbsent("error:" + kind(context.getRawSql()), k -> new LongAdder()).increment();
    }

    static String kind(String sql) {
      String s = sql.toLowerCase();
      if (s.contains("set_config('role'")) {
        return "transaction (set_config preamble)";
      }
      for (String rpc : List.of("enqueue_jobs_v3", "enqueue_job_v3", "claim_jobs_v3", "claim_next_job_v3",
          "complete_jobs", "complete_job", "heartbeat_jobs", "register_worker", "prune_finished_jobs",
          "fail_job", "reschedule_job")) {
        if (s.contains("public." + rpc + "(")) {
          return rpc;
        }
      }
      if (s.contains("from public.job_queue group by")) {
        return "depth (metrics)";
      }
      return "other";
    }

    Map<String, Long> snapshotAndReset() {
      Map<String, Long> snap = new TreeMap<>();
      counts.forEach((k, v) -> snap.put(k, v.sumThenReset()));
      return snap;
    }
  }
}
