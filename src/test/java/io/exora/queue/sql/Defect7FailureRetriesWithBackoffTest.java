package io.exora.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exora.queue.sql.QueueDb.Claimed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Defect 7 of the original: fail_job set status 'failed' and nothing else, so a transient error
 * killed the job. Here a retryable failure with retries left goes to 'retrying' with exponential
 * backoff and full jitter, random(0, min(cap, base * 2^retry_count)); everything else is
 * dead-lettered with a reason. One statement: the job is never seen half-failed.
 */
class Defect7FailureRetriesWithBackoffTest extends QueueSqlTest {
  /** What fail_job left, read in the failing transaction (so now() is the failure's time). */
  private static Map<String, Object> failAndRead(UUID id, String worker, int attempt, Boolean retryable,
      Double retryAfterSeconds) {
    return db.service(h -> {
      String status = QueueDb.fail(h, id, worker, attempt, "upstream said 503", retryable, retryAfterSeconds);
      Map<String, Object> row = h.createQuery("""
              select status, retry_count, last_error, error_details::text as error_details, heartbeat_at,
                     dead_letter_at, dead_letter_reason, completed_at,
                     dead_letter_at = now() as dead_lettered_now, completed_at = now() as finished_now,
                     extract(epoch from scheduled_at - now())::float8 as wait_seconds
                from public.job_queue_all where id = :id""")
          .bind("id", id).mapToMap().one();
      assertThat(row.get("status")).isEqualTo(status);
      return row;
    });
  }

  @Test
  void aRetryableFailureWithRetriesLeftIsRetriedAfterABackoff() {
    db.setting("worker.retry_base_seconds", "10");
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed c = db.claimOne("worker-a");

    Map<String, Object> row = failAndRead(id, "worker-a", c.attempt(), true, null);

    assertThat(row).containsEntry("status", "retrying").containsEntry("retry_count", 1)
        .containsEntry("last_error", "upstream said 503")
        .containsEntry("error_details", "{\"code\": \"E42\"}")
        .containsEntry("heartbeat_at", null).containsEntry("dead_letter_at", null)
        .containsEntry("dead_letter_reason", null).containsEntry("completed_at", null);
    // retry_count was 0: the wait is in (0, min(3600, 10 * 2^0)] = (0, 10]
    assertThat((Double) row.get("wait_seconds")).isGreaterThan(0.0).isLessThanOrEqualTo(10.0);
    // not claimable before its time
    assertThat(db.claim("worker-b", 1)).isEmpty();
  }

  @Test
  void theBackoffBoundDoublesWithEachRetryUpToTheCap() {
    db.setting("worker.retry_base_seconds", "10");
    db.setting("worker.retry_max_seconds", "50");
    int[] retryCounts = {0, 1, 2, 3, 7};
    double[] bounds = {10, 20, 40, 50, 50};  // min(50, 10 * 2^n)
    for (int i = 0; i < retryCounts.length; i++) {
      UUID id = db.enqueue("system_maintenance", "{\"n\":" + i + ",\"max_retries\":10}");
      db.su("update public.job_queue set retry_count = ? where id = ?", retryCounts[i], id);
      Claimed c = db.claimOne("worker-a");

      Map<String, Object> row = failAndRead(id, "worker-a", c.attempt(), true, null);
      assertThat(row).containsEntry("status", "retrying").containsEntry("retry_count", retryCounts[i] + 1);
      assertThat((Double) row.get("wait_seconds")).as("retry_count %d", retryCounts[i])
          .isGreaterThan(0.0).isLessThanOrEqualTo(bounds[i]);
    }
  }

  @Test
  void theBackoffIsFullyJitteredNotConstant() {
    db.setting("worker.retry_base_seconds", "100");
    int n = 200;
    db.enqueueBatch("[" + String.join(",", Collections.nCopies(n,
        "{\"job_type\":\"system_maintenance\",\"job_payload\":{\"n\":1}}")) + "]");
    List<Claimed> claimed = db.claim("worker-a", n);
    assertThat(claimed).hasSize(n);

    List<Double> waits = db.service(h -> {
      for (Claimed c : claimed) {
        assertThat(QueueDb.fail(h, c.jobId(), "worker-a", c.attempt(), "flaky", true, null)).isEqualTo("retrying");
      }
      return h.createQuery("select extract(epoch from scheduled_at - now())::float8 from public.job_queue")
          .mapTo(Double.class).list();
    });

    // Uniform on (0, 100]: mean 50, standard deviation 28.9. The bounds below are far outside
    // what 200 samples of that produce (the mean's own standard deviation is 2), and far from a
    // constant or an "equal jitter" (50..100) backoff.
    assertThat(waits).hasSize(n).allSatisfy(w -> assertThat(w).isGreaterThan(0.0).isLessThanOrEqualTo(100.0));
    assertThat(waits.stream().distinct().count()).isGreaterThan(190L);
    double mean = waits.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertThat(mean).isBetween(38.0, 62.0);
    List<Integer> quarters = new ArrayList<>(List.of(0, 0, 0, 0));
    for (double w : waits) {
      int q = Math.min(3, (int) (w / 25));
      quarters.set(q, quarters.get(q) + 1);
    }
    // expected 50 per quarter (standard deviation 6.1)
    assertThat(quarters).allSatisfy(q -> assertThat(q).isBetween(25, 75));
  }

  @Test
  void retryAfterIsHonouredAsAMinimum() {
    db.setting("worker.retry_base_seconds", "2");
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed c = db.claimOne("worker-a");

    Map<String, Object> row = failAndRead(id, "worker-a", c.attempt(), true, 120.0);

    assertThat(row).containsEntry("status", "retrying").containsEntry("retry_count", 1);
    // greatest(120, random(0, 2)): exactly the server's Retry-After
    assertThat((Double) row.get("wait_seconds")).isEqualTo(120.0);
  }

