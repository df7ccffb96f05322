package io.exora.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.db.Caller;
import io.exora.queue.sql.QueueDb.Claimed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/**
 * Defect 2 of the original: heartbeat_at held an expiry computed on the worker's clock, so the
 * timeout could not be changed and clock skew decided who lost a job. Here heartbeat_at is the time
 * of the last heartbeat on the database clock, and a held job is rescued when that time is older
 * than worker.timeout_seconds, read when the claim runs.
 *
 * <p>No test sleeps: the database's view of a heartbeat's age is set directly.
 */
class Defect2HeartbeatTimeoutTest extends QueueSqlTest {
  @Test
  void theClaimStampsHeartbeatAtWithTheClaimTransactionsNow() {
    db.enqueue("system_maintenance", "{\"n\":1}");
    Map<String, Object> seen = db.service(h -> {
      Claimed c = QueueDb.claim(h, "worker-a", 1).get(0);
      return h.createQuery("""
              select heartbeat_at = now() as heartbeat_is_now, started_at = now() as started_is_now
                from public.job_queue_all where id = :id""")
          .bind("id", c.jobId()).mapToMap().one();
    });
    assertThat(seen).containsEntry("heartbeat_is_now", true).containsEntry("started_is_now", true);
  }

  @Test
  void eachHeartbeatStoresTheTimeOfThatHeartbeatNotAnExpiry() {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed a = db.claimOne("worker-a");
    db.ageHeartbeat(id, 45);

    boolean single = db.service(h -> {
      boolean held = h.createQuery("select public.update_job_heartbeat(:id, 'worker-a', :attempt)")
          .bind("id", id).bind("attempt", a.attempt()).mapTo(Boolean.class).one();
      boolean isNow = h.createQuery("select heartbeat_at = now() from public.job_queue where id = :id")
          .bind("id", id).mapTo(Boolean.class).one();
      return held && isNow;
    });
    assertThat(single).isTrue();

    db.ageHeartbeat(id, 45);
    boolean batch = db.service(h -> {
      List<UUID> held = h.createQuery("select * from public.heartbeat_jobs('worker-a', :ids, :attempts)")
          .bindArray("ids", UUID.class, id).bindArray("attempts", Integer.class, a.attempt())
          .mapTo(UUID.class).list();
      boolean isNow = h.createQuery("select heartbeat_at = now() from public.job_queue where id = :id")
          .bind("id", id).mapTo(Boolean.class).one();
      return held.equals(List.of(id)) && isNow;
    });
    assertThat(batch).isTrue();
  }

  @Test
  void aJobWhoseHeartbeatIsOlderThanTheTimeoutPlusItsJitterIsRescuedAndClaimableAtOnce() {
    db.setting("worker.rescue_jitter_seconds", "5");
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    db.claimOne("worker-a");
    db.ageHeartbeat(id, 59);
    int early = db.service(h -> h.createQuery("select count(*) from public.rescue_stale_jobs()").mapTo(Integer.class).one());
    assertThat(early).as("within the timeout").isZero();
    db.ageHeartbeat(id, 66);

    Map<String, Object> rescued = db.service(h -> {
      List<Map<String, Object>> rows = h.createQuery("select * from public.rescue_stale_jobs()").mapToMap().list();
      assertThat(rows).containsExactly(Map.of("job_id", id, "new_status", "retrying"));
      return h.createQuery("""
              select status, retry_count, heartbeat_at, last_error, scheduled_at <= now() as ready
                from public.job_queue_all where id = :id""")
          .bind("id", id).mapToMap().one();
    });
    assertThat(rescued).containsEntry("status", "retrying").containsEntry("retry_count", 1)
        .containsEntry("heartbeat_at", null).containsEntry("ready", true);
    assertThat((String) rescued.get("last_error")).contains("worker-a").contains("attempt 1");

    Claimed b = db.claimOne("worker-b");
    assertThat(b.jobId()).isEqualTo(id);
    assertThat(b.attempt()).isEqualTo(2);
    assertThat(b.retryCount()).isEqualTo(1);
    assertThat(db.column(id, "worker_id")).isEqualTo("worker-b");
  }

