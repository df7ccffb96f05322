package io.exora.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exora.db.Caller;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.RequestTransactions;
import io.exora.queue.DeferJob;
import io.exora.queue.JobContext;
import io.exora.queue.JobHandler;
import io.exora.queue.JobQueue;
import io.exora.queue.runtime.Worker;
import io.exora.queue.runtime.WorkerConfig;
import io.exora.ratelimit.Acquisition;
import io.exora.ratelimit.JobAttempt;
import io.exora.ratelimit.RateLimiter;
import io.exora.ratelimit.VendorSignal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.UUID;

/**
 * One worker process of the rate-limit benchmark ({@link RateLimitBench}): Exora's worker runtime
 * running {@code ai_processing} jobs, each one call to the simulated vendor, under one of two
 * schemes:
 * <ul>
 *   <li>{@code exora}: a lease from acquire_api_lease for the job's attempt; a wait defers the job
 *       to the time the limiter names; the lease is released with the vendor's token count;
 *       every response's headers go to observe_api_rate_limit;</li>
 *   <li>{@code original}: the original's boolean acquire over fixed minute windows, counting the
 *       estimate (bench_original_acquire, created by the benchmark); a refusal defers the job by a
 *       fixed second, as no time to wait is given; release only decrements the in-flight count.</li>
 * </ul>
 * Each job's first try and grant are written to {@code bench_waits} for the wait figures.
 *
 * <p>Arguments: jdbc-url user password worker-id scheme vendor-url concurrency
 */
public final class RateLimitBenchWorker {
  static final String PROVIDER = "openai";
  static final String MODEL = "bench-model";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RequestTransactions transactions;
  private final RateLimiter limiter;
  private final String scheme;
  private final URI vendor;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private RateLimitBenchWorker(RequestTransactions transactions, String scheme, URI vendor) {
    this.transactions = transactions;
    this.limiter = new RateLimiter(transactions, new SimpleMeterRegistry());
    this.scheme = scheme;
    this.vendor = vendor;
  }

  public static void main(String[] args) throws InterruptedException {
    ConnectionSettings login = new ConnectionSettings(args[0], args[1], args[2]);
    String workerId = args[3];
    int concurrency = Integer.parseInt(args[6]);
    Database pool = Database.open(login, concurrency + 8, workerId);
    RequestTransactions transactions = new RequestTransactions(pool.jdbi());
    RateLimitBenchWorker bench = new RateLimitBenchWorker(transactions, args[4], URI.create(args[5]));
    bench.warmUp();
    WorkerConfig config = WorkerConfig.defaults(workerId, Map.of("ai_queue_simple", concurrency))
        .withHeartbeatInterval(Duration.ofSeconds(1))
        .withPollInterval(Duration.ofMillis(100));
    new Worker(config, new JobQueue(transactions, JSON), transactions, Map.of("ai_processing", bench::handle),
        login, JSON, new SimpleMeterRegistry()).start();
    System.out.println("ready");
    System.out.flush();
    Thread.currentThread().join();
  }

