package io.exora.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the SQL migrations in {@code src/main/resources/db/migration}, as the schema owner. */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static MigrateResult apply(ConnectionSettings owner) {
    Flyway flyway = configuration(owner).load();
    MigrateResult result;
    try {
      result = flyway.migrate();
    } catch (FlywayValidateException e) {
      // Flyway's own advice ("run repair") would record the new migrations as applied without
      // running them, and leave a schema that matches neither build.
      // Builds from 2026-12-06 on only add migrations (decision 0016); an earlier build's database
      // (they rewrote theirs in place) or a hand-edited history ends here.
      throw new IllegalStateException("this database was migrated by another build of Exora, whose migrations"
          + " differ from this build's (builds before 2026-12-06 rewrote their migrations in place). Do not run"
          + " `flyway repair` (it would mark this build's migrations as applied without running them): use a"
          + " new database (or an empty EXORA_DATA_DIR for the embedded one). Flyway said: " + e.getMessage(), e);
    }
    if (result.migrationsExecuted > 0) {
      log.info("applied {} migration(s); schema now at version {}", result.migrationsExecuted,
          result.targetSchemaVersion);
    }
    return result;
  }

  static FluentConfiguration configuration(ConnectionSettings owner) {
    return Flyway.configure()
        .dataSource(owner.jdbcUrl(), owner.user(), owner.password())
        .locations("classpath:db/migration")
        .defaultSchema("public")
        .schemas("public")
        .createSchemas(false);
  }
}
