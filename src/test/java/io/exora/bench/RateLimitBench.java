package io.exora.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.db.ConnectionSettings;
import io.exora.db.EmbeddedPostgres;
import io.exora.db.Migrations;
import io.exora.db.PostgresBinaries;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;

/**
 * The rate-limit benchmark (bench/ratelimit/run). One embedded PostgreSQL 17 (default settings),
 * one {@link SimulatedVendor} on loopback, and for each scheme in turn (Exora's limiter, then the
 * original's) the same load: three worker processes ({@link RateLimitBenchWorker}) of 32 concurrent
 * {@code ai_processing} jobs each, a feeder that keeps {@code live} jobs queued (mixed sizes from
 * one seed: 200-6,000 input tokens, 500 or 2,000 max output tokens), one worker killed with
 * SIGKILL at {@code kill-at} seconds, for {@code seconds} seconds.
 *
 * <p>Figures, over the windows that end after the first minute: the vendor's 429s, utilisation of
 * the binding limit (tokens the vendor accepted in each sliding minute / its limit, sampled every
 * second), the wait from a job's first try to its grant (p50/p99), and the concurrency slots still
 * counted for the killed worker after lease expiry (and at the end, after every worker stopped).
 */
public final class RateLimitBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DB = "ratelimit_bench";

  private final Map<String, String> opts;
  private EmbeddedPostgres pg;
  private Jdbi su;
  private ConnectionSettings runtime;
  private SimulatedVendor vendor;

  private RateLimitBench(Map<String, String> opts) {
    this.opts = opts;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchHost.options(args);
    new RateLimitBench(opts).run();
    System.exit(0);
  }

  private int opt(String name, int fallback) {
    return Integer.parseInt(opts.getOrDefault(name, String.valueOf(fallback)));
  }

  private void run() throws Exception {
    long began = System.nanoTime();
    Path out = Path.of(opts.getOrDefault("out", "bench/ratelimit/out"));
    Files.createDirectories(out);
    int rpm = opt("rpm", 600);
    long tpm = opt("tpm", 300_000);
    int concurrent = opt("concurrent", 24);
    int seconds = opt("seconds", 110);
    int killAt = opt("kill-at", 70);
    int timeout = opt("lease-timeout", 10);

    Path tmp = Files.createTempDirectory("exora-ratelimit-bench-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (pg != null) {
        pg.close();
      }
    }));
    Path bin = PostgresBinaries.unpack(Path.of("target/pg-runtime").toAbsolutePath());
    step("starting PostgreSQL in " + tmp);
    pg = EmbeddedPostgres.start(bin, tmp.resolve("cluster"), List.of("max_connections=300"));
    pg.createDatabaseIfAbsent(DB);
    Migrations.apply(pg.superuser(DB));
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    ConnectionSettings owner = pg.superuser(DB);
    su = Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password());
    Jdbi.create(pg.superuser("postgres").jdbcUrl(), owner.user(), owner.password())
        .useHandle(h -> h.execute("alter role authenticator with login password '" + password + "'"));
    runtime = owner.as("authenticator", password);
    setUp(rpm, tpm, concurrent, timeout);
    vendor = new SimulatedVendor(rpm, tpm, concurrent);
    step("vendor on " + vendor.url() + ": " + rpm + " requests/min, " + tpm + " tokens/min, " + concurrent
        + " in flight; worker.timeout_seconds " + timeout);

    ObjectNode results = JSON.createObjectNode();
    results.put("command", opts.getOrDefault("command", "bench/ratelimit/run"));
    results.put("date", Instant.now().toString());
    results.put("nproc", Runtime.getRuntime().availableProcessors());
    results.put("java", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
    results.put("rpm", rpm).put("tpm", tpm).put("concurrent", concurrent).put("seconds", seconds)
        .put("killAt", killAt).put("leaseTimeout", timeout).put("live", opt("live", 120));
    List<String> schemes = List.of(opts.getOrDefault("schemes", "exora,original").split(","));
    for (String scheme : schemes) {
      results.set(scheme, phase(scheme, seconds, killAt, timeout, tpm, rpm, out));
    }
    results.put("totalSeconds", (System.nanoTime() - began) / 1e9);
    vendor.close();
    Files.writeString(out.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
    if (!schemes.contains("exora") || !schemes.contains("original")) {
      System.out.println("Wrote " + out.resolve("results.json") + " (one scheme only: " + doc() + " left as it was)");
      return;
    }
    String section = section(results);
    Path doc = doc();
    QueueReport.replaceSection(doc, "Rate limiter", section);
    System.out.println();
    System.out.println(section);
    System.out.println("Wrote " + doc + " (section \"Rate limiter\") and " + out.resolve("results.json"));
  }

  private Path doc() {
    return Path.of(opts.getOrDefault("doc", "docs/benchmarks.md"));
  }

  private void setUp(int rpm, long tpm, int concurrent, int timeout) {
    su.useHandle(h -> {
      h.execute("update public.system_configuration set config_value = to_jsonb(" + timeout
          + ") where config_key = 'worker.timeout_seconds'");
      h.execute("insert into public.api_rate_limits (provider_name, api_endpoint, requests_per_minute, tokens_per_minute, "
          + "concurrent_requests, backpressure_delay_seconds) values ('openai', '" + RateLimitBenchWorker.MODEL + "', "
          + rpm + ", " + tpm + ", " + concurrent + ", 1)");
      h.execute("""
          create table public.bench_waits (job_id uuid primary key, first_try timestamptz not null default clock_timestamp(),
            granted_at timestamptz, throttled integer not null default 0, deferrals integer not null default 0);
          alter table public.bench_waits enable row level security;
          grant all on public.bench_waits to service_role;
          -- every answer of the limiter, for the timeline (out/timeline-<scheme>.csv)
          create table public.bench_acquires (job_id uuid not null, at timestamptz not null default clock_timestamp(),
            outcome text not null, binding text, retry_ms bigint, reserved bigint, used bigint, call_ms bigint,
            release_ms bigint);
          alter table public.bench_acquires enable row level security;
          grant all on public.bench_acquires to service_role;
          -- The original's scheme (08 job coordination): fixed minute windows that reset all at once,
          -- tokens counted as estimated and never reconciled, a boolean answer, an in-flight count
          -- that only its own release decrements. The row lock is a kindness the original lacked.
          create table public.bench_original_limits (id integer primary key, requests_per_minute integer,
            tokens_per_minute bigint, concurrent_requests integer, current_requests_minute integer not null default 0,
            current_tokens_minute bigint not null default 0, active_requests integer not null default 0,
            minute_reset_at timestamptz not null default now());
          alter table public.bench_original_limits enable row level security;
          grant all on public.bench_original_limits to service_role;
          create function public.bench_original_acquire(p_tokens bigint) returns boolean language plpgsql as $$
          declare v public.bench_original_limits;
          begin
            select * into v from public.bench_original_limits where id = 1 for update;
            if clock_timestamp() >= v.minute_reset_at then
              v.current_requests_minute := 0;
              v.current_tokens_minute := 0;
              update public.bench_original_limits set current_requests_minute = 0, current_tokens_minute = 0,
                     minute_reset_at = date_trunc('minute', clock_timestamp()) + interval '1 minute' where id = 1;
            end if;
            if v.current_requests_minute >= v.requests_per_minute
               or v.current_tokens_minute + p_tokens > v.tokens_per_minute
               or v.active_requests >= v.concurrent_requests then
              return false;
            end if;
            update public.bench_original_limits
               set current_requests_minute = current_requests_minute + 1,
                   current_tokens_minute = current_tokens_minute + p_tokens,
                   active_requests = active_requests + 1 where id = 1;
            return true;
          end $$;
          create function public.bench_original_release() returns void language sql as $$
            update public.bench_original_limits set active_requests = greatest(active_requests - 1, 0) where id = 1
          $$;
          grant execute on function public.bench_original_acquire(bigint), public.bench_original_release() to service_role;
          """);
      h.execute("insert into public.bench_original_limits (id, requests_per_minute, tokens_per_minute, concurrent_requests) "
          + "values (1, " + rpm + ", " + tpm + ", " + concurrent + ")");
    });
  }

  private ObjectNode phase(String scheme, int seconds, int killAt, int timeout, long tpm, int rpm, Path out)
      throws Exception {
    su.useHandle(h -> h.execute("""
        delete from public.job_queue; delete from public.job_queue_archive; delete from public.bench_waits; delete from public.bench_acquires;
        delete from public.api_leases; delete from public.api_rate_slots;
        update public.api_rate_limits set paused_until = null, rate_limit_violations = 0,
               vendor_requests_per_minute = null, vendor_tokens_per_minute = null;
        update public.bench_original_limits set current_requests_minute = 0, current_tokens_minute = 0,
               active_requests = 0, minute_reset_at = now()"""));
    vendor.reset();
    step(scheme + ": starting 3 workers of 32 jobs each");
    List<Process> workers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      workers.add(startWorker(scheme + "-" + i, scheme));
    }
    long start = System.nanoTime();
    Instant startedAt = Instant.now();
    AtomicBoolean feeding = new AtomicBoolean(true);
    int live = opt("live", 120);
    Thread feeder = Thread.ofPlatform().start(() -> feed(feeding, live, new Random(42)));
    List<long[]> limiterSamples = new ArrayList<>();
    Thread sampler = scheme.equals("exora") ? Thread.ofVirtual().start(() -> sampleLimiter(feeding, start, limiterSamples))
        : null;
    ObjectNode r = JSON.createObjectNode();

    sleepUntil(start, killAt);
    String victim = scheme + "-1";
    // Exora: kill the worker while it holds a lease (a call in flight), which is the case the
    // lease expiry is for; give up after 15 s and kill it anyway
    long killDeadline = System.nanoTime() + 15_000_000_000L;
    long heldAtKill = heldBy(scheme, victim);
    while (scheme.equals("exora") && heldAtKill == 0 && System.nanoTime() < killDeadline) {
      Thread.sleep(20);
      heldAtKill = heldBy(scheme, victim);
    }
    workers.get(0).destroyForcibly();
    workers.get(0).waitFor();
    double killedAt = (System.nanoTime() - start) / 1e9;
    step(String.format(Locale.ROOT, "%s: killed %s with SIGKILL at %.1f s holding %d slot(s)", scheme, victim, killedAt,
        heldAtKill));
    r.put("killedAtSeconds", killedAt);
    sleepUntil(start, (int) Math.ceil(killedAt) + timeout + 3);
    long leakedAfterExpiry = scheme.equals("exora")
        ? su.withHandle(h -> h.createQuery("""
              select count(*) from public.api_leases l where l.worker_id = :w and public.api_lease_is_live(l, clock_timestamp())""")
            .bind("w", victim).mapTo(Long.class).one())
        : -1;  // the original's count has no owner to expire with: measured once every worker stopped
    step(scheme + ": slots still counted for " + victim + " " + timeout + "+3 s later: " + leakedAfterExpiry);

    sleepUntil(start, seconds);
    feeding.set(false);
    feeder.join();
    if (sampler != null) {
      sampler.join();
    }
    double measuredSeconds = (System.nanoTime() - start) / 1e9;
    // drain: no new work, let the calls in flight finish, then stop the live workers, so that what
    // is counted afterwards is only what the killed worker took with it
    su.useHandle(h -> h.execute("delete from public.job_queue where status in ('pending', 'retrying', 'deferred')"));
    long drainDeadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < drainDeadline && su.withHandle(h -> h.createQuery(
            "select count(*) from public.job_queue where status = 'processing' and worker_id <> :w")
        .bind("w", victim).mapTo(Long.class).one()) > 0) {
      Thread.sleep(200);
    }
    for (Process p : workers.subList(1, workers.size())) {
      p.destroy();  // SIGTERM: graceful
    }
    for (Process p : workers.subList(1, workers.size())) {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    // what is still counted once any lease could have expired is leaked
    Thread.sleep((timeout + 2) * 1_000L);
    long countedAtEnd = scheme.equals("exora")
        ? su.withHandle(h -> h.createQuery(
              "select count(*) from public.api_leases l where public.api_lease_is_live(l, clock_timestamp())")
            .mapTo(Long.class).one())
        : su.withHandle(h -> h.createQuery("select active_requests from public.bench_original_limits")
            .mapTo(Long.class).one());
    if (!scheme.equals("exora")) {
      // the load drained and every live worker stopped: what is still counted is what the killed
      // worker held, leaked for good (the original's count has no owner to expire with)
      heldAtKill = countedAtEnd;
      leakedAfterExpiry = countedAtEnd;
    }

    List<SimulatedVendor.Accepted> accepted = vendor.accepted();
    long t0 = accepted.stream().mapToLong(SimulatedVendor.Accepted::atNanos).min().orElse(start);
    long stopped = start + (long) (measuredSeconds * 1e9);
    // tokens and requests in the sliding minute ending at each whole second from one minute after
    // the first call (worker start-up is not the limiter's doing) to the end of the load
    List<Double> tokenShares = new ArrayList<>();
    List<Double> requestShares = new ArrayList<>();
    for (long end = t0 + 60_000_000_000L; end <= stopped; end += 1_000_000_000L) {
      long tokens = 0;
      int requests = 0;
      for (SimulatedVendor.Accepted a : accepted) {
        if (a.atNanos() <= end && a.atNanos() > end - 60_000_000_000L) {
          tokens += a.tokens();
          requests++;
        }
      }
      tokenShares.add(tokens / (double) tpm);
      requestShares.add(requests / (double) rpm);
    }
    List<Double> waits = su.withHandle(h -> h.createQuery("""
            select extract(epoch from granted_at - first_try) from public.bench_waits
             where granted_at is not null and granted_at >= cast(:from as timestamptz)""")
        .bind("from", startedAt.plusNanos(t0 - start).plusSeconds(60)).mapTo(Double.class).list());
    // where a granted call's time goes: at the vendor (send to answer), and from the answer to the
    // end of the release (the release waits for the pair's lock behind other acquirers)
    Map<String, Object> callTimes = su.withHandle(h -> h.createQuery("""
            select percentile_cont(0.5) within group (order by call_ms) as call_p50,
                   percentile_cont(0.99) within group (order by call_ms) as call_p99,
                   percentile_cont(0.5) within group (order by release_ms) as release_p50,
                   percentile_cont(0.99) within group (order by release_ms) as release_p99,
                   avg(reserved - used) as over_reserved
              from public.bench_acquires where outcome = 'granted'""").mapToMap().one());
    double deferralsPerCall = su.withHandle(h -> h.createQuery(
            "select coalesce(avg(deferrals), 0) from public.bench_waits where granted_at is not null")
        .mapTo(Double.class).one());
    waits.sort(Comparator.naturalOrder());
    writeTimeline(out.resolve("timeline-" + scheme + ".csv"), start, startedAt, stopped, tpm, limiterSamples);
    Map<String, Integer> rejected = vendor.rejected();
    r.put("vendor429", rejected.values().stream().mapToInt(Integer::intValue).sum());
    ObjectNode reasons = r.putObject("vendor429ByLimit");
    rejected.forEach(reasons::put);
    r.put("callsAccepted", accepted.size());
    r.put("tokenUtilisationMean", mean(tokenShares));
    r.put("tokenUtilisationMin", tokenShares.stream().mapToDouble(Double::doubleValue).min().orElse(0));
    r.put("tokenUtilisationMax", tokenShares.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    r.put("requestUtilisationMean", mean(requestShares));
    r.put("maxInFlightAtVendor", vendor.maxInFlight());
    r.put("waitP50Seconds", percentile(waits, 0.50));
    r.put("waitP99Seconds", percentile(waits, 0.99));
    r.put("grantsMeasured", waits.size());
    r.put("deferralsPerCall", deferralsPerCall);
    callTimes.forEach((k, v) -> r.put(k, v == null ? 0 : ((Number) v).doubleValue()));
    r.put("heldByVictimAtKill", heldAtKill);
    r.put("leakedAfterExpiry", leakedAfterExpiry);
    r.put("countedAfterAllStopped", countedAtEnd);
    r.put("seconds", measuredSeconds);
    r.put("firstCallAfterSeconds", (t0 - start) / 1e9);
    step(String.format(Locale.ROOT, "%s: %d calls, vendor 429s %d %s, token utilisation mean %.1f%% (min %.1f%%, max %.1f%%), "
            + "wait p50 %.2f s p99 %.2f s, leaked after expiry %d, counted after stop %d", scheme, accepted.size(),
        r.get("vendor429").asInt(), rejected, 100 * mean(tokenShares), 100 * r.get("tokenUtilisationMin").asDouble(),
        100 * r.get("tokenUtilisationMax").asDouble(), percentile(waits, 0.5), percentile(waits, 0.99),
        leakedAfterExpiry, countedAtEnd));
    return r;
  }

  /** Every 250 ms: the limiter's own view of the minute window (tokens) and its live leases. */
  private void sampleLimiter(AtomicBoolean running, long start, List<long[]> samples) {
    while (running.get()) {
      try {
        long[] row = su.withHandle(h -> h.createQuery("""
                select c.tokens_minute, c.active from public.api_rate_limits l
                 cross join lateral public.api_rate_limit_check(l, 0, clock_timestamp()) c
                 where l.api_endpoint = :m""").bind("m", RateLimitBenchWorker.MODEL)
            .map((rs, ctx) -> new long[] {System.nanoTime() - start, rs.getLong(1), rs.getLong(2)}).one());
        synchronized (samples) {
          samples.add(row);
        }
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        System.err.println("[ratelimit-bench] sampler: " + e.getMessage());
      }
    }
  }

  /**
   * One line per second of load: what the vendor accepted (arrivals, and its sliding minute), what
   * the limiter counted (last sample in that second), and its answers (grants, waits by binding).
   * For finding where utilisation goes; not part of the section.
   */
  private void writeTimeline(Path file, long start, Instant startedAt, long stopped, long tpm, List<long[]> samples)
      throws IOException {
    List<SimulatedVendor.Accepted> accepted = vendor.accepted();
    int seconds = (int) ((stopped - start) / 1_000_000_000L) + 1;
    long[] arrived = new long[seconds];
    long[] window = new long[seconds];
    long[] limiterTokens = new long[seconds];
    long[] limiterActive = new long[seconds];
    for (SimulatedVendor.Accepted a : accepted) {
      int sec = (int) ((a.atNanos() - start) / 1_000_000_000L);
      if (sec >= 0 && sec < seconds) {
        arrived[sec] += a.tokens();
      }
      for (int end = Math.max(0, sec); end < seconds; end++) {
        long endNanos = start + (end + 1) * 1_000_000_000L;
        if (a.atNanos() <= endNanos && a.atNanos() > endNanos - 60_000_000_000L) {
          window[end] += a.tokens();
        }
      }
    }
    synchronized (samples) {
      for (long[] row : samples) {
        int sec = (int) (row[0] / 1_000_000_000L);
        if (sec >= 0 && sec < seconds) {
          limiterTokens[sec] = row[1];
          limiterActive[sec] = row[2];
        }
      }
    }
    Map<Integer, Map<String, Long>> answers = new java.util.TreeMap<>();
    su.useHandle(h -> h.createQuery("""
            select floor(extract(epoch from at - cast(:from as timestamptz)))::int as sec,
                   case when outcome = 'wait' then 'wait_' || binding else outcome end as what, count(*) as n
              from public.bench_acquires group by 1, 2""")
        .bind("from", startedAt).map((rs, ctx) -> {
          answers.computeIfAbsent(rs.getInt("sec"), k -> new java.util.TreeMap<>()).put(rs.getString("what"), rs.getLong("n"));
          return 0;
        }).list());
    StringBuilder csv = new StringBuilder("second,vendor_arrived_tokens,vendor_window_share,limiter_window_tokens,"
        + "limiter_active,granted,waits\n");
    for (int sec = 0; sec < seconds; sec++) {
      Map<String, Long> a = answers.getOrDefault(sec, Map.of());
      csv.append(sec).append(',').append(arrived[sec]).append(',')
          .append(String.format(Locale.ROOT, "%.3f", window[sec] / (double) tpm)).append(',')
          .append(limiterTokens[sec]).append(',').append(limiterActive[sec]).append(',')
          .append(a.getOrDefault("granted", 0L)).append(',')
          .append(a.entrySet().stream().filter(x -> !x.getKey().equals("granted"))
              .map(x -> x.getKey() + "=" + x.getValue()).reduce((x, y) -> x + " " + y).orElse(""))
          .append('\n');
    }
    Files.writeString(file, csv);
  }

  /** Exora: the victim's live leases. The original's count has no owner: see countedAfterAllStopped. */
  private long heldBy(String scheme, String worker) {
    if (!scheme.equals("exora")) {
      return -1;
    }
    return su.withHandle(h -> h.createQuery("select count(*) from public.api_leases where worker_id = :w and expired_at is null")
        .bind("w", worker).mapTo(Long.class).one());
  }

  /** Keeps about {@code live} jobs queued or running, so demand always exceeds the vendor's limits. */
  private void feed(AtomicBoolean feeding, int live, Random random) {
    while (feeding.get()) {
      try {
        su.useHandle(h -> {
          long now = h.createQuery("""
                  select count(*) from public.job_queue where status in ('pending', 'processing', 'retrying', 'deferred')""")
              .mapTo(Long.class).one();
          StringBuilder jobs = new StringBuilder("[");
          for (long i = now; i < live; i++) {
            int input = 200 + random.nextInt(5_800);
            int maxOutput = random.nextInt(4) == 0 ? 2_000 : 500;
            jobs.append(jobs.length() > 1 ? "," : "").append("{\"job_type\":\"ai_processing\",\"job_name\":\"bench\","
                + "\"job_payload\":{\"input_tokens\":" + input + ",\"max_output_tokens\":" + maxOutput + "}}");
          }
          if (jobs.length() > 1) {
            h.createQuery("select count(*) from public.enqueue_jobs_v3(cast(:j as jsonb))")
                .bind("j", jobs.append("]").toString()).mapTo(Long.class).one();
          }
        });
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        System.err.println("[ratelimit-bench] feeder: " + e.getMessage());
      }
    }
  }

  private Process startWorker(String id, String scheme) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        RateLimitBenchWorker.class.getName(), runtime.jdbcUrl(), runtime.user(), runtime.password(), id, scheme,
        vendor.url(), "32").redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.contains("ready")) {
      // start-up logging
    }
    if (line == null) {
      throw new IllegalStateException("worker " + id + " exited before it was ready");
    }
    Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
    return p;
  }

  private static void sleepUntil(long start, int seconds) throws InterruptedException {
    long wait = start + seconds * 1_000_000_000L - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }

  private static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static void step(String what) {
    System.out.println("[ratelimit-bench] " + what);
  }

  /** What a reader should know about this run's figures that the table cannot say. */
  static String notes(ObjectNode e) {
    StringBuilder n = new StringBuilder();
    n.append(String.format(Locale.ROOT, """
        - Where Exora's granted calls spent their time: %.0f ms at the vendor (p50; p99 %.0f ms), then
          %.0f ms from the answer to the end of the release (p50; p99 %.0f ms: a vendor-signal update and
          the release, each waiting for the pair's lock). Calls count from their answer, so the second
          figure no longer keeps capacity idle. Reservations exceeded the tokens used by %.0f per call on
          average, held only while calls are in flight.
        """, e.path("call_p50").asDouble(), e.path("call_p99").asDouble(), e.path("release_p50").asDouble(),
        e.path("release_p99").asDouble(), e.path("over_reserved").asDouble()));
    if (e.get("tokenUtilisationMean").asDouble() < 0.95) {
      n.append("""
          - Exora's utilisation is below the 95% target in this run. Where it goes: capacity the vendor
            frees comes back to the limiter about 0.65 s later (slots of a tenth of a second counted
            whole, and each call counted from its answer, so its length too), then the waiter it was
            promised to wakes, is claimed and sends; the workers started together, so that lag falls on
            a burst of tokens every minute; and a loaded 2-core machine delays each of those steps (a
            worker that reads its answer late books the call late). `bench/ratelimit/out/timeline-exora.csv`
            has the run second by second.
          """);
    }
    if (e.get("heldByVictimAtKill").asLong() == 0) {
      n.append("- The SIGKILL landed while the killed worker held no lease in this run; `LeaseCrashIT` kills a\n")
          .append("  worker that holds one and checks it returns within `worker.timeout_seconds`.\n");
    }
    return "Notes:\n" + n + "\n";
  }

  static String section(ObjectNode r) {
    ObjectNode e = (ObjectNode) r.get("exora");
    ObjectNode o = (ObjectNode) r.get("original");
    StringBuilder s = new StringBuilder("## Rate limiter\n\n");
    s.append("Command: `").append(r.get("command").asText()).append("` (from the repository root; it builds what it ")
        .append("needs, starts its own PostgreSQL and a simulated vendor, and rewrites this section).  \n");
    s.append("Date: ").append(r.get("date").asText(), 0, 10).append(" (UTC). Total run time ")
        .append(String.format(Locale.ROOT, "%.0f s", r.get("totalSeconds").asDouble())).append(". Machine: nproc ")
        .append(r.get("nproc").asInt()).append(", ").append(r.get("java").asText())
        .append("; every process (PostgreSQL, vendor, three workers) shares those cores.\n\n");
    s.append(String.format(Locale.ROOT, """
        Setup: a simulated vendor on loopback enforcing %,d requests/min and %,d tokens/min over a sliding
        60 s window of the tokens calls really use (counted at arrival) and %d calls in flight, answering
        429 with `retry-after` and `x-ratelimit-*` headers. Three worker processes (Exora's worker
        runtime) with 32 concurrent `ai_processing` jobs each; a feeder keeps about %d jobs live, input
        200-6,000 tokens, max output 500 or 2,000 (a call writes 30-100%% of it), so tokens per minute is
        the binding limit. Each worker warms its HTTP client with a few uncounted calls before the
        load. %d s of load per scheme; one worker is killed with SIGKILL at the first moment after
        %d s that it holds a lease (%.1f s in this run; the original's count has no owner, so its
        victim is killed at %d s); `worker.timeout_seconds` %d. Both schemes are configured with the
        vendor's own limits. Figures are over the sliding minutes that end from one minute after the
        first call to the end of the load. The wait is mostly queueing: with that many jobs live and
        about %.1f calls/s, Little's law alone gives %.0f s. Leaks are counted after the load drained
        and the live workers stopped, lease timeout plus 2 s later. Cost per call with Exora: one
        `acquire_api_lease` (plus one per deferral) and one `release_api_lease`, each a short
        transaction that locks the pair's row. A refused job waits in the pair's line and is told
        its own moment (decision 0010).

        | | Exora (sliding windows, leases, reconcile) | original (fixed minute windows, estimates, boolean) |
        |---|---:|---:|
        | vendor 429s (target 0) | %d %s | %d %s |
        | calls accepted | %,d | %,d |
        | utilisation of the binding limit (tokens/min), mean (target >= 95%%) | %.1f%% | %.1f%% |
        | same, lowest and highest minute | %.1f%% / %.1f%% | %.1f%% / %.1f%% |
        | requests/min used, mean | %.1f%% | %.1f%% |
        | wait from first try to grant, p50 / p99 | %.1f s / %.1f s | %.1f s / %.1f s |
        | deferrals per granted call (no retry used) | %.1f | %.1f |
        | slots held by the killed worker at the kill | %d | %d |
        | of those, still counted after lease expiry (target 0) | %d | %d |
        | slots counted after every worker stopped | %d | %d |

        """, r.get("rpm").asInt(), r.get("tpm").asLong(), r.get("concurrent").asInt(), r.get("live").asInt(),
        r.get("seconds").asInt(), r.get("killAt").asInt(), e.path("killedAtSeconds").asDouble(),
        r.get("killAt").asInt(), r.get("leaseTimeout").asInt(),
        e.get("callsAccepted").asDouble() / e.get("seconds").asDouble(),
        r.get("live").asInt() / (e.get("callsAccepted").asDouble() / e.get("seconds").asDouble()),
        e.get("vendor429").asInt(), e.get("vendor429ByLimit").toString(), o.get("vendor429").asInt(),
        o.get("vendor429ByLimit").toString(), e.get("callsAccepted").asInt(), o.get("callsAccepted").asInt(),
        100 * e.get("tokenUtilisationMean").asDouble(), 100 * o.get("tokenUtilisationMean").asDouble(),
        100 * e.get("tokenUtilisationMin").asDouble(), 100 * e.get("tokenUtilisationMax").asDouble(),
        100 * o.get("tokenUtilisationMin").asDouble(), 100 * o.get("tokenUtilisationMax").asDouble(),
        100 * e.get("requestUtilisationMean").asDouble(), 100 * o.get("requestUtilisationMean").asDouble(),
        e.get("waitP50Seconds").asDouble(), e.get("waitP99Seconds").asDouble(), o.get("waitP50Seconds").asDouble(),
        o.get("waitP99Seconds").asDouble(), e.get("deferralsPerCall").asDouble(), o.get("deferralsPerCall").asDouble(),
        e.get("heldByVictimAtKill").asLong(), o.get("heldByVictimAtKill").asLong(),
        e.get("leakedAfterExpiry").asLong(), o.get("leakedAfterExpiry").asLong(),
        e.get("countedAfterAllStopped").asLong(), o.get("countedAfterAllStopped").asLong()));
    s.append(notes(e));
    return s.toString();
  }
}
