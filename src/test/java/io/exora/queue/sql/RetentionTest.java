package io.exora.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.queue.sql.QueueDb.Claimed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Retention: job_queue holds only live jobs. The statement that finishes a job (complete, the
 * dead letter of fail_job or of the rescue, cancel) moves it to job_queue_archive with its final
 * state, so the hot table is never larger than the backlog; prune_finished_jobs deletes archived
 * jobs older than queue.retention_archive_days, p_limit per call, oldest first. Live jobs never
 * move or go, however old.
 */
class RetentionTest extends QueueSqlTest {
  @Test
  void finishedJobsLeaveTheHotTableAsTheyFinishAndLiveOnesStay() {
    List<UUID> finished = List.of(finished("completed", "0 seconds"), finished("failed", "0 seconds"),
        finished("cancelled", "0 seconds"), rescuedOnItsLastTry());
    // (pending last: live() claims the one ready job to move it into its state)
    List<UUID> live = List.of(live("processing"), live("retrying"), live("deferred"), live("pending"));
    // live jobs that have been around for a long time still stay
    db.su("update public.job_queue set created_at = now() - interval '90 days', updated_at = now() - interval '90 days'");

    assertThat(hotIds()).containsExactlyInAnyOrderElementsOf(live);
    assertThat(archivedIds()).containsExactlyInAnyOrderElementsOf(finished);
    assertThat(prune(5000)).as("nothing is old enough to go").isZero();
    assertThat(hotIds()).containsExactlyInAnyOrderElementsOf(live);
  }

  @Test
  void aJobMovesToTheArchiveWithEveryColumnAsItWasBesidesItsEnding() {
    UUID id = db.enqueue("system_maintenance", "{\"n\":1}", 3);
    Claimed c = db.claimOne("worker-a");
    Map<String, Object> held = db.row(id);
    db.service(h -> QueueDb.complete(h, id, "worker-a", c.attempt()));

    Map<String, Object> archived = db.su(h -> h.createQuery("select * from public.job_queue_archive where id = :id")
        .bind("id", id).mapToMap().one());
    for (String same : List.of("id", "job_type", "job_lane", "job_category", "job_name", "job_payload", "scheduled_at",
        "started_at", "priority", "retry_count", "max_retries", "worker_id", "attempt", "patient_id", "shell_file_id",
        "created_at")) {
      assertThat(archived.get(same)).as(same).isEqualTo(held.get(same));
    }
    assertThat(archived).containsEntry("status", "completed").containsEntry("heartbeat_at", null)
        .containsEntry("dead_letter_at", null);
    assertThat(archived.get("completed_at")).isNotNull();
    assertThat(archived.get("job_result").toString()).contains("ok");
  }

  @Test
  void itPagesByTheLimitOldestFirst() {
    List<UUID> oldestFirst = new ArrayList<>();
    for (int days = 39; days >= 33; days--) {
      oldestFirst.add(finished("completed", days + " days"));
    }
    UUID young = finished("completed", "29 days");

    assertThat(prune(3)).isEqualTo(3);
    assertThat(archivedIds()).doesNotContainAnyElementsOf(oldestFirst.subList(0, 3))
        .containsAll(oldestFirst.subList(3, 7));
    assertThat(prune(3)).isEqualTo(3);
    assertThat(prune(3)).as("less than the limit: the caller stops").isEqualTo(1);
    assertThat(archivedIds()).containsExactly(young);
  }

  @Test
  void theArchiveRetentionIsReadFromSystemConfiguration() {
    UUID fortyDays = finished("completed", "40 days");
    UUID twentyDays = finished("failed", "20 days");
    UUID twoHours = finished("cancelled", "2 hours");

    assertThat(prune(100)).isEqualTo(1);
    assertThat(archivedIds()).containsExactlyInAnyOrder(twentyDays, twoHours).doesNotContain(fortyDays);

    db.setting("queue.retention_archive_days", "10");
    assertThat(prune(100)).isEqualTo(1);
    assertThat(archivedIds()).containsExactly(twoHours);
  }

  @Test
  void aFinishedJobGoesWithItsFileAndItsPatientAsALiveOneDoes() {
    UUID file = db.newShellFile();
    UUID patient = db.su(h -> h.createQuery("select patient_id from public.shell_files where id = :f")
        .bind("f", file).mapTo(UUID.class).one());
    UUID done = db.enqueue("shell_file_processing",
        "{\"shell_file_id\":\"" + file + "\",\"patient_id\":\"" + patient + "\"}");
    assertThat(db.complete(done, "worker-a", db.claimOne("worker-a").attempt())).isTrue();
    UUID report = db.enqueue("report_generation", "{\"patient_id\":\"" + patient + "\"}");
    assertThat(db.cancel(report)).isTrue();
    assertThat(archivedIds()).containsExactlyInAnyOrder(done, report);

    db.su("delete from public.shell_files where id = ?", file);
    assertThat(archivedIds()).as("the document's job went with it").containsExactly(report);
    db.su("delete from public.user_profiles where id = ?", patient);
    assertThat(archivedIds()).as("the profile's job went with it").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------

  private static int prune(int limit) {
    return db.service(h -> h.createQuery("select public.prune_finished_jobs(:limit)")
        .bind("limit", limit).mapTo(Integer.class).one());
  }

  /** A job that finished in the given way, `ago` before now (a PostgreSQL interval). */
  private static UUID finished(String how, String ago) {
    UUID id = db.enqueue("system_maintenance", "{\"finished\":\"" + how + "\",\"ago\":\"" + ago + "\"}");
    Claimed c = db.claimOne("worker-a");
    switch (how) {
      case "completed" -> assertThat(db.complete(id, "worker-a", c.attempt())).isTrue();
      case "failed" -> assertThat(db.fail(id, "worker-a", c.attempt(), false)).isEqualTo("failed");
      case "cancelled" -> assertThat(db.cancel(id)).isTrue();
      default -> throw new IllegalArgumentException(how);
    }
    db.su("update public.job_queue_archive set completed_at = now() - cast(? as interval), "
        + "dead_letter_at = case when dead_letter_at is not null then now() - cast(? as interval) end where id = ?",
        ago, ago, id);
    return id;
  }

  /** A job whose worker stopped heart-beating on its last try: the rescue dead-letters it. */
  private static UUID rescuedOnItsLastTry() {
    UUID id = db.enqueue("system_maintenance", "{\"rescued\":true,\"max_retries\":0}");
    db.claimOne("worker-a");
    db.ageHeartbeat(id, 3600);
    assertThat(db.claim("worker-b", 1)).isEmpty();
    assertThat(db.status(id)).isEqualTo("failed");
    return id;
  }

  private static UUID live(String state) {
    UUID id = db.enqueue("system_maintenance", "{\"live\":\"" + state + "\"}");
    if (!state.equals("pending")) {
      Claimed c = db.claimOne("worker-a");
      switch (state) {
        case "processing" -> { }
        case "retrying" -> db.failRetryingInAnHour(id, "worker-a", c.attempt());
        case "deferred" -> db.reschedule(id, "worker-a", c.attempt(), 60);
        default -> throw new IllegalArgumentException(state);
      }
    }
    assertThat(db.status(id)).isEqualTo(state);
    return id;
  }

  private static List<UUID> hotIds() {
    return db.su(h -> h.createQuery("select id from public.job_queue").mapTo(UUID.class).list());
  }

  private static List<UUID> archivedIds() {
    return db.su(h -> h.createQuery("select id from public.job_queue_archive").mapTo(UUID.class).list());
  }
}
