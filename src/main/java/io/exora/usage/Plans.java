package io.exora.usage;

import io.exora.db.JsonRows;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Subscription plans (V090__usage_metering.sql): the tiers anyone may read, and the operators'
 * change of an account's plan. Runs in the caller's transaction as the caller; the database
 * decides who may change a plan (the service role or an admin).
 */
public final class Plans {
  private Plans() {}

  /** The active plans, cheapest first. A null limit is unlimited. */
  public static List<Map<String, Object>> active(Handle h) {
    return h.createQuery("""
            select plan_type, display_name, shell_files_limit, pages_limit, ai_tokens_limit, storage_limit_mb,
                   monthly_price_cents, features, sort_order
              from public.subscription_plans
             where is_active
             order by sort_order""")
        .map(JsonRows::map).list();
  }

  /** The product switches the plan screens follow: usage tracking, billing and upgrade prompts. */
  public static Map<String, Object> flags(Handle h) {
    return h.createQuery("""
            select coalesce(bool_or(enabled) filter (where flag_name = 'usage_tracking'), true) as usage_tracking_enabled,
                   coalesce(bool_or(enabled) filter (where flag_name = 'billing'), false) as billing_enabled,
                   coalesce(bool_or(enabled) filter (where flag_name = 'upgrade_prompts'), false) as upgrade_prompts_enabled
              from public.feature_flags
             where flag_name in ('usage_tracking', 'billing', 'upgrade_prompts')""")
        .map(JsonRows::map).one();
  }

  /**
   * Puts an account on a plan, effective at once. Returns {account_id, previous_plan, plan_type,
   * changed}. The database raises 42501 for a caller who is not an operator, P0002 for an unknown
   * account and 22023 for an unknown or retired plan.
   */
  public static Object change(Handle h, UUID accountId, String planType, String reason) {
    return h.createQuery("select public.change_account_plan(:account, :plan, :reason) as result")
        .bind("account", accountId).bind("plan", planType).bind("reason", reason)
        .map(JsonRows::map).one().get("result");
  }
}
