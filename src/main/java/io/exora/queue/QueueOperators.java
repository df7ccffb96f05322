package io.exora.queue;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The operators' calls (V072__queue_operators.sql), run in the caller's transaction as the
 * caller: the database admits only the service role and admins.
 */
public final class QueueOperators {
  /** What {@link #retry} did: {@code retried}, or why not. */
  public enum RetryOutcome { RETRIED, NOT_FOUND, NOT_DEAD_LETTERED, SUPERSEDED }

  private QueueOperators() {}

  /** Job metadata (never payloads), newest first; {@code status} and {@code before} may be null. */
  public static List<Map<String, Object>> listJobs(Handle h, String status, int limit, Instant before) {
    return h.createQuery("select * from public.operator_list_jobs(:status, :limit, :before)")
        .bind("status", status).bind("limit", limit).bind("before", before)
        .map(QueueOperators::row).list();
  }

  public static RetryOutcome retry(Handle h, UUID jobId) {
    String outcome = h.createQuery("select public.operator_retry_job(:id)").bind("id", jobId)
        .mapTo(String.class).one();
    return RetryOutcome.valueOf(outcome.toUpperCase(java.util.Locale.ROOT));
  }

  public static List<Map<String, Object>> listWorkers(Handle h) {
    return h.createQuery("select * from public.operator_list_workers()").map(QueueOperators::row).list();
  }

  /** A row as column -> value, with timestamps as instants and arrays as lists, ready for JSON. */
  private static Map<String, Object> row(ResultSet rs, StatementContext ctx) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      Object value = rs.getObject(i);
      if (value instanceof Timestamp t) {
        value = t.toInstant();
      } else if (value instanceof Array a) {
        value = List.of((Object[]) a.getArray());
      }
      row.put(meta.getColumnLabel(i), value);
    }
    return row;
  }
}
