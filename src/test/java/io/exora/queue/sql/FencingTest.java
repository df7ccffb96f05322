package io.exora.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.db.Caller;
import io.exora.queue.sql.QueueDb.Claimed;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fencing: every claim bumps the job's attempt, and every write a worker makes to a held job names
 * (job, worker, attempt) and requires status 'processing'. A write that does not match applies to
 * nothing: it returns false / null / no ids and leaves the row exactly as it was (compared as
 * to_jsonb(row), every column).
 *
 * <p>Each transition has its "applies" test and its "does not apply" twins, in the style of River's
 * CompletesARunningJob / DoesNotCompleteARetryableJob.
 */
class FencingTest extends QueueSqlTest {
  @BeforeEach
  void settings() {
    db.setting("worker.rescue_jitter_seconds", "0");
  }

  /** The worker-side writes to a held job, each in its fenced form. */
  enum Transition {
    COMPLETE_JOB(false) {
      @Override
      Object apply(UUID id, String worker, int attempt) {
        return db.complete(id, worker, attempt);
      }

      @Override
      void assertApplied(UUID id, Object result, int retryCountBefore) {
        assertThat(result).isEqualTo(true);
        assertThat(db.row(id)).containsEntry("status", "completed").containsEntry("heartbeat_at", null);
        assertThat(db.column(id, "job_result")).isEqualTo("{\"ok\": true}");
        assertThat(db.column(id, "completed_at")).isNotNull();
      }
    },
    COMPLETE_JOBS(List.of()) {
      @Override
      Object apply(UUID id, String worker, int attempt) {
        return db.completeJobs(worker, List.of(id), List.of(attempt));
      }

      @Override
      void assertApplied(UUID id, Object result, int retryCountBefore) {
        assertThat(result).isEqualTo(List.of(id));
        assertThat(db.row(id)).containsEntry("status", "completed").containsEntry("heartbeat_at", null);
        assertThat(db.column(id, "completed_at")).isNotNull();
      }
    },
    HEARTBEAT_JOBS(List.of()) {
      @Override
      Object apply(UUID id, String worker, int attempt) {
        return db.heartbeatJobs(worker, List.of(id), List.of(attempt));
      }

      @Override
      void assertApplied(UUID id, Object result, int retryCountBefore) {
        assertThat(result).isEqualTo(List.of(id));
        assertFreshHeartbeat(id);
      }
    },
    UPDATE_JOB_HEARTBEAT(false) {
      @Override
      Object apply(UUID id, String worker, int attempt) {
        return db.heartbeat(id, worker, attempt);
      }

      @Override
      void assertApplied(UUID id, Object result, int retryCountBefore) {
        assertThat(result).isEqualTo(true);
        assertFreshHeartbeat(id);
      }
    },
    FAIL_JOB(null) {
      @Override
      Object apply(UUID id, String worker, int attempt) {
        return db.fail(id, worker, attempt, true);
      }

      @Override
      void assertApplied(UUID id, Object result, int retryCountBefore) {
        assertThat(result).isEqualTo("retrying");
        assertThat(db.row(id)).containsEntry("status", "retrying").containsEntry("retry_count", retryCountBefore + 1)
            .containsEntry("last_error", "boom").containsEntry("heartbeat_at", null);
      }
    },
    RESCHEDULE_JOB(false) {
      @Override
      Object apply(UUID id, String worker, int attempt) {
        return db.reschedule(id, worker, attempt, 300);
      }

      @Override
      void assertApplied(UUID id, Object result, int retryCountBefore) {
        assertThat(result).isEqualTo(true);
        assertThat(db.row(id)).containsEntry("status", "deferred").containsEntry("retry_count", retryCountBefore)
            .containsEntry("last_error", "rate limited").containsEntry("heartbeat_at", null);
        double wait = db.su(h -> h.createQuery(
                "select extract(epoch from scheduled_at - now())::float8 from public.job_queue where id = :id")
            .bind("id", id).mapTo(Double.class).one());
        assertThat(wait).isBetween(290.0, 300.0);
      }
    };

