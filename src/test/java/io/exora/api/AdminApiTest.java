package io.exora.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator endpoints: who may call them, what they show, and retrying a dead letter. */
class AdminApiTest {
  private static final java.util.regex.Pattern PENDING_IN_DEFAULT =
      java.util.regex.Pattern.compile("exora_queue_depth\\{lane=\"default\",status=\"pending\"} [1-9]");
  private static TestServer server;
  private static ApiClient api;
  private static Jdbi owner;
  private static String serviceToken;
  private static String adminToken;
  private static String userToken;
  private static UUID profileId;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    api = server.client;
    owner = Jdbi.create(server.owner.jdbcUrl(), server.owner.user(), server.owner.password());
    serviceToken = server.serviceToken();
    adminToken = server.signUpAdmin("operator@example.org");
    JsonNode user = api.signup("parent@example.org", "correct horse battery", "Parent");
    userToken = user.get("access_token").asText();
    profileId = UUID.fromString(user.get("profile_id").asText());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void onlyTheServiceRoleAndAdminsMayUseThem() {
    for (String path : new String[] {"/v1/admin/jobs", "/v1/admin/workers"}) {
      assertThat(api.get(path, null).status()).as(path + " without a token").isEqualTo(401);
      ApiClient.Response asUser = api.get(path, userToken);
      assertThat(asUser.status()).as(path + " as a user").isEqualTo(403);
      assertThat(asUser.errorCode()).isEqualTo("forbidden");
      assertThat(api.get(path, serviceToken).status()).as(path + " as the service role").isEqualTo(200);
      assertThat(api.get(path, adminToken).status()).as(path + " as an admin").isEqualTo(200);
    }
    UUID dead = deadLetter(null);
    assertThat(api.post("/v1/admin/jobs/" + dead + "/retry", userToken, Map.of()).status()).isEqualTo(403);
    assertThat(status(dead)).isEqualTo("failed");
  }

  @Test
  void listsJobsByStatusWithoutTheirPayloads() {
    UUID dead = deadLetter(null);
    JsonNode jobs = api.get("/v1/admin/jobs?status=failed&limit=500", serviceToken).body().get("jobs");
    JsonNode row = null;
    for (JsonNode j : jobs) {
      assertThat(j.get("status").asText()).isEqualTo("failed");
      if (j.get("id").asText().equals(dead.toString())) {
        row = j;
      }
    }
    assertThat(row).as("the dead letter is listed").isNotNull();
    assertThat(row.get("dead_letter_reason").asText()).isEqualTo("handler kept failing");
    assertThat(row.has("job_payload")).as("payloads may carry patient data and are never listed").isFalse();
    assertThat(api.get("/v1/admin/jobs?status=pending", serviceToken).body().get("jobs").toString())
        .doesNotContain(dead.toString());
  }

