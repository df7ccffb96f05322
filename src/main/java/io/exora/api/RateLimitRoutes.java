package io.exora.api;

import io.exora.ratelimit.RateLimitSettings;
import io.exora.ratelimit.RateLimiter;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Operator endpoints for the shared AI rate limits. Who may call them (service role or an admin's
 * token) and what values are allowed (22023 → 400, naming the field) are decided in the database;
 * these routes only translate HTTP.
 */
final class RateLimitRoutes {
  private final Requests requests;
  private final JsonBodies bodies;

  /**
   * The limits of one pair, replacing what was there: a limit left out (or null) is no limit of
   * that kind. Unknown fields are refused (400), so a misspelt limit is never silently dropped.
   */
  record LimitsRequest(Integer requestsPerMinute, Integer requestsPerHour, Long tokensPerMinute, Long tokensPerHour,
      Integer concurrentRequests, String status, Integer backpressureDelaySeconds) {}

  RateLimitRoutes(Requests requests, JsonBodies bodies) {
    this.requests = requests;
    this.bodies = bodies;
  }

  void register(RoutesConfig routes) {
    routes.get("/v1/admin/rate-limits", this::list);
    routes.put("/v1/admin/rate-limits/{provider}/{endpoint}", this::put);
  }

  private void list(Context ctx) {
    requests.claims(ctx);
    ctx.json(Map.of("rate_limits", requests.asCaller(ctx, RateLimiter::limits)));
  }

  private void put(Context ctx) {
    requests.claims(ctx);
    LimitsRequest body = bodies.read(ctx, LimitsRequest.class);
    RateLimitSettings settings = new RateLimitSettings(ctx.pathParam("provider"), ctx.pathParam("endpoint"),
        body.requestsPerMinute(), body.requestsPerHour(), body.tokensPerMinute(), body.tokensPerHour(),
        body.concurrentRequests(), body.status(), body.backpressureDelaySeconds());
    ctx.json(Map.of("rate_limit", requests.asCaller(ctx, h -> RateLimiter.put(h, settings))));
  }
}
