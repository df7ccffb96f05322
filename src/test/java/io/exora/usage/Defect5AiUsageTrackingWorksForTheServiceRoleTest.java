package io.exora.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.usage.UsageDb.Who;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Defect 5 of the original: track_ai_processing_usage was granted to the service role only but
 * then demanded the caller's own access to the profile, so it failed for its only caller (the
 * worker); and it updated the month's row without creating it (seed 000), so a profile's first AI
 * call of a month failed too. Here the worker's call counts, creates the month's row, takes the
 * tokens from the generation it names, and counts a replay once; people cannot call it at all.
 */
class Defect5AiUsageTrackingWorksForTheServiceRoleTest {
  static UsageDb db;
  static UUID owner;

  @BeforeAll
  static void open() {
    db = new UsageDb();
    owner = db.user("defect5 owner");
  }

  private static boolean track(UUID profile, UUID job, long tokens, UUID generation) {
    return db.as(Who.service(), h -> h.createQuery("select public.track_ai_processing_usage(:p, :job, :tokens, 2.5, cast(:g as uuid))")
        .bind("p", profile).bind("job", job).bind("tokens", tokens).bind("g", generation).mapTo(Boolean.class).one());
  }

  private static Map<String, Object> month(UUID profile) {
    return db.su(h -> h.createQuery("""
            select ai_tokens_used, ai_processing_jobs, ai_processing_seconds
              from public.user_usage_tracking where profile_id = :p""")
        .bind("p", profile).mapToMap().one());
  }

  @Test
  void theServiceRoleCountsAProfilesFirstAiCallOfTheMonthAndCreatesItsRow() {
    UUID p = db.profile(owner, "defect5 first call");
    assertThat(db.count("select count(*) from public.user_usage_tracking where profile_id = ?", p)).isZero();
    assertThat(track(p, UUID.randomUUID(), 1_234, null)).isTrue();
    Map<String, Object> row = month(p);
    assertThat(((Number) row.get("ai_tokens_used")).longValue()).isEqualTo(1_234);
    assertThat(((Number) row.get("ai_processing_jobs")).intValue()).isEqualTo(1);
  }

  @Test
  void theTokensOfANamedGenerationComeFromItsRowAndAReplayCountsOnce() {
    UUID p = db.profile(owner, "defect5 generation");
    UUID generation = db.su(h -> h.createQuery("""
            insert into public.ai_generations (profile_id, provider, model_requested, model_returned, prompt_name,
                                               prompt_version, input_tokens, output_tokens, cost, price_version,
                                               latency_ms, attempts, status)
            values (:p, 'openai', 'gpt-4o-mini', 'gpt-4o-mini-2024', 'x', '1', 900, 100, 0.01, 'v1', 10, 1, 'succeeded')
            returning id""").bind("p", p).mapTo(UUID.class).one());
    UUID job = UUID.randomUUID();
    // The caller's 5 tokens are not believed: the generation says 900 + 100.
    assertThat(track(p, job, 5, generation)).isTrue();
    assertThat(track(p, job, 5, generation)).isFalse();
    assertThat(((Number) month(p).get("ai_tokens_used")).longValue()).isEqualTo(1_000);
    assertThat(db.count("select count(*) from public.usage_events where ai_generation_id = ?", generation)).isEqualTo(1);
  }

  @Test
  void aGenerationOfAnotherProfileIsRefused() {
    UUID p = db.profile(owner, "defect5 mine");
    UUID other = db.profile(owner, "defect5 other");
    UUID generation = db.su(h -> h.createQuery("""
            insert into public.ai_generations (profile_id, provider, model_requested, prompt_name, prompt_version,
                                               price_version, latency_ms, attempts, status, error_code)
            values (:p, 'openai', 'gpt-4o-mini', 'x', '1', 'v1', 10, 1, 'failed', 'timeout') returning id""")
        .bind("p", other).mapTo(UUID.class).one());
    assertThat(db.stateOf(Who.service(), h -> h.createQuery("select public.track_ai_processing_usage(:p, null, 0, 0, :g)")
        .bind("p", p).bind("g", generation).mapToMap().one())).isEqualTo("22023");
  }

  @Test
  void peopleCannotRecordAiUsageNotEvenTheOwner() {
    UUID p = db.profile(owner, "defect5 people");
    String call = "select public.track_ai_processing_usage(:p, gen_random_uuid(), 10, 1)";
    assertThat(db.stateOf(Who.user(owner), h -> h.createQuery(call).bind("p", p).mapToMap().one())).isEqualTo("42501");
    assertThat(db.stateOf(Who.anon(), h -> h.createQuery(call).bind("p", p).mapToMap().one())).isEqualTo("42501");
    assertThat(db.count("select count(*) from public.usage_events where profile_id = ?", p)).isZero();
  }
}