    /** What the RPC returns when it applies to nothing. */
    final Object nothing;

    Transition(Object nothing) {
      this.nothing = nothing;
    }

    abstract Object apply(UUID id, String worker, int attempt);

    /** The row after the transition, for a job whose retry_count was retryCountBefore. */
    abstract void assertApplied(UUID id, Object result, int retryCountBefore);

    @Override
    public String toString() {
      return name().toLowerCase();
    }

    private static void assertFreshHeartbeat(UUID id) {
      double age = db.su(h -> h.createQuery(
              "select extract(epoch from now() - heartbeat_at)::float8 from public.job_queue where id = :id")
          .bind("id", id).mapTo(Double.class).one());
      assertThat(age).as("seconds since the heartbeat").isLessThan(5.0);
      assertThat(db.status(id)).isEqualTo("processing");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Applies: the holder, under its attempt

  @ParameterizedTest(name = "{0} applies to a job held by the worker under its attempt")
  @EnumSource(Transition.class)
  void appliesToAJobHeldByTheWorkerUnderItsAttempt(Transition t) {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed a = db.claimOne("worker-a");
    db.ageHeartbeat(id, 30);

    t.assertApplied(id, t.apply(id, "worker-a", a.attempt()), 0);
  }

  @ParameterizedTest(name = "{0} applies to the new holder after a rescue (attempt 2)")
  @EnumSource(Transition.class)
  void appliesToTheNewHolderAfterARescue(Transition t) {
    UUID id = heldByBAfterRescue();
    db.ageHeartbeat(id, 30);

    t.assertApplied(id, t.apply(id, "worker-b", 2), 1);  // the rescue used one retry
  }

  // ---------------------------------------------------------------------------------------------
  // Does not apply: someone who is not the holder

  @ParameterizedTest(name = "{0} does not apply for the zombie: old worker, old attempt")
  @EnumSource(Transition.class)
  void doesNotApplyForTheRescuedWorkersOldAttempt(Transition t) {
    UUID id = heldByBAfterRescue();
    assertNothingHappens(t, id, "worker-a", 1);
  }

  @ParameterizedTest(name = "{0} does not apply with a stale attempt, even from the worker that holds it now")
  @EnumSource(Transition.class)
  void doesNotApplyWithAStaleAttemptOfTheCurrentWorker(Transition t) {
    UUID id = heldByBAfterRescue();
    assertNothingHappens(t, id, "worker-b", 1);
  }

  @ParameterizedTest(name = "{0} does not apply when the same worker re-claimed the job: its old attempt is fenced off")
  @EnumSource(Transition.class)
  void doesNotApplyWithTheOldAttemptAfterTheSameWorkerReclaimedTheJob(Transition t) {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    db.claimOne("worker-a");
    db.ageHeartbeat(id, 61);
    assertThat(db.claimOne("worker-a").attempt()).isEqualTo(2);

    assertNothingHappens(t, id, "worker-a", 1);
  }

  @ParameterizedTest(name = "{0} does not apply from the wrong worker, even with the right attempt")
  @EnumSource(Transition.class)
  void doesNotApplyFromTheWrongWorker(Transition t) {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed a = db.claimOne("worker-a");
    assertNothingHappens(t, id, "worker-z", a.attempt());
  }

  @ParameterizedTest(name = "{0} does not apply with a future attempt")
  @EnumSource(Transition.class)
  void doesNotApplyWithAnAttemptThatWasNeverClaimed(Transition t) {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed a = db.claimOne("worker-a");
    assertNothingHappens(t, id, "worker-a", a.attempt() + 1);
  }

  @ParameterizedTest(name = "{0} does not apply to an unknown job")
  @EnumSource(Transition.class)
  void doesNotApplyToAnUnknownJob(Transition t) {
    db.enqueue("system_maintenance", "{\"n\":1}");
    db.claimOne("worker-a");
    String before = allRows();
    assertThat(t.apply(UUID.randomUUID(), "worker-a", 1)).isEqualTo(t.nothing);
    assertThat(allRows()).isEqualTo(before);
  }

  // ---------------------------------------------------------------------------------------------
  // Does not apply: a job that is not held (by anyone), although worker-a held it under attempt 1

  static Stream<Arguments> transitionsAndUnheldStates() {
    List<Arguments> out = new ArrayList<>();
    for (Transition t : Transition.values()) {
      for (String state : List.of("pending", "retrying", "deferred", "completed", "failed", "cancelled")) {
        out.add(Arguments.of(t, state));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} does not apply to a {1} job")
  @MethodSource("transitionsAndUnheldStates")
  void doesNotApplyToAJobThatIsNotHeld(Transition t, String state) {
    UUID id = lastHeldByWorkerAUnderAttempt1ThenMovedTo(state);
    assertThat(db.status(id)).isEqualTo(state);
    assertThat(db.column(id, "worker_id")).isIn("worker-a", null);

    assertNothingHappens(t, id, "worker-a", 1);
  }

  @Test
  void aPendingJobThatWasNeverClaimedCannotBeTouchedWithAttemptZero() {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    for (Transition t : Transition.values()) {
      assertNothingHappens(t, id, "worker-a", 0);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The zombie, end to end

  @Test
  void aZombieWorkerChangesNothingAndItsEffectsRollBackWhileTheNewHolderCompletes() {
    UUID file = db.newShellFile();
    UUID id = db.enqueue("shell_file_processing", "{\"shell_file_id\":\"" + file + "\"}");

    // Worker A claims (attempt 1), then stalls: no heartbeat for longer than the timeout.
    Claimed a = db.claimOne("worker-a");
    assertThat(a.attempt()).isEqualTo(1);
    db.ageHeartbeat(id, 61);

    // Worker B's claim rescues the job and takes it (attempt 2).
    Claimed b = db.claimOne("worker-b");
    assertThat(b.jobId()).isEqualTo(id);
    assertThat(b.attempt()).isEqualTo(2);
    String heldByB = db.snapshot(id);

    // A wakes up and does everything a worker can do; none of it lands.
    assertThat(db.heartbeat(id, "worker-a", 1)).isFalse();
    assertThat(db.heartbeatJobs("worker-a", List.of(id), List.of(1))).isEmpty();
    assertThat(db.reschedule(id, "worker-a", 1, 60)).isFalse();
    assertThat(db.fail(id, "worker-a", 1, true)).isNull();
    assertThat(db.fail(id, "worker-a", 1, false)).isNull();
    assertThat(db.completeJobs("worker-a", List.of(id), List.of(1))).isEmpty();
    // the original's unfenced signatures (no attempt) are still fenced by the worker id
    assertThat(db.heartbeat(id, "worker-a", null)).isFalse();
    assertThat(db.complete(id, "worker-a", null)).isFalse();
    assertThat(db.snapshot(id)).isEqualTo(heldByB);

    // A's effects and its completion share one transaction: complete_job says no, A rolls back.
    assertThat(completeWithEffects(id, file, "worker-a", 1, "text extracted by A")).isFalse();
    assertThat(extractedText(file)).isNull();
    assertThat(db.snapshot(id)).isEqualTo(heldByB);

    // B, the holder, commits its effects with its completion.
    assertThat(completeWithEffects(id, file, "worker-b", 2, "text extracted by B")).isTrue();
    assertThat(extractedText(file)).isEqualTo("text extracted by B");
    assertThat(db.row(id)).containsEntry("status", "completed").containsEntry("worker_id", "worker-b")
        .containsEntry("attempt", 2);

    // And A, still trying, changes nothing about the finished job either.
    String completed = db.snapshot(id);
    assertThat(completeWithEffects(id, file, "worker-a", 1, "text extracted by A")).isFalse();
    assertThat(db.fail(id, "worker-a", 1, true)).isNull();
    assertThat(db.snapshot(id)).isEqualTo(completed);
    assertThat(extractedText(file)).isEqualTo("text extracted by B");
  }

  @Test
  void aCancelledJobsWorkerLosesItsCompletionAndItsEffects() {
    UUID file = db.newShellFile();
    UUID id = db.enqueue("shell_file_processing", "{\"shell_file_id\":\"" + file + "\"}");
    Claimed a = db.claimOne("worker-a");
    assertThat(db.cancel(id)).isTrue();

    assertThat(db.heartbeat(id, "worker-a", a.attempt())).isFalse();
    assertThat(completeWithEffects(id, file, "worker-a", a.attempt(), "too late")).isFalse();
    assertThat(extractedText(file)).isNull();
    assertThat(db.status(id)).isEqualTo("cancelled");
  }

  /**
   * The worker's commit protocol: write the job's effects, then complete_job in the same
   * transaction; commit only when complete_job says the worker still held the job.
   */
  private static boolean completeWithEffects(UUID jobId, UUID file, String worker, int attempt, String text) {
    Handle tx = db.transactions.open(Caller.serviceRole(), "worker " + worker);
    try {
      tx.createUpdate("update public.shell_files set extracted_text = :text, processing_worker_id = :worker where id = :file")
          .bind("text", text).bind("worker", worker).bind("file", file).execute();
      boolean held = QueueDb.complete(tx, jobId, worker, attempt);
      if (held) {
        tx.commit();
      } else {
        tx.rollback();
      }
      return held;
    } finally {
      tx.close();
    }
  }

  private static String extractedText(UUID file) {
    return db.su(h -> h.createQuery("select extracted_text from public.shell_files where id = :id")
        .bind("id", file).mapTo(String.class).one());
  }

  // ---------------------------------------------------------------------------------------------

  private static void assertNothingHappens(Transition t, UUID id, String worker, int attempt) {
    String before = db.snapshot(id);
    Object result = t.apply(id, worker, attempt);
    assertThat(result).as("%s by %s under attempt %d", t, worker, attempt).isEqualTo(t.nothing);
    assertThat(db.snapshot(id)).as("the row after %s by %s under attempt %d", t, worker, attempt)
        .isEqualTo(before);
  }

  /** Claimed by worker-a (attempt 1), timed out, rescued and claimed by worker-b (attempt 2). */
  private static UUID heldByBAfterRescue() {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    assertThat(db.claimOne("worker-a").attempt()).isEqualTo(1);
    db.ageHeartbeat(id, 61);
    Claimed b = db.claimOne("worker-b");
    assertThat(b.jobId()).isEqualTo(id);
    assertThat(b.attempt()).isEqualTo(2);
    return id;
  }

  /** A job worker-a claimed under attempt 1, then moved by the queue into the given state. */
  private static UUID lastHeldByWorkerAUnderAttempt1ThenMovedTo(String state) {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed a = db.claimOne("worker-a");
    assertThat(a.attempt()).isEqualTo(1);
    switch (state) {
      case "pending" -> {
        assertThat(db.fail(id, "worker-a", 1, false)).isEqualTo("failed");
        assertThat(db.retryDead(id)).isTrue();  // an operator re-queues it: pending, not held
      }
      case "retrying" -> assertThat(db.fail(id, "worker-a", 1, true)).isEqualTo("retrying");
      case "deferred" -> assertThat(db.reschedule(id, "worker-a", 1, 60)).isTrue();
      case "completed" -> assertThat(db.complete(id, "worker-a", 1)).isTrue();
      case "failed" -> assertThat(db.fail(id, "worker-a", 1, false)).isEqualTo("failed");
      case "cancelled" -> assertThat(db.cancel(id)).isTrue();
      default -> throw new IllegalArgumentException(state);
    }
    // Ready again, so nothing but the fence stands between the call and the row.
    db.makeReady(id);
    return id;
  }

  private static String allRows() {
    return db.su(h -> h.createQuery("select coalesce(jsonb_agg(to_jsonb(q) order by q.id), '[]')::text from public.job_queue_all q")
        .mapTo(String.class).one());
  }
}
