package io.exora.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.exora.queue.runtime.QueueFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plans and usage over HTTP on the real server with its worker: the public plan list, the 402
 * plan_limit_exceeded path (refused before storing, and refused after storing with the object
 * deleted: either way no object and no row), the usage JSON and its guard, the family view, the
 * operators' plan change and reports, and an AI job deferred at its token limit and resumed after
 * an upgrade.
 */
class UsageApiTest {
  private static TestServer server;
  private static ApiClient api;
  private static Jdbi owner;
  private static String serviceToken;
  private static String adminToken;

  record Account(UUID userId, UUID profileId, String token) {}

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.client;
    owner = Jdbi.create(server.owner.jdbcUrl(), server.owner.user(), server.owner.password());
    serviceToken = server.serviceToken();
    adminToken = server.signUpAdmin("usage-operator@example.org");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Account account(String email) {
    JsonNode a = api.signup(email, "correct horse battery", "Person");
    return new Account(UUID.fromString(a.get("user_id").asText()), UUID.fromString(a.get("profile_id").asText()),
        a.get("access_token").asText());
  }

  private static ApiClient.Response setPlan(String token, UUID account, String plan) {
    return api.send(api.builder("/v1/admin/accounts/" + account + "/plan", token)
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"plan_type\":\"" + plan + "\",\"reason\":\"test\"}")));
  }

  private static ApiClient.Response upload(Account a, String name, byte[] content, String key) {
    return api.send(api.uploadRequest(a.token(), a.profileId(), name, content, key));
  }

  private static long storedObjects() {
    Path objects = server.dataDir.resolve("objects");
    if (!Files.exists(objects)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(objects)) {
      return files.filter(Files::isRegularFile).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long count(String sql, Object arg) {
    return owner.withHandle(h -> h.createQuery(sql).bind(0, arg).mapTo(Long.class).one());
  }

  @Test
  void thePlansArePublic() {
    ApiClient.Response r = api.get("/v1/plans", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().get("plans")).hasSize(4);
    assertThat(r.body().get("plans").get(0).get("plan_type").asText()).isEqualTo("free");
    assertThat(r.body().get("plans").get(0).get("shell_files_limit").asInt()).isEqualTo(10);
    assertThat(r.body().get("plans").get(3).get("shell_files_limit").isNull()).isTrue();
    assertThat(r.body().get("billing_enabled").asBoolean()).isFalse();
    assertThat(r.body().get("usage_tracking_enabled").asBoolean()).isTrue();
  }

  @Test
  void anUploadPastTheFilesLimitIsRefusedWith402BeforeAnythingIsStored() {
    Account a = account("usage-files@example.org");
    assertThat(setPlan(adminToken, a.userId(), "free").body().get("changed").asBoolean()).isTrue();
    for (int i = 0; i < 10; i++) {
      ApiClient.Response r = upload(a, "n" + i + ".txt", ("Pulse " + (60 + i) + " bpm\n").getBytes(StandardCharsets.UTF_8),
          "files-" + i);
      assertThat(r.status()).as("upload %d: %s", i, r.body()).isEqualTo(201);
    }
    long objects = storedObjects();
    long rows = count("select count(*) from public.shell_files where patient_id = ?", a.profileId());
    ApiClient.Response refused = upload(a, "n10.txt", "Pulse 99 bpm\n".getBytes(StandardCharsets.UTF_8), "files-10");
    assertThat(refused.status()).isEqualTo(402);
    assertThat(refused.errorCode()).isEqualTo("plan_limit_exceeded");
    assertThat(refused.body().get("error").get("message").asText()).contains("10 documents");
    assertThat(storedObjects()).isEqualTo(objects);
    assertThat(count("select count(*) from public.shell_files where patient_id = ?", a.profileId())).isEqualTo(rows);
    // A replay of a key already used stores nothing new and is answered as before.
    ApiClient.Response replay = upload(a, "n3.txt", "Pulse 63 bpm\n".getBytes(StandardCharsets.UTF_8), "files-3");
    assertThat(replay.status()).isEqualTo(201);
    assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
  }

  @Test
  void anUploadWhoseStoredSizePassesTheLimitIsRefusedAndItsObjectDeleted() {
    Account a = account("usage-pages@example.org");
    setPlan(serviceToken, a.userId(), "free");
    // 11 MiB of PDF: about 110 pages by the server's estimate, over the free plan's 100. The check
    // before storing cannot know the size (the body is streamed), so the bytes are stored first,
    // then refused by register_upload and deleted.
    byte[] pdf = new byte[11 * 1024 * 1024];
    Arrays.fill(pdf, (byte) ' ');
    byte[] header = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(header, 0, pdf, 0, header.length);
    long objects = storedObjects();
    ApiClient.Response refused = upload(a, "big.pdf", pdf, "big-1");
    assertThat(refused.status()).as("%s", refused.body()).isEqualTo(402);
    assertThat(refused.errorCode()).isEqualTo("plan_limit_exceeded");
    assertThat(refused.body().get("error").get("message").asText()).contains("100 pages");
    assertThat(storedObjects()).isEqualTo(objects);
    assertThat(count("select count(*) from public.shell_files where patient_id = ?", a.profileId())).isZero();
    assertThat(count("select count(*) from public.usage_events where profile_id = ? and event_type = 'shell_file_uploaded'",
        a.profileId())).isZero();
  }

  /** The event types of the profile's ledger. */
  private static List<String> ledgerEventTypes(Account a) {
    ApiClient.Response r = api.get("/v1/profiles/" + a.profileId() + "/usage/events", a.token());
    assertThat(r.status()).isEqualTo(200);
    List<String> types = new ArrayList<>();
    r.body().get("events").forEach(e -> types.add(e.get("event_type").asText()));
    return types;
  }

  @Test
  void theUsageJsonIsTheOwnersAndNotAStrangers() throws InterruptedException {
    Account a = account("usage-read@example.org");
    Account stranger = account("usage-stranger@example.org");
    assertThat(upload(a, "v.txt", "Temperature 37.0 C\n".getBytes(StandardCharsets.UTF_8), null).status()).isEqualTo(201);
    ApiClient.Response mine = api.get("/v1/profiles/" + a.profileId() + "/usage", a.token());
    assertThat(mine.status()).isEqualTo(200);
    assertThat(mine.body().at("/usage/shell_files/used").asInt()).isEqualTo(1);
    assertThat(mine.body().at("/status/plan_type").asText()).isEqualTo("enterprise");
    assertThat(api.get("/v1/profiles/" + a.profileId() + "/usage", stranger.token()).status()).isEqualTo(403);
    assertThat(api.get("/v1/profiles/" + a.profileId() + "/usage/events", stranger.token()).status()).isEqualTo(403);
    assertThat(api.get("/v1/profiles/" + a.profileId() + "/usage", null).status()).isEqualTo(401);
    assertThat(api.get("/v1/profiles/not-a-uuid/usage", a.token()).status()).isEqualTo(400);
    // The ledger row of an upload on a plan without upload limits is written by the server's fold,
    // once a second (UsageFold); the usage figures above already include it.
    QueueFixture.await("the upload in the ledger", Duration.ofSeconds(10),
        () -> ledgerEventTypes(a).contains("shell_file_uploaded"));
    JsonNode family = api.get("/v1/usage/family", a.token()).body().get("profiles");
    assertThat(family).hasSize(1);
    assertThat(family.get(0).get("profile_id").asText()).isEqualTo(a.profileId().toString());
    assertThat(family.get(0).at("/usage/usage/shell_files/used").asInt()).isEqualTo(1);
    assertThat(api.get("/v1/profiles/" + a.profileId() + "/usage/ai?month=2026-13", a.token()).status()).isEqualTo(400);
  }

  @Test
  void operatorsChangePlansAndReadReportsOthersCannot() {
    Account a = account("usage-ops@example.org");
    assertThat(setPlan(a.token(), a.userId(), "enterprise").status()).isEqualTo(403);
    assertThat(setPlan(adminToken, a.userId(), "platinum").status()).isEqualTo(400);
    assertThat(setPlan(adminToken, UUID.randomUUID(), "basic").status()).isEqualTo(404);
    assertThat(setPlan(adminToken, a.userId(), "premium").body().get("plan_type").asText()).isEqualTo("premium");
    for (String path : new String[] {"/v1/admin/usage/top-users", "/v1/admin/usage/by-plan", "/v1/admin/usage/daily",
        "/v1/admin/usage/upgrade-candidates", "/v1/admin/usage/ai"}) {
      assertThat(api.get(path, a.token()).status()).as(path + " as a user").isEqualTo(403);
      assertThat(api.get(path, adminToken).status()).as(path + " as an admin").isEqualTo(200);
      assertThat(api.get(path, serviceToken).status()).as(path + " as the service").isEqualTo(200);
    }
    JsonNode byPlan = api.get("/v1/admin/usage/by-plan", serviceToken).body().get("plans");
    assertThat(byPlan).hasSize(4);
    assertThat(api.get("/v1/admin/usage/top-users?metric=bogus", serviceToken).status()).isEqualTo(400);
    assertThat(api.get("/v1/admin/usage/daily?from=2026-01-01&to=2025-01-01", serviceToken).status()).isEqualTo(400);
    assertThat(api.get("/v1/admin/usage/upgrade-candidates?threshold=0", serviceToken).status()).isEqualTo(400);
  }

  @Test
  void aProfileOverItsAiTokenLimitWaitsWithAClearErrorAndResumesAfterAnUpgrade() throws Exception {
    Account a = account("usage-ai@example.org");
    setPlan(adminToken, a.userId(), "free");
    owner.useTransaction(h -> h.createQuery("""
            select set_config('role', 'service_role', true),
                   public.track_ai_processing_usage(:p, gen_random_uuid(), 50000, 1)""")
        .bind("p", a.profileId()).mapToMap().one());
    ApiClient.Response r = upload(a, "summary.txt",
        "Discharge summary\nDiagnoses: Type 2 diabetes mellitus\nMedications: Metformin 500 mg twice daily\n"
            .getBytes(StandardCharsets.UTF_8), null);
    assertThat(r.status()).isEqualTo(201);
    String fileId = r.body().get("shell_file_id").asText();
    UUID jobId = UUID.fromString(r.body().get("job_id").asText());
    JsonNode file = waitFor(a, fileId, f -> f.get("processing_error") != null && !f.get("processing_error").isNull());
    assertThat(file.get("status").asText()).isEqualTo("uploaded");
    assertThat(file.at("/processing_error/code").asText()).isEqualTo("ai_token_limit_exceeded");
    assertThat(file.at("/processing_error/message").asText()).contains("AI token limit of 50000 tokens");
    assertThat(file.at("/processing_error/retryable").asBoolean()).isTrue();
    String jobStatus = owner.withHandle(h -> h.createQuery("select status from public.job_queue_all where id = :id")
        .bind("id", jobId).mapTo(String.class).one());
    assertThat(jobStatus).isEqualTo("deferred");
    assertThat(count("select count(*) from public.ai_generations where profile_id = ?", a.profileId())).isZero();

    // An upgrade takes effect at once; the deferred job runs at its next look (brought forward here).
    setPlan(adminToken, a.userId(), "basic");
    owner.useHandle(h -> h.createUpdate("update public.job_queue set scheduled_at = now() where id = :id")
        .bind("id", jobId).execute());
    JsonNode done = waitFor(a, fileId, f -> f.get("status").asText().equals("completed"));
    assertThat(done.get("processing_error").isNull()).isTrue();
    long generations = count("select count(*) from public.ai_generations where profile_id = ?", a.profileId());
    assertThat(generations).isEqualTo(1);
    assertThat(count("""
        select count(*) from public.usage_events
         where profile_id = ? and event_type = 'ai_processing_completed' and ai_generation_id is not null""",
        a.profileId())).isEqualTo(1);
    assertThat(count("select count(*) from public.usage_events where profile_id = ? and event_type = 'shell_file_processed'",
        a.profileId())).isEqualTo(1);
  }

  private static JsonNode waitFor(Account a, String fileId, java.util.function.Predicate<JsonNode> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    JsonNode file = null;
    while (System.nanoTime() < deadline) {
      file = api.get("/v1/shell-files/" + fileId, a.token()).body();
      if (done.test(file)) {
        return file;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("file " + fileId + " did not get there in time: " + file);
  }
}