  /**
   * A few uncounted calls before the load, so that the first real calls do not pay for loading the
   * HTTP client: on a busy 2-core machine that took seconds, and a call's answer read late is
   * booked late, which showed as capacity held idle a minute later.
   */
  private void warmUp() {
    for (int i = 0; i < 20; i++) {
      try {
        http.send(HttpRequest.newBuilder(vendor.resolve("/v1/ping")).GET().build(), HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new IllegalStateException("the vendor does not answer: " + e, e);
      }
    }
  }

  private Map<String, Object> handle(JobContext ctx) throws Exception {
    JsonNode payload = ctx.job().payload();
    long input = payload.get("input_tokens").asLong();
    long maxOutput = payload.get("max_output_tokens").asLong();
    long estimate = input + maxOutput;
    UUID job = ctx.job().id();
    sql("insert into public.bench_waits (job_id) values (:job) on conflict do nothing", job);
    UUID lease = null;
    if (scheme.equals("exora")) {
      switch (limiter.acquire(PROVIDER, MODEL, estimate, new JobAttempt(job, ctx.workerId(), ctx.job().attempt()))) {
        case Acquisition.Granted g -> lease = g.leaseId();
        case Acquisition.Wait w -> {
          long retryMs = w.delay().toMillis();
          transactions.run(Caller.serviceRole(), "bench", h -> h.createUpdate("""
                  update public.bench_waits set deferrals = deferrals + 1 where job_id = :job;
                  insert into public.bench_acquires (job_id, outcome, binding, retry_ms, reserved)
                  values (:job, 'wait', :binding, :retry, :reserved)""")
              .bind("job", job).bind("binding", w.binding()).bind("retry", retryMs).bind("reserved", estimate)
              .execute());
          // as ClinicalExtraction does: the named moment, spread over a tenth of a second
          throw DeferJob.exactly(w.delay().plusMillis(ThreadLocalRandom.current().nextLong(100)), w.binding());
        }
        case Acquisition.JobLost l -> {
          return Map.of("outcome", "lost");
        }
      }
    } else if (!originalAcquire(estimate)) {
      sql("update public.bench_waits set deferrals = deferrals + 1 where job_id = :job", job);
      throw new DeferJob(Duration.ofSeconds(1), "no capacity");
    }
    // written after the call: a write between the grant and the call would only delay the call
    Instant grantedAt = Instant.now();
    Long used = null;
    Long answeredAt = null;
    long sentAt = System.nanoTime();
    long releasedAt = 0;
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(vendor.resolve("/v1/call"))
          .timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString("{\"input_tokens\":" + input + ",\"max_output_tokens\":"
              + maxOutput + ",\"job\":\"" + job + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
      answeredAt = System.nanoTime();
      VendorSignal signal = signal(r);
      if (scheme.equals("exora")) {
        limiter.observe(PROVIDER, MODEL, signal, answeredAt);
      }
      if (r.statusCode() == 429) {
        used = 0L;
        Duration wait = signal.retryAt() == null ? Duration.ofSeconds(1)
            : Duration.between(Instant.now(), signal.retryAt());
        sql("update public.bench_waits set throttled = throttled + 1 where job_id = :job", job);
        throw new DeferJob(wait.isNegative() ? Duration.ZERO : wait, "vendor 429");
      }
      used = JSON.readTree(r.body()).get("total_tokens").asLong();
    } finally {
      if (lease != null) {
        limiter.release(lease, used, answeredAt);
      } else if (scheme.equals("original")) {
        transactions.run(Caller.serviceRole(), "bench", h -> h.execute("select public.bench_original_release()"));
      }
      releasedAt = System.nanoTime();
    }
    long callMs = (answeredAt - sentAt) / 1_000_000;  // set: the call returned, so an answer came
    long releaseMs = (releasedAt - answeredAt) / 1_000_000;
    long usedTokens = used;
    transactions.run(Caller.serviceRole(), "bench", h -> h.createUpdate("""
            update public.bench_waits set granted_at = :at where job_id = :job;
            insert into public.bench_acquires (job_id, at, outcome, reserved, used, call_ms, release_ms)
            values (:job, :at, 'granted', :reserved, :used, :callMs, :releaseMs)""")
        .bind("at", grantedAt).bind("job", job).bind("reserved", estimate).bind("used", usedTokens)
        .bind("callMs", callMs).bind("releaseMs", releaseMs).execute());
    return Map.of("tokens", used);
  }

  private boolean originalAcquire(long estimate) {
    return transactions.run(Caller.serviceRole(), "bench", h -> h.createQuery(
            "select public.bench_original_acquire(:t)").bind("t", estimate).mapTo(Boolean.class).one());
  }

  private void sql(String statement, UUID job) {
    transactions.run(Caller.serviceRole(), "bench", h -> h.createUpdate(statement).bind("job", job).execute());
  }

  /** The simulated vendor speaks OpenAI's header names; remaining counts and retry-after. */
  private static VendorSignal signal(HttpResponse<?> r) {
    var h = r.headers();
    Instant now = Instant.now();
    Instant retryAt = h.firstValue("retry-after-ms").map(ms -> now.plusMillis(Long.parseLong(ms))).orElse(null);
    return new VendorSignal(r.statusCode(),
        h.firstValue("x-ratelimit-limit-requests").map(Long::parseLong).orElse(null),
        h.firstValue("x-ratelimit-remaining-requests").map(Long::parseLong).orElse(null), null,
        h.firstValue("x-ratelimit-limit-tokens").map(Long::parseLong).orElse(null),
        h.firstValue("x-ratelimit-remaining-tokens").map(Long::parseLong).orElse(null), null, retryAt);
  }
}
