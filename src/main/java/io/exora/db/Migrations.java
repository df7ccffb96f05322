package io.exora.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the SQL migrations in {@code src/main/resources/db/migration}, as the schema owner. */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static MigrateResult apply(ConnectionSettings owner) {
    Flyway flyway = Flyway.configure()
        .dataSource(owner.jdbcUrl(), owner.user(), owner.password())
        .locations("classpath:db/migration")
        .defaultSchema("public")
        .schemas("public")
        .createSchemas(false)
        .load();
    MigrateResult result = flyway.migrate();
    if (result.migrationsExecuted > 0) {
      log.info("applied {} migration(s); schema now at version {}", result.migrationsExecuted,
          result.targetSchemaVersion);
    }
    return result;
  }
}