  @Test
  void theRescueMomentIsSpreadOverTheJitterAfterTheTimeout() {
    db.setting("worker.rescue_jitter_seconds", "10");
    db.enqueueBatch("[" + String.join(",", Collections.nCopies(200,
        "{\"job_type\":\"system_maintenance\",\"job_payload\":{\"n\":1}}")) + "]");
    assertThat(db.claim("worker-a", 200)).hasSize(200);

    List<Integer> rescuedByAge = new java.util.ArrayList<>();
    for (double age : new double[] {60.5, 63, 65, 67, 70.5}) {
      db.ageAllHeartbeats(age);
      int rescued = db.service(h -> h.createQuery("select count(*) from public.rescue_stale_jobs(200)")
          .mapTo(Integer.class).one());
      rescuedByAge.add(rescued);
    }
    // Each job's moment is uniform over 60..70 s: about 5% by 60.5 s, 30% by 63, 50% by 65, 70% by 67.
    int by60 = rescuedByAge.get(0);
    int by65 = by60 + rescuedByAge.get(1) + rescuedByAge.get(2);
    assertThat(by60).isLessThan(30);
    assertThat(by65).isBetween(60, 140);
    assertThat(rescuedByAge.stream().mapToInt(Integer::intValue).sum()).as("all by 70.5 s").isEqualTo(200);
  }

  @Test
  void aRescuedJobGoesBackAheadOfTheBacklogThatFormedWhileItWasHeld() {
    db.setting("worker.rescue_jitter_seconds", "2");
    UUID held = db.enqueue("system_maintenance", "{\"n\":1}");
    db.claimOne("worker-a");
    db.enqueueBatch("[" + String.join(",", Collections.nCopies(50,
        "{\"job_type\":\"system_maintenance\",\"job_payload\":{\"n\":2}}")) + "]");
    db.ageHeartbeat(held, 63);

    Claimed next = db.claimOne("worker-b");
    assertThat(next.jobId()).as("the dead worker's job, not the newer backlog").isEqualTo(held);
    assertThat(next.attempt()).isEqualTo(2);
  }

  @Test
  void anotherWorkersClaimRescuesATimedOutJobAndTakesItOver() {
    db.setting("worker.rescue_jitter_seconds", "0");
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    assertThat(db.claimOne("worker-a").attempt()).isEqualTo(1);
    db.ageHeartbeat(id, 61);

    // claim_jobs_v3 rescues before it claims: no separate rescue daemon is needed.
    Claimed b = db.claimOne("worker-b");
    assertThat(b.jobId()).isEqualTo(id);
    assertThat(b.attempt()).isEqualTo(2);
    assertThat(b.retryCount()).isEqualTo(1);
  }

  @Test
  void aJobWhoseHeartbeatIsYoungerThanTheTimeoutIsNotRescued() {
    db.setting("worker.rescue_jitter_seconds", "0");
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    db.claimOne("worker-a");
    db.ageHeartbeat(id, 59);
    String before = db.snapshot(id);

    assertThat(db.claim("worker-b", 10)).isEmpty();
    int rescued = db.service(h -> h.createQuery("select count(*) from public.rescue_stale_jobs()")
        .mapTo(Integer.class).one());
    assertThat(rescued).isZero();
    assertThat(db.snapshot(id)).isEqualTo(before);
    assertThat(db.status(id)).isEqualTo("processing");
    assertThat(db.column(id, "worker_id")).isEqualTo("worker-a");
  }

  @Test
  void theTimeoutCountsFromTheLastHeartbeatNotFromTheClaim() {
    db.setting("worker.rescue_jitter_seconds", "0");
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    Claimed a = db.claimOne("worker-a");
    // Claimed 10 minutes ago, last heartbeat 59 seconds ago: a long job, alive.
    db.su("update public.job_queue set scheduled_at = now() - interval '10 minutes', started_at = now() - interval '10 minutes', "
        + "heartbeat_at = now() - interval '59 seconds' where id = ?", id);
    assertThat(db.heartbeat(id, "worker-a", a.attempt())).isTrue();

    assertThat(db.claim("worker-b", 10)).isEmpty();
    assertThat(db.column(id, "worker_id")).isEqualTo("worker-a");
    assertThat(db.status(id)).isEqualTo("processing");
  }

