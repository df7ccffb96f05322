package io.exora.queue.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.queue.DeferJob;
import io.exora.queue.JobHandler;
import io.exora.queue.PermanentJobFailure;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.cumulative.CumulativeTimer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

class WorkerTest {

  @Test
  void severalWorkersDrainTenThousandJobsWithEachEffectWrittenExactlyOnce() throws Exception {
    try (QueueFixture f = QueueFixture.fresh(24)) {
      List<UUID> ids = f.enqueue(10_000);
      assertThat(ids).doesNotHaveDuplicates().hasSize(10_000);
      for (int i = 0; i < 3; i++) {
        f.startWorker("cluster-" + i, 16, Map.of("system_maintenance", QueueFixture.effectWriter(Duration.ZERO)));
      }
      QueueFixture.await("all jobs completed", Duration.ofSeconds(120),
          () -> f.count("select count(*) from job_queue_all where status = 'completed'") == 10_000);
      assertThat(f.count("select count(*) from test_effects")).isEqualTo(10_000);
      assertThat(f.count("select count(distinct job_id) from test_effects")).isEqualTo(10_000);
      assertThat(f.count("select count(*) from job_queue_all where attempt <> 1")).isZero();
      assertThat(f.count("select count(distinct worker_id) from job_queue_all")).isEqualTo(3);
    }
  }

