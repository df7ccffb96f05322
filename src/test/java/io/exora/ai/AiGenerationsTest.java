package io.exora.ai;

import static io.exora.ai.AiFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.exora.ai.AiGenerations.Generation;
import io.exora.ai.AiGenerations.Subject;
import io.exora.ai.ProviderException.Code;
import io.exora.db.Caller;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.DbRole;
import io.exora.db.RequestTransactions;
import io.exora.db.TestPostgres;
import io.exora.ratelimit.VendorSignal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ai_generations rows written through AiGenerations in a service-role transaction, as a worker does. */
class AiGenerationsTest {
  static final UUID OWNER = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
  static final UUID STRANGER = UUID.fromString("00000000-0000-0000-0000-0000000000a2");
  static final UUID PROFILE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
  static final UUID FILE = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
  static final UUID JOB = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
  static final PriceTable PRICES = PriceTable.load();

  static Database superuser;
  static Database runtime;
  static RequestTransactions transactions;

  @BeforeAll
  static void database() {
    ConnectionSettings owner = TestPostgres.newDatabase();
    superuser = Database.open(owner, 2, "ai-generations-owner");
    runtime = Database.open(TestPostgres.runtime(owner), 2, "ai-generations-runtime");
    transactions = new RequestTransactions(runtime.jdbi());
    superuser.jdbi().useTransaction(h -> h.createUpdate("""
            insert into auth.users (id, email, encrypted_password) values (:owner, 'o@ai.test', 'x'), (:stranger, 's@ai.test', 'x');
            insert into public.user_profiles (id, account_owner_id, profile_type, display_name)
              values (:profile, :owner, 'self', 'Patient');
            insert into public.shell_files (id, patient_id, uploaded_by, filename, original_filename,
                                            file_size_bytes, mime_type, storage_path)
              values (:file, :profile, :owner, 'letter.pdf', 'letter.pdf', 10, 'application/pdf', 'p/letter.pdf');
            """).bind("owner", OWNER).bind("stranger", STRANGER).bind("profile", PROFILE).bind("file", FILE).execute());
  }

  @AfterAll
  static void close() {
    runtime.close();
    superuser.close();
  }

  @BeforeEach
  void empty() {
    superuser.jdbi().useHandle(h -> h.execute("delete from public.ai_generations"));
  }

  static Subject subject() {
    return new Subject(PROFILE, FILE, JOB, 2);
  }

  UUID recordAsWorker(Generation g) {
    return transactions.run(Caller.serviceRole(), "ai-test", h -> AiGenerations.record(h, g));
  }

  Map<String, Object> row(UUID id) {
    return superuser.jdbi().withHandle(h -> h.createQuery("""
            select provider, model_requested, model_returned, prompt_name, prompt_version, parameters::text,
                   input_tokens, output_tokens, cached_tokens, cost, price_version, latency_ms, attempts,
                   status, error_code, rate_limit_headers::text, metadata_version, profile_id, shell_file_id,
                   job_id, job_attempt
              from public.ai_generations where id = :id""").bind("id", id).mapToMap().one());
  }

  @Test
  void aSucceededCallIsRecordedWithItsUsageCostAndLinks() throws Exception {
    ExtractionRequest request = AiFixtures.request("local");
    ExtractionResult result = new LocalProvider(new VitalSignsExtractor()).extract(request);

    UUID id = recordAsWorker(AiGenerations.succeeded(subject(), request, result, PRICES));

    Map<String, Object> r = row(id);
    assertThat(r).containsEntry("provider", "local").containsEntry("model_requested", "local")
        .containsEntry("model_returned", "vital-signs-patterns@1")
        .containsEntry("prompt_name", "vitals.extract").containsEntry("prompt_version", "3")
        .containsEntry("input_tokens", result.usage().inputTokens())
        .containsEntry("output_tokens", result.usage().outputTokens())
        .containsEntry("cached_tokens", 0L)
        .containsEntry("price_version", "2026-11").containsEntry("attempts", 1)
        .containsEntry("status", "succeeded").containsEntry("error_code", null)
        .containsEntry("rate_limit_headers", null).containsEntry("metadata_version", 1)
        .containsEntry("profile_id", PROFILE).containsEntry("shell_file_id", FILE)
        .containsEntry("job_id", JOB).containsEntry("job_attempt", 2);
    assertThat((java.math.BigDecimal) r.get("cost")).isZero();
    assertThat(AiFixtures.json((String) r.get("parameters")).path("max_output_tokens").asInt()).isEqualTo(1_000);
  }

