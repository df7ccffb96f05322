package io.exora.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;

/** Liveness ({@code /healthz}: the process answers) and readiness ({@code /readyz}: the database does). */
final class HealthRoutes {
  private final DataSource dataSource;

  HealthRoutes(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  void register(RoutesConfig routes) {
    routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
    routes.get("/readyz", this::ready);
  }

  private void ready(Context ctx) {
    try (Connection c = dataSource.getConnection()) {
      if (c.isValid(2)) {
        ctx.json(Map.of("status", "ready"));
        return;
      }
    } catch (Exception e) {
      // Not ready; answered below.
    }
    ErrorMapper.respond(ctx, new ApiError(503, "not_ready", "the database is not reachable"));
  }
}