  @Test
  void aShortRetryAfterLeavesTheJitteredBackoffInCharge() {
    db.setting("worker.retry_base_seconds", "100");
    List<Double> waits = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      UUID id = db.enqueue("system_maintenance", "{\"n\":" + i + "}");
      Claimed c = db.claimOne("worker-a");
      waits.add((Double) failAndRead(id, "worker-a", c.attempt(), true, 1.0).get("wait_seconds"));
    }
    assertThat(waits).allSatisfy(w -> assertThat(w).isBetween(1.0, 100.0));
    assertThat(waits.stream().distinct().count()).isGreaterThan(15L);
  }

  @Test
  void aNegativeRetryAfterIsRefused() {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed c = db.claimOne("worker-a");
    String before = db.snapshot(id);
    assertThatThrownBy(() -> failAndRead(id, "worker-a", c.attempt(), true, -1.0))
        .satisfies(e -> assertThat(QueueDb.sqlState(e)).isEqualTo("22023"))
        .hasMessageContaining("retry_after must not be negative");
    assertThat(db.snapshot(id)).isEqualTo(before);
  }

  @Test
  void aNonRetryableFailureIsDeadLetteredAsAPermanentError() {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed c = db.claimOne("worker-a");
    String scheduledBefore = db.column(id, "scheduled_at");

    Map<String, Object> row = failAndRead(id, "worker-a", c.attempt(), false, null);

    assertThat(row).containsEntry("status", "failed").containsEntry("retry_count", 0)
        .containsEntry("dead_letter_reason", "permanent error").containsEntry("dead_lettered_now", true)
        .containsEntry("finished_now", true).containsEntry("heartbeat_at", null)
        .containsEntry("last_error", "upstream said 503").containsEntry("error_details", "{\"code\": \"E42\"}");
    assertThat(db.column(id, "scheduled_at")).isEqualTo(scheduledBefore);
    db.makeReady(id);
    assertThat(db.claim("worker-b", 1)).isEmpty();
  }

  @Test
  void aRetryableFailureOnTheLastRetryIsDeadLetteredAsRetriesExhausted() {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1,\"max_retries\":2}");
    db.su("update public.job_queue set retry_count = 2 where id = ?", id);
    Claimed c = db.claimOne("worker-a");
    assertThat(c.retryCount()).isEqualTo(2);
    assertThat(c.maxRetries()).isEqualTo(2);

    Map<String, Object> row = failAndRead(id, "worker-a", c.attempt(), true, null);

    assertThat(row).containsEntry("status", "failed").containsEntry("retry_count", 2)
        .containsEntry("dead_letter_reason", "retries exhausted").containsEntry("dead_lettered_now", true)
        .containsEntry("finished_now", true);
  }

  @Test
  void aJobIsRetriedUntilItsRetriesAreUsedUpThenDeadLettered() {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1,\"max_retries\":3}");
    List<String> statuses = new ArrayList<>();
    for (int attempt = 1; attempt <= 4; attempt++) {
      Claimed c = db.claimOne("worker-a");
      assertThat(c.attempt()).isEqualTo(attempt);
      assertThat(c.retryCount()).isEqualTo(attempt - 1);
      statuses.add(db.fail(id, "worker-a", c.attempt(), true));
      db.makeReady(id);
    }
    assertThat(statuses).containsExactly("retrying", "retrying", "retrying", "failed");
    assertThat(db.column(id, "dead_letter_reason")).isEqualTo("retries exhausted");
    assertThat(db.claim("worker-a", 1)).isEmpty();
  }

  @Test
  void aNullRetryableMeansTheDefaultAndNeverDeadLettersWithoutAReason() {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed c = db.claimOne("worker-a");

    Map<String, Object> row = failAndRead(id, "worker-a", c.attempt(), null, null);

    assertThat(row).containsEntry("status", "retrying").containsEntry("retry_count", 1)
        .containsEntry("dead_letter_reason", null);
  }

  @Test
  void everyDeadLetteredJobHasAReason() {
    // Whatever fail_job is given, a job that ends up failed says why.
    for (Boolean retryable : new Boolean[] {true, false, null}) {
      UUID id = db.enqueue("system_maintenance", "{\"n\":1,\"max_retries\":0}");
      Claimed c = db.claimOne("worker-a");
      Map<String, Object> row = failAndRead(id, "worker-a", c.attempt(), retryable, null);
      assertThat(row).as("retryable=%s", retryable).containsEntry("status", "failed");
      assertThat((String) row.get("dead_letter_reason")).as("retryable=%s", retryable).isNotBlank();
    }
  }

  @Test
  void theFailureIsAtomicAConcurrentReaderSeesTheJobBeforeOrAfterNeverBetween() {
    // One UPDATE statement: a reader outside the failing transaction sees the held job until the
    // commit and the retrying job with all its fields after it, never a mix.
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed c = db.claimOne("worker-a");
    String held = db.snapshot(id);
    String seenDuring = db.service(h -> {
      QueueDb.fail(h, id, "worker-a", c.attempt(), "boom", true, null);
      return db.snapshot(id);  // another connection, before this transaction commits
    });
    assertThat(seenDuring).isEqualTo(held);
    assertThat(db.row(id)).containsEntry("status", "retrying").containsEntry("retry_count", 1)
        .containsEntry("last_error", "boom").containsEntry("heartbeat_at", null);
    assertThat(db.row(id).get("error_details")).isNotNull();
  }
}
