package io.exora.ratelimit;

import io.exora.db.Caller;
import io.exora.db.JsonRows;
import io.exora.db.RequestTransactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared, crash-safe AI rate limiter (V080__api_rate_limits.sql), as workers call it. Every
 * call runs in a short transaction of its own as the service role: the database serialises the
 * acquirers of one provider/model on its limit row, so the limits hold across every connection,
 * process and machine, and the lock must not be held for the length of a job's transaction.
 *
 * <p>The operators' reads and writes ({@link #limits(Handle)}, {@link #put(Handle,
 * RateLimitSettings)}) run in the caller's request transaction instead, so the database decides
 * who may use them.
 */
public final class RateLimiter {
  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
  private static final String CORRELATION = "ratelimit";

  private final RequestTransactions transactions;
  private final MeterRegistry metrics;

  public RateLimiter(RequestTransactions transactions, MeterRegistry metrics) {
    this.transactions = transactions;
    this.metrics = metrics;
  }

  /**
   * Asks for one call of {@code provider}/{@code model} reserving {@code estimatedTokens}.
   *
   * @param attempt the job attempt the lease belongs to; null for a lease that expires after
   *     ratelimit.lease_ttl_seconds unless released
   */
  public Acquisition acquire(String provider, String model, long estimatedTokens, JobAttempt attempt) {
    Acquisition answer = transactions.run(Caller.serviceRole(), CORRELATION, h -> h.createQuery("""
            select outcome, lease_id, retry_at, retry_after_ms, binding
              from public.acquire_api_lease(:provider, :model, :tokens, :job, :worker, :attempt)""")
        .bind("provider", provider).bind("model", model).bind("tokens", estimatedTokens)
        .bind("job", attempt == null ? null : attempt.jobId())
        .bind("worker", attempt == null ? null : attempt.workerId())
        .bind("attempt", attempt == null ? null : attempt.attempt())
        .map((rs, ctx) -> switch (rs.getString("outcome")) {
          case "granted" -> new Acquisition.Granted(rs.getObject("lease_id", UUID.class));
          case "wait" -> new Acquisition.Wait(rs.getObject("retry_at", Timestamp.class).toInstant(),
              Duration.ofMillis(Math.max(0, rs.getLong("retry_after_ms"))), rs.getString("binding"));
          case "job_lost" -> new Acquisition.JobLost();
          default -> throw new IllegalStateException("unknown outcome " + rs.getString("outcome"));
        })
        .one());
    String outcome = switch (answer) {
      case Acquisition.Granted g -> "granted";
      case Acquisition.Wait w -> {
        Timer.builder("exora.ratelimit.wait").description("waits the limiter asked for, by binding limit")
            .tags("provider", provider, "model", model, "binding", w.binding())
            .register(metrics).record(w.delay());
        yield "wait";
      }
      case Acquisition.JobLost l -> "job_lost";
    };
    metrics.counter("exora.ratelimit.acquisitions", "provider", provider, "model", model, "outcome", outcome)
        .increment();
    return answer;
  }

  /**
   * Gives the lease back and reconciles its reservation to {@code actualTokens} (null keeps the
   * reservation, for a call whose usage is unknown), counting the call from now. False when it was
   * already released.
   */
  public boolean release(UUID lease, Long actualTokens) {
    return release(lease, actualTokens, null);
  }

  /**
   * As {@link #release(UUID, Long)}, counting the call from the moment its answer came back:
   * {@code answeredAtNanos} is {@link System#nanoTime()} when the answer was read, in this process.
   * The vendor admitted the call before it answered, so the limiter's window keeps the call at
   * least as long as the vendor's does, however long the release waits for a connection or the
   * pair's lock (the age is taken when the statement is sent). Null when no answer came (a
   * timeout, a network error): the call is counted from now.
   */
  public boolean release(UUID lease, Long actualTokens, Long answeredAtNanos) {
    return transactions.run(Caller.serviceRole(), CORRELATION, h ->
        h.createQuery("select public.release_api_lease(:lease, :tokens, :answeredMsAgo)")
            .bind("lease", lease).bind("tokens", actualTokens)
            .bind("answeredMsAgo", msSince(answeredAtNanos))
            .mapTo(Boolean.class).one());
  }