  @Test
  void aFailedCallKeepsItsCodeTheTokensItWasBilledAndTheVendorSignal() {
    VendorSignal signal = new VendorSignal(200, 500L, 12L, NOW.plusSeconds(1), 200_000L, 150_000L,
        NOW.plusSeconds(30), null);
    ProviderException failure = new ProviderException(Code.SCHEMA_VIOLATION, "off schema", 200, signal,
        new Usage(1_200, 90, 200), null);

    UUID id = recordAsWorker(AiGenerations.failed(subject(), "openai", AiFixtures.request("gpt-4o-mini"),
        failure, Duration.ofMillis(1_234), PRICES));

    Map<String, Object> r = row(id);
    assertThat(r).containsEntry("status", "failed").containsEntry("error_code", "schema_violation")
        .containsEntry("model_returned", null).containsEntry("latency_ms", 1_234L)
        .containsEntry("input_tokens", 1_200L).containsEntry("cached_tokens", 200L);
    assertThat((java.math.BigDecimal) r.get("cost")).isEqualByComparingTo("0.000219");
    assertThat(AiFixtures.json((String) r.get("rate_limit_headers"))).isEqualTo(AiFixtures.json("""
        {"status": 200, "requests_limit": 500, "requests_remaining": 12,
         "requests_reset_at": "2026-11-22T10:00:01Z", "tokens_limit": 200000, "tokens_remaining": 150000,
         "tokens_reset_at": "2026-11-22T10:00:30Z"}"""));
  }

  @Test
  void anUnpricedModelIsRecordedWithANullCostAndTheVersion() {
    ProviderException failure = new ProviderException(Code.RATE_LIMITED, "429", 429,
        new VendorSignal(429, null, null, null, null, null, null, NOW.plusSeconds(20)), null, null)
        .afterAttempts(4);

    UUID id = recordAsWorker(AiGenerations.failed(new Subject(PROFILE, null, null, null), "anthropic",
        AiFixtures.request("claude-future-9"), failure, Duration.ofSeconds(3), PRICES));

    Map<String, Object> r = row(id);
    assertThat(r).containsEntry("cost", null).containsEntry("price_version", "2026-11")
        .containsEntry("error_code", "rate_limited").containsEntry("attempts", 4)
        .containsEntry("input_tokens", 0L).containsEntry("shell_file_id", null);
    assertThat(AiFixtures.json((String) r.get("rate_limit_headers")).path("retry_at").asText())
        .isEqualTo("2026-11-22T10:00:20Z");
  }

  @Test
  void theRowCommitsOnlyWithTheCallersTransaction() throws Exception {
    ExtractionRequest request = AiFixtures.request("local");
    ExtractionResult result = new LocalProvider(new VitalSignsExtractor()).extract(request);

    Throwable thrown = catchThrowable(() -> transactions.run(Caller.serviceRole(), "ai-test", h -> {
      AiGenerations.record(h, AiGenerations.succeeded(subject(), request, result, PRICES));
      throw new IllegalStateException("the job's other effects failed");
    }));

    assertThat(thrown).hasMessage("the job's other effects failed");
    assertThat(count()).isZero();
  }

  @Test
  void theSchemaRefusesASuccessThatNamesNoModel() {
    Generation broken = new Generation(subject(), "openai", "gpt-4o-mini", null, AiFixtures.PROMPT,
        AiFixtures.request("gpt-4o-mini").parameters(), Usage.NONE, PRICES.cost("openai", null, "gpt-4o-mini", Usage.NONE),
        Duration.ZERO, 1, null, null);

    Throwable thrown = catchThrowable(() -> recordAsWorker(broken));

    assertThat(sqlState(thrown)).isEqualTo("23514");
    assertThat(thrown).hasMessageContaining("ai_generations_succeeded_names_model");
  }

  @Test
  void theOwnerReadsTheRowsAndAStrangerDoesNot() throws Exception {
    ExtractionRequest request = AiFixtures.request("local");
    recordAsWorker(AiGenerations.succeeded(subject(), request,
        new LocalProvider(new VitalSignsExtractor()).extract(request), PRICES));

    assertThat(visibleTo(OWNER)).isEqualTo(1);
    assertThat(visibleTo(STRANGER)).isZero();
  }

  @Test
  void erasingTheFileKeepsTheCostAndClearsTheLink() throws Exception {
    ExtractionRequest request = AiFixtures.request("local");
    UUID fileId = UUID.randomUUID();
    superuser.jdbi().useHandle(h -> h.createUpdate("""
            insert into public.shell_files (id, patient_id, uploaded_by, filename, original_filename,
                                            file_size_bytes, mime_type, storage_path)
              values (:id, :profile, :owner, 'x.pdf', 'x.pdf', 1, 'application/pdf', 'p/x.pdf')""")
        .bind("id", fileId).bind("profile", PROFILE).bind("owner", OWNER).execute());
    UUID id = recordAsWorker(AiGenerations.succeeded(new Subject(PROFILE, fileId, null, null), request,
        new LocalProvider(new VitalSignsExtractor()).extract(request), PRICES));

    superuser.jdbi().useHandle(h -> h.execute("delete from public.shell_files where id = ?", fileId));

    assertThat(row(id)).containsEntry("shell_file_id", null).containsEntry("status", "succeeded");
  }

  long visibleTo(UUID user) {
    return transactions.run(new Caller(DbRole.AUTHENTICATED,
            "{\"sub\":\"" + user + "\",\"role\":\"authenticated\",\"aud\":\"authenticated\"}"), "ai-test",
        h -> h.createQuery("select count(*) from public.ai_generations").mapTo(Long.class).one());
  }

  long count() {
    return superuser.jdbi().withHandle(h -> h.createQuery("select count(*) from public.ai_generations")
        .mapTo(Long.class).one());
  }

  static String sqlState(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException s) {
        return s.getSQLState();
      }
    }
    return null;
  }
}
