package io.exora.queue;

import io.exora.db.JsonRows;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The operators' calls (V072__queue_operators.sql), run in the caller's transaction as the
 * caller: the database admits only the service role and admins.
 */
public final class QueueOperators {
  /** What {@link #retry} did: {@code retried}, or why not. */
  public enum RetryOutcome { RETRIED, NOT_FOUND, NOT_DEAD_LETTERED, SUPERSEDED }

  private QueueOperators() {}

  /**
   * Job metadata (never payloads), newest first by (created_at, id); the page after a row is asked
   * for with its created_at as {@code before} and its id as {@code beforeId}. {@code status},
   * {@code before} and {@code beforeId} may be null.
   */
  public static List<Map<String, Object>> listJobs(Handle h, String status, int limit, Instant before,
      UUID beforeId) {
    return h.createQuery("select * from public.operator_list_jobs(:status, :limit, :before, :beforeId)")
        .bind("status", status).bind("limit", limit).bind("before", before).bind("beforeId", beforeId)
        .map(JsonRows::map).list();
  }

  public static RetryOutcome retry(Handle h, UUID jobId) {
    String outcome = h.createQuery("select public.operator_retry_job(:id)").bind("id", jobId)
        .mapTo(String.class).one();
    return RetryOutcome.valueOf(outcome.toUpperCase(java.util.Locale.ROOT));
  }

  public static List<Map<String, Object>> listWorkers(Handle h) {
    return h.createQuery("select * from public.operator_list_workers()").map(JsonRows::map).list();
  }
}
