package io.exora.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.queue.sql.QueueDb.Claimed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The queue's functions reach their rows through indexes, whichever plan the server caches for
 * them. A PL/pgSQL function's statements switch to a generic plan (one for any parameter values)
 * after five calls in a session, and a generic plan estimated "scheduled_at < $1" at a third of the
 * table: with a LIMIT, a sequential scan looked cheaper than the index. The rescue, which runs once
 * a second, did that for every lane and priority: 50 scans of the whole table a second, half a
 * second each at 200,000 queued jobs (seen in the queue benchmark). So each function runs here
 * under both plan modes, with statistics taken on a full table and on an empty one (a fresh
 * database that filled up before autovacuum's first analyze), and must not scan job_queue or
 * job_queue_archive sequentially.
 */
class QueuePlansTest extends QueueSqlTest {
  private static final int QUEUED = 3_000;
  private static final int HELD = 2_000;
  private static final int ARCHIVED = 3_000;

  @ParameterizedTest(name = "{0}, statistics taken on {1} tables, {2} jobs")
  @CsvSource({
      "force_generic_plan, full, held", "force_generic_plan, empty, held",
      "force_custom_plan, full, held", "force_custom_plan, empty, held",
      "force_generic_plan, full, ready", "force_generic_plan, empty, ready",
      "force_custom_plan, full, ready", "force_custom_plan, empty, ready"})
  void noQueueFunctionScansAQueueTableSequentially(String planMode, String statistics, String jobs) {
    if (statistics.equals("empty")) {
      db.su("analyze public.job_queue; analyze public.job_queue_archive");
    }
    // "held": as in the benchmark, one priority and most jobs held by live workers. "ready": every
    // job waiting, at every priority. The planner's choices differed between the two.
    boolean held = jobs.equals("held");
    db.su("""
        insert into public.job_queue (job_type, job_lane, job_name, job_payload, priority, status, worker_id,
                                      attempt, started_at, heartbeat_at)
        select 'system_maintenance', 'default', 'queued', jsonb_build_object('i', g),
               case when ? then 5 else 1 + g % 10 end,
               case when g <= ? then 'processing' else 'pending' end,
               case when g <= ? then 'busy-worker' end, case when g <= ? then 1 else 0 end,
               case when g <= ? then now() end, case when g <= ? then now() end
          from generate_series(1, ?) g""", held, heldJobs(held), heldJobs(held), heldJobs(held), heldJobs(held),
        heldJobs(held), QUEUED);
    db.su("""
        insert into public.job_queue_archive (job_type, job_lane, job_name, job_payload, status, completed_at)
        select 'system_maintenance', 'default', 'done', jsonb_build_object('i', g), 'completed',
               now() - make_interval(days => g % 60)
          from generate_series(1, ?) g""", ARCHIVED);
    if (statistics.equals("full")) {
      db.su("analyze public.job_queue; analyze public.job_queue_archive");
    }

    UUID file = db.newShellFile();  // its job is enqueued again at every round: a live duplicate
    Map<String, Long> scans = db.service(h -> {
      h.execute("set local plan_cache_mode = " + planMode);
      Map<String, Long> seen = new LinkedHashMap<>();
      // Ten calls of each: past the five custom plans after which a generic one may be cached.
      for (int i = 0; i < 10; i++) {
        List<Claimed> claimed = QueueDb.claim(h, "worker-" + i, 20);
        assertThat(claimed).hasSize(20);
        count(seen, "claim_jobs_v3", h);
        h.createQuery("select count(*) from public.rescue_stale_jobs(100)").mapTo(Long.class).one();
        count(seen, "rescue_stale_jobs", h);
        h.createQuery("select count(*) from public.heartbeat_jobs(:worker, :ids, :attempts)")
            .bind("worker", "worker-" + i).bindArray("ids", UUID.class, ids(claimed))
            .bindArray("attempts", Integer.class, attempts(claimed)).mapTo(Long.class).one();
        count(seen, "heartbeat_jobs", h);
        Claimed first = claimed.get(0);
        QueueDb.fail(h, first.jobId(), "worker-" + i, first.attempt(), "boom", true, null);
        count(seen, "fail_job", h);
        Claimed second = claimed.get(1);
        h.createQuery("select public.reschedule_job(:id, 5, 'later', false, :worker, :attempt)")
            .bind("id", second.jobId()).bind("worker", "worker-" + i).bind("attempt", second.attempt())
            .mapTo(Boolean.class).one();
        count(seen, "reschedule_job", h);
        Claimed third = claimed.get(2);
        QueueDb.fail(h, third.jobId(), "worker-" + i, third.attempt(), "fatal", false, null);
        h.createQuery("select public.retry_dead_job(:id)").bind("id", third.jobId()).mapTo(Boolean.class).one();
        count(seen, "fail_job (dead letter) and retry_dead_job", h);
        List<UUID> enqueued = h.createQuery("select job_id from public.enqueue_jobs_v3(cast(:jobs as jsonb))")
            .bind("jobs", "[{\"job_type\":\"system_maintenance\",\"job_payload\":{\"n\":1}},"
                + "{\"job_type\":\"shell_file_processing\",\"job_payload\":{\"shell_file_id\":\"" + file + "\"}}]")
            .mapTo(UUID.class).list();
        count(seen, "enqueue_jobs_v3", h);
        h.createQuery("select public.cancel_job(:id, 'test')").bind("id", enqueued.get(0)).mapTo(Boolean.class).one();
        count(seen, "cancel_job", h);
        List<Claimed> rest = claimed.subList(3, claimed.size());
        h.createQuery("select count(*) from public.complete_jobs(:worker, :ids, :attempts)")
            .bind("worker", "worker-" + i).bindArray("ids", UUID.class, ids(rest))
            .bindArray("attempts", Integer.class, attempts(rest)).mapTo(Long.class).one();
        count(seen, "complete_jobs", h);
        h.createQuery("select public.prune_finished_jobs(10)").mapTo(Integer.class).one();
        count(seen, "prune_finished_jobs", h);
        // The operators' listing, for any status, a live one and one only the archive holds (a
        // status mostly absent from a large backlog, such as 'processing', may be scanned for).
        for (String status : new String[] {null, "pending", "failed"}) {
          h.createQuery("select count(*) from public.operator_list_jobs(:status, 50)").bind("status", status)
              .mapTo(Long.class).one();
        }
        count(seen, "operator_list_jobs", h);
      }
      return seen;
    });
    Map<String, Long> none = new LinkedHashMap<>();
    List.of("claim_jobs_v3", "rescue_stale_jobs", "heartbeat_jobs", "fail_job", "reschedule_job",
        "fail_job (dead letter) and retry_dead_job", "enqueue_jobs_v3", "cancel_job", "complete_jobs",
        "prune_finished_jobs", "operator_list_jobs").forEach(f -> none.put(f, 0L));
    assertThat(scans).as("sequential scans of job_queue and job_queue_archive, by function").isEqualTo(none);
  }

  private static int heldJobs(boolean held) {
    return held ? HELD : 0;
  }

  @Test
  void everyFunctionThatForbidsAPlanAlsoTurnsJitOff() {
    // Before PostgreSQL 18 a forbidden plan is one with a huge cost added: a statement left with no
    // other plan passes jit_above_cost and is JIT-compiled at every call (200 ms a claim, seen on
    // Debian's PostgreSQL 15). Nothing the queue runs is worth compiling.
    List<String> offenders = db.su(h -> h.createQuery("""
            select p.oid::regprocedure::text from pg_catalog.pg_proc p
             where p.pronamespace = 'public'::regnamespace
               and exists (select 1 from unnest(p.proconfig) c where c like 'enable\\_%=off')
               and not 'jit=off' = any (p.proconfig)
             order by 1""").mapTo(String.class).list());
    List<String> forbidding = db.su(h -> h.createQuery("""
            select p.proname::text from pg_catalog.pg_proc p
             where p.pronamespace = 'public'::regnamespace
               and exists (select 1 from unnest(p.proconfig) c where c like 'enable\\_%=off')
             order by 1""").mapTo(String.class).list());
    assertThat(forbidding).contains("claim_jobs_v3", "rescue_stale_jobs", "prune_finished_jobs", "enqueue_jobs_v3");
    assertThat(offenders).as("functions that turn a plan type off but leave JIT on").isEmpty();
  }

  /** Adds the sequential scans of the queue tables since the previous call to the function's count. */
  private static void count(Map<String, Long> seen, String function, Handle h) {
    long total = h.createQuery("""
            select coalesce(sum(seq_scan), 0) from pg_catalog.pg_stat_xact_user_tables
             where relid in ('public.job_queue'::regclass, 'public.job_queue_archive'::regclass)""")
        .mapTo(Long.class).one();
    long before = seen.values().stream().mapToLong(Long::longValue).sum();
    seen.merge(function, total - before, Long::sum);
  }

  private static Object[] ids(List<Claimed> claimed) {
    return claimed.stream().map(Claimed::jobId).toArray();
  }

  private static Object[] attempts(List<Claimed> claimed) {
    List<Integer> out = new ArrayList<>();
    claimed.forEach(c -> out.add(c.attempt()));
    return out.toArray();
  }
}
