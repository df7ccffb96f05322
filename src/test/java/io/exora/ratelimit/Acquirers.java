package io.exora.ratelimit;

import io.exora.db.Caller;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.RequestTransactions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
 * <p>{@link #main} runs them in a second JVM: jdbc-url user password threads seconds seed. It warms
 * its limiter up, prints "ready", and starts at the instant (epoch milliseconds) read from its
 * standard input, so both JVMs compete from the same moment: a cold JVM starting late would find
 * the few grants of the property test already taken.
 */
final class Acquirers {
  static final String PROVIDER = "openai";
  static final String MODEL = "property-model";

  private Acquirers() {}

  /** Calls the limiter once for a pair without limits, so classes are loaded and statements prepared. */
  static void warmUp(RequestTransactions transactions) {
    new RateLimiter(transactions, new SimpleMeterRegistry()).acquire(PROVIDER, "warm-up", 1, null);
  }

  /**
   * Runs {@code threads} acquirers for {@code duration} from {@code start}; returns the number of
   * grants.
   */
  static int run(RequestTransactions transactions, int threads, Instant start, Duration duration, long seed)
      throws InterruptedException {
    RateLimiter limiter = new RateLimiter(transactions, new SimpleMeterRegistry());
    AtomicInteger grants = new AtomicInteger();
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), start).toMillis()));
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

  public static void main(String[] args) throws IOException, InterruptedException {
    ConnectionSettings login = new ConnectionSettings(args[0], args[1], args[2]);
    int threads = Integer.parseInt(args[3]);
    try (Database pool = Database.open(login, threads + 2, "acquirers")) {
      RequestTransactions transactions = new RequestTransactions(pool.jdbi());
      warmUp(transactions);
      System.out.println("ready");
      System.out.flush();
      String startLine = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      Instant start = Instant.ofEpochMilli(Long.parseLong(startLine.strip()));
      int grants = run(transactions, threads, start, Duration.ofSeconds(Long.parseLong(args[4])),
          Long.parseLong(args[5]));
      System.out.println("grants " + grants);
    }
  }
}
