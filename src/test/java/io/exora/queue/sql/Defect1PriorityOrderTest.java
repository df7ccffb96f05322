package io.exora.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.queue.sql.QueueDb.Claimed;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Defect 1 of the original: the claim ordered by priority DESC, so priority 10 (the lowest) ran
 * first. Here 1 is the highest priority and is claimed first; within one priority, the job that
 * has been ready longest (oldest scheduled_at) goes first.
 */
class Defect1PriorityOrderTest extends QueueSqlTest {
  @Test
  void claimNextTakesPriorityOneBeforeFiveBeforeTenWhateverTheInsertionOrder() {
    UUID low = db.enqueue("system_maintenance", "{\"n\":\"low\"}", 10);
    UUID mid = db.enqueue("system_maintenance", "{\"n\":\"mid\"}", 5);
    UUID high = db.enqueue("system_maintenance", "{\"n\":\"high\"}", 1);

    assertThat(db.claimNext("w1")).isEqualTo(high);
    assertThat(db.claimNext("w1")).isEqualTo(mid);
    assertThat(db.claimNext("w1")).isEqualTo(low);
    assertThat(db.claimNext("w1")).isNull();
  }

  @Test
  void claimNextTakesPriorityFirstEvenWhenTheUrgentJobIsTheNewest() {
    // Inserted high first this time, and the low-priority job has waited longest.
    UUID mid = db.enqueue("system_maintenance", "{\"n\":\"mid\"}", 5);
    UUID high = db.enqueue("system_maintenance", "{\"n\":\"high\"}", 1);
    UUID low = db.enqueue("system_maintenance", "{\"n\":\"low\"}", 10);
    db.su("update public.job_queue set scheduled_at = now() - interval '1 hour' where id = ?", low);
    db.su("update public.job_queue set scheduled_at = now() - interval '1 minute' where id = ?", mid);

    assertThat(db.claimNext("w1")).isEqualTo(high);
    assertThat(db.claimNext("w1")).isEqualTo(mid);
    assertThat(db.claimNext("w1")).isEqualTo(low);
  }

  @Test
  void withinOnePriorityTheOldestScheduledGoesFirst() {
    UUID newest = db.enqueue("system_maintenance", "{\"n\":\"newest\"}", 5);
    UUID oldest = db.enqueue("system_maintenance", "{\"n\":\"oldest\"}", 5);
    UUID middle = db.enqueue("system_maintenance", "{\"n\":\"middle\"}", 5);
    db.su("update public.job_queue set scheduled_at = now() - interval '30 seconds' where id = ?", newest);
    db.su("update public.job_queue set scheduled_at = now() - interval '10 minutes' where id = ?", oldest);
    db.su("update public.job_queue set scheduled_at = now() - interval '2 minutes' where id = ?", middle);

    assertThat(db.claimNext("w1")).isEqualTo(oldest);
    assertThat(db.claimNext("w1")).isEqualTo(middle);
    assertThat(db.claimNext("w1")).isEqualTo(newest);
  }

  @Test
  void claimJobsTakesTheMostUrgentJobsAndReturnsThemInClaimOrder() {
    // 30 jobs, priorities 10 down to 1 three times over, inserted least urgent first.
    for (int round = 0; round < 3; round++) {
      for (int p = 10; p >= 1; p--) {
        UUID id = db.enqueue("system_maintenance", "{\"p\":" + p + ",\"round\":" + round + "}", p);
        // round 0 is the oldest of each priority
        db.su("update public.job_queue set scheduled_at = now() - make_interval(mins => ?) where id = ?", 10 - round, id);
      }
    }

    List<Claimed> first = db.claim("w1", 7);
    assertThat(first).extracting(c -> priority(c.jobId()))
        .containsExactly(1, 1, 1, 2, 2, 2, 3);
    // within each priority the oldest (round 0) first
    assertThat(first).extracting(c -> round(c.jobId())).containsExactly(0, 1, 2, 0, 1, 2, 0);

    List<Claimed> rest = db.claim("w2", 100);
    assertThat(rest).hasSize(23);
    assertThat(rest).extracting(c -> priority(c.jobId())).isSorted().startsWith(3, 3, 4).endsWith(10);
    assertThat(db.claim("w3", 100)).isEmpty();
  }

  @Test
  void claimJobsReturnsALargeBatchInPriorityOrder() {
    // Big enough that the planner joins by hash: the order must come from the SQL, not from luck.
    db.enqueueBatch("""
        [%s]""".formatted(String.join(",", IntStream.range(0, 3000)
        .mapToObj(i -> "{\"job_type\":\"system_maintenance\",\"job_payload\":{\"i\":" + i + "},\"priority\":"
            + (10 - i % 10) + "}").toList())));
    db.su("analyze public.job_queue");
    // The rescue reads every live job, but at most once per worker.rescue_interval_seconds whatever
    // the number of claims (Defect2HeartbeatTimeoutTest); here the claim alone is measured.
    db.setting("worker.rescue_interval_seconds", "3600");

    List<Claimed> claimed = db.claim("w1", 1000);
    List<Integer> priorities = db.su(h -> h.createQuery("""
            select q.priority from unnest(cast(:ids as uuid[])) with ordinality as c(id, ord)
              join public.job_queue q on q.id = c.id order by c.ord""")
        .bindArray("ids", UUID.class, claimed.stream().map(Claimed::jobId).toArray())
        .mapTo(Integer.class).list());
    assertThat(priorities).hasSize(1000).isSorted();
    // 300 jobs of each priority: the 1000 most urgent are all of 1..3 and 100 of priority 4.
    assertThat(priorities.stream().filter(p -> p == 4)).hasSize(100);
  }

