package io.exora.queue.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exora.db.Caller;
import io.exora.queue.sql.QueueDb.Claimed;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Producing jobs (enqueue_job_v3, enqueue_jobs_v3) and the operator's cancel_job and
 * retry_dead_job. Bad input is refused with SQLSTATE 22023 and a message that names the problem
 * (not a constraint name), and nothing is enqueued.
 */
class EnqueueTest extends QueueSqlTest {
  // ---------------------------------------------------------------------------------------------
  // Invalid input: 22023 naming the problem, nothing written

  @Test
  void anUnknownJobTypeIsRefused() {
    assertInvalid(() -> db.enqueue("mine_bitcoin", "{\"a\":1}"), "unknown job type: mine_bitcoin");
    assertInvalid(() -> db.enqueueBatch("[{\"job_type\":\"mine_bitcoin\",\"job_payload\":{\"a\":1}}]"),
        "unknown job type: mine_bitcoin");
    assertInvalid(() -> db.enqueueBatch("[{\"job_payload\":{\"a\":1}}]"), "unknown job type: null");
  }

  @Test
  void anUnknownLaneIsRefused() {
    // single: the lane comes from job_payload.job_lane
    assertInvalid(() -> db.enqueue("shell_file_processing", "{\"job_lane\":\"slow_queue\"}"),
        "unknown lane slow_queue for job type shell_file_processing");
    // a real lane, but another type's
    assertInvalid(() -> db.enqueue("shell_file_processing", "{\"job_lane\":\"ai_queue_complex\"}"),
        "unknown lane ai_queue_complex for job type shell_file_processing");
    assertInvalid(() -> db.enqueue("audit_cleanup", "{\"job_lane\":\"fast_queue\"}"),
        "unknown lane fast_queue for job type audit_cleanup");
    // batch: the job's job_lane
    assertInvalid(() -> db.enqueueBatch("""
            [{"job_type":"ai_processing","job_lane":"gpu_queue","job_payload":{"a":1}}]"""),
        "unknown lane gpu_queue for job type ai_processing");
  }

  @Test
  void knownLanesAndTheDefaultLaneAreAccepted() {
    UUID fast = db.enqueue("shell_file_processing", "{\"job_lane\":\"fast_queue\"}");
    UUID standard = db.enqueue("shell_file_processing", "{\"n\":1}");
    UUID complex = db.enqueue("ai_processing", "{\"job_lane\":\"ai_queue_complex\"}");
    UUID simple = db.enqueue("ai_processing", "{\"n\":1}");
    UUID other = db.enqueue("report_generation", "{\"n\":1}");
    List<UUID> batch = db.enqueueBatch("""
        [{"job_type":"ai_processing","job_lane":"ai_queue_complex","job_payload":{"a":1}},
         {"job_type":"shell_file_processing","job_payload":{"a":1}}]""");

    assertThat(db.column(fast, "job_lane")).isEqualTo("fast_queue");
    assertThat(db.column(standard, "job_lane")).isEqualTo("standard_queue");
    assertThat(db.column(complex, "job_lane")).isEqualTo("ai_queue_complex");
    assertThat(db.column(simple, "job_lane")).isEqualTo("ai_queue_simple");
    assertThat(db.column(other, "job_lane")).isEqualTo("default");
    assertThat(db.column(batch.get(0), "job_lane")).isEqualTo("ai_queue_complex");
    assertThat(db.column(batch.get(1), "job_lane")).isEqualTo("standard_queue");
  }

  @ParameterizedTest(name = "payload {0} is refused")
  @ValueSource(strings = {"{}", "[]", "[{\"a\":1}]", "\"text\"", "42", "true", "null"})
  void aPayloadThatIsNotANonEmptyObjectIsRefused(String payload) {
    assertInvalid(() -> db.enqueue("system_maintenance", payload), "job payload must be a non-empty JSON object");
    assertInvalid(() -> db.enqueueBatch("[{\"job_type\":\"system_maintenance\",\"job_payload\":" + payload + "}]"),
        "job payload must be a non-empty JSON object");
  }

  @Test
  void aMissingPayloadIsRefused() {
    assertInvalid(() -> db.service(h -> h.createQuery(
            "select job_id from public.enqueue_job_v3('system_maintenance', 'x', null)").mapTo(UUID.class).one()),
        "job payload must be a non-empty JSON object");
    assertInvalid(() -> db.enqueueBatch("[{\"job_type\":\"system_maintenance\"}]"),
        "job payload must be a non-empty JSON object");
  }

