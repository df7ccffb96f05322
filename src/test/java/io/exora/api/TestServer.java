package io.exora.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.auth.TokenIssuer;
import io.exora.cli.Server;
import io.exora.config.ExoraConfig;
import io.exora.db.ConnectionSettings;
import io.exora.db.ProvisionedDatabase;
import io.exora.db.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The real server (the same wiring as {@code exora serve}) on a fresh test database, with the
 * pool logging in as {@code authenticator}, on a free port.
 */
public final class TestServer implements AutoCloseable {
  public static final String JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";
  public final Server server;
  public final ApiClient client;
  public final ConnectionSettings owner;
  public final Path dataDir;
  public final byte[] jwtSecret = JWT_SECRET.getBytes(StandardCharsets.UTF_8);

  private TestServer(Server server, ConnectionSettings owner, Path dataDir) {
    this.dataDir = dataDir;
    this.server = server;
    this.owner = owner;
    this.client = new ApiClient(server.port());
  }

  public static TestServer start() {
    return start(Map.of());
  }

  /** A server whose configuration also has {@code environment}'s variables (they win). */
  public static TestServer start(Map<String, String> environment) {
    try {
      ConnectionSettings owner = TestPostgres.newDatabase();
      Path dataDir = Files.createTempDirectory("exora-test-data");
      Map<String, String> env = new HashMap<>(Map.of(
          "EXORA_DATA_DIR", dataDir.toString(),
          "EXORA_PORT", "0",
          "EXORA_JWT_SECRET", JWT_SECRET,
          "EXORA_PASSWORD_HASH_COST", "4",
          "EXORA_DB_POOL_SIZE", "4"));
      env.putAll(environment);
      ExoraConfig config = ExoraConfig.fromEnvironment(env);
      Server server = Server.start(config,
          ProvisionedDatabase.existing(owner, TestPostgres.runtime(owner)), Server.Role.API);
      return new TestServer(server, owner, dataDir);
    } catch (Exception e) {
      throw new IllegalStateException("could not start the test server", e);
    }
  }

  /** A service-role token, as a worker or an operator's tool holds. */
  public String serviceToken() {
    return issuer().issueServiceToken(Duration.ofMinutes(10));
  }

  /** Signs up {@code email} and returns a token marking it an operator (app_metadata.is_admin). */
  public String signUpAdmin(String email) {
    JsonNode admin = client.signup(email, "correct horse battery", "Operator");
    return issuer().issueUserToken(UUID.fromString(admin.get("user_id").asText()), email, Map.of("is_admin", true));
  }

  private TokenIssuer issuer() {
    return new TokenIssuer(jwtSecret, "exora", InstantSource.system());
  }

  @Override
  public void close() {
    server.close();
  }
}
