package io.exora.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

class MigrationsTest {

  @Test
  void migrationsAreIdempotentOnAnAlreadyMigratedDatabase() {
    ConnectionSettings owner = TestPostgres.newDatabase();
    MigrateResult again = Migrations.apply(owner);
    assertThat(again.migrationsExecuted).isZero();
    assertThat(again.success).isTrue();
  }

  @Test
  void aDatabaseMigratedByAnotherBuildIsRefusedWithoutFlywaysRepairAdvice() {
    ConnectionSettings owner = TestPostgres.newDatabase();
    // what an earlier build whose V070 differed leaves in the history
    TestPostgres.execute(owner, "update public.flyway_schema_history set checksum = checksum + 1 where version = '070'");
    assertThatThrownBy(() -> Migrations.apply(owner))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("migrated by another build of Exora")
        .hasMessageContaining("Do not run `flyway repair`")
        .hasMessageContaining("version 070");
  }

  @Test
  void theAuthLayerMatchesSupabase() {
    ConnectionSettings owner = TestPostgres.newDatabase();
    Jdbi jdbi = Jdbi.create(owner.jdbcUrl(), owner.user(), owner.password());
    jdbi.useTransaction(h -> {
      h.execute("select set_config('request.jwt.claims', "
          + "'{\"sub\":\"6f0c1a9e-5d4b-4c3a-9f1e-2b7d8c6a5e40\",\"role\":\"authenticated\"}', true)");
      assertThat(h.createQuery("select auth.uid()::text").mapTo(String.class).one())
          .isEqualTo("6f0c1a9e-5d4b-4c3a-9f1e-2b7d8c6a5e40");
      assertThat(h.createQuery("select auth.role()").mapTo(String.class).one()).isEqualTo("authenticated");
      assertThat(h.createQuery("select auth.jwt() ->> 'role'").mapTo(String.class).one()).isEqualTo("authenticated");
      // An empty setting is absent, not a cast error (Supabase's nullif).
      h.execute("select set_config('request.jwt.claims', '', true)");
      assertThat(h.createQuery("select auth.uid() is null").mapTo(Boolean.class).one()).isTrue();
    });
    boolean bypass = jdbi.withHandle(h -> h.createQuery(
        "select rolbypassrls from pg_roles where rolname = 'service_role'").mapTo(Boolean.class).one());
    assertThat(bypass).isTrue();
    boolean loginNoInherit = jdbi.withHandle(h -> h.createQuery(
        "select rolcanlogin and not rolinherit from pg_roles where rolname = 'authenticator'").mapTo(Boolean.class).one());
    assertThat(loginNoInherit).isTrue();
  }
}
