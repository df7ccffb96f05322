package io.exora.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * POST /v1/auth/token checks a password at most ten times per address in fifteen minutes (V092):
 * the eleventh attempt gets 429 with Retry-After, whether or not the address has an account, and
 * however many attempts arrive at once.
 */
class SignInThrottleApiTest {
  private static final String PASSWORD = "correct horse battery";
  static TestServer server;
  static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.client;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theEleventhAttemptWithinTheWindowIsRefusedEvenWithTheRightPassword() {
    api.signup("ten@example.org", PASSWORD, "Ten");
    for (int i = 0; i < 10; i++) {
      assertThat(signIn("ten@example.org", "wrong password " + i).status()).isEqualTo(401);
    }

    ApiClient.Response refused = signIn("TEN@example.org", PASSWORD);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("too_many_sign_in_attempts");
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(880L, 900L);
    // another address is not held back
    api.signup("other@example.org", PASSWORD, "Other");
    assertThat(signIn("other@example.org", PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void anAddressWithoutAnAccountIsThrottledAlike() {
    for (int i = 0; i < 10; i++) {
      assertThat(signIn("nobody-here@example.org", PASSWORD).status()).isEqualTo(401);
    }
    ApiClient.Response refused = signIn("nobody-here@example.org", PASSWORD);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.body().toString()).doesNotContain("nobody-here");
  }

  @Test
  void aSuccessfulSignInStartsTheCountAgain() {
    api.signup("forgetful@example.org", PASSWORD, "F");
    for (int i = 0; i < 9; i++) {
      assertThat(signIn("forgetful@example.org", "not it").status()).isEqualTo(401);
    }
    assertThat(signIn("forgetful@example.org", PASSWORD).status()).isEqualTo(200);
    for (int i = 0; i < 10; i++) {
      assertThat(signIn("forgetful@example.org", "not it").status()).isEqualTo(401);
    }
  }

  @Test
  void theAddressMayTryAgainOnceItsWindowHasClosed() {
    api.signup("patient@example.org", PASSWORD, "P");
    for (int i = 0; i < 11; i++) {
      signIn("patient@example.org", "not it");
    }
    assertThat(signIn("patient@example.org", PASSWORD).status()).isEqualTo(429);

    owner().useHandle(h -> h.execute("update public.sign_in_attempts set window_started_at = now() - interval '901 seconds'"
        + " where email = 'patient@example.org'"));

    assertThat(signIn("patient@example.org", PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void attemptsSentAtOnceAreCountedBeforeAnyPasswordIsChecked() throws Exception {
    api.signup("burst@example.org", PASSWORD, "B");
    List<Future<Integer>> statuses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(30)) {
      for (int i = 0; i < 30; i++) {
        statuses.add(pool.submit(() -> signIn("burst@example.org", "guess").status()));
      }
    }
    List<Integer> seen = new ArrayList<>();
    for (Future<Integer> s : statuses) {
      seen.add(s.get());
    }
    assertThat(seen).containsOnly(401, 429);
    assertThat(seen.stream().filter(s -> s == 401)).hasSize(10);
  }

  @Test
  void aMistypedSettingNeitherBreaksSignInNorTurnsTheThrottleOff() {
    api.signup("settings@example.org", PASSWORD, "S");
    try {
      setting("auth.sign_in_window_seconds", "0");  // clamped to a minute, not off
      for (String max : new String[] {"\"ten\"", "-1", "10.0", "2147483647", "{}"}) {
        setting("auth.sign_in_max_attempts", max);
        assertThat(signIn("settings@example.org", PASSWORD).status()).as("max attempts " + max).isEqualTo(200);
      }
      setting("auth.sign_in_max_attempts", "0");  // clamped to one attempt
      assertThat(signIn("settings@example.org", "not it").status()).isEqualTo(401);
      ApiClient.Response refused = signIn("settings@example.org", PASSWORD);
      assertThat(refused.status()).isEqualTo(429);
      assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(50L, 60L);
    } finally {
      owner().useHandle(h -> h.execute("delete from public.system_configuration where config_key like 'auth.sign_in%'"));
    }
  }

  @Test
  void closedWindowsOfOtherAddressesAreRemovedAsAttemptsArrive() {
    owner().useHandle(h -> h.execute("""
        insert into public.sign_in_attempts (email, window_started_at, attempts)
        select 'stale' || g || '@example.org', now() - interval '1 hour', 3 from generate_series(1, 25) g"""));

    signIn("sweeper@example.org", "x");
    signIn("sweeper@example.org", "x");

    long stale = owner().withHandle(h -> h.createQuery(
        "select count(*) from public.sign_in_attempts where email like 'stale%'").mapTo(Long.class).one());
    assertThat(stale).isEqualTo(5);  // ten per attempt
  }

  private static ApiClient.Response signIn(String email, String password) {
    return api.post("/v1/auth/token", null, Map.of("email", email, "password", password));
  }

  private static void setting(String key, String jsonValue) {
    owner().useHandle(h -> h.createUpdate("""
            insert into public.system_configuration (config_key, config_value) values (:key, cast(:value as jsonb))
            on conflict (config_key) do update set config_value = excluded.config_value""")
        .bind("key", key).bind("value", jsonValue).execute());
  }

  private static Jdbi owner() {
    return Jdbi.create(server.owner.jdbcUrl(), server.owner.user(), server.owner.password());
  }
}
