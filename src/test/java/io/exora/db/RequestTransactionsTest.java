package io.exora.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RequestTransactionsTest {
  static Database pool;
  static RequestTransactions transactions;

  @BeforeAll
  static void open() {
    ConnectionSettings owner = TestPostgres.newDatabase();
    // One connection, so every transaction below runs on the very same server session.
    pool = Database.open(TestPostgres.runtime(owner), 1, "leak-test");
    transactions = new RequestTransactions(pool.jdbi());
  }

  @AfterAll
  static void close() {
    pool.close();
  }

  @Test
  void theCallersRoleAndClaimsHoldInsideTheTransaction() {
    UUID user = UUID.randomUUID();
    Map<String, Object> seen = transactions.run(userCaller(user), "corr-1", h -> h.createQuery("""
            select current_user as role, auth.uid()::text as uid, auth.role() as claim_role,
                   current_setting('exora.correlation_id') as correlation_id""")
        .mapToMap().one());
    assertThat(seen).containsEntry("role", "authenticated").containsEntry("uid", user.toString())
        .containsEntry("claim_role", "authenticated").containsEntry("correlation_id", "corr-1");
  }

  @Test
  void nothingLeaksToTheNextBorrowerOfThePooledConnection() {
    UUID user = UUID.randomUUID();
    transactions.run(userCaller(user), "corr-2", h -> h.execute("select 1"));
    assertClean();

    // Also after a transaction that failed and rolled back.
    assertThatThrownBy(() -> transactions.run(userCaller(user), "corr-3", h -> {
      h.execute("select 1/0");
      return null;
    })).hasMessageContaining("division by zero");
    assertClean();
  }

  @Test
  void theRuntimeLoginItselfCanReadNothing() {
    // Outside a request transaction the pool is `authenticator` (NOINHERIT): no table privileges.
    assertThatThrownBy(() -> pool.jdbi().withHandle(h ->
        h.createQuery("select count(*) from public.user_profiles").mapTo(Long.class).one()))
        .hasMessageContaining("permission denied");
  }

  @Test
  void theServiceRoleTakesTheSamePath() {
    String role = transactions.run(Caller.serviceRole(), "svc", h ->
        h.createQuery("select current_user").mapTo(String.class).one());
    assertThat(role).isEqualTo("service_role");
    assertClean();
  }

  private static void assertClean() {
    Map<String, Object> after = pool.jdbi().withHandle(h -> h.createQuery("""
            select current_user as role,
                   coalesce(current_setting('request.jwt.claims', true), '') as claims,
                   coalesce(current_setting('exora.correlation_id', true), '') as correlation_id""")
        .mapToMap().one());
    assertThat(after).containsEntry("role", "authenticator").containsEntry("claims", "")
        .containsEntry("correlation_id", "");
  }

  private static Caller userCaller(UUID user) {
    return new Caller(DbRole.AUTHENTICATED,
        "{\"sub\":\"" + user + "\",\"role\":\"authenticated\",\"aud\":\"authenticated\"}");
  }
}
