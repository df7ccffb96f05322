package io.exora.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exora.cli.Server;
import io.exora.config.ExoraConfig;
import io.exora.db.ConnectionSettings;
import io.exora.db.EmbeddedPostgres;
import io.exora.db.Migrations;
import io.exora.db.PostgresBinaries;
import io.exora.db.ProvisionedDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The usage-metering benchmark (bench/usage/run): what metering adds to an upload. Starts its own
 * PostgreSQL 17 (default settings: fsync and synchronous_commit on) and the real API server on it
 * (workers off, so only the upload path runs), signs up two sets of {@code clients} accounts (one
 * with no plan, which is unlimited while billing is off; one on a plan with limits far above what
 * the bench uploads), warms up, and then, in rounds that rotate the order, sends {@code uploads}
 * small documents over HTTP multipart from {@code clients} concurrent connections in three modes:
 * metering on for the unlimited accounts, metering on for the limited ones (every limit check
 * runs), and metering off (the usage_tracking feature flag; the same code skips the plan read and
 * marks no upload for the fold). A metered round ends when the fold has counted its last upload,
 * so its time and CPU include its counting. No mode switch changes a plan, so no round pays for the
 * previous one. Reports throughput, latency, the machine's CPU time and the WAL per upload per
 * mode (medians over rounds) and each metered mode's ratio to the same round's off, and rewrites
 * the "Usage metering" section of docs/benchmarks.md.
 */
