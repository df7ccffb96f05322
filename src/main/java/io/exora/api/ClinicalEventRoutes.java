package io.exora.api;

import io.exora.clinical.ClinicalEvents;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A profile's clinical events, and a person's review of one (confirm, correct or reject). */
final class ClinicalEventRoutes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final Set<String> ACTIONS = Set.of("confirmed", "corrected", "rejected");

  record ReviewRequest(String reviewStatus, String eventName, LocalDate eventDate, String note) {}

  private final Requests requests;
  private final JsonBodies bodies;

  ClinicalEventRoutes(Requests requests, JsonBodies bodies) {
    this.requests = requests;
    this.bodies = bodies;
  }

  void register(RoutesConfig routes) {
    routes.get("/v1/profiles/{id}/clinical-events", this::list);
    routes.patch("/v1/clinical-events/{id}", this::review);
  }

  private void list(Context ctx) {
    requests.userId(ctx);
    UUID profileId = ProfileRoutes.uuid(ctx, "id");
    String type = ctx.queryParam("type");
    if (type != null && !ClinicalEvents.TYPES.contains(type)) {
      throw ApiError.badRequest("invalid_input", "type must be one of " + ClinicalEvents.TYPES);
    }
    LocalDate from = date(ctx, "from");
    LocalDate to = date(ctx, "to");
    if (from != null && to != null && to.isBefore(from)) {
      throw ApiError.badRequest("invalid_input", "to must not be before from");
    }
    int limit = QueryParams.intInRange(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    ctx.json(Map.of("events", requests.asCaller(ctx,
        h -> ClinicalEvents.list(h, profileId, type, from, to, limit))));
  }

  private void review(Context ctx) {
    requests.userId(ctx);
    UUID eventId = ProfileRoutes.uuid(ctx, "id");
    ReviewRequest body = bodies.read(ctx, ReviewRequest.class);
    if (body.reviewStatus() == null || !ACTIONS.contains(body.reviewStatus())) {
      throw ApiError.badRequest("invalid_input", "review_status must be one of " + ACTIONS);
    }
    boolean corrects = body.eventName() != null || body.eventDate() != null;
    if ("corrected".equals(body.reviewStatus()) != corrects) {
      throw ApiError.badRequest("invalid_input",
          "a correction needs event_name or event_date, and only a correction may change them");
    }
    if (body.eventName() != null && (body.eventName().isBlank() || body.eventName().length() > 500)) {
      throw ApiError.badRequest("invalid_input", "event_name must be 1 to 500 characters");
    }
    if (body.note() != null && body.note().length() > 2000) {
      throw ApiError.badRequest("invalid_input", "note must be at most 2000 characters");
    }
    String corrections = null;
    if (corrects) {
      Map<String, Object> changed = new LinkedHashMap<>();
      if (body.eventName() != null) {
        changed.put("event_name", body.eventName().strip());
      }
      if (body.eventDate() != null) {
        changed.put("event_date", body.eventDate().toString());
      }
      try {
        corrections = JSON.writeValueAsString(changed);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    String correctionsJson = corrections;
    ClinicalEvents.Review review = new ClinicalEvents.Review(body.reviewStatus(),
        body.eventName() == null ? null : body.eventName().strip(), body.eventDate(), body.note());
    var result = requests.asCaller(ctx, h -> {
      boolean visible = h.createQuery("select exists (select 1 from public.patient_clinical_events where id = :id and deleted_at is null)")
          .bind("id", eventId).mapTo(Boolean.class).one();
      if (!visible) {
        throw ApiError.notFound("clinical event " + eventId);
      }
      return ClinicalEvents.review(h, eventId, review, correctionsJson)
          .orElseThrow(() -> ApiError.forbidden("reviewing needs the right to edit this profile's medical data"));
    });
    ctx.json(result);
  }

  private static LocalDate date(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(raw.strip());
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("invalid_input", name + " must be a date such as 2026-01-31");
    }
  }
}
