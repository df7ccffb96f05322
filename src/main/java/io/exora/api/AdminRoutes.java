package io.exora.api;

import io.exora.queue.QueueOperators;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;

/**
 * Operator endpoints for the queue. Who may call them is decided in the database (service role
 * or an admin's token); these routes only translate HTTP.
 */
final class AdminRoutes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;
  private final Requests requests;

  AdminRoutes(Requests requests) {
    this.requests = requests;
  }

  void register(RoutesConfig routes) {
    routes.get("/v1/admin/jobs", this::listJobs);
    routes.post("/v1/admin/jobs/{id}/retry", this::retry);
    routes.get("/v1/admin/workers", this::listWorkers);
  }

  private void listJobs(Context ctx) {
    requests.claims(ctx);
    String status = ctx.queryParam("status");
    int limit = QueryParams.intInRange(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Instant before = instantParam(ctx, "before");
    UUID beforeId = uuidParam(ctx, "before_id");
    if (beforeId != null && before == null) {
      throw ApiError.badRequest("invalid_input", "before_id needs before (the created_at of the same row)");
    }
    var jobs = requests.asCaller(ctx, h -> QueueOperators.listJobs(h, blankToNull(status), limit, before, beforeId));
    ctx.json(Map.of("jobs", jobs));
  }

  private void retry(Context ctx) {
    requests.claims(ctx);
    UUID id = ProfileRoutes.uuid(ctx, "id");
    switch (requests.asCaller(ctx, h -> QueueOperators.retry(h, id))) {
      case RETRIED -> ctx.json(Map.of("job_id", id, "status", "pending"));
      case NOT_FOUND -> throw ApiError.notFound("job " + id);
      case NOT_DEAD_LETTERED -> throw new ApiError(409, "job_not_dead_lettered",
          "only a dead-lettered job can be retried; this one is not");
      case SUPERSEDED -> throw new ApiError(409, "job_superseded",
          "a newer job for the same file is already queued or running");
    }
  }

  private void listWorkers(Context ctx) {
    requests.claims(ctx);
    ctx.json(Map.of("workers", requests.asCaller(ctx, QueueOperators::listWorkers)));
  }

  private static Instant instantParam(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("invalid_input", name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
  }

  private static UUID uuidParam(Context ctx, String name) {
    String value = blankToNull(ctx.queryParam(name));
    try {
      return value == null ? null : UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("invalid_input", name + " must be a UUID");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