  @Test
  void priorityBeatsLaneOrderAndTheLaneFilterIsHonoured() {
    UUID fastLow = db.enqueue("shell_file_processing", "{\"job_lane\":\"fast_queue\",\"n\":1}", 9);
    UUID standardHigh = db.enqueue("shell_file_processing", "{\"job_lane\":\"standard_queue\",\"n\":2}", 2);
    UUID fastHigh = db.enqueue("shell_file_processing", "{\"job_lane\":\"fast_queue\",\"n\":3}", 3);

    UUID fromFastLane = db.service(h -> h.createQuery(
            "select job_id from public.claim_next_job_v3('w1', null, array['fast_queue'])")
        .mapTo(UUID.class).one());
    assertThat(fromFastLane).isEqualTo(fastHigh);
    assertThat(db.claimNext("w1")).isEqualTo(standardHigh);
    assertThat(db.claimNext("w1")).isEqualTo(fastLow);
  }

  @Test
  void withoutALaneFilterEveryLaneIsClaimedFromInOnePriorityOrder() {
    UUID fast = db.enqueue("shell_file_processing", "{\"job_lane\":\"fast_queue\"}", 4);
    UUID standard = db.enqueue("shell_file_processing", "{\"job_lane\":\"standard_queue\"}", 2);
    UUID simple = db.enqueue("ai_processing", "{\"job_lane\":\"ai_queue_simple\"}", 5);
    UUID complex = db.enqueue("ai_processing", "{\"job_lane\":\"ai_queue_complex\"}", 1);
    UUID other = db.enqueue("report_generation", "{\"n\":1}", 3);

    assertThat(db.claim("w1", 10)).extracting(Claimed::jobId)
        .containsExactly(complex, standard, other, fast, simple);
  }

  @Test
  void theTypeAndLaneFiltersCombineAndARepeatedLaneClaimsNothingTwice() {
    UUID report = db.enqueue("report_generation", "{\"n\":1}", 1);
    UUID backup1 = db.enqueue("backup_operation", "{\"n\":1}", 2);
    UUID backup2 = db.enqueue("backup_operation", "{\"n\":2}", 3);
    db.enqueue("shell_file_processing", "{\"n\":1}", 1);

    List<UUID> backups = db.service(h -> h.createQuery("""
            select job_id from public.claim_jobs_v3('w1', 10, array['backup_operation'], array['default', 'default'])""")
        .mapTo(UUID.class).list());
    assertThat(backups).containsExactly(backup1, backup2);
    List<UUID> reports = db.service(h -> h.createQuery("""
            select job_id from public.claim_jobs_v3('w1', 10, array['report_generation'])""")
        .mapTo(UUID.class).list());
    assertThat(reports).containsExactly(report);
  }

  @Test

  void aClaimReadsTheFewJobsItTakesNotTheWholeBacklog() {
    // 20,000 ready jobs. The claim must walk the index job_queue_ready in claim order and stop;
    // reading and sorting the backlog on every claim makes each claim as slow as the queue is long.
    db.su("""
        insert into public.job_queue (job_type, job_lane, job_name, job_payload, priority, scheduled_at)
        select 'shell_file_processing', case when g % 2 = 0 then 'fast_queue' else 'standard_queue' end,
               'backlog', jsonb_build_object('i', g), 1 + g % 10, now() - make_interval(secs => g)
          from generate_series(1, 20000) g""");
    db.su("analyze public.job_queue");
    // The rescue reads every live job, but at most once per worker.rescue_interval_seconds whatever
    // the number of claims (Defect2HeartbeatTimeoutTest); here the claim alone is measured.
    db.setting("worker.rescue_interval_seconds", "3600");

    for (String lanes : new String[] {"array['fast_queue']", "null"}) {
      long read = db.service(h -> {
        // The xact counters hold a backend's unflushed counts, which can include earlier
        // transactions on this pooled connection (PostgreSQL 15+), so take the difference.
        long before = rowsOfJobQueueRead(h);
        List<Claimed> claimed = h.createQuery("select * from public.claim_jobs_v3('w1', 5, null, " + lanes + ")")
            .mapTo(Claimed.class).list();
        assertThat(claimed).hasSize(5);
        return rowsOfJobQueueRead(h) - before;
      });
      assertThat(read).as("rows of job_queue read by a claim of 5 (lanes %s)", lanes).isLessThan(500);
    }
  }

  private static long rowsOfJobQueueRead(org.jdbi.v3.core.Handle h) {
    return h.createQuery("""
            select seq_tup_read + coalesce(idx_tup_fetch, 0) from pg_catalog.pg_stat_xact_user_tables
             where relid = 'public.job_queue'::regclass""").mapTo(Long.class).one();
  }

  private static int priority(UUID id) {
    return Integer.parseInt(db.column(id, "priority"));
  }

  private static int round(UUID id) {
    return db.su(h -> h.createQuery("select (job_payload ->> 'round')::int from public.job_queue where id = :id")
        .bind("id", id).mapTo(Integer.class).one());
  }
}
