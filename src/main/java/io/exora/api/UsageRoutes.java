package io.exora.api;

import io.exora.usage.Plans;
import io.exora.usage.UsageReports;
import io.exora.usage.UsageStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Plans and usage (io.exora.usage, V090__usage_metering.sql). People read their profiles' usage;
 * operators (service role or an admin's token) change an account's plan and read the reports. Who
 * may do what is decided in the database; these routes only translate HTTP.
 */
final class UsageRoutes {
  static final int DEFAULT_EVENTS = 50;
  static final int MAX_EVENTS = 500;
  static final int DEFAULT_TOP = 20;
  static final int MAX_TOP = 500;
  /** The daily trend's default span, in days (today included). */
  static final int DEFAULT_DAYS = 30;

  /** PUT /v1/admin/accounts/{id}/plan. */
  record PlanChange(String planType, String reason) {}

  private final Requests requests;
  private final JsonBodies bodies;

  UsageRoutes(Requests requests, JsonBodies bodies) {
    this.requests = requests;
    this.bodies = bodies;
  }

  void register(RoutesConfig routes) {
    routes.get("/v1/plans", this::plans);
    routes.get("/v1/profiles/{id}/usage", this::usage);
    routes.get("/v1/profiles/{id}/usage/events", this::events);
    routes.get("/v1/profiles/{id}/usage/ai", this::aiCosts);
    routes.get("/v1/usage/family", this::family);
    routes.put("/v1/admin/accounts/{id}/plan", this::changePlan);
    routes.get("/v1/admin/usage/top-users", this::topUsers);
    routes.get("/v1/admin/usage/by-plan", this::byPlan);
    routes.get("/v1/admin/usage/daily", this::daily);
    routes.get("/v1/admin/usage/upgrade-candidates", this::upgradeCandidates);
    routes.get("/v1/admin/usage/ai", this::allAiCosts);
  }

  /**
   * The plans are public product information (a pricing page is read before signing up), so this
   * needs no token; it reads only the active plans and the three usage switches, as the service.
   */
  private void plans(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("plans", requests.asService(ctx, Plans::active));
    body.putAll(requests.asService(ctx, Plans::flags));
    ctx.json(body);
  }

  private void usage(Context ctx) {
    requests.claims(ctx);
    UUID id = ProfileRoutes.uuid(ctx, "id");
    ctx.json(requests.asCaller(ctx, h -> UsageStatus.of(h, id)));
  }

  private void events(Context ctx) {
    requests.claims(ctx);
    UUID id = ProfileRoutes.uuid(ctx, "id");
    int limit = QueryParams.intInRange(ctx, "limit", DEFAULT_EVENTS, 1, MAX_EVENTS);
    // Reading the status first applies its guard: a caller without the view right gets 403, not [].
    ctx.json(requests.asCaller(ctx, h -> {
      UsageStatus.of(h, id);
      return Map.of("events", UsageStatus.events(h, id, limit));
    }));
  }

  private void aiCosts(Context ctx) {
    requests.claims(ctx);
    UUID id = ProfileRoutes.uuid(ctx, "id");
    YearMonth month = month(ctx);
    ctx.json(Map.of("month", month.toString(),
        "models", requests.asCaller(ctx, h -> UsageStatus.aiCosts(h, id, month.atDay(1)))));
  }

  private void family(Context ctx) {
    UUID user = requests.userId(ctx);
    ctx.json(Map.of("profiles", requests.asCaller(ctx, h -> UsageStatus.family(h, user))));
  }

  private void changePlan(Context ctx) {
    requests.claims(ctx);
    UUID account = ProfileRoutes.uuid(ctx, "id");
    PlanChange body = bodies.read(ctx, PlanChange.class);
    if (body.planType() == null || body.planType().isBlank()) {
      throw ApiError.badRequest("invalid_input", "plan_type is required");
    }
    if (body.reason() != null && body.reason().length() > 500) {
      throw ApiError.badRequest("invalid_input", "reason must be at most 500 characters");
    }
    ctx.json(requests.asCaller(ctx, h -> Plans.change(h, account, body.planType().strip(), body.reason())));
  }

  private void topUsers(Context ctx) {
    requests.claims(ctx);
    String metric = ctx.queryParam("metric") == null ? "ai_tokens" : ctx.queryParam("metric").strip();
    if (!UsageReports.METRICS.contains(metric)) {
      throw ApiError.badRequest("invalid_input", "metric must be one of " + String.join(", ", UsageReports.METRICS));
    }
    int limit = QueryParams.intInRange(ctx, "limit", DEFAULT_TOP, 1, MAX_TOP);
    YearMonth month = month(ctx);
    ctx.json(Map.of("month", month.toString(), "metric", metric,
        "profiles", requests.asCaller(ctx, h -> UsageReports.topUsers(h, month.atDay(1), metric, limit))));
  }

  private void byPlan(Context ctx) {
    requests.claims(ctx);
    YearMonth month = month(ctx);
    ctx.json(Map.of("month", month.toString(), "plans", requests.asCaller(ctx, h -> UsageReports.byPlan(h, month.atDay(1)))));
  }

  private void daily(Context ctx) {
    requests.claims(ctx);
    LocalDate to = date(ctx, "to", LocalDate.now(java.time.ZoneOffset.UTC));
    LocalDate from = date(ctx, "from", to.minusDays(DEFAULT_DAYS - 1));
    ctx.json(Map.of("from", from.toString(), "to", to.toString(),
        "days", requests.asCaller(ctx, h -> UsageReports.daily(h, from, to))));
  }

  private void upgradeCandidates(Context ctx) {
    requests.claims(ctx);
    YearMonth month = month(ctx);
    int threshold = QueryParams.intInRange(ctx, "threshold", 80, 1, 1000);
    ctx.json(Map.of("month", month.toString(), "threshold_percent", threshold,
        "candidates", requests.asCaller(ctx, h -> UsageReports.upgradeCandidates(h, month.atDay(1),
            BigDecimal.valueOf(threshold)))));
  }

  private void allAiCosts(Context ctx) {
    requests.claims(ctx);
    YearMonth month = month(ctx);
    ctx.json(Map.of("month", month.toString(), "rows", requests.asCaller(ctx, h -> UsageReports.aiCosts(h, month.atDay(1)))));
  }

  /** {@code ?month=YYYY-MM}, default the current UTC month. */
  private static YearMonth month(Context ctx) {
    String value = ctx.queryParam("month");
    if (value == null || value.isBlank()) {
      return YearMonth.now(java.time.ZoneOffset.UTC);
    }
    try {
      return YearMonth.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("invalid_input", "month must be YYYY-MM, such as 2026-12");
    }
  }

  private static LocalDate date(Context ctx, String name, LocalDate fallback) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return LocalDate.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("invalid_input", name + " must be a date such as 2026-12-06");
    }
  }
}
