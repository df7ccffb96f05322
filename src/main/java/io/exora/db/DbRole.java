package io.exora.db;

/**
 * The database roles a transaction may act as. The set is closed on purpose: the role name goes
 * into {@code set_config('role', ...)}, and nothing outside this list may ever reach it.
 */
public enum DbRole {
  ANON("anon"),
  AUTHENTICATED("authenticated"),
  SERVICE_ROLE("service_role");

  private final String sqlName;

  DbRole(String sqlName) {
    this.sqlName = sqlName;
  }

  public String sqlName() {
    return sqlName;
  }

  public static DbRole fromClaim(String role) {
    for (DbRole r : values()) {
      if (r.sqlName.equals(role)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role: " + role);
  }
}
