package io.exora.ratelimit;

import io.exora.db.Caller;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.RequestTransactions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that hammer the limiter for one pair, each on its own pooled connection: ask for a random
 * number of tokens, "call" for a random time while holding the lease, release with a random actual
 * count at most the reservation, and record the actual count in {@code test_lease_log}. A wait is
 * slept for at most 100 ms, so the pressure stays far above the limits. Seeded per thread.
 *
 * <p>{@link #main} runs them in a second JVM: jdbc-url user password threads seconds seed.
 */
final class Acquirers {
  static final String PROVIDER = "openai";
  static final String MODEL = "property-model";

  private Acquirers() {}

  /** Runs {@code threads} acquirers for {@code duration}; returns the number of grants. */
  static int run(RequestTransactions transactions, int threads, Duration duration, long seed)
      throws InterruptedException {
    RateLimiter limiter = new RateLimiter(transactions, new SimpleMeterRegistry());
    AtomicInteger grants = new AtomicInteger();
    long deadline = System.nanoTime() + duration.toNanos();
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Random random = new Random(seed * 1_000 + t);
      running.add(Thread.ofPlatform().start(() -> {
        while (System.nanoTime() < deadline) {
          long tokens = 100 + random.nextInt(2_900);
          Acquisition a = limiter.acquire(PROVIDER, MODEL, tokens, null);
          try {
            if (a instanceof Acquisition.Granted g) {
              grants.incrementAndGet();
              Thread.sleep(20 + random.nextInt(180));
              long actual = tokens / 4 + random.nextInt((int) (tokens - tokens / 4) + 1);
              limiter.release(g.leaseId(), actual);
              UUID lease = g.leaseId();
              transactions.run(Caller.serviceRole(), "property", h -> h.createUpdate(
                      "update public.test_lease_log set actual = :a where lease_id = :l")
                  .bind("a", actual).bind("l", lease).execute());
            } else if (a instanceof Acquisition.Wait w) {
              Thread.sleep(Math.min(100, Math.max(1, w.delay().toMillis())));
            }
          } catch (InterruptedException e) {
            return;
          }
        }
      }));
    }
    for (Thread t : running) {
      t.join();
    }
    return grants.get();
  }

  public static void main(String[] args) throws InterruptedException {
    ConnectionSettings login = new ConnectionSettings(args[0], args[1], args[2]);
    int threads = Integer.parseInt(args[3]);
    try (Database pool = Database.open(login, threads + 2, "acquirers")) {
      System.out.println("ready");
      System.out.flush();
      int grants = run(new RequestTransactions(pool.jdbi()), threads, Duration.ofSeconds(Long.parseLong(args[4])),
          Long.parseLong(args[5]));
      System.out.println("grants " + grants);
    }
  }
}
