package io.exora.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.db.ConnectionSettings;
import io.exora.db.EmbeddedPostgres;
import io.exora.db.Migrations;
import io.exora.db.PostgresBinaries;
import io.exora.queue.runtime.WorkerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The job-queue benchmark (bench/queue/run). Starts its own PostgreSQL 17 with default settings
 * (fsync and synchronous_commit on) in a temporary directory, then on that one server:
 * <ol>
 *   <li>the ceiling: pgbench, a one-row UPDATE per transaction, 8 clients, 30 s;
 *   <li>throughput: Exora's worker runtime and pg-boss, alternating, {@code runs} times each, each
 *       enqueueing then draining {@code jobs} no-op jobs (pg-boss in a database of its own);
 *   <li>the original worker's loop (claim_next_job_v3 + complete_job per job, 8 connections);
 *   <li>pickup latency on an idle queue, and the worker JVM's memory with 256 jobs in flight.
 * </ol>
 * Each workload runs in a fresh process ({@link QueueWorkloadBench}, node for pg-boss). Results go
 * to {@code out/results.json}; the "Queue" section of docs/benchmarks.md is rewritten from them.
 */
public final class QueueBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EXORA_DB = "exora_bench";
  private static final String PGBOSS_DB = "pgboss_bench";
  private static final String PGBENCH_DB = "pgbench_ceiling";

  private final Map<String, String> opts;
  private final Path out;
  private final Path logs;
  private final ObjectNode results = JSON.createObjectNode();
  private EmbeddedPostgres pg;
  private String runtimePassword;

  private QueueBench(Map<String, String> opts) {
    this.opts = opts;
    this.out = Path.of(opts.getOrDefault("out", "bench/queue/out")).toAbsolutePath();
    this.logs = out.resolve("logs");
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> opts = BenchHost.options(argv);
    if (opts.containsKey("render")) {
      // Re-render a section from a finished run's results.json (e.g. an experiment run with
      // --doc=/tmp/...) under a title of its own, without running anything.
      JsonNode results = JSON.readTree(Path.of(opts.get("render")).toFile());
      String title = opts.getOrDefault("section", "Queue");
      String section = QueueReport.section(results).replaceFirst("^## Queue\n", "## " + title + "\n");
      QueueReport.replaceSection(Path.of(opts.getOrDefault("doc", "docs/benchmarks.md")), title, section);
      System.out.println("Wrote section \"" + title + "\" of " + opts.getOrDefault("doc", "docs/benchmarks.md"));
      return;
    }
    new QueueBench(opts).run();
  }

  private int opt(String name, int fallback) {
    return Integer.parseInt(opts.getOrDefault(name, Integer.toString(fallback)));
  }

  private void run() throws Exception {
    long began = System.nanoTime();
    Files.createDirectories(logs);
    int jobs = opt("jobs", 200_000);
    int runs = opt("runs", 3);
    results.put("command", opts.getOrDefault("command", "bench/queue/run"));
    results.put("date", LocalDate.now(ZoneOffset.UTC).toString());
    results.set("machine", machine());
    results.set("code", code());
    results.put("jobs", jobs);
    results.put("runs", runs);

    Path tmp = Files.createTempDirectory("exora-queue-bench-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (pg != null) {
        pg.close();
      }
      BenchHost.deleteTree(tmp);
    }));
    Path bin = PostgresBinaries.unpack(Path.of(opts.getOrDefault("pg-cache", "target/pg-runtime")).toAbsolutePath());
    step("starting PostgreSQL in " + tmp + " (default settings: fsync on, synchronous_commit on)");
    pg = EmbeddedPostgres.start(bin, tmp.resolve("cluster"), List.of());
    setUpDatabases();
    results.set("server", serverInfo());

    // 1. The ceiling.
    results.set("pgbench", pgbench(opt("pgbench-seconds", 30)));
    step(String.format(Locale.ROOT, "pgbench one-row UPDATE: %.0f tps", results.get("pgbench").get("tps").asDouble()));
    // pgbench leaves some 200,000 dead rows behind, which autovacuum would otherwise clean up
    // during the first drain (always Exora's): clean them now, outside every timed run.
    sql(pg.superuser(PGBENCH_DB), "vacuum");

    // 2. Throughput, alternating so drift in the machine's speed hits both alike.
    ArrayNode exora = results.putArray("exora");
    ArrayNode pgboss = results.putArray("pgboss");
    for (int run = 1; run <= runs; run++) {
      int r = run;
      exora.add(withXacts(EXORA_DB, () -> workload("exora-drain-" + r, "exora-drain",
          "jobs=" + jobs, "warmup=" + opt("warmup", 20_000), "concurrency=" + opt("concurrency", 1_000),
          "workers=" + opt("workers", 1), "claimers=" + opt("claimers", WorkerConfig.DEFAULT_CLAIMERS),
          "completers=" + opt("completers", WorkerConfig.DEFAULT_COMPLETERS), "capSeconds=" + opt("drain-cap-seconds", 300))));
      step(String.format(Locale.ROOT, "exora   run %d: enqueue %,.0f/s, drain %,.0f/s", r,
          last(exora).get("enqueueRate").asDouble(), last(exora).get("drainRate").asDouble()));
      pgboss.add(withXacts(PGBOSS_DB, () -> pgBoss("pgboss-" + r, jobs)));
      step(String.format(Locale.ROOT, "pg-boss run %d: enqueue %,.0f/s, drain %,.0f/s", r,
          last(pgboss).get("enqueueRate").asDouble(), last(pgboss).get("drainRate").asDouble()));
    }

    // 3. The original worker's loop.
    results.set("original", withXacts(EXORA_DB, () -> workload("original-drain", "original-drain",
        "jobs=" + opt("original-jobs", jobs), "loops=" + opt("original-loops", 8),
        "enqueue=" + opts.getOrDefault("original-enqueue", "single"),
        "enqueueSeconds=" + opt("original-enqueue-seconds", 15), "drainSeconds=" + opt("original-drain-seconds", 30))));
    step(String.format(Locale.ROOT, "original loop: enqueue %,.0f/s, drain %,.0f/s",
        results.get("original").get("enqueueRate").asDouble(), results.get("original").get("drainRate").asDouble()));

    // 4. Latency and memory.
    results.set("latency", workload("latency", "latency", "samples=" + opt("latency-samples", 1_000)));
    step(String.format(Locale.ROOT, "pickup latency: p50 %.2f ms, p99 %.2f ms",
        results.get("latency").get("pickupMs").get("p50").asDouble(),
        results.get("latency").get("pickupMs").get("p99").asDouble()));
    results.set("memory", workload("memory", "memory", "inflight=" + opt("inflight", 256)));
    step(String.format(Locale.ROOT, "memory with %d in flight: heap after GC %.1f MiB, RSS %.0f MiB",
        opt("inflight", 256),
        results.get("memory").get("withJobsInFlight").get("heapUsedAfterGcMiB").asDouble(),
        results.get("memory").get("withJobsInFlight").get("rssMiB").asDouble()));

    results.put("totalSeconds", (System.nanoTime() - began) / 1e9);
    ((ObjectNode) results.get("machine")).put("loadAfter", BenchHost.loadAverage());
    Files.writeString(out.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
    String section = QueueReport.section(results);
    Files.writeString(out.resolve("queue-section.md"), section);
    Path doc = Path.of(opts.getOrDefault("doc", "docs/benchmarks.md"));
    QueueReport.replaceSection(doc, "Queue", section);
    System.out.println();
    System.out.println(QueueReport.summary(results));
    System.out.println("Wrote " + doc + " (section \"Queue\") and " + out.resolve("results.json"));
  }

  private static JsonNode last(ArrayNode a) {
    return a.get(a.size() - 1);
  }

  private static void step(String what) {
    System.out.println("[queue-bench] " + what);
  }

  // ---------------------------------------------------------------------------------------------

  private void setUpDatabases() throws Exception {
    for (String db : List.of(EXORA_DB, PGBOSS_DB, PGBENCH_DB)) {
      pg.createDatabaseIfAbsent(db);
    }
    Migrations.apply(pg.superuser(EXORA_DB));
    if (opts.containsKey("sql-patch")) {
      // An experiment: SQL applied over the migrations (e.g. a candidate claim function), so its
      // effect can be measured before it lands. The report says so at the top.
      for (String file : opts.get("sql-patch").split(",")) {
        Path patch = Path.of(file.trim());
        step("applying " + patch + " to " + EXORA_DB);
        sql(pg.superuser(EXORA_DB), Files.readString(patch));
      }
      results.put("sqlPatch", opts.get("sql-patch"));
    }
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    runtimePassword = HexFormat.of().formatHex(secret);
    sql(pg.superuser("postgres"), "alter role authenticator with login password '" + runtimePassword + "'");
  }

  private ObjectNode serverInfo() throws SQLException {
    ObjectNode n = JSON.createObjectNode();
    try (Connection c = connect(pg.superuser("postgres")); Statement st = c.createStatement()) {
      for (String setting : List.of("server_version", "fsync", "synchronous_commit", "full_page_writes",
          "wal_sync_method", "shared_buffers", "max_wal_size", "max_connections")) {
        try (ResultSet rs = st.executeQuery("show " + setting)) {
          rs.next();
          n.put(setting, rs.getString(1));
        }
      }
    }
    return n;
  }

  private ObjectNode machine() throws IOException, InterruptedException {
    ObjectNode n = JSON.createObjectNode();
    n.put("nproc", Runtime.getRuntime().availableProcessors());
    String meminfo = Files.readString(Path.of("/proc/meminfo"));
    Matcher m = Pattern.compile("MemTotal:\\s+(\\d+) kB").matcher(meminfo);
    n.put("ramGiB", m.find() ? Long.parseLong(m.group(1)) / 1048576.0 : -1);
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      n.put("cpu", lines.filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown"));
    }
    n.put("kernel", System.getProperty("os.version"));
    n.put("loadBefore", BenchHost.loadAverage());
    n.put("java", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
    n.put("node", BenchHost.capture(opts.getOrDefault("node", "node"), "--version").trim());
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Workloads.

  private interface Workload {
    ObjectNode run() throws Exception;
  }

  /** Runs after a CHECKPOINT (so no run pays for the last one's dirty pages) and adds the transactions it committed. */
  private ObjectNode withXacts(String database, Workload w) throws Exception {
    sql(pg.superuser("postgres"), "checkpoint");
    long before = xactCommit(database);
    ObjectNode r = w.run();
    Thread.sleep(700);  // backends of the finished process flush their statistics as they exit
    long committed = xactCommit(database) - before;
    r.put("serverTransactions", committed);
    return r;
  }

  private long xactCommit(String database) throws SQLException {
    try (Connection c = connect(pg.superuser("postgres")); Statement st = c.createStatement()) {
      st.execute("select pg_stat_clear_snapshot()");
      try (ResultSet rs = st.executeQuery(
          "select xact_commit from pg_stat_database where datname = '" + database + "'")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private ObjectNode workload(String name, String mode, String... args) throws Exception {
    Path result = out.resolve(name + ".json");
    Files.deleteIfExists(result);
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(Arrays.asList(opts.getOrDefault("child-jvm-args", "").split(" ")).stream().filter(s -> !s.isBlank()).toList());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), QueueWorkloadBench.class.getName(),
        mode, result.toString()));
    cmd.addAll(Arrays.asList(args));
    ConnectionSettings owner = pg.superuser(EXORA_DB);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(logs.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("BENCH_JDBC_URL", owner.jdbcUrl());
    env.put("BENCH_OWNER_USER", owner.user());
    env.put("BENCH_OWNER_PASSWORD", owner.password());
    env.put("BENCH_RUNTIME_USER", "authenticator");
    env.put("BENCH_RUNTIME_PASSWORD", runtimePassword);
    env.put("EXORA_LOG_LEVEL", "WARN");
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(name + " timed out; see " + logs.resolve(name + ".log"));
    }
    if (p.exitValue() != 0 || !Files.exists(result)) {
      throw new IllegalStateException(name + " failed (exit " + p.exitValue() + "): " + tail(logs.resolve(name + ".log")));
    }
    return (ObjectNode) JSON.readTree(result.toFile());
  }

  private ObjectNode pgBoss(String name, int jobs) throws Exception {
    ConnectionSettings su = pg.superuser(PGBOSS_DB);
    Path dir = Path.of(opts.getOrDefault("pgboss-dir", "bench/queue/pgboss")).toAbsolutePath();
    ProcessBuilder pb = new ProcessBuilder(opts.getOrDefault("node", "node"), "bench.mjs").directory(dir.toFile())
        .redirectError(logs.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("PGBOSS_URL", "postgres://" + su.user() + ":" + su.password() + "@127.0.0.1:" + pg.port() + "/" + PGBOSS_DB);
    env.put("JOBS", Integer.toString(jobs));
    env.put("WARMUP", Integer.toString(opt("warmup", 20_000)));
    env.put("INSERT_BATCH", Integer.toString(QueueWorkloadBench.ENQUEUE_BATCH));
    env.put("BATCH_SIZE", Integer.toString(opt("pgboss-batch", 500)));
    env.put("LOCAL_CONCURRENCY", Integer.toString(opt("pgboss-concurrency", 4)));
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(name + " timed out");
    }
    Files.writeString(logs.resolve(name + ".out"), stdout);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(name + " failed (exit " + p.exitValue() + "): " + stdout + tail(logs.resolve(name + ".log")));
    }
    String[] lines = stdout.strip().split("\n");
    ObjectNode r = (ObjectNode) JSON.readTree(lines[lines.length - 1]);
    Files.writeString(out.resolve(name + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
    return r;
  }

  /** One-row UPDATE transactions (autocommit), 8 clients: the server's durable commit rate. */
  private ObjectNode pgbench(int seconds) throws Exception {
    String pgbench = opts.getOrDefault("pgbench", "/usr/lib/postgresql/15/bin/pgbench");
    int scale = opt("pgbench-scale", 10);
    int clients = opt("pgbench-clients", 8);
    ConnectionSettings su = pg.superuser(PGBENCH_DB);
    Path script = out.resolve("pgbench-update.sql");
    Files.writeString(script, """
        \\set aid random(1, 100000 * :scale)
        \\set delta random(-5000, 5000)
        UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
        """);
    List<String> conn = List.of("-h", "127.0.0.1", "-p", Integer.toString(pg.port()), "-U", su.user());
    List<String> init = new ArrayList<>(List.of(pgbench, "-i", "-q", "-s", Integer.toString(scale)));
    init.addAll(conn);
    init.add(PGBENCH_DB);
    runLogged("pgbench-init", init, Map.of("PGPASSWORD", su.password()));
    sql(pg.superuser("postgres"), "checkpoint");
    List<String> bench = new ArrayList<>(List.of(pgbench, "-n", "-c", Integer.toString(clients), "-j", "2",
        "-T", Integer.toString(seconds), "-f", script.toString()));
    bench.addAll(conn);
    bench.add(PGBENCH_DB);
    String output = runLogged("pgbench", bench, Map.of("PGPASSWORD", su.password()));
    Matcher m = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)").matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no tps in pgbench output: " + output);
    }
    Matcher lat = Pattern.compile("latency average = ([0-9.]+) ms").matcher(output);
    ObjectNode n = JSON.createObjectNode();
    n.put("tps", Double.parseDouble(m.group(1)));
    n.put("latencyAverageMs", lat.find() ? Double.parseDouble(lat.group(1)) : -1);
    n.put("clients", clients);
    n.put("seconds", seconds);
    n.put("scale", scale);
    n.put("script", "UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid (one row, autocommit)");
    n.put("pgbenchVersion", BenchHost.capture(pgbench, "--version").trim());
    return n;
  }

  private String runLogged(String name, List<String> cmd, Map<String, String> extraEnv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(extraEnv);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.MINUTES);
    Files.writeString(logs.resolve(name + ".log"), output);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(name + " failed: " + output);
    }
    return output;
  }

  /** Which code was measured: the commit, and the files under src/main (and the pom) changed since. */
  private static ObjectNode code() {
    ObjectNode n = JSON.createObjectNode();
    n.put("commit", BenchHost.capture("git", "rev-parse", "--short", "HEAD").trim());
    ArrayNode changed = n.putArray("uncommitted");
    for (String line : BenchHost.capture("git", "status", "--porcelain", "--", "src/main", "pom.xml").split("\n")) {
      if (line.length() > 3) {
        changed.add(line.substring(3).trim());
      }
    }
    return n;
  }



  private static void sql(ConnectionSettings settings, String sql) throws SQLException {
    try (Connection c = connect(settings); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static Connection connect(ConnectionSettings s) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", s.user());
    props.setProperty("password", s.password());
    return DriverManager.getConnection(s.jdbcUrl(), props);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

}
