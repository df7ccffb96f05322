package io.exora.usage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exora.usage.UsageDb.Who;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plan rules in the database: enforcement inside register_upload (EX402, nothing written),
 * the pre-check, thresholds once per month and limit, plan changes effective at once, the feature
 * flags, the status JSON's exact shape, the family view, AI token and cost accounting, and the
 * operators' reports with their guards.
 */
class UsageRulesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static UsageDb db;

  @BeforeAll
  static void open() {
    db = new UsageDb();
  }

  private static String sha(int n) {
    return String.format("%064x", n);
  }

  /** register_upload as the user: the outcome, or the SQLSTATE it raised. */
  private static String upload(UUID user, UUID profile, String key, long bytes, String type, int n) {
    try {
      return db.as(Who.user(user), h -> h.createQuery("""
              select outcome from public.register_upload(:p, 'f.bin', 'f.bin', :bytes, 'application/octet-stream',
                                                         :type, :path, :sha, :key)""")
          .bind("p", profile).bind("bytes", bytes).bind("type", type).bind("path", "usage/" + UUID.randomUUID())
          .bind("sha", sha(n)).bind("key", key).mapTo(String.class).one());
    } catch (RuntimeException e) {
      return UsageDb.sqlState(e).orElseThrow(() -> e);
    }
  }

  private static void plan(UUID account, String plan) {
    db.as(Who.service(), h -> h.createQuery("select public.change_account_plan(:a, :plan, 'test')")
        .bind("a", account).bind("plan", plan).mapToMap().one());
  }

  private static JsonNode status(Who who, UUID profile) {
    try {
      String text = db.as(who, h -> h.createQuery("select public.get_user_usage_status(:p)::text")
          .bind("p", profile).mapTo(String.class).one());
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts the uploads whose transactions have ended, as the servers' fold does every second. */
  private static int fold() {
    return db.as(Who.service(), h -> h.createQuery("select public.usage_fold_uploads(true)").mapTo(Integer.class).one());
  }

  private static String refusal(UUID user, UUID profile, String key) {
    return db.as(Who.user(user), h -> h.createQuery("select public.usage_upload_refusal(:p, :k)")
        .bind("p", profile).bind("k", key).mapTo(String.class).one());
  }

  @Test
  void theEleventhDocumentOfAFreeMonthIsRefusedAndLeavesNothing() {
    UUID user = db.user("rules files");
    UUID p = db.profile(user, "rules files profile");
    plan(user, "free");
    for (int i = 0; i < 10; i++) {
      assertThat(upload(user, p, "files-" + i, 100, "text", i)).isEqualTo("created");
    }
    assertThat(refusal(user, p, "files-new")).contains("10 documents");
    assertThat(upload(user, p, "files-10", 100, "text", 10)).isEqualTo("EX402");
    assertThat(db.count("select count(*) from public.shell_files where patient_id = ?", p)).isEqualTo(10);
    assertThat(db.count("select count(*) from public.job_queue_all where patient_id = ?", p)).isEqualTo(10);
    assertThat(status(Who.user(user), p).at("/usage/shell_files/used").asInt()).isEqualTo(10);
    // A replay of an earlier key stores nothing new: neither the pre-check nor the upload refuses it.
    assertThat(refusal(user, p, "files-3")).isNull();
    assertThat(upload(user, p, "files-3", 100, "text", 3)).isEqualTo("replayed");
    // The fold writes the ledger and the counters; the figures stay as the check and the dashboard saw them.
    fold();
    assertThat(status(Who.user(user), p).at("/usage/shell_files/used").asInt()).isEqualTo(10);
    assertThat(db.count("select shell_files_uploaded from public.user_usage_tracking where profile_id = ?", p)).isEqualTo(10);
    // 80%, 90% and 100% of the files limit: once each.
    assertThat(db.count("""
        select count(*) from public.usage_events
         where profile_id = ? and metrics ->> 'limit_name' = 'shell_files'""", p)).isEqualTo(3);
    assertThat(db.count("""
        select count(*) from public.usage_events
         where profile_id = ? and event_type = 'limit_hit' and metrics ->> 'limit_name' = 'shell_files'""", p)).isEqualTo(1);
  }

  @Test
  void concurrentUploadsAtTheLimitAreAdmittedExactlyUpToIt() throws Exception {
    UUID user = db.user("rules race");
    UUID p = db.profile(user, "rules race profile");
    plan(user, "free");
    // 40 uploads at once from 8 connections, for a plan that allows 10: the check and the count
    // are one statement under the month row's lock, so exactly 10 pass, whatever the interleaving.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> outcomes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        outcomes.add(pool.submit(() -> upload(user, p, "race-" + n, 100, "text", 1_000 + n)));
      }
      Map<String, Long> counts = new TreeMap<>();
      for (Future<String> f : outcomes) {
        counts.merge(f.get(), 1L, Long::sum);
      }
      assertThat(counts).isEqualTo(Map.of("created", 10L, "EX402", 30L));
    } finally {
      pool.shutdownNow();
    }
    assertThat(db.count("select count(*) from public.shell_files where patient_id = ?", p)).isEqualTo(10);
    assertThat(status(Who.user(user), p).at("/usage/shell_files/used").asInt()).isEqualTo(10);
    fold();
    assertThat(db.count("select count(*) from public.usage_events where profile_id = ? and event_type = 'shell_file_uploaded'", p))
        .isEqualTo(10);
    assertThat(status(Who.user(user), p).at("/usage/shell_files/used").asInt()).isEqualTo(10);
  }

  @Test
  void limitsNearTheirTypesMaximumCountWithoutOverflow() {
    UUID user = db.user("rules huge");
    UUID p = db.profile(user, "rules huge profile");
    db.su("""
        insert into public.subscription_plans (plan_type, display_name, shell_files_limit, pages_limit, ai_tokens_limit,
                                               storage_limit_mb, sort_order)
        values ('rules_huge', 'Huge', 2147483647, 2147483647, 9223372036854775807, 2147483647, 90)""");
    plan(user, "rules_huge");
    assertThat(upload(user, p, "huge-1", 100, "text", 1)).isEqualTo("created");
    assertThat(refusal(user, p, "huge-2")).isNull();
    assertThat(status(Who.user(user), p).at("/usage/shell_files/used").asInt()).isEqualTo(1);
  }

  @Test
  void pagesAndStorageAreJudgedByTheStoredSizeNotTheClients() {
    UUID user = db.user("rules pages");
    UUID p = db.profile(user, "rules pages profile");
    plan(user, "free");
    // 11 MiB of PDF is estimated at 110 pages: over the free plan's 100.
    assertThat(upload(user, p, "big-pdf", 11L * 1024 * 1024, "pdf", 1)).isEqualTo("EX402");
    // 9 MiB (90 pages) fits; then 2 MiB more (20 pages) does not.
    assertThat(upload(user, p, "pdf-9", 9L * 1024 * 1024, "pdf", 2)).isEqualTo("created");
    assertThat(upload(user, p, "pdf-2", 2L * 1024 * 1024, "pdf", 3)).isEqualTo("EX402");
    // Storage: 100 MB free; images count one page each.
    UUID q = db.profile(user, "rules storage profile");
    assertThat(upload(user, q, "img-1", 60L * 1024 * 1024, "png", 4)).isEqualTo("created");
    assertThat(upload(user, q, "img-2", 41L * 1024 * 1024, "png", 5)).isEqualTo("EX402");
    assertThat(upload(user, q, "img-3", 40L * 1024 * 1024, "png", 6)).isEqualTo("created");
    assertThat(status(Who.user(user), q).at("/usage/storage/used_mb").decimalValue()).isEqualByComparingTo("100.0");
  }

  @Test
  void aPlanChangeTakesEffectAtOnceAndRecordsAnEventPerProfile() {
    UUID user = db.user("rules upgrade");
    UUID p = db.profile(user, "rules upgrade a");
    UUID q = db.profile(user, "rules upgrade b");
    plan(user, "free");
    for (int i = 0; i < 10; i++) {
      upload(user, p, "up-" + i, 10, "text", 100 + i);
    }
    assertThat(upload(user, p, "up-10", 10, "text", 110)).isEqualTo("EX402");
    assertThat(status(Who.user(user), p).at("/status/upgrade_required").asBoolean()).isTrue();
    plan(user, "basic");
    assertThat(upload(user, p, "up-10", 10, "text", 110)).isEqualTo("created");
    JsonNode after = status(Who.user(user), p);
    assertThat(after.at("/status/plan_type").asText()).isEqualTo("basic");
    assertThat(after.at("/usage/shell_files/limit").asInt()).isEqualTo(100);
    assertThat(after.at("/usage/shell_files/percentage").decimalValue()).isEqualByComparingTo("11.0");
    assertThat(db.count("select count(*) from public.user_usage_tracking where profile_id = ? and plan_type = 'basic'", p))
        .isEqualTo(1);
    for (UUID profile : List.of(p, q)) {
      assertThat(db.count("select count(*) from public.usage_events where profile_id = ? and event_type = 'plan_upgraded'",
          profile)).isEqualTo(1);
    }
    // Down again (the first move, from the default enterprise to free, was a downgrade too).
    plan(user, "free");
    assertThat(db.count("select count(*) from public.usage_events where profile_id = ? and event_type = 'plan_downgraded'",
        p)).isEqualTo(2);
    // The same plan again changes nothing and records nothing.
    plan(user, "free");
    assertThat(db.count("select count(*) from public.usage_events where profile_id = ? and event_type like 'plan_%'", p))
        .isEqualTo(3);
  }

  @Test
  void withBillingOffAnAccountWithoutAPlanIsUnlimitedAndWithBillingOnItIsFree() {
    UUID user = db.user("rules default");
    UUID p = db.profile(user, "rules default profile");
    assertThat(status(Who.user(user), p).at("/status/plan_type").asText()).isEqualTo("enterprise");
    assertThat(status(Who.user(user), p).at("/usage/shell_files/limit").isNull()).isTrue();
    assertThat(status(Who.user(user), p).at("/usage/shell_files/percentage").isNull()).isTrue();
    db.su("update public.feature_flags set enabled = true where flag_name = 'billing'");
    try {
      assertThat(status(Who.user(user), p).at("/status/plan_type").asText()).isEqualTo("free");
    } finally {
      db.su("update public.feature_flags set enabled = false where flag_name = 'billing'");
    }
  }

  @Test
  void withUsageTrackingOffNothingIsCountedAndNothingRefused() {
    UUID user = db.user("rules flag off");
    UUID p = db.profile(user, "rules flag off profile");
    plan(user, "free");
    db.su("update public.feature_flags set enabled = false where flag_name = 'usage_tracking'");
    try {
      for (int i = 0; i < 12; i++) {
        assertThat(upload(user, p, "off-" + i, 10, "text", 200 + i)).isEqualTo("created");
      }
      assertThat(refusal(user, p, null)).isNull();
      assertThat(db.count("select count(*) from public.usage_events where profile_id = ? and event_type not like 'plan_%'", p))
          .isZero();
      assertThat(db.count("select count(*) from public.user_usage_tracking where profile_id = ?", p)).isZero();
    } finally {
      db.su("update public.feature_flags set enabled = true where flag_name = 'usage_tracking'");
    }
  }

  @Test
  void theStatusHasExactlyTheOriginalsShape() {
    UUID user = db.user("rules shape");
    UUID p = db.profile(user, "rules shape profile");
    plan(user, "free");
    upload(user, p, "shape-1", 1024 * 1024, "pdf", 300);
    JsonNode s = status(Who.user(user), p);
    assertThat(fieldNames(s)).containsExactlyInAnyOrder("current_period", "usage", "status");
    assertThat(fieldNames(s.get("current_period"))).containsExactlyInAnyOrder("start", "end");
    assertThat(fieldNames(s.get("usage"))).containsExactlyInAnyOrder("shell_files", "pages", "ai_tokens", "storage");
    for (String m : List.of("shell_files", "pages", "ai_tokens")) {
      assertThat(fieldNames(s.get("usage").get(m))).containsExactlyInAnyOrder("used", "limit", "percentage");
    }
    assertThat(fieldNames(s.at("/usage/storage"))).containsExactlyInAnyOrder("used_mb", "limit_mb", "percentage");
    assertThat(fieldNames(s.get("status"))).containsExactlyInAnyOrder("plan_type", "over_limit", "upgrade_required");
    assertThat(s.at("/usage/shell_files/percentage").decimalValue()).isEqualByComparingTo("10.0");
    assertThat(s.at("/usage/pages/used").asInt()).isEqualTo(10);
    assertThat(s.at("/usage/storage/used_mb").decimalValue()).isEqualByComparingTo("1.0");
    assertThat(s.at("/usage/storage/percentage").decimalValue()).isEqualByComparingTo("1.0");
    assertThat(s.at("/status/over_limit").asBoolean()).isFalse();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void theAiTokenLimitRefusalNamesTheLimit() {
    UUID user = db.user("rules ai");
    UUID p = db.profile(user, "rules ai profile");
    plan(user, "free");
    String ask = "select public.usage_ai_refusal(:p)";
    String before = db.as(Who.service(), h -> h.createQuery(ask).bind("p", p).mapTo(String.class).one());
    assertThat(before).isNull();
    db.as(Who.service(), h -> h.createQuery("select public.track_ai_processing_usage(:p, gen_random_uuid(), 50000, 1)")
        .bind("p", p).mapToMap().one());
    String after = db.as(Who.service(), h -> h.createQuery(ask).bind("p", p).mapTo(String.class).one());
    assertThat(after).contains("AI token limit of 50000 tokens");
    assertThat(db.stateOf(Who.user(user), h -> h.createQuery(ask).bind("p", p).mapToMap().one())).isEqualTo("42501");
  }

  @Test
  void theFamilyViewShowsEveryOwnedProfileToTheOwnerOnly() {
    UUID user = db.user("rules family");
    UUID stranger = db.user("rules family stranger");
    UUID a = db.profile(user, "rules family a");
    UUID b = db.profile(user, "rules family b");
    List<UUID> seen = db.as(Who.user(user), h -> h.createQuery("select profile_id from public.usage_family(:u)")
        .bind("u", user).mapTo(UUID.class).list());
    assertThat(seen).containsExactlyInAnyOrder(a, b);
    assertThat(db.stateOf(Who.user(stranger), h -> h.createQuery("select * from public.usage_family(:u)")
        .bind("u", user).mapToMap().list())).isEqualTo("42501");
  }

  @Test
  void aiTokensAndCostAreAccountedPerModel() {
    UUID user = db.user("rules cost");
    UUID p = db.profile(user, "rules cost profile");
    db.su("""
        insert into public.ai_generations (profile_id, provider, model_requested, model_returned, prompt_name,
                                           prompt_version, input_tokens, output_tokens, cached_tokens, cost,
                                           price_version, latency_ms, attempts, status)
        values (?, 'openai', 'gpt-4o-mini', 'gpt-4o-mini', 'x', '1', 1000, 200, 100, 0.0003, 'v1', 5, 1, 'succeeded'),
               (?, 'openai', 'gpt-4o-mini', 'gpt-4o-mini', 'x', '1', 3000, 400, 0, 0.0007, 'v1', 5, 1, 'succeeded'),
               (?, 'anthropic', 'claude', 'claude-x', 'x', '1', 10, 20, 0, null, 'v1', 5, 1, 'succeeded')""", p, p, p);
    var rows = db.as(Who.user(user), h -> h.createQuery("""
            select model, calls, input_tokens, output_tokens, cached_tokens, cost, unpriced_calls
              from public.usage_ai_costs(:p, null) order by model""").bind("p", p).mapToMap().list());
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("model")).isEqualTo("claude-x");
    assertThat(((Number) rows.get(0).get("unpriced_calls")).longValue()).isEqualTo(1);
    assertThat(rows.get(1).get("model")).isEqualTo("gpt-4o-mini");
    assertThat(((Number) rows.get(1).get("calls")).longValue()).isEqualTo(2);
    assertThat(((Number) rows.get(1).get("input_tokens")).longValue()).isEqualTo(4000);
    assertThat(((Number) rows.get(1).get("output_tokens")).longValue()).isEqualTo(600);
    assertThat(((Number) rows.get(1).get("cached_tokens")).longValue()).isEqualTo(100);
    assertThat(new java.math.BigDecimal(rows.get(1).get("cost").toString())).isEqualByComparingTo("0.0010");
    UUID stranger = db.user("rules cost stranger");
    assertThat(db.stateOf(Who.user(stranger), h -> h.createQuery("select * from public.usage_ai_costs(:p, null)")
        .bind("p", p).mapToMap().list())).isEqualTo("42501");
    assertThat(db.stateOf(Who.user(user), h -> h.createQuery("select * from public.usage_ai_costs(null, null)")
        .mapToMap().list())).isEqualTo("42501");
  }

  @Test
  void theReportsAreForOperatorsAndAddUp() {
    UUID user = db.user("rules report user");
    UUID admin = db.user("rules report admin");
    UUID p = db.profile(user, "rules report profile");
    plan(user, "free");
    for (int i = 0; i < 9; i++) {
      upload(user, p, "rep-" + i, 10, "text", 400 + i);
    }
    fold();  // the reports read the counters, which the fold moves
    var candidates = db.as(Who.admin(admin), h -> h.createQuery("""
            select limit_name, used, percentage from public.usage_report_upgrade_candidates(null, 80)
             where profile_id = :p""").bind("p", p).mapToMap().list());
    assertThat(candidates).hasSize(1);
    assertThat(candidates.get(0).get("limit_name")).isEqualTo("shell_files");
    assertThat(new java.math.BigDecimal(candidates.get(0).get("percentage").toString())).isEqualByComparingTo("90.0");
    var top = db.as(Who.service(), h -> h.createQuery("select profile_id, shell_files from public.usage_report_top_users(null, 'shell_files', 500)")
        .mapToMap().list());
    assertThat(top).anySatisfy(r -> {
      assertThat(r.get("profile_id")).isEqualTo(p);
      assertThat(((Number) r.get("shell_files")).longValue()).isEqualTo(9);
    });
    var byPlan = db.as(Who.service(), h -> h.createQuery("select plan_type from public.usage_report_by_plan(null)")
        .mapTo(String.class).list());
    // the four tiers in their order (tests sharing this database may add plans of their own)
    assertThat(byPlan).containsSubsequence("free", "basic", "premium", "enterprise");
    long uploadsToday = db.as(Who.service(), h -> h.createQuery("""
            select uploads from public.usage_report_daily(current_date, current_date)""").mapTo(Long.class).one());
    assertThat(uploadsToday).isGreaterThanOrEqualTo(9);
    for (String report : List.of("select * from public.usage_report_upgrade_candidates(null, 80)",
        "select * from public.usage_report_top_users(null, 'pages', 10)",
        "select * from public.usage_report_by_plan(null)",
        "select * from public.usage_report_daily(current_date, current_date)",
        "select public.change_account_plan('" + user + "', 'premium', null)")) {
      assertThat(db.stateOf(Who.user(user), h -> h.createQuery(report).mapToMap().list())).as(report).isEqualTo("42501");
    }
    assertThat(db.stateOf(Who.service(), h -> h.createQuery("select * from public.usage_report_top_users(null, 'bogus', 10)")
        .mapToMap().list())).isEqualTo("22023");
    assertThat(db.stateOf(Who.service(), h -> h.createQuery("select public.change_account_plan(:u, 'platinum', null)")
        .bind("u", user).mapToMap().one())).isEqualTo("22023");
  }
}
