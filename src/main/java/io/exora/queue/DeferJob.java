package io.exora.queue;

import java.time.Duration;

/** Thrown by a handler: "not now, try again after {@code delay}" (capacity, rate limits). No retry is used. */
public final class DeferJob extends RuntimeException {
  private final Duration delay;

  public DeferJob(Duration delay, String reason) {
    super(reason, null, false, false);
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative");
    }
    this.delay = delay;
  }

  public Duration delay() {
    return delay;
  }
}
