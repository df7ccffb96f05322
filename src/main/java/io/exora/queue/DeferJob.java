package io.exora.queue;

import java.time.Duration;

/**
 * Thrown by a handler: "not now, try again after {@code delay}" (capacity, rate limits). No retry is used.
 *
 * <p>By default the queue adds up to 10% jitter (at most 30 s) to the delay, so jobs deferred
 * together do not all return together. A handler that was told the exact moment capacity frees
 * (the shared rate limiter's answer) defers {@link #exactly} instead: jitter on a 60 s limiter
 * wait would leave the capacity unused for up to 6 s.
 */
public final class DeferJob extends RuntimeException {
  private final Duration delay;
  private final boolean jitter;

  public DeferJob(Duration delay, String reason) {
    this(delay, reason, true);
  }

  private DeferJob(Duration delay, String reason, boolean jitter) {
    super(reason, null, false, false);
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative");
    }
    this.delay = delay;
    this.jitter = jitter;
  }

  /** Defers by exactly {@code delay}: the queue adds no jitter. */
  public static DeferJob exactly(Duration delay, String reason) {
    return new DeferJob(delay, reason, false);
  }

  public Duration delay() {
    return delay;
  }

  /** Whether the queue should spread the delay with jitter. */
  public boolean jitter() {
    return jitter;
  }
}
