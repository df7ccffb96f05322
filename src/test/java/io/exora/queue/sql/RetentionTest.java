package io.exora.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.queue.sql.QueueDb.Claimed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * prune_finished_jobs: finished jobs (completed, failed, cancelled) whose completed_at is older
 * than queue.retention_hot_seconds move, unchanged, from job_queue to job_queue_archive, up to
 * p_limit per call, oldest first; archived jobs older than queue.retention_archive_days are
 * deleted. Live jobs never move, however old.
 */
class RetentionTest {
  static QueueDb db;

  @BeforeAll
  static void open() {
    db = QueueDb.create();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @BeforeEach
  void reset() {
    db.reset();
  }

  @Test
  void onlyFinishedJobsPastTheHotRetentionMoveAndTheyMoveUnchanged() {
    UUID completedOld = finished("completed", "2 hours");
    UUID failedOld = finished("failed", "2 hours");
    UUID cancelledOld = finished("cancelled", "2 hours");
    UUID completedYoung = finished("completed", "59 minutes");
    UUID failedYoung = finished("failed", "10 minutes");
    // (pending last: live() claims the one ready job to move it into its state)
    List<UUID> live = List.of(live("processing"), live("retrying"), live("deferred"), live("pending"));
    // live jobs that have been around for a long time still stay
    db.su("update public.job_queue set created_at = now() - interval '90 days', updated_at = now() - interval '90 days' "
        + "where status in ('pending', 'processing', 'retrying', 'deferred')");
    Map<UUID, String> before = new HashMap<>();
    for (UUID id : List.of(completedOld, failedOld, cancelledOld)) {
      before.put(id, db.snapshot(id));
    }

    assertThat(prune(5000)).isEqualTo(3);

    assertThat(hotIds()).containsExactlyInAnyOrderElementsOf(concat(live, List.of(completedYoung, failedYoung)));
    assertThat(archivedIds()).containsExactlyInAnyOrder(completedOld, failedOld, cancelledOld);
    for (UUID id : before.keySet()) {
      assertThat(archived(id)).as("archived row of %s, every column", id).isEqualTo(before.get(id));
    }
    assertThat(prune(5000)).as("nothing more to move").isZero();
  }

  @Test
  void theHotRetentionIsReadFromSystemConfiguration() {
    UUID twoMinutes = finished("completed", "2 minutes");
    UUID tenSeconds = finished("completed", "10 seconds");
    assertThat(prune(100)).isZero();

    db.setting("queue.retention_hot_seconds", "60");
    assertThat(prune(100)).isEqualTo(1);
    assertThat(archivedIds()).containsExactly(twoMinutes);
    assertThat(hotIds()).containsExactly(tenSeconds);
  }

  @Test
  void itPagesByTheLimitOldestFirst() {
    List<UUID> oldestFirst = new ArrayList<>();
    for (int hours = 9; hours >= 3; hours--) {
      oldestFirst.add(finished("completed", hours + " hours"));
    }

    assertThat(prune(3)).isEqualTo(3);
    assertThat(archivedIds()).containsExactlyInAnyOrderElementsOf(oldestFirst.subList(0, 3));
    assertThat(prune(3)).isEqualTo(3);
    assertThat(archivedIds()).containsExactlyInAnyOrderElementsOf(oldestFirst.subList(0, 6));
    assertThat(prune(3)).as("less than the limit: the caller stops").isEqualTo(1);
    assertThat(archivedIds()).containsExactlyInAnyOrderElementsOf(oldestFirst);
    assertThat(hotIds()).isEmpty();
  }

  @Test
  void archivedJobsPastTheArchiveRetentionAreDeleted() {
    UUID fortyDays = finished("completed", "40 days");
    UUID twentyDays = finished("failed", "20 days");
    UUID twoHours = finished("cancelled", "2 hours");

    // All three move; the 40-day-old one is past the 30-day archive retention and goes for good.
    assertThat(prune(100)).isEqualTo(3);
    assertThat(archivedIds()).containsExactlyInAnyOrder(twentyDays, twoHours);
    assertThat(hotIds()).doesNotContain(fortyDays);

    db.setting("queue.retention_archive_days", "10");
    assertThat(prune(100)).isZero();
    assertThat(archivedIds()).containsExactly(twoHours);
  }

  @Test
  void theArchiveTrimIsPagedByTheLimitToo() {
    for (int i = 0; i < 5; i++) {
      finished("completed", (40 + i) + " days");
    }
    assertThat(prune(100)).isEqualTo(5);
    assertThat(archivedIds()).isEmpty();

    // rows already in the archive, trimmed p_limit at a time
    db.su("""
        insert into public.job_queue_archive (job_type, job_lane, job_name, job_payload, status, completed_at)
        select 'system_maintenance', 'default', 'old', jsonb_build_object('i', g), 'completed', now() - interval '60 days'
          from generate_series(1, 5) g""");
    assertThat(prune(2)).isZero();
    assertThat(archivedIds()).hasSize(3);
    assertThat(prune(2)).isZero();
    assertThat(prune(2)).isZero();
    assertThat(archivedIds()).isEmpty();
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
    db.su("update public.job_queue set completed_at = now() - cast(? as interval), "
        + "dead_letter_at = case when dead_letter_at is not null then now() - cast(? as interval) end where id = ?",
        ago, ago, id);
    return id;
  }

  private static UUID live(String state) {
    UUID id = db.enqueue("system_maintenance", "{\"live\":\"" + state + "\"}");
    if (!state.equals("pending")) {
      Claimed c = db.claimOne("worker-a");
      switch (state) {
        case "processing" -> { }
        case "retrying" -> db.fail(id, "worker-a", c.attempt(), true);
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

  private static String archived(UUID id) {
    return db.su(h -> h.createQuery("select to_jsonb(a)::text from public.job_queue_archive a where a.id = :id")
        .bind("id", id).mapTo(String.class).one());
  }

  private static List<UUID> concat(List<UUID> a, List<UUID> b) {
    List<UUID> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
