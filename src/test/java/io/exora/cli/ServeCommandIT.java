package io.exora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.api.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code exora serve} as a real process on the embedded default: it serves, keeps its data across
 * a restart, and leaves no PostgreSQL behind after SIGTERM or even SIGKILL.
 */
class ServeCommandIT {

  @Test
  void servesKeepsItsDataAndStopsCleanly() throws Exception {
    Path dataDir = Files.createTempDirectory("exora-serve-it");
    String token;
    String childId;
    try (ExoraProcess exora = ExoraProcess.start(dataDir, Map.of(), "serve")) {
      exora.awaitHealthy(Duration.ofSeconds(120));
      ApiClient api = exora.client();
      assertThat(api.get("/readyz", null).status()).isEqualTo(200);
      JsonNode account = api.signup("mum@example.org", "correct horse battery", "Mum");
      token = api.post("/v1/auth/token", null,
          Map.of("email", "mum@example.org", "password", "correct horse battery")).body().get("access_token").asText();
      ApiClient.Response child = api.post("/v1/profiles", token, Map.of("display_name", "Leo"));
      assertThat(child.status()).isEqualTo(201);
      childId = child.body().get("id").asText();
      assertThat(account.get("profile_id").asText()).isNotBlank();

      exora.process.destroy();  // SIGTERM
      assertThat(exora.process.waitFor(60, TimeUnit.SECONDS)).as("stops after SIGTERM").isTrue();
      assertThat(ExoraProcess.processesMentioning(dataDir)).as("no orphan postgres after SIGTERM").isEmpty();
      assertThat(exora.output()).contains("Exora stopped");
    }

    try (ExoraProcess again = ExoraProcess.start(dataDir, Map.of(), "serve")) {
      again.awaitHealthy(Duration.ofSeconds(120));
      ApiClient api = again.client();
      // The generated JWT secret and the data survived: the old token still works.
      ApiClient.Response profiles = api.get("/v1/profiles", token);
      assertThat(profiles.status()).isEqualTo(200);
      assertThat(profiles.body().get("profiles").toString()).contains(childId);

      again.process.destroyForcibly();  // SIGKILL: no shutdown hook runs
      again.process.waitFor(30, TimeUnit.SECONDS);
      awaitNoProcessesMentioning(dataDir, Duration.ofSeconds(15));
    }

    // After a crash the data directory is usable again at once.
    try (ExoraProcess migrate = ExoraProcess.start(dataDir, Map.of(), "migrate")) {
      assertThat(migrate.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(migrate.process.exitValue()).as(migrate.output()).isZero();
      assertThat(migrate.output()).contains("migrations applied (embedded database)");
    }
    assertThat(ExoraProcess.processesMentioning(dataDir)).isEmpty();
  }

  @Test
  void badConfigurationIsRefusedWithAClearMessage() throws Exception {
    Path dataDir = Files.createTempDirectory("exora-config-it");
    try (ExoraProcess exora = ExoraProcess.start(dataDir, Map.of("EXORA_JWT_SECRET", "too-short"), "serve")) {
      assertThat(exora.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(exora.process.exitValue()).isEqualTo(2);
      assertThat(exora.output()).contains("EXORA_JWT_SECRET must be at least 32 bytes").doesNotContain("too-short");
    }
  }

  static void awaitNoProcessesMentioning(Path dir, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> left = ExoraProcess.processesMentioning(dir);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(250);
      left = ExoraProcess.processesMentioning(dir);
    }
    assertThat(left).as("postgres processes left after the JVM was killed").isEmpty();
  }
}
