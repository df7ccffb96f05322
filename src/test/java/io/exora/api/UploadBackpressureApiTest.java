package io.exora.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * A server configured with an AI vendor names the vendor and model in the job of every upload
 * that vendor will read, so the queue holds the job until the pair's rate limits have room instead
 * of handing it to a worker that could only defer it (register_upload, V031; the hook, V080). A
 * document that is parsed, not read (FHIR here), names none. Workers are off: the jobs are only
 * looked at.
 */
class UploadBackpressureApiTest {
  @Test
  void anUploadForASaturatedVendorWaitsForItAndAParsedOneDoesNot() {
    try (TestServer server = TestServer.start(Map.of("EXORA_AI_PROVIDER", "openai", "OPENAI_API_KEY", "sk-test",
        "EXORA_AI_MODEL", "gpt-test", "EXORA_SERVE_WORKERS", "false"))) {
      ApiClient api = server.client;
      Jdbi owner = Jdbi.create(server.owner.jdbcUrl(), server.owner.user(), server.owner.password());
      // The operators allow the pair one request a minute, and that request is taken.
      ApiClient.Response limit = api.send(api.builder("/v1/admin/rate-limits/openai/gpt-test", server.serviceToken())
          .header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"requests_per_minute\":1}")));
      assertThat(limit.status()).as("%s", limit.body()).isEqualTo(200);
      boolean taken = owner.inTransaction(h -> h.createQuery("""
              select public.acquire_api_capacity('openai', 'gpt-test', 1)
                from (select set_config('role', 'service_role', true)) as_service""").mapTo(Boolean.class).one());
      assertThat(taken).isTrue();

      JsonNode person = api.signup("reader-waits@example.org", "correct horse battery", "Person");
      String token = person.get("access_token").asText();
      UUID profile = UUID.fromString(person.get("profile_id").asText());
      JsonNode read = upload(api, token, profile, "note.txt", "Pulse 72 bpm\n");
      JsonNode parsed = upload(api, token, profile, "bundle.json",
          "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}");

      Map<String, Object> readJob = job(owner, read);
      assertThat(readJob).containsEntry("ai_provider", "openai").containsEntry("ai_model", "gpt-test");
      assertThat((Double) readJob.get("wait_seconds")).as("the text waits for the vendor's minute")
          .isBetween(50.0, 62.0);
      Map<String, Object> parsedJob = job(owner, parsed);
      assertThat(parsedJob.get("ai_provider")).isNull();
      assertThat((Double) parsedJob.get("wait_seconds")).as("the FHIR bundle is ready now").isLessThan(2.0);
    }
  }

  private static JsonNode upload(ApiClient api, String token, UUID profile, String name, String content) {
    ApiClient.Response r = api.send(api.uploadRequest(token, profile, name, content.getBytes(StandardCharsets.UTF_8), null));
    assertThat(r.status()).as("%s", r.body()).isEqualTo(201);
    return r.body();
  }

  /** The upload's job: the AI pair its payload names and how long after now it may be claimed. */
  private static Map<String, Object> job(Jdbi owner, JsonNode upload) {
    return owner.withHandle(h -> h.createQuery("""
            select job_payload ->> 'ai_provider' as ai_provider, job_payload ->> 'ai_model' as ai_model,
                   extract(epoch from scheduled_at - now())::float8 as wait_seconds
              from public.job_queue where id = :id""")
        .bind("id", UUID.fromString(upload.get("job_id").asText())).mapToMap().one());
  }
}
