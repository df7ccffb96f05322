package io.exora.ratelimit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per limit, for Prometheus: {@code exora.ratelimit.utilisation} (used / limit in the current
 * window, by provider, endpoint and limit kind), {@code exora.ratelimit.active} (live leases) and
 * {@code exora.ratelimit.violations} (429s and 529s counted by observe). Wait times are a timer
 * recorded where the waits happen ({@code exora.ratelimit.wait}, in {@link RateLimiter}).
 *
 * <p>Like the queue-depth gauges, the usage is read when the gauges are scraped, at most once per
 * {@code maxAge}; a pair an operator adds later gets its gauges on the next read.
 */
public final class RateLimitGauges {
  private static final Logger log = LoggerFactory.getLogger(RateLimitGauges.class);
  /** limit kind -> (column with the limit, column with the usage in its window). */
  static final Map<String, String[]> KINDS = Map.of(
      "requests_per_minute", new String[] {"requests_per_minute", "requests_minute"},
      "requests_per_hour", new String[] {"requests_per_hour", "requests_hour"},
      "tokens_per_minute", new String[] {"tokens_per_minute", "tokens_minute"},
      "tokens_per_hour", new String[] {"tokens_per_hour", "tokens_hour"},
      "concurrent_requests", new String[] {"concurrent_requests", "active_requests"});

  private final RateLimiter limiter;
  private final MeterRegistry registry;
  private final long maxAgeNanos;
  private final Set<String> registered = new HashSet<>();
  private Map<String, Map<String, Object>> snapshot = Map.of();
  private long takenAt;
  private boolean taken;

  private RateLimitGauges(RateLimiter limiter, MeterRegistry registry, Duration maxAge) {
    this.limiter = limiter;
    this.registry = registry;
    this.maxAgeNanos = maxAge.toNanos();
  }

  public static RateLimitGauges register(MeterRegistry registry, RateLimiter limiter, Duration maxAge) {
    RateLimitGauges gauges = new RateLimitGauges(limiter, registry, maxAge);
    gauges.refresh(System.nanoTime());
    return gauges;
  }

  private synchronized Map<String, Map<String, Object>> current() {
    long now = System.nanoTime();
    if (!taken || now - takenAt > maxAgeNanos) {
      refresh(now);
    }
    return snapshot;
  }

  private synchronized void refresh(long now) {
    try {
      List<Map<String, Object>> rows = limiter.limits();
      Map<String, Map<String, Object>> next = new HashMap<>();
      for (Map<String, Object> row : rows) {
        String key = row.get("provider_name") + "/" + row.get("api_endpoint");
        next.put(key, row);
      }
      snapshot = next;
      rows.forEach(this::registerFor);
    } catch (RuntimeException e) {
      log.warn("could not read the rate limits: {}", e.getMessage());
      snapshot = Map.of();
    } finally {
      takenAt = now;
      taken = true;
    }
  }

  private void registerFor(Map<String, Object> row) {
    String provider = String.valueOf(row.get("provider_name"));
    String endpoint = String.valueOf(row.get("api_endpoint"));
    String key = provider + "/" + endpoint;
    if (!registered.add(key)) {
      return;
    }
    KINDS.forEach((kind, columns) -> Gauge.builder("exora.ratelimit.utilisation", this,
            g -> g.ratio(key, columns[0], columns[1]))
        .description("share of the limit used in its current window (1 = at the limit)")
        .tags("provider", provider, "endpoint", endpoint, "limit", kind)
        .strongReference(true)
        .register(registry));
    Gauge.builder("exora.ratelimit.active", this, g -> g.number(key, "active_requests"))
        .description("live leases (calls in flight)").tags("provider", provider, "endpoint", endpoint)
        .strongReference(true).register(registry);
    FunctionCounter.builder("exora.ratelimit.violations", this, g -> g.number(key, "rate_limit_violations"))
        .description("429 and 529 answers the vendor gave").tags("provider", provider, "endpoint", endpoint)
        .register(registry);
  }

  private double ratio(String key, String limitColumn, String usedColumn) {
    Map<String, Object> row = current().get(key);
    if (row == null || !(row.get(limitColumn) instanceof Number limit) || limit.doubleValue() <= 0) {
      return Double.NaN;
    }
    return ((Number) row.get(usedColumn)).doubleValue() / limit.doubleValue();
  }

  private double number(String key, String column) {
    Map<String, Object> row = current().get(key);
    return row != null && row.get(column) instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