  @ParameterizedTest(name = "priority {0} is refused")
  @ValueSource(ints = {0, 11, -1, 100})
  void aPriorityOutsideOneToTenIsRefused(int priority) {
    assertInvalid(() -> db.enqueue("system_maintenance", "{\"a\":1}", priority),
        "priority must be between 1 (highest) and 10, got " + priority);
    assertInvalid(() -> db.enqueueBatch(
            "[{\"job_type\":\"system_maintenance\",\"job_payload\":{\"a\":1},\"priority\":" + priority + "}]"),
        "priority must be between 1 (highest) and 10, got " + priority);
  }

  @Test
  void priorityOneAndTenAreTheBounds() {
    assertThat(db.column(db.enqueue("system_maintenance", "{\"a\":1}", 1), "priority")).isEqualTo("1");
    assertThat(db.column(db.enqueue("system_maintenance", "{\"a\":2}", 10), "priority")).isEqualTo("10");
  }

  @Test
  void anUnknownCategoryIsRefused() {
    assertInvalid(() -> db.service(h -> h.createQuery(
            "select job_id from public.enqueue_job_v3('system_maintenance', 'x', '{\"a\":1}', 'urgent')")
        .mapTo(UUID.class).one()), "unknown job category: urgent");
  }

  @Test
  void aJobNameOutsideOneToTwoHundredCharactersIsRefused() {
    // (not a 23514 naming job_queue_job_name_check, with the payload in the error's detail)
    for (String name : new String[] {"", "n".repeat(201), null}) {
      assertInvalid(() -> db.service(h -> h.createQuery(
              "select job_id from public.enqueue_job_v3('system_maintenance', :name, '{\"a\":1}')")
          .bind("name", name).mapTo(UUID.class).one()), "job name must be 1 to 200 characters");
    }
    assertInvalid(() -> db.enqueueBatch("[{\"job_type\":\"system_maintenance\",\"job_name\":\"\",\"job_payload\":{\"a\":1}}]"),
        "job name must be 1 to 200 characters");
  }

  @ParameterizedTest(name = "max_retries {0} is refused")
  @ValueSource(ints = {-1, 101})
  void maxRetriesOutsideZeroToOneHundredIsRefused(int maxRetries) {
    assertInvalid(() -> db.enqueue("system_maintenance", "{\"a\":1,\"max_retries\":" + maxRetries + "}"),
        "max_retries must be between 0 and 100, got " + maxRetries);
    assertInvalid(() -> db.enqueueBatch(
            "[{\"job_type\":\"system_maintenance\",\"job_payload\":{\"a\":1},\"max_retries\":" + maxRetries + "}]"),
        "max_retries must be between 0 and 100, got " + maxRetries);
  }

  @Test
  void aBatchWithOneBadJobEnqueuesNothingAndNamesTheProblem() {
    assertInvalid(() -> db.enqueueBatch("""
            [{"job_type":"system_maintenance","job_payload":{"a":1}},
             {"job_type":"system_maintenance","job_payload":{"a":2},"priority":0},
             {"job_type":"system_maintenance","job_payload":{"a":3}}]"""),
        "priority must be between 1 (highest) and 10, got 0");
    assertThat(jobCount()).isZero();
  }

  @ParameterizedTest(name = "batch {0} is refused")
  @ValueSource(strings = {"[]", "{}", "{\"job_type\":\"system_maintenance\"}", "\"x\""})
  void aBatchMustBeANonEmptyArray(String jobs) {
    assertInvalid(() -> db.enqueueBatch(jobs), "jobs must be a non-empty JSON array");
  }

  @Test
  void aNegativeRescheduleDelayIsRefused() {
    UUID id = db.enqueue("system_maintenance", "{\"a\":1}");
    Claimed c = db.claimOne("worker-a");
    String before = db.snapshot(id);
    assertInvalid(() -> db.reschedule(id, "worker-a", c.attempt(), -1), "delay must be zero or more seconds, got -1");
    assertThat(db.snapshot(id)).isEqualTo(before);
  }

