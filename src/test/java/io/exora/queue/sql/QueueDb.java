package io.exora.queue.sql;

import io.exora.db.Caller;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.DbRole;
import io.exora.db.RequestTransactions;
import io.exora.db.TestPostgres;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;

/**
 * The job queue's SQL as its real callers reach it. One fresh, migrated database per test class;
 * {@link #reset()} empties the queue and restores the queue settings before each test.
 *
 * <ul>
 *   <li>{@link #service} runs work in a request transaction of the service role over the
 *       {@code authenticator} login, exactly as the workers do (RequestTransactions);</li>
 *   <li>{@link #su} runs work as the database owner: setup, and moving the database's view of time
 *       (heartbeat_at, scheduled_at, completed_at) instead of sleeping.</li>
 * </ul>
 */
final class QueueDb implements AutoCloseable {
  /**
   * The queue settings as V070 seeds them, which {@link #reset()} puts back, but one: claims look for
   * stale jobs at every call here (worker.rescue_interval_seconds 0, seeded 1), so that a test of
   * the rescue rule does not depend on when the previous claim ran; the pace has its own test.
   */
  static final Map<String, String> DEFAULT_SETTINGS = Map.of(
      "worker.timeout_seconds", "60",
      "worker.rescue_jitter_seconds", "2",
      "worker.rescue_interval_seconds", "0",
      "worker.retry_base_seconds", "2",
      "worker.retry_max_seconds", "3600",
      "queue.retention_archive_days", "30");

  static final List<String> LIVE = List.of("pending", "processing", "retrying", "deferred");

  /** What claim_jobs_v3 returns. */
  public record Claimed(UUID jobId, String jobType, String jobLane, String jobPayload, int retryCount,
      int maxRetries, int attempt, UUID patientId, UUID shellFileId) {}

  final ConnectionSettings owner;
  private final Database superuser;
  private final Database runtime;
  final RequestTransactions transactions;

  private QueueDb(ConnectionSettings owner) {
    this.owner = owner;
    this.superuser = Database.open(owner, 2, "queue-sql-owner");
    this.runtime = Database.open(TestPostgres.runtime(owner), 4, "queue-sql-runtime");
    this.transactions = new RequestTransactions(runtime.jdbi());
  }

  static QueueDb create() {
    return new QueueDb(TestPostgres.newDatabase());
  }

  @Override
  public void close() {
    runtime.close();
    superuser.close();
  }