  @Test
  void aTimedOutJobOnItsLastRetryIsDeadLettered() {
    db.setting("worker.rescue_jitter_seconds", "0");
    UUID id = db.enqueue("system_maintenance", "{\"n\":1,\"max_retries\":1}");
    db.claimOne("worker-a");
    db.ageHeartbeat(id, 61);
    Claimed b = db.claimOne("worker-b");  // retry 1 of 1
    assertThat(b.retryCount()).isEqualTo(1);
    db.ageHeartbeat(id, 61);

    Map<String, Object> dead = db.service(h -> {
      assertThat(QueueDb.claim(h, "worker-c", 10)).isEmpty();
      return h.createQuery("""
              select status, retry_count, heartbeat_at, dead_letter_reason,
                     dead_letter_at = now() as dead_lettered_now, completed_at = now() as finished_now
                from public.job_queue_all where id = :id""")
          .bind("id", id).mapToMap().one();
    });
    assertThat(dead).containsEntry("status", "failed").containsEntry("retry_count", 1)
        .containsEntry("heartbeat_at", null)
        .containsEntry("dead_lettered_now", true).containsEntry("finished_now", true);
    assertThat((String) dead.get("dead_letter_reason")).isNotBlank().contains("heart");
    assertThat(db.claim("worker-c", 10)).isEmpty();
  }

  @Test
  void theTimeoutIsReadFromSystemConfigurationWhenTheClaimRuns() {
    db.setting("worker.rescue_jitter_seconds", "0");
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    db.claimOne("worker-a");
    db.ageHeartbeat(id, 30);

    assertThat(db.claim("worker-b", 1)).isEmpty();  // 30 s < 60 s

    db.setting("worker.timeout_seconds", "20");
    Claimed b = db.claimOne("worker-b");             // 30 s > 20 s
    assertThat(b.jobId()).isEqualTo(id);
    assertThat(b.attempt()).isEqualTo(2);

    db.setting("worker.timeout_seconds", "300");
    db.ageHeartbeat(id, 120);
    assertThat(db.claim("worker-c", 1)).isEmpty();  // 120 s < 300 s
    assertThat(db.column(id, "worker_id")).isEqualTo("worker-b");
  }

  @Test
  void claimsLookForStaleJobsAtMostOncePerRescueIntervalButAlwaysWithinIt() {
    // No index may name heartbeat_at (V070), so the rescue reads the jobs ready before its cut-off
    // (a backlog too, when the queue is behind): claims run it at the pace of
    // worker.rescue_interval_seconds, not at every claim.
    db.setting("worker.rescue_jitter_seconds", "0");
    db.setting("worker.rescue_interval_seconds", "5");
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    db.claimOne("worker-a");                         // this claim ran the rescue (nothing stale)
    db.ageHeartbeat(id, 61);

    assertThat(db.claim("worker-b", 1)).as("within the interval: not looked for yet").isEmpty();

    db.su("update public.job_queue_rescue_state set last_run_at = now() - interval '5 seconds'");
    Claimed b = db.claimOne("worker-b");             // the interval has passed
    assertThat(b.jobId()).isEqualTo(id);
    assertThat(b.attempt()).isEqualTo(2);
    boolean paceReset = db.su(h -> h.createQuery(
        "select last_run_at > now() - interval '1 minute' from public.job_queue_rescue_state").mapTo(Boolean.class).one());
    assertThat(paceReset).as("the claim that rescued set the pace again").isTrue();
  }

  @Test
  void aClaimForOneJobRescuesEveryStaleJobOfADeadWorker() {
    // A lane with one free slot claims one job at a time; the rescue it runs must not be as small.
    db.setting("worker.rescue_jitter_seconds", "0");
    List<UUID> held = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      held.add(db.enqueue("system_maintenance", "{\"n\":" + i + "}"));
    }
    db.claim("dead-worker", 30);
    held.forEach(id -> db.ageHeartbeat(id, 61));
    db.su("update public.job_queue_rescue_state set last_run_at = now() - interval '5 seconds'");  // due

    assertThat(db.claim("survivor", 1)).hasSize(1);

    assertThat(held.stream().filter(id -> db.status(id).equals("processing")
        && "dead-worker".equals(db.column(id, "worker_id")))).as("jobs the dead worker still holds").isEmpty();
  }

  @Test
  void aClaimDoesNotWaitForAnotherClaimsRescue() {
    // A claim that finds the rescue due holds the pace row until it commits. Another claim must go
    // on without it (SKIP LOCKED), not queue behind it, whatever plan its session has cached.
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}");
    try (Handle rescuing = db.transactions.open(Caller.serviceRole(), "rescuing-claim")) {
      rescuing.createQuery("select public.rescue_stale_jobs_if_due(100)").mapTo(String.class).one();
      Claimed claimed = db.service(h -> {
        h.execute("set local lock_timeout = '2s'");
        h.execute("set local plan_cache_mode = force_generic_plan");  // as after five claims in a session
        return QueueDb.claim(h, "worker-b", 1).get(0);
      });
      assertThat(claimed.jobId()).isEqualTo(id);
      rescuing.rollback();
    }
  }
}