  @ParameterizedTest(name = "claim limit {0} is refused")
  @ValueSource(ints = {0, -1, 10001})
  void aClaimLimitOutsideOneToTenThousandIsRefused(int limit) {
    db.enqueue("system_maintenance", "{\"a\":1}");
    assertInvalid(() -> db.claim("worker-a", limit), "claim limit must be between 1 and 10000");
    assertThat(db.claim("worker-a", 1)).hasSize(1);
  }

  @Test
  void aClaimWithoutAWorkerIdIsRefused() {
    assertInvalid(() -> db.claim("", 1), "worker id must be 1 to 200 characters");
    assertInvalid(() -> db.claim(null, 1), "worker id must be 1 to 200 characters");
  }

  // ---------------------------------------------------------------------------------------------
  // One live job per (job_type, shell_file_id)

  @Test
  void enqueueingTheSameFileJobTwiceReturnsTheLiveJob() {
    UUID file = db.newShellFile();
    UUID first = db.enqueue("shell_file_processing", fileJob(file));
    UUID again = db.enqueue("shell_file_processing", fileJob(file));

    assertThat(again).isEqualTo(first);
    assertThat(jobCount()).isEqualTo(1);
    assertThat(db.column(first, "shell_file_id")).isEqualTo(file.toString());
  }

  @Test
  void theBatchReturnsTheLiveJobForADuplicateInItsPlace() {
    UUID file = db.newShellFile();
    UUID other = db.newShellFile();
    UUID live = db.enqueue("shell_file_processing", fileJob(file));

    List<UUID> ids = db.enqueueBatch("""
        [{"job_type":"system_maintenance","job_payload":{"a":1}},
         {"job_type":"shell_file_processing","job_payload":%s},
         {"job_type":"shell_file_processing","job_payload":%s},
         {"job_type":"shell_file_processing","job_payload":%s},
         {"job_type":"system_maintenance","job_payload":{"a":2}}]"""
        .formatted(fileJob(file), fileJob(other), fileJob(other)));

    assertThat(ids).hasSize(5).doesNotContainNull();
    assertThat(ids.get(1)).as("a duplicate of a job enqueued earlier").isEqualTo(live);
    assertThat(ids.get(3)).as("a duplicate earlier in the same batch").isEqualTo(ids.get(2));
    assertThat(new HashSet<>(List.of(ids.get(0), ids.get(2), ids.get(4), live))).hasSize(4);
    assertThat(jobCount()).isEqualTo(4);
    // in input order
    assertThat(db.column(ids.get(0), "job_payload")).isEqualTo("{\"a\": 1}");
    assertThat(db.column(ids.get(4), "job_payload")).isEqualTo("{\"a\": 2}");
  }

  @Test
  void aJobOfAnotherTypeForTheSameFileIsASecondJob() {
    UUID file = db.newShellFile();
    UUID ocr = db.enqueue("shell_file_processing", fileJob(file));
    UUID ai = db.enqueue("ai_processing", fileJob(file));
    assertThat(ai).isNotEqualTo(ocr);
  }

  @ParameterizedTest(name = "a new job can be enqueued once the live one is {0}")
  @ValueSource(strings = {"completed", "failed", "cancelled"})
  void aNewJobCanBeEnqueuedOnceTheLiveOneHasFinished(String how) {
    UUID file = db.newShellFile();
    UUID first = db.enqueue("shell_file_processing", fileJob(file));
    Claimed c = db.claimOne("worker-a");
    switch (how) {
      case "completed" -> assertThat(db.complete(first, "worker-a", c.attempt())).isTrue();
      case "failed" -> assertThat(db.fail(first, "worker-a", c.attempt(), false)).isEqualTo("failed");
      case "cancelled" -> assertThat(db.cancel(first)).isTrue();
      default -> throw new IllegalArgumentException(how);
    }

    UUID second = db.enqueue("shell_file_processing", fileJob(file));
    assertThat(second).isNotEqualTo(first);
    assertThat(db.status(second)).isEqualTo("pending");
    assertThat(db.enqueue("shell_file_processing", fileJob(file))).isEqualTo(second);
    List<UUID> batch = db.enqueueBatch("[{\"job_type\":\"shell_file_processing\",\"job_payload\":" + fileJob(file) + "}]");
    assertThat(batch).containsExactly(second);
  }

