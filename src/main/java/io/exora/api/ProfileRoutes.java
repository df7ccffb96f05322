package io.exora.api;

import io.exora.profiles.Profiles;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The profiles API: accessible profiles, dependents, and granting and revoking access. */
final class ProfileRoutes {
  private static final Set<String> DEPENDENT_TYPES = Set.of("child", "adult_dependent", "pet");
  private static final Set<String> GRANTABLE_LEVELS = Set.of("none", "emergency", "read_only", "read_write", "full_access");

  record DependentRequest(String displayName, String profileType, String relationship,
      LocalDate dateOfBirth, String biologicalSex) {}

  record GrantRequest(String email, String permissionLevel, Boolean canUploadDocuments,
      Boolean canViewDocuments, Boolean canEditMedicalData, Boolean canShareData,
      Boolean canManagePermissions, Instant accessEndDate) {}

  private final Requests requests;
  private final JsonBodies bodies;

  ProfileRoutes(Requests requests, JsonBodies bodies) {
    this.requests = requests;
    this.bodies = bodies;
  }

  void register(RoutesConfig routes) {
    routes.get("/v1/profiles", this::list);
    routes.post("/v1/profiles", this::createDependent);
    routes.post("/v1/profiles/{id}/access", this::grant);
    routes.delete("/v1/profiles/{id}/access/{user_id}", this::revoke);
  }

  private void list(Context ctx) {
    requests.userId(ctx);
    ctx.json(Map.of("profiles", requests.asCaller(ctx, Profiles::accessible)));
  }

  private void createDependent(Context ctx) {
    requests.userId(ctx);
    DependentRequest body = bodies.read(ctx, DependentRequest.class);
    String type = body.profileType() == null ? "child" : body.profileType();
    if (!DEPENDENT_TYPES.contains(type)) {
      throw ApiError.badRequest("invalid_input", "profile_type must be one of " + DEPENDENT_TYPES);
    }
    if (body.displayName() == null || body.displayName().isBlank() || body.displayName().length() > 200) {
      throw ApiError.badRequest("invalid_input", "display_name must be 1 to 200 characters");
    }
    var created = requests.asCaller(ctx, h -> Profiles.createDependent(h, new Profiles.NewDependent(
        body.displayName().strip(), type, body.relationship(), body.dateOfBirth(), body.biologicalSex())));
    ctx.status(201).json(created);
  }

  private void grant(Context ctx) {
    requests.userId(ctx);
    UUID profileId = uuid(ctx, "id");
    GrantRequest body = bodies.read(ctx, GrantRequest.class);
    if (body.email() == null || body.email().isBlank()) {
      throw ApiError.badRequest("invalid_input", "email is required");
    }
    if (body.permissionLevel() == null || !GRANTABLE_LEVELS.contains(body.permissionLevel())) {
      throw ApiError.badRequest("invalid_input", "permission_level must be one of " + GRANTABLE_LEVELS);
    }
    if (body.accessEndDate() != null && !body.accessEndDate().isAfter(Instant.now())) {
      throw ApiError.badRequest("invalid_input", "access_end_date must be in the future");
    }
    var grant = requests.asCaller(ctx, h -> Profiles.grant(h, profileId, new Profiles.NewGrant(
        body.email().strip(), body.permissionLevel(),
        orFalse(body.canUploadDocuments()), body.canViewDocuments() == null || body.canViewDocuments(),
        orFalse(body.canEditMedicalData()), orFalse(body.canShareData()),
        orFalse(body.canManagePermissions()), body.accessEndDate())));
    ctx.status(201).json(grant);
  }

  private void revoke(Context ctx) {
    requests.userId(ctx);
    UUID profileId = uuid(ctx, "id");
    UUID userId = uuid(ctx, "user_id");
    var revoked = requests.asCaller(ctx, h -> Profiles.revoke(h, profileId, userId));
    ctx.json(revoked.orElseThrow(() -> ApiError.notFound("an active grant you manage")));
  }

  static UUID uuid(Context ctx, String param) {
    try {
      return UUID.fromString(ctx.pathParam(param));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("invalid_input", param + " must be a UUID");
    }
  }

  private static boolean orFalse(Boolean b) {
    return b != null && b;
  }
}
