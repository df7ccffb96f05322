package io.exora.db;

import java.util.Objects;

/**
 * Who a transaction acts for: a database role and the verified JWT claims (a JSON object) that
 * {@code auth.uid()}, {@code auth.role()} and {@code auth.jwt()} will read.
 */
public record Caller(DbRole role, String claimsJson) {
  public Caller {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(claimsJson, "claimsJson");
  }

  /** Workers, maintenance and operator actions: bypasses RLS, and the SQL guards know it. */
  public static Caller serviceRole() {
    return new Caller(DbRole.SERVICE_ROLE, "{\"role\":\"service_role\"}");
  }

  public static Caller anonymous() {
    return new Caller(DbRole.ANON, "{\"role\":\"anon\"}");
  }
}
