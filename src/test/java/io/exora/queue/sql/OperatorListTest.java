package io.exora.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.queue.sql.QueueDb.Claimed;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * operator_list_jobs reads live jobs from job_queue and finished ones from job_queue_archive and
 * merges them: newest first by created_at, one status or all, and pages by p_before without losing
 * or repeating a job at the boundary between the two tables.
 */
class OperatorListTest extends QueueSqlTest {
  @Test
  void liveAndFinishedJobsComeNewestFirstByStatusAndPageWithoutGapsOrRepeats() {
    // oldest first: live and finished ones interleaved by creation time
    List<UUID> oldestFirst = List.of(job("completed"), job("pending"), job("failed"), job("processing"),
        job("cancelled"), job("retrying"), job("completed"));
    for (int i = 0; i < oldestFirst.size(); i++) {
      int minutesAgo = 100 - i;
      for (String table : List.of("job_queue", "job_queue_archive")) {
        db.su("update public." + table + " set created_at = now() - make_interval(mins => ?) where id = ?",
            minutesAgo, oldestFirst.get(i));
      }
    }
    List<UUID> newestFirst = new ArrayList<>(oldestFirst.reversed());

    assertThat(ids(list(null, 100, null))).containsExactlyElementsOf(newestFirst);
    assertThat(ids(list("completed", 100, null))).containsExactly(oldestFirst.get(6), oldestFirst.get(0));
    assertThat(ids(list("processing", 100, null))).containsExactly(oldestFirst.get(3));
    assertThat(list("failed", 100, null)).singleElement()
        .satisfies(row -> assertThat(row).containsEntry("status", "failed").doesNotContainKey("job_payload"));

    List<UUID> paged = new ArrayList<>();
    Timestamp before = null;
    List<Map<String, Object>> page;
    do {
      page = list(null, 2, before);
      paged.addAll(ids(page));
      before = page.isEmpty() ? null : (Timestamp) page.get(page.size() - 1).get("created_at");
    } while (page.size() == 2);
    assertThat(paged).containsExactlyElementsOf(newestFirst);
  }

  @Test
  void aPageBoundaryInsideOneEnqueueBatchLosesNoJob() {
    // One batch: its jobs share the transaction's now() as created_at, live and finished alike.
    List<UUID> batch = db.service(h -> h.createQuery("select job_id from public.enqueue_jobs_v3(cast(:jobs as jsonb))")
        .bind("jobs", "[" + String.join(",", java.util.Collections.nCopies(7,
            "{\"job_type\":\"report_generation\",\"job_payload\":{\"n\":1}}")) + "]")
        .mapTo(UUID.class).list());
    for (int i = 0; i < 3; i++) {
      Claimed c = db.claimOne("operator-test");
      db.complete(c.jobId(), "operator-test", c.attempt());
    }

    List<UUID> paged = new ArrayList<>();
    Timestamp before = null;
    UUID beforeId = null;
    List<Map<String, Object>> page;
    do {
      page = list(null, 2, before, beforeId);
      paged.addAll(ids(page));
      if (!page.isEmpty()) {
        before = (Timestamp) page.get(page.size() - 1).get("created_at");
        beforeId = (UUID) page.get(page.size() - 1).get("id");
      }
    } while (page.size() == 2);

    assertThat(paged).containsExactlyInAnyOrderElementsOf(batch).doesNotHaveDuplicates();
    // ties in PostgreSQL's uuid order (its bytes, as the lower-case text sorts), newest first
    assertThat(paged.stream().map(UUID::toString).toList()).isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  private static UUID job(String state) {
    // priority 1: the claim below takes this job, not an older one left pending
    UUID id = db.enqueue("report_generation", "{\"state\":\"" + state + "\"}", state.equals("pending") ? 5 : 1);
    if (state.equals("pending")) {
      return id;
    }
    Claimed c = db.claimOne("operator-test");
    assertThat(c.jobId()).isEqualTo(id);
    switch (state) {
      case "processing" -> { }
      case "completed" -> db.complete(id, "operator-test", c.attempt());
      case "failed" -> db.fail(id, "operator-test", c.attempt(), false);
      case "retrying" -> db.failRetryingInAnHour(id, "operator-test", c.attempt());
      case "cancelled" -> db.cancel(id);
      default -> throw new IllegalArgumentException(state);
    }
    assertThat(db.status(id)).isEqualTo(state);
    return id;
  }

  private static List<Map<String, Object>> list(String status, int limit, Timestamp before) {
    return list(status, limit, before, null);
  }

  private static List<Map<String, Object>> list(String status, int limit, Timestamp before, UUID beforeId) {
    return db.service(h -> h.createQuery("select * from public.operator_list_jobs(:status, :limit, :before, :beforeId)")
        .bind("status", status).bind("limit", limit).bind("before", before).bind("beforeId", beforeId)
        .mapToMap().list());
  }

  private static List<UUID> ids(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> (UUID) r.get("id")).toList();
  }
}