  private static Long msSince(Long nanoTime) {
    return nanoTime == null ? null : (System.nanoTime() - nanoTime) / 1_000_000;
  }

  /**
   * Applies what a vendor said about its limits, as of now. Never throws: a limiter that cannot
   * be reached must not fail a call that succeeded (the next signal tries again).
   */
  public void observe(String provider, String model, VendorSignal signal) {
    observe(provider, model, signal, null);
  }

  /**
   * As {@link #observe(String, String, VendorSignal)}, for a signal whose answer was read at
   * {@code answeredAtNanos} ({@link System#nanoTime()} in this process): its remaining counts are
   * compared with the limiter's usage as of then, so a signal applied late is not mistaken for
   * usage the limiter does not know of.
   */
  public void observe(String provider, String model, VendorSignal signal, Long answeredAtNanos) {
    try {
      transactions.run(Caller.serviceRole(), CORRELATION, h -> h.createQuery("""
              select public.observe_api_rate_limit(:provider, :model, :status, :requestsLimit,
                                                   :requestsRemaining, :tokensLimit, :tokensRemaining, :retryAt,
                                                   :answeredMsAgo)""")
          .bind("provider", provider).bind("model", model).bind("status", signal.status())
          .bind("requestsLimit", signal.requestsLimit()).bind("requestsRemaining", signal.requestsRemaining())
          .bind("tokensLimit", signal.tokensLimit()).bind("tokensRemaining", signal.tokensRemaining())
          .bind("retryAt", signal.retryAt() == null ? null : Timestamp.from(signal.retryAt()))
          .bind("answeredMsAgo", msSince(answeredAtNanos))
          .mapTo(String.class).one());
    } catch (RuntimeException e) {
      log.warn("could not apply {}/{}'s rate-limit signal (status {}): {}", provider, model, signal.status(),
          e.toString());
    }
  }

  /** Every limit with its live usage, as the service role (for metrics). */
  public List<Map<String, Object>> limits() {
    return transactions.run(Caller.serviceRole(), CORRELATION, RateLimiter::limits);
  }

  /** Every limit with its live usage, as the transaction's caller (operators only: 42501 otherwise). */
  public static List<Map<String, Object>> limits(Handle h) {
    return h.createQuery("select * from public.get_api_rate_limits()").map(JsonRows::map).list();
  }

  /** Creates or replaces one pair's limits as the transaction's caller; returns the stored row. */
  public static Map<String, Object> put(Handle h, RateLimitSettings s) {
    return h.createQuery("""
            select provider_name, api_endpoint, status, requests_per_minute, requests_per_hour, tokens_per_minute,
                   tokens_per_hour, concurrent_requests, backpressure_delay_seconds, updated_at
              from public.put_api_rate_limit(:provider, :endpoint, :rpm, :rph, :tpm, :tph, :concurrent,
                                             :status, :delay)""")
        .bind("provider", s.provider()).bind("endpoint", s.endpoint())
        .bind("rpm", s.requestsPerMinute()).bind("rph", s.requestsPerHour())
        .bind("tpm", s.tokensPerMinute()).bind("tph", s.tokensPerHour())
        .bind("concurrent", s.concurrentRequests())
        .bind("status", s.status() == null ? RateLimitSettings.DEFAULT_STATUS : s.status())
        .bind("delay", s.backpressureDelaySeconds() == null
            ? RateLimitSettings.DEFAULT_BACKPRESSURE_DELAY_SECONDS : s.backpressureDelaySeconds())
        .map(JsonRows::map).one();
  }
}