  @Test
  void aLiveJobInEveryLiveStateBlocksASecondOne() {
    UUID file = db.newShellFile();
    UUID id = db.enqueue("shell_file_processing", fileJob(file));
    assertThat(db.enqueue("shell_file_processing", fileJob(file))).as("pending").isEqualTo(id);
    Claimed c = db.claimOne("worker-a");
    assertThat(db.enqueue("shell_file_processing", fileJob(file))).as("processing").isEqualTo(id);
    assertThat(db.fail(id, "worker-a", c.attempt(), true)).isEqualTo("retrying");
    assertThat(db.enqueue("shell_file_processing", fileJob(file))).as("retrying").isEqualTo(id);
    db.makeReady(id);
    Claimed again = db.claimOne("worker-a");
    assertThat(db.reschedule(id, "worker-a", again.attempt(), 60)).isTrue();
    assertThat(db.enqueue("shell_file_processing", fileJob(file))).as("deferred").isEqualTo(id);
    assertThat(jobCount()).isEqualTo(1);
  }

  @Test
  void twoProducersRacingForTheSameFileGetTheSameJob() throws Exception {
    UUID file = db.newShellFile();
    Handle first = db.transactions.open(Caller.serviceRole(), "producer-1");
    try {
      UUID firstId = QueueDb.enqueue(first, "shell_file_processing", fileJob(file), 5);
      // The second producer's insert waits for the first's uncommitted row, then returns it.
      CompletableFuture<UUID> second = CompletableFuture.supplyAsync(
          () -> db.enqueue("shell_file_processing", fileJob(file)));
      CompletableFuture<List<UUID>> third = CompletableFuture.supplyAsync(
          () -> db.enqueueBatch("[{\"job_type\":\"shell_file_processing\",\"job_payload\":" + fileJob(file) + "}]"));
      first.commit();
      assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(firstId);
      assertThat(third.get(10, TimeUnit.SECONDS)).containsExactly(firstId);
    } finally {
      first.close();
    }
    assertThat(jobCount()).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------------
  // Batches, scheduling, defaults

  @Test
  void aBatchOfFiveThousandReturnsFiveThousandIdsInInputOrder() {
    String jobs = "[" + String.join(",", IntStream.range(0, 5000)
        .mapToObj(i -> "{\"job_type\":\"system_maintenance\",\"job_payload\":{\"i\":" + i + "},\"priority\":"
            + (1 + i % 10) + "}")
        .toList()) + "]";
    long start = System.nanoTime();
    List<UUID> ids = db.enqueueBatch(jobs);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(ids).hasSize(5000).doesNotHaveDuplicates();
    List<Integer> order = db.su(h -> h.createQuery("""
            select (q.job_payload ->> 'i')::int from unnest(:ids) with ordinality as r(id, ord)
              join public.job_queue q on q.id = r.id order by r.ord""")
        .bindArray("ids", UUID.class, ids.toArray()).mapTo(Integer.class).list());
    assertThat(order).isEqualTo(IntStream.range(0, 5000).boxed().toList());
    assertThat(jobCount()).isEqualTo(5000);
    assertThat(took).as("one statement, not 5000").isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aScheduledTimeInThePastIsClampedToNow() {
    Map<String, Object> single = db.service(h -> {
      Map<String, Object> seen = h.createQuery("""
              select job_id, scheduled_at = now() as returned_now
                from public.enqueue_job_v3('system_maintenance', 'x', '{"a":1}', 'standard', 5,
                                           now() - interval '3 days')""").mapToMap().one();
      seen.put("stored_now", storedAtNow(h, (UUID) seen.get("job_id")));
      return seen;
    });
    assertThat(single).containsEntry("returned_now", true).containsEntry("stored_now", true);

    Map<String, Object> batch = db.service(h -> {
      Map<String, Object> seen = h.createQuery("""
              select job_id, scheduled_at = now() as returned_now
                from public.enqueue_jobs_v3('[{"job_type":"system_maintenance","job_payload":{"a":1},
                                              "scheduled_at":"2001-01-01T00:00:00Z"}]')""").mapToMap().one();
      seen.put("stored_now", storedAtNow(h, (UUID) seen.get("job_id")));
      return seen;
    });
    assertThat(batch).containsEntry("returned_now", true).containsEntry("stored_now", true);
    assertThat(db.claim("worker-a", 10)).hasSize(2);
  }

  @Test
  void anEnqueueDoesNotReadTheArchiveUnlessAFileJobIsADuplicate() {
    // 20,000 finished jobs in the archive. A duplicate file job looks there for a live job that
    // finished meanwhile (live_job_of_file); every other enqueue must not read it, or enqueues slow
    // down as the archive grows (they did: 3.7 s for 100 jobs beside 200,000 archived ones).
    UUID other = db.newShellFile();
    db.su("""
        insert into public.job_queue_archive (job_type, job_lane, job_name, job_payload, status, completed_at, shell_file_id)
        select 'shell_file_processing', 'standard_queue', 'done', jsonb_build_object('i', g), 'completed', now(),
               case when g % 2 = 0 then cast(? as uuid) end
          from generate_series(1, 20000) g""", other);
    db.su("analyze public.job_queue_archive");
    UUID file = db.newShellFile();
    String fileJobObject = "{\"job_type\":\"shell_file_processing\",\"job_payload\":" + fileJob(file) + "}";
    String batch = "[" + fileJobObject + "," + fileJobObject + ",{\"job_type\":\"report_generation\",\"job_payload\":{\"n\":1}}]";

    long read = db.service(h -> {
      long before = rowsOfArchiveRead(h);
      h.createQuery("select job_id from public.enqueue_jobs_v3(cast(:jobs as jsonb))").bind("jobs", batch)
          .mapTo(UUID.class).list();
      h.createQuery("select job_id from public.enqueue_job_v3('shell_file_processing', 'again', cast(:p as jsonb))")
          .bind("p", fileJob(file)).mapTo(UUID.class).list();
      return rowsOfArchiveRead(h) - before;
    });
    assertThat(read).as("rows of job_queue_archive read by three enqueues (two of them duplicates)").isLessThan(10);
  }

  private static long rowsOfArchiveRead(Handle h) {
    return h.createQuery("""
            select seq_tup_read + coalesce(idx_tup_fetch, 0) from pg_catalog.pg_stat_xact_user_tables
             where relid = 'public.job_queue_archive'::regclass""").mapTo(Long.class).one();
  }

  private static boolean storedAtNow(Handle h, UUID id) {
    return h.createQuery("select scheduled_at = now() from public.job_queue where id = :id")
        .bind("id", id).mapTo(Boolean.class).one();
  }

  @Test
  void aScheduledTimeInTheFutureIsKeptAndTheJobWaitsForIt() {
    Map<String, Object> seen = db.service(h -> h.createQuery("""
            select extract(epoch from e.scheduled_at - now())::int as wait_seconds
              from public.enqueue_job_v3('system_maintenance', 'x', '{"a":1}', 'standard', 5,
                                         now() + interval '1 hour') e""").mapToMap().one());
    assertThat(seen).containsEntry("wait_seconds", 3600);
    assertThat(db.claim("worker-a", 10)).isEmpty();
  }

  @Test
  void theEnqueuedRowCarriesItsDefaultsAndTheIdsFromThePayload() {
    UUID file = db.newShellFile();
    UUID patient = UUID.fromString(db.su(h -> h.createQuery("select patient_id::text from public.shell_files where id = :id")
        .bind("id", file).mapTo(String.class).one()));
    UUID id = db.enqueue("shell_file_processing",
        "{\"shell_file_id\":\"" + file + "\",\"patient_id\":\"" + patient + "\",\"max_retries\":7}");
    assertThat(db.row(id)).containsEntry("status", "pending").containsEntry("job_lane", "standard_queue")
        .containsEntry("job_category", "standard").containsEntry("priority", 5).containsEntry("retry_count", 0)
        .containsEntry("max_retries", 7).containsEntry("attempt", 0).containsEntry("shell_file_id", file)
        .containsEntry("patient_id", patient).containsEntry("worker_id", null).containsEntry("heartbeat_at", null);
  }

  // ---------------------------------------------------------------------------------------------
  // cancel_job and retry_dead_job

  @Test
  void cancelWithdrawsAPendingJob() {
    UUID id = db.enqueue("system_maintenance", "{\"a\":1}");
    assertThat(db.cancel(id)).isTrue();
    assertThat(db.row(id)).containsEntry("status", "cancelled").containsEntry("last_error", "withdrawn by test");
    assertThat(db.column(id, "completed_at")).isNotNull();
    assertThat(db.claim("worker-a", 10)).isEmpty();
  }

  @Test
  void cancelWithdrawsAProcessingJobAndItsWorkerLosesIt() {
    UUID id = db.enqueue("system_maintenance", "{\"a\":1}");
    Claimed c = db.claimOne("worker-a");
    assertThat(db.cancel(id)).isTrue();
    assertThat(db.row(id)).containsEntry("status", "cancelled").containsEntry("heartbeat_at", null);
    assertThat(db.heartbeat(id, "worker-a", c.attempt())).isFalse();
    assertThat(db.complete(id, "worker-a", c.attempt())).isFalse();
  }

  @ParameterizedTest(name = "cancel of a {0} job does nothing")
  @ValueSource(strings = {"completed", "failed", "cancelled"})
  void cancelOfAFinishedJobDoesNothing(String how) {
    UUID id = db.enqueue("system_maintenance", "{\"a\":1}");
    Claimed c = db.claimOne("worker-a");
    switch (how) {
      case "completed" -> db.complete(id, "worker-a", c.attempt());
      case "failed" -> db.fail(id, "worker-a", c.attempt(), false);
      case "cancelled" -> db.cancel(id);
      default -> throw new IllegalArgumentException(how);
    }
    String before = db.snapshot(id);
    assertThat(db.cancel(id)).isFalse();
    assertThat(db.snapshot(id)).isEqualTo(before);
  }

  @Test
  void retryDeadJobRequeuesADeadLetteredJobWithFreshRetries() {
    UUID id = db.enqueue("system_maintenance", "{\"a\":1,\"max_retries\":1}");
    Claimed first = db.claimOne("worker-a");
    db.fail(id, "worker-a", first.attempt(), true);
    db.makeReady(id);
    Claimed second = db.claimOne("worker-a");
    assertThat(db.fail(id, "worker-a", second.attempt(), true)).isEqualTo("failed");

    assertThat(db.retryDead(id)).isTrue();
    Map<String, Object> row = db.row(id);
    assertThat(row).containsEntry("status", "pending").containsEntry("retry_count", 0)
        .containsEntry("dead_letter_at", null).containsEntry("dead_letter_reason", null)
        .containsEntry("completed_at", null).containsEntry("attempt", 2);
    Claimed third = db.claimOne("worker-b");
    assertThat(third.jobId()).isEqualTo(id);
    assertThat(third.attempt()).as("the fencing token keeps counting").isEqualTo(3);
  }

  @ParameterizedTest(name = "retry_dead_job of a {0} job does nothing")
  @ValueSource(strings = {"pending", "processing", "retrying", "deferred", "completed", "cancelled"})
  void retryDeadJobOnlyAppliesToFailedJobs(String state) {
    UUID id = db.enqueue("system_maintenance", "{\"a\":1}");
    if (!state.equals("pending")) {
      Claimed c = db.claimOne("worker-a");
      switch (state) {
        case "processing" -> { }
        case "retrying" -> db.fail(id, "worker-a", c.attempt(), true);
        case "deferred" -> db.reschedule(id, "worker-a", c.attempt(), 60);
        case "completed" -> db.complete(id, "worker-a", c.attempt());
        case "cancelled" -> db.cancel(id);
        default -> throw new IllegalArgumentException(state);
      }
    }
    assertThat(db.status(id)).isEqualTo(state);
    String before = db.snapshot(id);
    assertThat(db.retryDead(id)).isFalse();
    assertThat(db.snapshot(id)).isEqualTo(before);
  }

  @Test
  void retryDeadJobOfAnUnknownJobDoesNothing() {
    assertThat(db.retryDead(UUID.randomUUID())).isFalse();
    assertThat(db.cancel(UUID.randomUUID())).isFalse();
  }

  // ---------------------------------------------------------------------------------------------

  private static String fileJob(UUID file) {
    return "{\"shell_file_id\":\"" + file + "\"}";
  }

  private static long jobCount() {
    return db.su(h -> h.createQuery("select count(*) from public.job_queue").mapTo(Long.class).one());
  }

  private static void assertInvalid(ThrowingCallable call, String message) {
    long before = jobCount();
    assertThatThrownBy(call)
        .satisfies(e -> assertThat(QueueDb.sqlState(e)).as("SQLSTATE of %s", e.getMessage()).isEqualTo("22023"))
        .hasMessageContaining(message);
    assertThat(jobCount()).as("jobs after a refused call").isEqualTo(before);
  }
}
