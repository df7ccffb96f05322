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
import java.io.ByteArrayOutputStream;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The usage-metering benchmark (bench/usage/run): what metering adds to an upload. Starts its own
 * PostgreSQL 17 (default settings: fsync and synchronous_commit on) and the real API server on it
 * (workers off, so only the upload path runs), signs up {@code clients} accounts, and then, in
 * alternating rounds, sends {@code uploads} small documents over HTTP multipart from {@code
 * clients} concurrent connections in three modes: metering on with the default plan (billing off:
 * unlimited, so the limit check has nothing to check), metering on with a plan that has limits
 * (every check runs and takes the month-row lock; the limits are far above what the bench
 * uploads), and metering off (the usage_tracking feature flag; the same code skips the plan
 * check, the month-row lock and the ledger write). Reports median and p95 latency and throughput
 * per mode (medians over rounds) and each mode's ratio to off, and rewrites the "Usage metering"
 * section of docs/benchmarks.md.
 */
public final class UsageBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB = "exora_usage_bench";
  private static final String SECTION = "Usage metering";
  /** The modes, each round in a rotated order; "off" is the baseline the others are paired with. */
  private static final List<String> MODES = List.of("on", "limited", "off");

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
               double meanMs, long eventsAdded) {}

  private void run() throws Exception {
    long began = System.nanoTime();
    int clients = opt("clients", 8);
    int uploads = opt("uploads", 300);
    int rounds = opt("rounds", 8);
    int warmup = opt("warmup", 400);
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
      List<String[]> accounts = new ArrayList<>();  // token, profile id
      HttpClient signupClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < clients; i++) {
        JsonNode a = JSON.readTree(signupClient.send(HttpRequest.newBuilder(URI.create(base + "/v1/auth/signup"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"bench" + i + "@usage.bench\",\"password\":"
                + "\"correct horse battery\",\"display_name\":\"Bench " + i + "\"}")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        accounts.add(new String[] {a.get("access_token").asText(), a.get("profile_id").asText()});
      }
      step(clients + " accounts signed up (no plan assigned: with billing off that is unlimited)");
      sql(owner, """
          insert into public.subscription_plans (plan_type, display_name, shell_files_limit, pages_limit, ai_tokens_limit,
                                                 storage_limit_mb, sort_order)
          values ('bench_limited', 'Bench (limits far above the bench)', 10000000, 100000000, 1000000000, 100000000, 99)""");
      setMode("on");
      batch(base, accounts, warmup, "warm");
      step("warm-up: " + warmup + " uploads");
      for (int r = 1; r <= rounds; r++) {
        // Rotate which mode goes first, so drift in the machine's speed hits every mode alike.
        List<String> order = new ArrayList<>(MODES);
        Collections.rotate(order, -(r - 1));
        for (String mode : order) {
          setMode(mode);
          sql(pg.superuser("postgres"), "checkpoint");
          long eventsBefore = queryLong(owner, "select count(*) from public.usage_events");
          Round round = batch(base, accounts, uploads, mode + r);
          long added = queryLong(owner, "select count(*) from public.usage_events") - eventsBefore;
          round = new Round(mode, r, round.uploads(), round.seconds(), round.throughput(), round.p50Ms(), round.p95Ms(),
              round.meanMs(), added);
          if (!mode.equals("off") && added < uploads || mode.equals("off") && added != 0) {
            throw new IllegalStateException("metering " + mode + " recorded " + added + " events for " + uploads + " uploads");
          }
          results.add(round);
          step(String.format(Locale.ROOT, "round %d, metering %-3s: %,.0f uploads/s, p50 %.2f ms, p95 %.2f ms (%d usage events)",
              r, mode, round.throughput(), round.p50Ms(), round.p95Ms(), added));
        }
      }
    } finally {
      server.close();
      pg.close();
      BenchHost.deleteTree(tmp);
    }
    String section = section(results, clients, uploads, rounds, warmup, pgVersion, loadBefore, BenchHost.loadAverage(),
        (System.nanoTime() - began) / 1e9);
    Path doc = Path.of(opts.getOrDefault("doc", "docs/benchmarks.md"));
    QueueReport.replaceSection(doc, SECTION, section);
    System.out.println();
    System.out.println(section);
    System.out.println("Wrote " + doc + " (section \"" + SECTION + "\")");
  }

  /** Metering on or off (the feature flag), and the bench accounts on the limited plan or on none. */
  private void setMode(String mode) throws SQLException {
    sql(owner, "update public.feature_flags set enabled = " + !mode.equals("off") + " where flag_name = 'usage_tracking'");
    if (mode.equals("limited")) {
      sql(owner, """
          insert into public.account_plans (account_id, plan_type)
          select u.id, 'bench_limited' from auth.users u where u.email like '%@usage.bench'
          on conflict (account_id) do update set plan_type = excluded.plan_type""");
    } else {
      sql(owner, "delete from public.account_plans");
    }
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
          byte[] body = multipart(account[1], ("Discharge note " + label + "-" + i + "\nPulse " + (50 + i % 50)
              + " bpm\nBlood pressure 12" + (i % 10) + "/80 mmHg\n" + "x".repeat(1500)).getBytes(StandardCharsets.UTF_8));
          long t0 = System.nanoTime();
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/shell-files"))
              .header("Authorization", "Bearer " + account[0])
              .header("Content-Type", "multipart/form-data; boundary=b0undary")
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
    for (Future<?> f : done) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Round(label, 0, count, seconds, count / seconds, sorted[count / 2] / 1e6,
        sorted[(int) Math.ceil(count * 0.95) - 1] / 1e6, Arrays.stream(sorted).average().orElse(0) / 1e6, 0);
  }

  private static byte[] multipart(String profileId, byte[] content) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 512);
    body.writeBytes(("--b0undary\r\nContent-Disposition: form-data; name=\"patient_id\"\r\n\r\n" + profileId
        + "\r\n--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"note.txt\""
        + "\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes("\r\n--b0undary--\r\n".getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }

  private String section(List<Round> rounds, int clients, int uploads, int roundCount, int warmup, String pgVersion,
      String loadBefore, String loadAfter, double totalSeconds) {
    Map<String, double[]> median = new LinkedHashMap<>();
    for (String mode : MODES) {
      List<Round> mine = rounds.stream().filter(r -> r.mode().equals(mode)).toList();
      median.put(mode, new double[] {
          median(mine.stream().mapToDouble(Round::throughput).toArray()),
          median(mine.stream().mapToDouble(Round::p50Ms).toArray()),
          median(mine.stream().mapToDouble(Round::p95Ms).toArray()),
          median(mine.stream().mapToDouble(Round::meanMs).toArray())});
    }
    double[] off = median.get("off");
    // Paired: each round ran every mode back to back, so a mode's ratio to that round's off cancels
    // most of the drift of a shared machine; the median of those ratios is the headline.
    Map<String, double[]> paired = new LinkedHashMap<>();  // mode -> {throughput ratio, median latency ratio}
    for (String mode : List.of("on", "limited")) {
      double[] throughputRatios = new double[roundCount];
      double[] latencyRatios = new double[roundCount];
      for (int i = 0; i < roundCount; i++) {
        Round metered = roundOf(rounds, mode, i + 1);
        Round baseline = roundOf(rounds, "off", i + 1);
        throughputRatios[i] = metered.throughput() / baseline.throughput();
        latencyRatios[i] = metered.p50Ms() / baseline.p50Ms();
      }
      paired.put(mode, new double[] {median(throughputRatios), median(latencyRatios)});
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
    b.append("Workload: `POST /v1/shell-files` multipart, a 1.6 KB plain-text document, a fresh Idempotency-Key each, ")
        .append(clients).append(" concurrent clients (one account and profile each, one connection each). ")
        .append(warmup).append(" warm-up uploads, then ").append(roundCount).append(" rounds of ").append(uploads)
        .append(" uploads in each mode, rotating which goes first; a CHECKPOINT before each. Modes: **on** is the default "
            + "(billing off, no plan assigned, so the account is on the unlimited plan: the plan is read before the bytes "
            + "are stored and again in register_upload, then the ledger insert and the counter update; an unlimited plan "
            + "has no limit to check and takes no month-row lock). **limited**: metering on and each account on a plan "
            + "with limits (set far above what the bench uploads, so none is refused): the pre-check also reads the "
            + "month row, and register_upload locks it, checks the limits against the stored size, counts, and checks "
            + "the 80/90/100% thresholds. **off**: the usage_tracking feature flag off, the same code returning at each "
            + "flag check. Figures are medians over the rounds.\n\n");
    b.append("| metering | uploads/s | p50 latency ms | p95 latency ms | mean latency ms |\n|---|---:|---:|---:|---:|\n");
    for (String mode : MODES) {
      double[] m = median.get(mode);
      b.append(String.format(Locale.ROOT, "| %s | %,.1f | %.2f | %.2f | %.2f |%n", mode, m[0], m[1], m[2], m[3]));
    }
    for (String mode : List.of("on", "limited")) {
      double[] m = median.get(mode);
      b.append(String.format(Locale.ROOT, "| **%s / off** | **%.3f** | **%.3f** | **%.3f** | **%.3f** |%n", mode,
          m[0] / off[0], m[1] / off[1], m[2] / off[2], m[3] / off[3]));
    }
    b.append('\n');
    b.append(String.format(Locale.ROOT, "Paired (each round's metered mode against that round's off, median over the %d "
        + "rounds); overhead = off/on - 1 on throughput and on/off - 1 on median latency. Target: at most 10%%.%n%n"
        + "| mode | throughput on/off | median latency on/off | throughput overhead | latency overhead | target |%n"
        + "|---|---:|---:|---:|---:|---|%n", roundCount));
    for (String mode : List.of("on", "limited")) {
      double[] p = paired.get(mode);
      double overhead = (1 / p[0] - 1) * 100;
      double latencyOverhead = (p[1] - 1) * 100;
      b.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | **%.1f%%** | **%.1f%%** | %s |%n", mode, p[0], p[1],
          overhead, latencyOverhead, overhead <= 10 && latencyOverhead <= 10 ? "met" : "**not met**"));
    }
    b.append('\n');
    b.append("Every round (in the order run):\n\n| round | metering | uploads/s | p50 ms | p95 ms | usage events written |\n|---:|---|---:|---:|---:|---:|\n");
    for (Round r : rounds) {
      b.append(String.format(Locale.ROOT, "| %d | %s | %,.1f | %.2f | %.2f | %,d |%n", r.round(), r.mode(), r.throughput(),
          r.p50Ms(), r.p95Ms(), r.eventsAdded()));
    }
    b.append('\n');
    return b.toString();
  }

  private static Round roundOf(List<Round> rounds, String mode, int round) {
    return rounds.stream().filter(r -> r.mode().equals(mode) && r.round() == round).findFirst().orElseThrow();
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