  @Test
  void badListingParametersAreClearErrors() {
    ApiClient.Response unknown = api.get("/v1/admin/jobs?status=exploded", serviceToken);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().toString()).contains("unknown job status");
    assertThat(api.get("/v1/admin/jobs?limit=0", serviceToken).status()).isEqualTo(400);
    assertThat(api.get("/v1/admin/jobs?limit=501", serviceToken).status()).isEqualTo(400);
    assertThat(api.get("/v1/admin/jobs?limit=ten", serviceToken).status()).isEqualTo(400);
    assertThat(api.get("/v1/admin/jobs?before=yesterday", serviceToken).status()).isEqualTo(400);
    assertThat(api.get("/v1/admin/jobs?before=2026-01-31T12:00:00Z&before_id=x", serviceToken).status()).isEqualTo(400);
    assertThat(api.get("/v1/admin/jobs?before_id=" + UUID.randomUUID(), serviceToken).status()).isEqualTo(400);
    assertThat(api.post("/v1/admin/jobs/not-a-uuid/retry", serviceToken, Map.of()).status()).isEqualTo(400);
  }

  @Test
  void retryingADeadLetterRequeuesItOnce() {
    UUID dead = deadLetter(null);
    ApiClient.Response retried = api.post("/v1/admin/jobs/" + dead + "/retry", adminToken, Map.of());
    assertThat(retried.status()).isEqualTo(200);
    assertThat(status(dead)).isEqualTo("pending");
    int retries = owner.withHandle(h -> h.createQuery("select retry_count from public.job_queue_all where id = :id")
        .bind("id", dead).mapTo(Integer.class).one());
    assertThat(retries).isZero();

    ApiClient.Response again = api.post("/v1/admin/jobs/" + dead + "/retry", adminToken, Map.of());
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("job_not_dead_lettered");
    assertThat(api.post("/v1/admin/jobs/" + UUID.randomUUID() + "/retry", serviceToken, Map.of()).status())
        .isEqualTo(404);
  }

  @Test
  void aDeadLetterWhoseFileHasANewerLiveJobIsNotRetried() {
    UUID file = owner.withHandle(h -> h.createQuery("""
            insert into public.shell_files (patient_id, filename, original_filename, file_size_bytes, mime_type, storage_path)
            values (:p, 'a.pdf', 'a.pdf', 10, 'application/pdf', 'x/a.pdf') returning id""")
        .bind("p", profileId).mapTo(UUID.class).one());
    UUID dead = deadLetter(file);
    owner.useHandle(h -> h.execute("""
        insert into public.job_queue (job_type, job_lane, job_name, job_payload, shell_file_id, patient_id)
        values ('shell_file_processing', 'standard_queue', 'newer', '{"n":1}', ?, ?)""", file, profileId));

    ApiClient.Response retried = api.post("/v1/admin/jobs/" + dead + "/retry", serviceToken, Map.of());
    assertThat(retried.status()).isEqualTo(409);
    assertThat(retried.errorCode()).isEqualTo("job_superseded");
    assertThat(status(dead)).isEqualTo("failed");
  }

  @Test
  void theWorkerRegistryShowsTheServersOwnWorker() {
    JsonNode workers = api.get("/v1/admin/workers", serviceToken).body().get("workers");
    assertThat(workers).isNotEmpty();
    JsonNode first = workers.get(0);
    assertThat(first.get("alive").asBoolean()).isTrue();
    assertThat(first.get("lanes").toString()).contains("fast_queue");
  }

  @Test
  void metricsAreServedForPrometheus() throws Exception {
    owner.useHandle(h -> h.execute("""
        insert into public.job_queue (job_type, job_lane, job_name, job_payload)
        values ('report_generation', 'default', 'waiting', '{"n":1}')"""));
    // The depth gauges count at most every 10 s, so an earlier scrape may still be current.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
    String text;
    do {
      var metrics = api.http().send(api.builder("/metrics", null).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      text = metrics.body();
      assertThat(text).contains("# TYPE exora_queue_depth gauge");
    } while (!PENDING_IN_DEFAULT.matcher(text).find() && System.nanoTime() < deadline && sleep(500));
    assertThat(text).containsPattern(PENDING_IN_DEFAULT);
  }

  private static boolean sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return true;
  }

  /** A job that used its retries: failed, with a dead-letter time and reason (in the archive, as fail_job leaves it). */
  private static UUID deadLetter(UUID shellFileId) {
    return owner.withHandle(h -> h.createQuery("""
            insert into public.job_queue_archive (job_type, job_lane, job_name, job_payload, status, retry_count,
                                                  dead_letter_at, dead_letter_reason, completed_at, shell_file_id,
                                                  patient_id, job_category)
            values (:type, :lane, 'dead', '{"secret":"lab values"}', 'failed', 3, now(),
                    'handler kept failing', now(), cast(:file as uuid), cast(:patient as uuid), 'standard')
            returning id""")
        .bind("type", shellFileId == null ? "report_generation" : "shell_file_processing")
        .bind("lane", shellFileId == null ? "default" : "standard_queue")
        .bind("file", shellFileId).bind("patient", shellFileId == null ? null : profileId)
        .mapTo(UUID.class).one());
  }

  private static String status(UUID job) {
    return owner.withHandle(h -> h.createQuery("select status from public.job_queue_all where id = :id")
        .bind("id", job).mapTo(String.class).one());
  }
}