  @Test
  void severalClaimersOfOneWorkerNeverRunMoreJobsThanTheLaneAllows() throws Exception {
    // Each claimer reserves its slots before it claims, so claims in flight together stay within
    // the cap (one claimer is the default; several must still be safe).
    try (QueueFixture f = QueueFixture.fresh(8)) {
      f.enqueue(2_000);
      AtomicInteger running = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      f.startWorker("three-claimers", 8, 3, Map.of("system_maintenance", ctx -> {
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
          Thread.sleep(1);
        } finally {
          running.decrementAndGet();
        }
        return null;
      }));
      QueueFixture.await("all jobs completed", Duration.ofSeconds(60),
          () -> f.count("select count(*) from job_queue_all where status = 'completed'") == 2_000);
      assertThat(most.get()).as("jobs running at once").isBetween(2, 8);
      assertThat(f.count("select count(*) from job_queue_all where attempt <> 1")).isZero();
    }
  }

  @Test
  void effectFreeJobsAreCompletedInBatches() throws Exception {
    try (QueueFixture f = QueueFixture.fresh(8)) {
      f.enqueue(3_000);
      f.startWorker("batcher", 64, Map.of("system_maintenance", ctx -> null));
      QueueFixture.await("all jobs completed", Duration.ofSeconds(60),
          () -> f.count("select count(*) from job_queue_all where status = 'completed'") == 3_000);
      // Batched: far fewer distinct completion instants than jobs.
      assertThat(f.count("select count(distinct completed_at) from job_queue_all")).isLessThan(1_000);
    }
  }

  @Test
  void aZombieCannotCompleteItsJobNorCommitItsEffects() throws Exception {
    try (QueueFixture f = QueueFixture.fresh(8)) {
      CountDownLatch zombieStarted = new CountDownLatch(1);
      CountDownLatch releaseZombie = new CountDownLatch(1);
      JobHandler stuck = ctx -> {
        zombieStarted.countDown();
        // A stalled worker (GC pause, network partition) that wakes up after losing its job.
        while (!releaseZombie.await(10, TimeUnit.MILLISECONDS)) {
          Thread.onSpinWait();
        }
        return QueueFixture.effectWriter(Duration.ZERO).handle(ctx);
      };
      UUID job = f.enqueue(1).get(0);
      Worker zombie = f.startWorker("zombie", 1, Map.of("system_maintenance", uninterruptible(stuck)));
      assertThat(zombieStarted.await(10, TimeUnit.SECONDS)).isTrue();
      zombie.close();  // (see uninterruptible) stops heartbeats; the stuck handler keeps going
      f.ownerJdbi.useHandle(h -> h.execute(
          "update job_queue set status = 'processing', heartbeat_at = now() - interval '1 minute', "
              + "started_at = now() - interval '1 minute', scheduled_at = now() - interval '1 minute' where id = ?", job));

      f.startWorker("rescuer", 1, Map.of("system_maintenance", QueueFixture.effectWriter(Duration.ZERO)));
      QueueFixture.await("the rescuer completes the job", Duration.ofSeconds(20),
          () -> f.count("select count(*) from job_queue_all where status = 'completed'") == 1);
      releaseZombie.countDown();
      Thread.sleep(500);

      assertThat(f.count("select count(*) from test_effects")).isEqualTo(1);
      assertThat(f.count("select attempt from test_effects")).isEqualTo(2);
      assertThat(f.count("select attempt from job_queue_all")).isEqualTo(2);
    }
  }

  @Test
  void failuresRetryWithBackoffAndPermanentOnesDeadLetterAtOnce() throws Exception {
    try (QueueFixture f = QueueFixture.fresh(8)) {
      UUID job = f.queue.enqueue(io.exora.queue.JobQueue.NewJob.of("system_maintenance", Map.of("kind", "flaky"))
          .withMaxRetries(2));
      UUID bad = f.queue.enqueue(io.exora.queue.JobQueue.NewJob.of("system_maintenance", Map.of("kind", "bad")));
      f.startWorker("failing", 4, Map.of("system_maintenance", ctx -> {
        if (ctx.job().payload().get("kind").asText().equals("bad")) {
          throw new PermanentJobFailure("invalid_input", "this job can never succeed");
        }
        throw new IllegalStateException("transient trouble");
      }));
      QueueFixture.await("both dead-lettered", Duration.ofSeconds(30),
          () -> f.count("select count(*) from job_queue_all where status = 'failed'") == 2);
      assertThat(f.count("select retry_count from job_queue_all where id = '" + job + "'")).isEqualTo(2);
      assertThat(f.count("select attempt from job_queue_all where id = '" + job + "'")).isEqualTo(3);
      assertThat(f.count("select retry_count from job_queue_all where id = '" + bad + "'")).isZero();
      String code = f.ownerJdbi.withHandle(h -> h.createQuery(
          "select error_details ->> 'code' from job_queue_all where id = ?").bind(0, bad).mapTo(String.class).one());
      assertThat(code).isEqualTo("invalid_input");
    }
  }

  @Test
  void deferringAJobUsesNoRetry() throws Exception {
    try (QueueFixture f = QueueFixture.fresh(8)) {
      UUID job = f.enqueue(1).get(0);
      f.startWorker("deferring", 1, Map.of("system_maintenance", ctx -> {
        if (ctx.job().attempt() < 3) {
          throw new DeferJob(Duration.ofMillis(100), "provider busy");
        }
        return null;
      }));
      QueueFixture.await("completed", Duration.ofSeconds(20),
          () -> f.count("select count(*) from job_queue_all where status = 'completed'") == 1);
      assertThat(f.count("select retry_count from job_queue_all where id = '" + job + "'")).isZero();
      assertThat(f.count("select attempt from job_queue_all where id = '" + job + "'")).isEqualTo(3);
    }
  }

  @Test
  void aSecondAttemptClaimedWhileTheFirstIsInItsLastLinesStaysHeld() throws Exception {
    // The first attempt defers with no delay; the dispatcher claims the job again at once and may
    // put the second attempt in its table of running jobs before the first has left it. The
    // first must then remove only its own entry: the second would otherwise go without
    // heartbeats (rescued while it runs) or, not found at its start, leak its lane slot. The
    // registry holds the first attempt in its last lines (recording its run time) until the
    // second runs, which makes that interleaving certain.
    CountDownLatch secondStarted = new CountDownLatch(1);
    SimpleMeterRegistry registry = new SimpleMeterRegistry() {
      @Override
      protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pause) {
        return new CumulativeTimer(id, clock, config, pause, getBaseTimeUnit()) {
          @Override
          protected void recordNonNegative(long amount, TimeUnit unit) {
            if ("deferred".equals(id.getTag("outcome"))) {
              try {
                secondStarted.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            super.recordNonNegative(amount, unit);
          }
        };
      }
    };
    try (QueueFixture f = QueueFixture.fresh(8)) {
      UUID job = f.enqueue(1).get(0);
      AtomicInteger heldWhileSecondRan = new AtomicInteger(-1);
      Worker[] worker = new Worker[1];
      worker[0] = f.startWorker("again", 2, 1, registry, Map.of("system_maintenance", ctx -> {
        if (ctx.job().attempt() == 1) {
          throw DeferJob.exactly(Duration.ZERO, "again at once");
        }
        secondStarted.countDown();
        Thread.sleep(1_000);  // the first attempt leaves meanwhile
        heldWhileSecondRan.set(worker[0].activeJobs());
        return null;
      }));
      QueueFixture.await("completed", Duration.ofSeconds(20),
          () -> f.count("select count(*) from job_queue_all where status = 'completed'") == 1);
      assertThat(heldWhileSecondRan.get()).as("jobs the worker held (and heart-beat) while the second attempt ran")
          .isEqualTo(1);
      assertThat(f.count("select attempt from job_queue_all where id = '" + job + "'")).isEqualTo(2);
      QueueFixture.await("every slot back", Duration.ofSeconds(10), () -> worker[0].activeJobs() == 0);
    }
  }

  @Test
  void aResultTheDatabaseCannotStoreDeadLettersItsJobAndTheOthersComplete() throws Exception {
    // jsonb cannot hold a NUL character: retrying that batch would fail for ever, and its jobs would
    // stay held (heart-beaten, never rescued) while the completer retried.
    try (QueueFixture f = QueueFixture.fresh(8)) {
      UUID bad = f.enqueue(200).get(17);
      f.startWorker("results", 64, Map.of("system_maintenance", ctx ->
          ctx.job().id().equals(bad) ? Map.of("text", "a\u0000b") : Map.of("ok", true)));
      QueueFixture.await("all finished", Duration.ofSeconds(30),
          () -> f.count("select count(*) from job_queue_all where status in ('completed', 'failed')") == 200);
      assertThat(f.count("select count(*) from job_queue_all where status = 'completed'")).isEqualTo(199);
      assertThat(f.count("select count(*) from job_queue_all where id = '" + bad + "' and status = 'failed'"
          + " and dead_letter_at is not null and last_error = 'the handler''s result could not be stored (SQLSTATE 22P05)'"))
          .isEqualTo(1);
    }
  }

  @Test
  void anExactDeferralComesBackAtTheNamedMomentAndAPlainOneWithJitter() throws Exception {
    try (QueueFixture f = QueueFixture.fresh(8)) {
      List<UUID> jobs = f.enqueue(2);
      UUID exact = jobs.get(0);
      f.startWorker("deferring", 2, Map.of("system_maintenance", ctx -> {
        Duration hundredSeconds = Duration.ofSeconds(100);
        throw ctx.job().id().equals(exact) ? DeferJob.exactly(hundredSeconds, "limiter: free in 100 s")
            : new DeferJob(hundredSeconds, "provider busy");
      }));
      QueueFixture.await("both deferred", Duration.ofSeconds(20),
          () -> f.count("select count(*) from job_queue_all where status = 'deferred'") == 2);
      String delayMs = "select (extract(epoch from scheduled_at - updated_at) * 1000)::bigint from job_queue_all where id = '%s'";
      assertThat(f.count(delayMs.formatted(exact))).isEqualTo(100_000);
      assertThat(f.count(delayMs.formatted(jobs.get(1)))).isBetween(100_000L, 110_000L).isNotEqualTo(100_000L);
    }
  }

  @Test
  void shutdownReleasesUnfinishedJobsClaimableAtOnceWithoutUsingARetry() throws Exception {
    try (QueueFixture f = QueueFixture.fresh(8)) {
      f.enqueue(3);
      CountDownLatch started = new CountDownLatch(3);
      Worker slow = f.startWorker("slow", 3, Map.of("system_maintenance", ctx -> {
        started.countDown();
        Thread.sleep(60_000);
        return null;
      }));
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      long t0 = System.nanoTime();
      slow.close();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
      assertThat(f.count("select count(*) from job_queue_all where status = 'deferred' and scheduled_at <= now() and retry_count = 0"))
          .isEqualTo(3);
      assertThat(f.count("select count(*) from job_workers where worker_id = 'slow' and stopped_at is not null")).isEqualTo(1);

      f.startWorker("next", 3, Map.of("system_maintenance", QueueFixture.effectWriter(Duration.ZERO)));
      QueueFixture.await("picked up again", Duration.ofSeconds(5),
          () -> f.count("select count(*) from job_queue_all where status = 'completed'") == 3);
    }
  }

  @Test
  void jobsAClaimTakesAfterTheShutdownDeadlineAreReleasedNotLeftHeld() throws Exception {
    try (QueueFixture f = QueueFixture.fresh(8)) {
      f.enqueue(3);
      // The worker's first claim waits behind a lock on the table until 7 s; its shutdown (deadline
      // 5 s) has by then released what it held and stopped running jobs.
      Handle lock = f.ownerJdbi.open();
      lock.begin();
      lock.execute("lock table public.job_queue in access exclusive mode");
      Thread unlocker = Thread.ofVirtual().start(() -> {
        try {
          Thread.sleep(7_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        lock.rollback();
        lock.close();
      });
      Worker stalled = f.startWorker("stalled", 3, Map.of("system_maintenance", ctx -> null));
      Thread.sleep(500);
      stalled.close();
      unlocker.join();

      QueueFixture.await("released", Duration.ofSeconds(10), () -> f.count("""
          select count(*) from job_queue_all
           where status = 'deferred' and scheduled_at <= now() and retry_count = 0 and attempt = 1""") == 3);
    }
  }

  @Test
  void aWorkerPrunesArchivedJobsPastTheirRetention() throws Exception {
    try (QueueFixture f = QueueFixture.fresh(8)) {
      f.ownerJdbi.useHandle(h -> h.execute("""
          insert into public.job_queue_archive (job_type, job_lane, job_name, job_payload, status, completed_at)
          select 'system_maintenance', 'default', 'done', jsonb_build_object('i', g), 'completed',
                 now() - make_interval(days => case when g <= 3 then 40 else 1 end)
            from generate_series(1, 5) g"""));
      f.startWorker("pruning", 1, Map.of("system_maintenance", ctx -> null));
      QueueFixture.await("the three past 30 days deleted", Duration.ofSeconds(10),
          () -> f.count("select count(*) from job_queue_archive") == 2);
    }
  }

  @Test
  void anIdleWorkerIsWokenByTheEnqueueNotByItsPoll() throws Exception {
    try (QueueFixture f = QueueFixture.fresh(8)) {
      CountDownLatch ran = new CountDownLatch(1);
      var config = WorkerConfig.defaults("sleepy", Map.of("default", 1))
          .withPollInterval(Duration.ofSeconds(30));
      try (Worker w = new Worker(config, f.queue, f.transactions, Map.of("system_maintenance", ctx -> {
        ran.countDown();
        return null;
      }), io.exora.db.TestPostgres.runtime(f.owner), new com.fasterxml.jackson.databind.ObjectMapper(),
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry()).start()) {
        Thread.sleep(1_000);  // the worker has polled once and now waits up to 30 s
        f.enqueue(1);
        assertThat(ran.await(5, TimeUnit.SECONDS)).as("woken by NOTIFY long before the 30 s poll").isTrue();
      }
    }
  }

  /** Swallows interrupts, like code stuck in a call that ignores them. */
  private static JobHandler uninterruptible(JobHandler inner) {
    return ctx -> {
      while (true) {
        try {
          return inner.handle(ctx);
        } catch (InterruptedException e) {
          // keep going: the zombie does not notice it lost the job
        }
      }
    };
  }
}
