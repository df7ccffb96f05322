package io.exora.ai;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry policy of the provider layer (vendor SDKs are not used, so nothing else retries).
 *
 * <p>Only failures whose {@link ProviderException.Code} is retryable are retried: 429, 529, other
 * 5xx, timeouts and network errors. Before attempt {@code n + 1} it waits:
 * <ul>
 *   <li>what the vendor asked for, when it sent {@code retry-after} (or {@code retry-after-ms});</li>
 *   <li>otherwise "full jitter": a uniformly random time in
 *       {@code [0, min(maxDelay, baseDelay * 2^(n-1))]}, which spreads the retries of many workers
 *       that failed together instead of sending them back in lockstep.</li>
 * </ul>
 *
 * <p>When the vendor asks for a wait longer than {@code maxDelay}, the policy does not wait: it
 * gives up at once with the vendor's signal attached, so that the worker defers the job to the
 * named time instead of holding a thread (and a concurrency slot) asleep for minutes.
 *
 * <p>Time, sleeping and randomness are injected, so tests run without waiting.
 */
public final class RetryPolicy {
  private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

  /**
   * @param maxAttempts HTTP calls at most, the first included (1 = never retry)
   * @param baseDelay the backoff before the second attempt, at most
   * @param maxDelay the cap on any wait, the vendor's included
   */
  public record Settings(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    public static final int DEFAULT_MAX_ATTEMPTS = 4;
    public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);

    public Settings {
      if (maxAttempts < 1 || maxAttempts > 20) {
        throw new IllegalArgumentException("maxAttempts must be between 1 and 20, got " + maxAttempts);
      }
      if (baseDelay.isNegative() || baseDelay.isZero()) {
        throw new IllegalArgumentException("baseDelay must be positive");
      }
      if (maxDelay.compareTo(baseDelay) < 0) {
        throw new IllegalArgumentException("maxDelay must be at least baseDelay");
      }
    }

    public static Settings defaults(int maxAttempts) {
      return new Settings(maxAttempts, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY);
    }
  }

  /** Waits; {@link Thread#sleep(Duration)} in production, a recorder in tests. */
  @FunctionalInterface
  public interface Sleeper {
    Sleeper THREAD = Thread::sleep;

    void sleep(Duration duration) throws InterruptedException;
  }

  /** One attempt; {@code attempt} counts from 1. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run(int attempt) throws ProviderException;
  }

  /** A value and the number of attempts it took. */
  public record Attempted<T>(T value, int attempts) {}

  private final Settings settings;
  private final Sleeper sleeper;
  private final InstantSource clock;
  private final RandomGenerator random;

  public RetryPolicy(Settings settings, Sleeper sleeper, InstantSource clock, RandomGenerator random) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Real sleeping, the system clock and a shared {@link java.util.Random} (thread-safe). */
  public static RetryPolicy standard(Settings settings) {
    return new RetryPolicy(settings, Sleeper.THREAD, InstantSource.system(), new java.util.Random());
  }

  public Settings settings() {
    return settings;
  }

  public <T> Attempted<T> run(Attempt<T> attempt) throws ProviderException {
    for (int n = 1; ; n++) {
      try {
        return new Attempted<>(attempt.run(n), n);
      } catch (ProviderException e) {
        Duration wait = e.retryable() && n < settings.maxAttempts() ? delayAfter(n, e) : null;
        if (wait == null || Thread.currentThread().isInterrupted()) {
          throw e.afterAttempts(n);
        }
        LOG.info("Retrying after {} (attempt {} of {}) in {} ms{}", e.code().wire(), n, settings.maxAttempts(),
            wait.toMillis(), e.signal() != null && e.signal().retryAt() != null ? " as the vendor asked" : "");
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e.afterAttempts(n);
        }
      }
    }
  }

  /**
   * The wait after failed attempt {@code n}: the vendor's {@code retry-after} if it sent one (null
   * when that is past the cap: give up and defer), else full jitter.
   */
  Duration delayAfter(int n, ProviderException failure) {
    Instant retryAt = failure.signal() == null ? null : failure.signal().retryAt();
    if (retryAt != null) {
      Duration asked = Duration.between(clock.instant(), retryAt);
      if (asked.isNegative()) {
        return Duration.ZERO;
      }
      return asked.compareTo(settings.maxDelay()) <= 0 ? asked : null;
    }
    return backoff(n);
  }

  /** Full jitter: uniform in {@code [0, min(maxDelay, baseDelay * 2^(n-1))]}, in milliseconds. */
  Duration backoff(int n) {
    long base = settings.baseDelay().toMillis();
    long cap = settings.maxDelay().toMillis();
    int shift = Math.min(n - 1, 62);
    long ceiling = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
    return Duration.ofMillis(random.nextLong(ceiling + 1));
  }
}
