package io.exora.background;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A task run now and then every interval on a daemon thread of its own, until closed. The task
 * catches and logs its own failures: the next run comes at the next interval whatever happened.
 * Closing ends the wait at once and gives a run in progress up to ten seconds to finish.
 */
public final class Periodic implements AutoCloseable {
  private static final Duration FINISH_WAIT = Duration.ofSeconds(10);
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;

  private Periodic(String threadName, Duration interval, Runnable task) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(threadName + ": the interval must be positive, was " + interval);
    }
    this.thread = Thread.ofPlatform().name(threadName).daemon().unstarted(() -> {
      do {
        task.run();
      } while (!stopped(interval));
    });
  }

  public static Periodic start(String threadName, Duration interval, Runnable task) {
    Periodic periodic = new Periodic(threadName, interval, task);
    periodic.thread.start();
    return periodic;
  }

  /** Waits out the interval; true when closed meanwhile (or interrupted). */
  private boolean stopped(Duration interval) {
    try {
      return stop.await(interval.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(FINISH_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
