package io.exora.usage;

import io.exora.db.JsonRows;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * What people see of their usage: a profile's month against its plan (the original's
 * get_user_usage_status shape), the family view of an account, the AI token and cost accounting,
 * and the ledger's recent events (threshold warnings among them). Runs as the caller under RLS
 * and the functions' guards.
 */
public final class UsageStatus {
  private UsageStatus() {}

  /** {@code get_user_usage_status(profile)}: {current_period, usage, status}. */
  public static Object of(Handle h, UUID profileId) {
    return h.createQuery("select public.get_user_usage_status(:p) as status").bind("p", profileId)
        .map(JsonRows::map).one().get("status");
  }

  /** Every profile the account owns, each with its usage status. */
  public static List<Map<String, Object>> family(Handle h, UUID accountId) {
    return h.createQuery("select profile_id, display_name, profile_type, usage from public.usage_family(:a)")
        .bind("a", accountId).map(JsonRows::map).list();
  }

  /** AI calls, tokens and cost by model for the profile in the month containing {@code month}. */
  public static List<Map<String, Object>> aiCosts(Handle h, UUID profileId, LocalDate month) {
    return h.createQuery("""
            select provider, model, calls, failed_calls, input_tokens, output_tokens, cached_tokens, cost, unpriced_calls
              from public.usage_ai_costs(:p, :month)""")
        .bind("p", profileId).bind("month", month).map(JsonRows::map).list();
  }

  /** The profile's newest usage events (uploads, AI calls, limit warnings and hits, plan changes). */
  public static List<Map<String, Object>> events(Handle h, UUID profileId, int limit) {
    return h.createQuery("""
            select id, event_type, metrics, shell_file_id, job_id, ai_generation_id,
                   billing_cycle_start::text as billing_cycle_start, created_at
              from public.usage_events
             where profile_id = :p
             order by created_at desc, id
             limit :limit""")
        .bind("p", profileId).bind("limit", limit).map(JsonRows::map).list();
  }
}
