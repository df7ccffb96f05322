package io.exora.usage;

import io.exora.db.JsonRows;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The operators' usage reports (V090__usage_metering.sql), run as the caller: the database admits
 * only the service role and admins, and validates the arguments (22023).
 */
public final class UsageReports {
  /** The metrics {@link #topUsers} can rank by. */
  public static final List<String> METRICS = List.of("shell_files", "pages", "ai_tokens", "storage");

  private UsageReports() {}

  public static List<Map<String, Object>> topUsers(Handle h, LocalDate month, String metric, int limit) {
    return h.createQuery("select * from public.usage_report_top_users(:month, :metric, :limit)")
        .bind("month", month).bind("metric", metric).bind("limit", limit).map(JsonRows::map).list();
  }

  public static List<Map<String, Object>> byPlan(Handle h, LocalDate month) {
    return h.createQuery("select * from public.usage_report_by_plan(:month)").bind("month", month)
        .map(JsonRows::map).list();
  }

  public static List<Map<String, Object>> daily(Handle h, LocalDate from, LocalDate to) {
    return h.createQuery("select day::text as day, uploads, upload_bytes, pages, ai_calls, ai_tokens, limit_warnings, "
            + "limits_hit from public.usage_report_daily(:from, :to)")
        .bind("from", from).bind("to", to).map(JsonRows::map).list();
  }

  public static List<Map<String, Object>> upgradeCandidates(Handle h, LocalDate month, BigDecimal thresholdPercent) {
    return h.createQuery("select * from public.usage_report_upgrade_candidates(:month, :threshold)")
        .bind("month", month).bind("threshold", thresholdPercent).map(JsonRows::map).list();
  }

  /** Token and cost accounting for every profile in the month, by model. */
  public static List<Map<String, Object>> aiCosts(Handle h, LocalDate month) {
    return h.createQuery("""
            select profile_id, billing_month::text as billing_month, provider, model, calls, failed_calls,
                   input_tokens, output_tokens, cached_tokens, cost, unpriced_calls
              from public.usage_ai_costs(null, :month)""")
        .bind("month", month).map(JsonRows::map).list();
  }
}