  /** Empties the queue tables and restores the seeded queue settings. */
  void reset() {
    su(h -> {
      // delete, not truncate: the tables are small, and truncate replaces the files of every index
      h.execute("delete from public.job_queue; delete from public.job_queue_archive; delete from public.job_workers");
      // only the settings a test changed (each update writes an audit row)
      for (Map.Entry<String, String> s : DEFAULT_SETTINGS.entrySet()) {
        h.createUpdate("""
                update public.system_configuration set config_value = cast(:v as jsonb)
                 where config_key = :k and config_value <> cast(:v as jsonb)""")
            .bind("k", s.getKey()).bind("v", s.getValue()).execute();
      }
      return null;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Transactions

  /** One request transaction as the service role (what workers, producers and operators use). */
  <T> T service(HandleCallback<T, RuntimeException> work) {
    return transactions.run(Caller.serviceRole(), "queue-sql-test", work);
  }

  /** One request transaction as a signed-in user (role authenticated, the user's claims). */
  <T> T asUser(UUID userId, HandleCallback<T, RuntimeException> work) {
    return transactions.run(new Caller(DbRole.AUTHENTICATED,
        "{\"sub\":\"" + userId + "\",\"role\":\"authenticated\",\"aud\":\"authenticated\"}"), "queue-sql-test", work);
  }

  /** One request transaction as the anonymous role. */
  <T> T asAnon(HandleCallback<T, RuntimeException> work) {
    return transactions.run(Caller.anonymous(), "queue-sql-test", work);
  }

  /** One transaction as the database owner (setup and time travel only). */
  <T> T su(HandleCallback<T, RuntimeException> work) {
    return superuser.jdbi().inTransaction(work);
  }

  void su(String sql, Object... args) {
    su(h -> h.execute(sql, args));
  }

  void setting(String key, String jsonValue) {
    su(h -> {
      setting(h, key, jsonValue);
      return null;
    });
  }

  private static void setting(Handle h, String key, String jsonValue) {
    int n = h.createUpdate("update public.system_configuration set config_value = cast(:v as jsonb) where config_key = :k")
        .bind("k", key).bind("v", jsonValue).execute();
    if (n != 1) {
      throw new IllegalStateException("no system_configuration row " + key);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The RPCs, each in its own service-role transaction (or in the caller's handle)

  UUID enqueue(String jobType, String payloadJson) {
    return enqueue(jobType, payloadJson, 5);
  }

  UUID enqueue(String jobType, String payloadJson, int priority) {
    return service(h -> enqueue(h, jobType, payloadJson, priority));
  }

  static UUID enqueue(Handle h, String jobType, String payloadJson, int priority) {
    return h.createQuery("""
            select job_id from public.enqueue_job_v3(:type, :name, cast(:payload as jsonb), 'standard', :priority)""")
        .bind("type", jobType).bind("name", jobType + " test job").bind("payload", payloadJson)
        .bind("priority", priority).mapTo(UUID.class).one();
  }

  /** enqueue_jobs_v3 with a JSON array of job objects; the ids, in the order returned. */
  List<UUID> enqueueBatch(String jobsJson) {
    return service(h -> h.createQuery("select job_id from public.enqueue_jobs_v3(cast(:jobs as jsonb))")
        .bind("jobs", jobsJson).mapTo(UUID.class).list());
  }

  List<Claimed> claim(String worker, int limit) {
    return service(h -> claim(h, worker, limit));
  }

  static List<Claimed> claim(Handle h, String worker, int limit) {
    return h.createQuery("select * from public.claim_jobs_v3(:worker, :limit)")
        .bind("worker", worker).bind("limit", limit).mapTo(Claimed.class).list();
  }

  /** claim_next_job_v3: the claimed job's id, or null when nothing is ready. */
  UUID claimNext(String worker) {
    return service(h -> h.createQuery("select job_id from public.claim_next_job_v3(:worker)")
        .bind("worker", worker).mapTo(UUID.class).findOne().orElse(null));
  }

  Claimed claimOne(String worker) {
    List<Claimed> claimed = claim(worker, 1);
    if (claimed.size() != 1) {
      throw new AssertionError(worker + " expected to claim one job, claimed " + claimed);
    }
    return claimed.get(0);
  }

  boolean complete(UUID jobId, String worker, Integer attempt) {
    return service(h -> complete(h, jobId, worker, attempt));
  }

  static boolean complete(Handle h, UUID jobId, String worker, Integer attempt) {
    return h.createQuery("select public.complete_job(:id, :worker, cast('{\"ok\":true}' as jsonb), :attempt)")
        .bind("id", jobId).bind("worker", worker).bind("attempt", attempt).mapTo(Boolean.class).one();
  }

  List<UUID> completeJobs(String worker, List<UUID> ids, List<Integer> attempts) {
    return service(h -> h.createQuery("select * from public.complete_jobs(:worker, :ids, :attempts)")
        .bind("worker", worker).bindArray("ids", UUID.class, ids.toArray())
        .bindArray("attempts", Integer.class, attempts.toArray()).mapTo(UUID.class).list());
  }

  List<UUID> heartbeatJobs(String worker, List<UUID> ids, List<Integer> attempts) {
    return service(h -> h.createQuery("select * from public.heartbeat_jobs(:worker, :ids, :attempts)")
        .bind("worker", worker).bindArray("ids", UUID.class, ids.toArray())
        .bindArray("attempts", Integer.class, attempts.toArray()).mapTo(UUID.class).list());
  }

  boolean heartbeat(UUID jobId, String worker, Integer attempt) {
    return service(h -> h.createQuery("select public.update_job_heartbeat(:id, :worker, :attempt)")
        .bind("id", jobId).bind("worker", worker).bind("attempt", attempt).mapTo(Boolean.class).one());
  }

  /** fail_job: the new status, or null when the worker no longer held the job. */
  String fail(UUID jobId, String worker, int attempt, boolean retryable) {
    return service(h -> fail(h, jobId, worker, attempt, "boom", retryable, null));
  }

  /**
   * A retryable failure whose retry waits an hour: with full jitter a plain retry may be ready at
   * once, and a test's next claim would take it instead of the job it means.
   */
  String failRetryingInAnHour(UUID jobId, String worker, int attempt) {
    return service(h -> fail(h, jobId, worker, attempt, "boom", true, 3600.0));
  }

  static String fail(Handle h, UUID jobId, String worker, int attempt, String message, Boolean retryable,
      Double retryAfterSeconds) {
    return h.createQuery("""
            select public.fail_job(:id, :worker, :attempt, :message, cast('{"code":"E42"}' as jsonb),
                                   :retryable, cast(:after as numeric))""")
        .bind("id", jobId).bind("worker", worker).bind("attempt", attempt).bind("message", message)
        .bind("retryable", retryable).bind("after", retryAfterSeconds)
        .mapTo(String.class).findOne().orElse(null);
  }

  /** reschedule_job, fenced by worker and attempt, without jitter. */
  boolean reschedule(UUID jobId, String worker, Integer attempt, double delaySeconds) {
    return service(h -> h.createQuery(
            "select public.reschedule_job(:id, cast(:delay as numeric), 'rate limited', false, :worker, :attempt)")
        .bind("id", jobId).bind("delay", delaySeconds).bind("worker", worker).bind("attempt", attempt)
        .mapTo(Boolean.class).one());
  }

  boolean cancel(UUID jobId) {
    return service(h -> h.createQuery("select public.cancel_job(:id, 'withdrawn by test')")
        .bind("id", jobId).mapTo(Boolean.class).one());
  }

  boolean retryDead(UUID jobId) {
    return service(h -> h.createQuery("select public.retry_dead_job(:id)")
        .bind("id", jobId).mapTo(Boolean.class).one());
  }

  // ---------------------------------------------------------------------------------------------
  // Reading rows and moving time (as the owner)

  // Reads follow a job wherever it is: job_queue while it is live, job_queue_archive once finished.

  /** The whole row as jsonb text: equal strings mean an unchanged row. */
  String snapshot(UUID jobId) {
    return su(h -> h.createQuery("select to_jsonb(q)::text from public.job_queue_all q where q.id = :id")
        .bind("id", jobId).mapTo(String.class).one());
  }

  String status(UUID jobId) {
    return column(jobId, "status");
  }

  /** One column of a job as text (null stays null). */
  String column(UUID jobId, String column) {
    return su(h -> h.createQuery("select (to_jsonb(q) ->> :col) from public.job_queue_all q where q.id = :id")
        .bind("col", column).bind("id", jobId).mapTo(String.class).one());
  }

  Map<String, Object> row(UUID jobId) {
    return su(h -> h.createQuery("select * from public.job_queue_all where id = :id").bind("id", jobId).mapToMap().one());
  }

  /**
   * Makes the job's last heartbeat that many seconds old (on the database clock), and its claim and
   * readiness at least as old, as they would be: a job is ready before it is claimed, and claimed
   * before its last heartbeat (the rescue relies on it, V071).
   */
  void ageHeartbeat(UUID jobId, double seconds) {
    su(AGE_HELD + " where id = ?", seconds, seconds, seconds, jobId);
  }

  /** Every held job's last heartbeat that many seconds old; see {@link #ageHeartbeat(UUID, double)}. */
  void ageAllHeartbeats(double seconds) {
    su(AGE_HELD + " where status = 'processing'", seconds, seconds, seconds);
  }

  private static final String AGE_HELD = """
      update public.job_queue
         set heartbeat_at = now() - make_interval(secs => ?),
             started_at = least(started_at, now() - make_interval(secs => ?)),
             scheduled_at = least(scheduled_at, now() - make_interval(secs => ?))""";

  /** Lets the job's wait (backoff, jitter, deferral) run out: it is ready now. */
  void makeReady(UUID jobId) {
    su("update public.job_queue set scheduled_at = now() - interval '1 millisecond' where id = ?", jobId);
  }

  /** A patient (auth user + profile) and one of their uploaded documents; returns the shell file id. */
  UUID newShellFile() {
    UUID user = UUID.randomUUID();
    UUID profile = UUID.randomUUID();
    UUID file = UUID.randomUUID();
    su(h -> {
      h.execute("insert into auth.users (id, email, encrypted_password) values (?, ?, 'x')", user, user + "@test.invalid");
      h.execute("insert into public.user_profiles (id, account_owner_id, profile_type, display_name) values (?, ?, 'self', 'Test')",
          profile, user);
      h.execute("""
          insert into public.shell_files (id, patient_id, uploaded_by, filename, original_filename, file_size_bytes,
                                          mime_type, storage_path)
          values (?, ?, ?, 'scan.pdf', 'scan.pdf', 1234, 'application/pdf', 'documents/scan.pdf')""", file, profile, user);
      return null;
    });
    return file;
  }

  /** The SQLSTATE of the PostgreSQL error behind an exception, or null. */
  static String sqlState(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException e && e.getSQLState() != null) {
        return e.getSQLState();
      }
    }
    return null;
  }
}