public final class UsageBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB = "exora_usage_bench";
  private static final String SECTION = "Usage metering";
  /** The modes, each round in a rotated order; "off" is the baseline the others are paired with. */
  private static final List<String> MODES = List.of("on", "limited", "off");
  /** The WAL written so far, in bytes (the WAL a round wrote is the difference). */
  private static final String WAL_POSITION = "select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint";

  private final Map<String, String> opts;
  private EmbeddedPostgres pg;
  private ConnectionSettings owner;

  private UsageBench(Map<String, String> opts) {
    this.opts = opts;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> opts = BenchHost.options(argv);
    new UsageBench(opts).run();
    System.exit(0);
  }

  private int opt(String name, int fallback) {
    return Integer.parseInt(opts.getOrDefault(name, Integer.toString(fallback)));
  }

  /** One timed batch of uploads in one mode. */
  record Round(String mode, int round, int uploads, double seconds, double throughput, double p50Ms, double p95Ms,
               double meanMs, long eventsAdded, double cpuMsPerUpload, double idleShare, double walBytesPerUpload) {}

  private Connection foldConnection;

  private void run() throws Exception {
    long began = System.nanoTime();
    int clients = opt("clients", 8);
    int uploads = opt("uploads", 400);
    int rounds = opt("rounds", 40);
    int warmup = opt("warmup", 8000);
    boolean checkpointEachRound = Boolean.parseBoolean(opts.getOrDefault("checkpoint-each-round", "false"));
    String loadBefore = BenchHost.loadAverage();

    Path tmp = Files.createTempDirectory("exora-usage-bench-");
    Path bin = PostgresBinaries.unpack(Path.of(opts.getOrDefault("pg-cache", "target/pg-runtime")).toAbsolutePath());
    step("starting PostgreSQL in " + tmp + " (default settings: fsync on, synchronous_commit on)");
    pg = EmbeddedPostgres.start(bin, tmp.resolve("cluster"), List.of());
    pg.createDatabaseIfAbsent(DB);
    owner = pg.superuser(DB);
    Migrations.apply(owner);
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    String runtimePassword = HexFormat.of().formatHex(secret);
    sql(pg.superuser("postgres"), "alter role authenticator with login password '" + runtimePassword + "'");
    String pgVersion = queryString(owner, "select current_setting('server_version')");

    Path dataDir = tmp.resolve("data");
    Files.createDirectories(dataDir);
    ExoraConfig config = ExoraConfig.fromEnvironment(Map.of(
        "EXORA_DATA_DIR", dataDir.toString(),
        "EXORA_PORT", "0",
        "EXORA_JWT_SECRET", HexFormat.of().formatHex(secret) + "-usage-bench-secret-0123456789",
        "EXORA_PASSWORD_HASH_COST", "4",
        "EXORA_SERVE_WORKERS", "false"));
    Server server = Server.start(config, ProvisionedDatabase.existing(owner, owner.as("authenticator", runtimePassword)),
        Server.Role.API);
    List<Round> results = new ArrayList<>();
    try {
      String base = "http://127.0.0.1:" + server.port();
      // Two sets of accounts, so no mode switch rewrites a plan: the unlimited set uploads in the
      // "on" and "off" rounds, the limited set (on a plan with limits) in the "limited" rounds.
      List<String[]> unlimited = signUp(base, "unlimited", clients);  // token, profile id
      List<String[]> limited = signUp(base, "limited", clients);
      step(clients + " + " + clients + " accounts signed up (no plan assigned, which with billing off is unlimited; "
          + "and the bench_limited plan)");
      sql(owner, """
          insert into public.subscription_plans (plan_type, display_name, shell_files_limit, pages_limit, ai_tokens_limit,
                                                 storage_limit_mb, sort_order)
          values ('bench_limited', 'Bench (limits far above the bench)', 10000000, 100000000, 1000000000, 100000000, 99)""");
      sql(owner, """
          insert into public.account_plans (account_id, plan_type)
          select u.id, 'bench_limited' from auth.users u where u.email like '%@limited.usage.bench'""");
      // Warm the JIT and the caches first: with a short warm-up, throughput kept rising for the
      // first 15 of 24 rounds (100 -> 350 uploads/s), which favoured whichever mode came later.
      setMetering(true);
      batch(base, unlimited, warmup / 2, "warm-unlimited");
      batch(base, limited, warmup / 2, "warm-limited");
      step("warm-up: " + warmup + " uploads");
      for (int r = 1; r <= rounds; r++) {
        // Rotate which mode goes first, so drift in the machine's speed hits every mode alike.
        List<String> order = new ArrayList<>(MODES);
        Collections.rotate(order, -(r - 1));
        for (String mode : order) {
          setMetering(!mode.equals("off"));
          if (checkpointEachRound) {
            sql(pg.superuser("postgres"), "checkpoint");
          }
          long eventsBefore = queryLong(owner, "select count(*) from public.usage_events");
          long walBefore = queryLong(owner, WAL_POSITION);
          double[] cpuBefore = BenchHost.cpuSeconds();
          Round round = batch(base, mode.equals("limited") ? limited : unlimited, uploads, mode + r);
          double foldSeconds = 0;
          if (!mode.equals("off")) {
            // The uploads are counted by the server's fold, about once a second. Whatever of this
            // round's it has not counted yet is folded now, inside the round's time and CPU, so
            // each round pays for its own counting (none of it leaks into the next round).
            long foldStart = System.nanoTime();
            foldAll();
            foldSeconds = (System.nanoTime() - foldStart) / 1e9;
          }
          double[] cpuAfter = BenchHost.cpuSeconds();
          long wal = queryLong(owner, WAL_POSITION) - walBefore;
          long added = queryLong(owner, "select count(*) from public.usage_events") - eventsBefore;
          double busy = cpuAfter[0] - cpuBefore[0];
          double idle = cpuAfter[1] - cpuBefore[1];
          double seconds = round.seconds() + foldSeconds;
          round = new Round(mode, r, round.uploads(), seconds, round.uploads() / seconds, round.p50Ms(), round.p95Ms(),
              round.meanMs(), added, busy * 1000 / uploads, idle / Math.max(1e-9, busy + idle), (double) wal / uploads);
          if (!mode.equals("off") && added < uploads || mode.equals("off") && added != 0) {
            throw new IllegalStateException("metering " + mode + " recorded " + added + " events for " + uploads + " uploads");
          }
          results.add(round);
          step(String.format(Locale.ROOT, "round %d, metering %-3s: %,.0f uploads/s, p50 %.2f ms, p95 %.2f ms, "
                  + "machine CPU %.2f ms/upload (%.0f%% idle), WAL %,.0f B/upload (%d usage events)",
              r, mode, round.throughput(), round.p50Ms(), round.p95Ms(), round.cpuMsPerUpload(), round.idleShare() * 100,
              round.walBytesPerUpload(), added));
        }
      }
    } finally {
      if (foldConnection != null) {
        foldConnection.close();
      }
      server.close();
      pg.close();
      BenchHost.deleteTree(tmp);
    }
    String section = section(results, clients, uploads, rounds, warmup, checkpointEachRound, pgVersion, loadBefore,
        BenchHost.loadAverage(), (System.nanoTime() - began) / 1e9);
    Path doc = Path.of(opts.getOrDefault("doc", "docs/benchmarks.md"));
    QueueReport.replaceSection(doc, SECTION, section);
    System.out.println();
    System.out.println(section);
    System.out.println("Wrote " + doc + " (section \"" + SECTION + "\")");
  }

  /**
   * Counts every upload whose transaction has ended (waiting for a fold the server is running), on
   * one connection kept open for the run, as the server's fold does: a new connection per round
   * would charge the metered rounds a backend's start-up.
   */
  private void foldAll() throws SQLException {
    if (foldConnection == null) {
      foldConnection = connect(owner);
      foldConnection.setAutoCommit(false);
    }
    try (Statement st = foldConnection.createStatement()) {
      st.execute("set local role service_role");
      st.execute("select public.usage_fold_uploads(true)");
      foldConnection.commit();
    }
  }

  /** Metering on or off: the usage_tracking feature flag. */
  private void setMetering(boolean on) throws SQLException {
    sql(owner, "update public.feature_flags set enabled = " + on + " where flag_name = 'usage_tracking'");
  }

  /** Signs up {@code count} accounts (one profile each) over the API: their tokens and profile ids. */
  private static List<String[]> signUp(String base, String set, int count) throws Exception {
    List<String[]> accounts = new ArrayList<>();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < count; i++) {
      JsonNode a = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/auth/signup"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"bench" + i + "@" + set + ".usage.bench\",\"password\":"
              + "\"correct horse battery\",\"display_name\":\"Bench " + set + " " + i + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      accounts.add(new String[] {a.get("access_token").asText(), a.get("profile_id").asText()});
    }
    return accounts;
  }

  /** {@code count} uploads spread over the accounts, one client thread (and connection) each. */
  private Round batch(String base, List<String[]> accounts, int count, String label) throws Exception {
    AtomicInteger next = new AtomicInteger();
    long[] latencies = new long[count];
    ExecutorService pool = Executors.newFixedThreadPool(accounts.size());
    List<Future<?>> done = new ArrayList<>();
    long start = System.nanoTime();
    for (String[] account : accounts) {
      done.add(pool.submit(() -> {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
          String note = "Discharge note " + label + "-" + i + "\nPulse " + (50 + i % 50) + " bpm\nBlood pressure 12"
              + (i % 10) + "/80 mmHg\n" + "x".repeat(1500);
          byte[] body = UploadLoad.multipart(UUID.fromString(account[1]), "note.txt", note.getBytes(StandardCharsets.UTF_8));
          long t0 = System.nanoTime();
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/shell-files"))
              .header("Authorization", "Bearer " + account[0])
              .header("Content-Type", UploadLoad.MULTIPART_CONTENT_TYPE)
              .header("Idempotency-Key", label + "-" + i)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
          latencies[i] = System.nanoTime() - t0;
          if (r.statusCode() != 201) {
            throw new IllegalStateException("upload " + label + "-" + i + ": " + r.statusCode() + " " + r.body());
          }
        }
        return null;
      }));
    }
    try {
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();  // after a failed upload too, so the bench exits with its error
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Round(label, 0, count, seconds, count / seconds, sorted[count / 2] / 1e6,
        sorted[(int) Math.ceil(count * 0.95) - 1] / 1e6, Arrays.stream(sorted).average().orElse(0) / 1e6, 0, 0, 0, 0);
  }

  private String section(List<Round> rounds, int clients, int uploads, int roundCount, int warmup,
      boolean checkpointEachRound, String pgVersion, String loadBefore, String loadAfter, double totalSeconds) {
    Map<String, double[]> median = new LinkedHashMap<>();
    for (String mode : MODES) {
      List<Round> mine = rounds.stream().filter(r -> r.mode().equals(mode)).toList();
      median.put(mode, new double[] {
          median(mine.stream().mapToDouble(Round::throughput).toArray()),
          median(mine.stream().mapToDouble(Round::p50Ms).toArray()),
          median(mine.stream().mapToDouble(Round::p95Ms).toArray()),
          median(mine.stream().mapToDouble(Round::meanMs).toArray()),
          median(mine.stream().mapToDouble(Round::cpuMsPerUpload).toArray()),
          median(mine.stream().mapToDouble(Round::walBytesPerUpload).toArray()),
          median(mine.stream().mapToDouble(Round::idleShare).toArray())});
    }
    double[] off = median.get("off");
    // Paired: each round ran every mode back to back, so a mode's ratio to that round's off cancels
    // most of the drift of a shared machine; the median of those ratios is the headline.
    // mode -> {throughput ratio, median latency ratio, CPU per upload ratio, throughput ratio's 95%
    // interval low, high}
    Map<String, double[]> paired = new LinkedHashMap<>();
    for (String mode : List.of("on", "limited")) {
      double[] throughputRatios = new double[roundCount];
      double[] latencyRatios = new double[roundCount];
      double[] cpuRatios = new double[roundCount];
      for (int i = 0; i < roundCount; i++) {
        Round metered = roundOf(rounds, mode, i + 1);
        Round baseline = roundOf(rounds, "off", i + 1);
        throughputRatios[i] = metered.throughput() / baseline.throughput();
        latencyRatios[i] = metered.p50Ms() / baseline.p50Ms();
        cpuRatios[i] = metered.cpuMsPerUpload() / baseline.cpuMsPerUpload();
      }
      double[] interval = bootstrapMedianInterval(throughputRatios);
      paired.put(mode, new double[] {median(throughputRatios), median(latencyRatios), median(cpuRatios), interval[0],
          interval[1]});
    }
    StringBuilder b = new StringBuilder();
    b.append("## ").append(SECTION).append("\n\n");
    b.append("Command: `").append(opts.getOrDefault("command", "bench/usage/run"))
        .append("` (from the repository root; it builds what it needs, starts its own PostgreSQL and API server under a "
            + "temporary directory and rewrites this section).  \n");
    b.append("Date: ").append(LocalDate.now(ZoneOffset.UTC)).append(" (UTC). Total run time ")
        .append(String.format(Locale.ROOT, "%.0f", totalSeconds)).append(" s.  \n");
    b.append("Machine: nproc ").append(Runtime.getRuntime().availableProcessors()).append(", ")
        .append(System.getProperty("java.vm.vendor")).append(' ').append(System.getProperty("java.runtime.version"))
        .append(". Load average (1/5/15 min) ").append(loadBefore).append(" before, ").append(loadAfter)
        .append(" after: other work on the machine shares its 2 cores.  \n");
    b.append("Code: commit ").append(BenchHost.capture("git", "rev-parse", "--short", "HEAD").trim());
    String dirty = BenchHost.capture("git", "status", "--porcelain", "--", "src/main", "pom.xml").trim();
    b.append(dirty.isEmpty() ? "" : " plus uncommitted changes to " + dirty.lines().map(l -> l.substring(3)).toList())
        .append(".  \n");
    b.append("Server: PostgreSQL ").append(pgVersion)
        .append(" (embedded, default settings: fsync on, synchronous_commit on); the API server (workers off) and ")
        .append(clients).append(" HTTP clients in one JVM on the same 2 cores, over loopback.\n\n");
    b.append("Workload: `POST /v1/shell-files` multipart, a 1.6 KB plain-text document (the smallest upload, so "
            + "metering's fixed cost is the largest share), a fresh Idempotency-Key each, ")
        .append(clients).append(" concurrent clients (one account and profile each, one connection each). ")
        .append(String.format(Locale.ROOT, "%,d", warmup)).append(" warm-up uploads (the JIT: after 400, throughput "
            + "still rose from 100 to 350 uploads/s over the next 15 rounds), then ").append(roundCount)
        .append(" rounds of ").append(uploads).append(" uploads in each mode, rotating which goes first")
        .append(checkpointEachRound ? "; a CHECKPOINT before each" : "; PostgreSQL checkpoints on its own schedule, as "
            + "in production (`--checkpoint-each-round=true` forces one before each round: every round then starts with "
            + "full-page images, ~20 KB of WAL per upload instead of ~3.5 KB, and the ratios stay within the noise)")
        .append(". Modes: **on** is the default (billing off, no plan assigned, so the accounts are on the unlimited "
            + "plan: the plan is read before the bytes are stored and again in register_upload, which marks the file "
            + "for the fold, which writes the ledger rows and moves the month counters once a second). **limited**: "
            + "metering on, ").append(clients).append(" other accounts on a plan "
            + "with limits (set far above what the bench uploads, so none is refused): the pre-check also reads the "
            + "month row, and register_upload writes the ledger row and moves the counters with an UPDATE whose "
            + "condition is the files, pages and storage limits (the row lock makes check and count atomic), then "
            + "checks the 80/90/100% thresholds. **off**: the "
            + "usage_tracking feature flag off, the same code returning at each flag check (the unlimited accounts). "
            + "A round ends when the fold has counted its last upload (the bench folds what is left, inside the "
            + "round's time), so its time, CPU and WAL include its counting. "
            + "Machine CPU is all cores' busy time from /proc/stat over the round (client, server and PostgreSQL share "
            + "the machine) per upload; WAL is the bytes PostgreSQL wrote per upload. Figures are medians over the "
            + "rounds.\n\n");
    b.append("| metering | uploads/s | p50 latency ms | p95 latency ms | mean latency ms | machine CPU ms/upload "
        + "| idle | WAL B/upload |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String mode : MODES) {
      double[] m = median.get(mode);
      b.append(String.format(Locale.ROOT, "| %s | %,.1f | %.2f | %.2f | %.2f | %.2f | %.0f%% | %,.0f |%n", mode, m[0], m[1],
          m[2], m[3], m[4], m[6] * 100, m[5]));
    }
    for (String mode : List.of("on", "limited")) {
      double[] m = median.get(mode);
      b.append(String.format(Locale.ROOT, "| **%s / off** | **%.3f** | **%.3f** | **%.3f** | **%.3f** | **%.3f** | | "
          + "**%.3f** |%n", mode, m[0] / off[0], m[1] / off[1], m[2] / off[2], m[3] / off[3], m[4] / off[4], m[5] / off[5]));
    }
    b.append('\n');
    b.append(String.format(Locale.ROOT, "Paired (each round's metered mode against that round's off, median over the %d "
        + "rounds); overhead = off/on - 1 on throughput and on/off - 1 on median latency. The interval is a 95%% "
        + "bootstrap interval of the throughput overhead (the rounds resampled 2,000 times): on this shared machine the "
        + "paired medians of whole runs have differed by several points. Target: at most 10%%.%n%n"
        + "| mode | throughput on/off | median latency on/off | machine CPU per upload on/off | throughput overhead "
        + "| 95%% interval | latency overhead | target |%n|---|---:|---:|---:|---:|---|---:|---|%n", roundCount));
    for (String mode : List.of("on", "limited")) {
      double[] p = paired.get(mode);
      double overhead = (1 / p[0] - 1) * 100;
      double latencyOverhead = (p[1] - 1) * 100;
      b.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | **%.1f%%** | %.1f%% to %.1f%% | **%.1f%%** | %s |%n",
          mode, p[0], p[1], p[2], overhead, (1 / p[4] - 1) * 100, (1 / p[3] - 1) * 100, latencyOverhead,
          overhead <= 10 && latencyOverhead <= 10 ? "met" : "**not met**"));
    }
    b.append('\n');
    b.append("Every round (in the order run):\n\n| round | metering | uploads/s | p50 ms | p95 ms | machine CPU ms/upload "
        + "| WAL B/upload | usage events written |\n|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (Round r : rounds) {
      b.append(String.format(Locale.ROOT, "| %d | %s | %,.1f | %.2f | %.2f | %.2f | %,.0f | %,d |%n", r.round(), r.mode(),
          r.throughput(), r.p50Ms(), r.p95Ms(), r.cpuMsPerUpload(), r.walBytesPerUpload(), r.eventsAdded()));
    }
    b.append('\n');
    return b.toString();
  }

  private static Round roundOf(List<Round> rounds, String mode, int round) {
    return rounds.stream().filter(r -> r.mode().equals(mode) && r.round() == round).findFirst().orElseThrow();
  }

  /** A 95% percentile-bootstrap interval of the median of {@code values} (seeded, so a run reports one answer). */
  private static double[] bootstrapMedianInterval(double[] values) {
    Random random = new Random(1);
    double[] medians = new double[2_000];
    double[] sample = new double[values.length];
    for (int i = 0; i < medians.length; i++) {
      for (int j = 0; j < sample.length; j++) {
        sample[j] = values[random.nextInt(values.length)];
      }
      medians[i] = median(sample);
    }
    Arrays.sort(medians);
    return new double[] {medians[49], medians[1_949]};
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void step(String what) {
    System.out.println("[usage-bench] " + what);
  }

  private static void sql(ConnectionSettings s, String sql) throws SQLException {
    try (Connection c = connect(s); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static long queryLong(ConnectionSettings s, String sql) throws SQLException {
    try (Connection c = connect(s); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String queryString(ConnectionSettings s, String sql) throws SQLException {
    try (Connection c = connect(s); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Connection connect(ConnectionSettings s) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", s.user());
    props.setProperty("password", s.password());
    return DriverManager.getConnection(s.jdbcUrl(), props);
  }



}
