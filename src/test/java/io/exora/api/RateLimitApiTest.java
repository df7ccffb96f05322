package io.exora.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET and PUT /v1/admin/rate-limits: who may call them, what they show, and 400s for bad limits. */
class RateLimitApiTest {
  private static TestServer server;
  private static ApiClient api;
  private static String serviceToken;
  private static String adminToken;
  private static String userToken;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.client;
    serviceToken = server.serviceToken();
    adminToken = server.signUpAdmin("limits-operator@example.org");
    userToken = api.signup("limits-user@example.org", "correct horse battery", "User").get("access_token").asText();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ApiClient.Response put(String path, String token, String json) {
    return api.send(api.builder(path, token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  @Test
  void onlyTheServiceRoleAndAdminsMayUseThem() {
    assertThat(api.get("/v1/admin/rate-limits", null).status()).isEqualTo(401);
    assertThat(api.get("/v1/admin/rate-limits", userToken).status()).isEqualTo(403);
    assertThat(put("/v1/admin/rate-limits/openai/gpt-4o-mini", userToken, "{\"requests_per_minute\": 1}").status())
        .isEqualTo(403);
    assertThat(api.get("/v1/admin/rate-limits", serviceToken).status()).isEqualTo(200);
    assertThat(api.get("/v1/admin/rate-limits", adminToken).status()).isEqualTo(200);
  }

  @Test
  void listsTheSeededLimitsWithTheirUsage() {
    JsonNode limits = api.get("/v1/admin/rate-limits", adminToken).body().get("rate_limits");
    JsonNode mini = null;
    for (JsonNode l : limits) {
      if (l.get("provider_name").asText().equals("openai") && l.get("api_endpoint").asText().equals("gpt-4o-mini")) {
        mini = l;
      }
    }
    assertThat(mini).isNotNull();
    assertThat(mini.get("requests_per_minute").asInt()).isEqualTo(500);
    assertThat(mini.get("tokens_per_minute").asLong()).isEqualTo(200_000);
    assertThat(mini.get("concurrent_requests").asInt()).isEqualTo(50);
    assertThat(mini.get("active_requests").asInt()).isZero();
    assertThat(mini.has("rate_limit_violations")).isTrue();
  }

  @Test
  void putReplacesAPairsLimits() {
    ApiClient.Response r = put("/v1/admin/rate-limits/anthropic/claude-haiku-4-5", serviceToken, """
        {"requests_per_minute": 50, "tokens_per_hour": 2000000, "concurrent_requests": 8}""");
    assertThat(r.status()).isEqualTo(200);
    JsonNode row = r.body().get("rate_limit");
    assertThat(row.get("requests_per_minute").asInt()).isEqualTo(50);
    assertThat(row.get("tokens_per_hour").asLong()).isEqualTo(2_000_000);
    assertThat(row.get("tokens_per_minute").isNull()).as("left out: no limit").isTrue();
    assertThat(row.get("status").asText()).isEqualTo("active");
    r = put("/v1/admin/rate-limits/anthropic/claude-haiku-4-5", adminToken, "{\"requests_per_minute\": 60}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().get("rate_limit").get("concurrent_requests").isNull()).isTrue();
  }

  @Test
  void badLimitsGet400WithTheReason() {
    assertBad(put("/v1/admin/rate-limits/openai/gpt-4o-mini", serviceToken, "{\"requests_per_minute\": 0}"),
        "requests_per_minute must be positive");
    assertBad(put("/v1/admin/rate-limits/openai/gpt-4o-mini", serviceToken, "{\"tokens_per_minute\": -10}"),
        "tokens_per_minute must be positive");
    assertBad(put("/v1/admin/rate-limits/acme/model", serviceToken, "{\"requests_per_minute\": 10}"),
        "unknown provider: acme");
    assertBad(put("/v1/admin/rate-limits/openai/gpt-4o-mini", serviceToken, "{}"), "set at least one limit");
    assertBad(put("/v1/admin/rate-limits/openai/gpt-4o-mini", serviceToken, "{\"status\": \"off\", \"requests_per_minute\": 1}"),
        "status must be active, disabled or maintenance");
    ApiClient.Response misspelt = put("/v1/admin/rate-limits/openai/gpt-4o-mini", serviceToken, "{\"request_per_minute\": 5}");
    assertThat(misspelt.status()).isEqualTo(400);
    assertThat(misspelt.errorCode()).isEqualTo("invalid_json");
    JsonNode limits = api.get("/v1/admin/rate-limits", serviceToken).body().get("rate_limits");
    for (JsonNode l : limits) {
      if (l.get("api_endpoint").asText().equals("gpt-4o-mini")) {
        assertThat(l.get("requests_per_minute").asInt()).as("unchanged").isEqualTo(500);
      }
    }
  }

  private static void assertBad(ApiClient.Response r, String message) {
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_input");
    assertThat(r.body().get("error").get("message").asText()).contains(message);
  }
}
