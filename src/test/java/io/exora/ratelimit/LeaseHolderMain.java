package io.exora.ratelimit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.RequestTransactions;
import io.exora.queue.JobHandler;
import io.exora.queue.JobQueue;
import io.exora.queue.runtime.Worker;
import io.exora.queue.runtime.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * A real worker process for {@link LeaseCrashIT}: it runs {@code system_maintenance} jobs whose
 * handler takes a lease for its attempt, prints {@code leased <job>} and then holds the lease
 * forever (a call that never returns), heart-beating like any worker until it is killed.
 *
 * <p>Arguments: jdbc-url user password worker-id
 */
public final class LeaseHolderMain {
  private LeaseHolderMain() {}

  public static void main(String[] args) throws InterruptedException {
    ConnectionSettings login = new ConnectionSettings(args[0], args[1], args[2]);
    String workerId = args[3];
    Database pool = Database.open(login, 6, workerId);
    RequestTransactions transactions = new RequestTransactions(pool.jdbi());
    RateLimiter limiter = new RateLimiter(transactions, new SimpleMeterRegistry());
    JobHandler holdLease = ctx -> {
      Acquisition a = limiter.acquire(Acquirers.PROVIDER, Acquirers.MODEL, 100,
          new JobAttempt(ctx.job().id(), ctx.workerId(), ctx.job().attempt()));
      if (a instanceof Acquisition.Granted) {
        System.out.println("leased " + ctx.job().id());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
      }
      return Map.of("acquisition", a.toString());
    };
    WorkerConfig config = WorkerConfig.defaults(workerId, Map.of("default", 2))
        .withHeartbeatInterval(Duration.ofMillis(300))
        .withPollInterval(Duration.ofMillis(200));
    new Worker(config, new JobQueue(transactions, new ObjectMapper()), transactions,
        Map.of("system_maintenance", holdLease), login, new ObjectMapper(), new SimpleMeterRegistry()).start();
    System.out.println("ready");
    System.out.flush();
    Thread.currentThread().join();
  }
}
