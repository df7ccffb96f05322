package io.exora.db.security;

import static io.exora.db.security.SecurityDb.DENIED;
import static io.exora.db.security.SecurityDb.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.exora.db.security.SecurityDb.Who;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The row-level-security matrix: every table in {@code public} x SELECT/INSERT/UPDATE/DELETE x
 * every kind of caller. Each cell is one dynamic test that runs one statement in its own
 * request transaction (the app's set_config statement over the authenticator login), which is
 * always rolled back, and asserts the exact number of rows seen or affected, or SQLSTATE 42501.
 *
 * <p>Fixture (committed once, as the superuser): profile P of {@code owner}, with one row in every
 * profile-scoped table, and an unrelated profile Q (owned by {@code other_owner}, shared with
 * {@code outsider}) with one row in every such table, which no caller but the service role may
 * see. Grants on P: one live grant per level (emergency; read_only; read_write with upload and
 * edit; full_access with manage), and three dead full_access grants with every flag: revoked,
 * expired and not yet started. So P has 7 grants and Q has 1.
 *
 * <p>The statements are unfiltered ({@code select count(*) from t}, {@code update t set ...},
 * {@code delete from t}), so Q's row is always in reach of the statement and only RLS keeps it out.
 * INSERT writes a new row for P (for user_profiles: a child profile in P's owner's account).
 */
class RlsMatrixTest {

  // ------------------------------------------------------------------------------------------
  // The expected matrix. One table per kind of table. A number is the exact count of rows seen
  // (SELECT) or affected (INSERT/UPDATE/DELETE); "denied" is SQLSTATE 42501 (no privilege, or an
  // RLS WITH CHECK violation). Columns:
  //   owner        the account owner of P
  //   emergency    live grant on P, level emergency
  //   read_only    live grant on P, level read_only (can_view_documents)
  //   read_write   live grant on P, level read_write, can_upload_documents + can_edit_medical_data
  //   full_access  live grant on P, level full_access, can_manage_permissions (no upload/edit flag)
  //   revoked      full_access grant with every flag, revoked yesterday
  //   expired      full_access grant with every flag, ended yesterday
  //   pending      full_access grant with every flag, starting tomorrow
  //   stranger     signed in, no grant
  //   admin        signed in, no grant, token has app_metadata.is_admin (an operator)
  //   anon         the anonymous role
  //   service      service_role (bypasses RLS; sees P's and Q's rows)
  // ------------------------------------------------------------------------------------------

  /** Clinical tables read from read_only up; written with read_write + can_edit_medical_data. */
  private static final String CLINICAL = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      0         1         1          1         0       0       0       0      0    denied    2
      INSERT      1    denied    denied      1        denied    denied  denied  denied  denied denied denied    1
      UPDATE      1      0         0         1          0         0       0       0       0      0    denied    2
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      """;

  /** The emergency summary: like CLINICAL, but emergency delegates read it too. */
  private static final String EMERGENCY_SUMMARY = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      1         1         1          1         0       0       0       0      0    denied    2
      INSERT      1    denied    denied      1        denied    denied  denied  denied  denied denied denied    1
      UPDATE      1      0         0         1          0         0       0       0       0      0    denied    2
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      """;

  /** Documents: read with view_documents, upload with upload_documents, soft delete at full_access. */
  private static final String SHELL_FILES = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      0         1         1          1         0       0       0       0      0    denied    2
      INSERT      1    denied    denied      1        denied    denied  denied  denied  denied denied denied    1
      UPDATE      1      0         0         0          1         0       0       0       0      0    denied    2
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      """;

  /** Consents: read from read_only up; recorded only by the owner or a full_access guardian. */
  private static final String CONSENTS = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      0         1         1          1         0       0       0       0      0    denied    2
      INSERT      1    denied    denied    denied       1       denied  denied  denied  denied denied denied    1
      UPDATE      1      0         0         0          1         0       0       0       0      0    denied    2
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      """;

  /**
   * Profiles: every live grant sees the profile row; full_access edits it; only the owner adds a
   * profile to their account; nobody but the service role deletes one (that would hard-delete its
   * clinical rows by cascade; owners archive instead).
   */
  private static final String USER_PROFILES = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      1         1         1          1         0       0       0       0      0    denied    2
      INSERT      1    denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      UPDATE      1      0         0         0          1         0       0       0       0      0    denied    2
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      """;

  /**
   * Grants: a grantee sees their own grant (even a dead one); the owner and a full_access manager
   * see and manage all 7 grants of P. Grants are revoked, never deleted.
   */
  private static final String GRANTS = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      7      1         1         1          7         1       1       1       0      0    denied    8
      INSERT      1    denied    denied    denied       1       denied  denied  denied  denied denied denied    1
      UPDATE      7      0         0         0          7         0       0       0       0      0    denied    8
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    8
      """;

  /** A user's own engagement events; the profile named must be one the user reaches. */
  private static final String USER_EVENTS = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      0         0         0          0         0       0       0       0      0    denied    2
      INSERT      1      1         1         1          1       denied  denied  denied  denied denied denied    1
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      """;

  /** Append-only: read by the owner and full_access delegates; written only by the service role. */
  private static final String AUDIT_LOG = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      0         0         0          1         0       0       0       0      0    denied    2
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      """;

  /** Operators only. */
  private static final String SYSTEM_CONFIGURATION = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      0      0         0         0          0         0       0       0       0      1    denied    1
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied   1    denied    1
      UPDATE      0      0         0         0          0         0       0       0       0      1    denied    1
      DELETE      0      0         0         0          0         0       0       0       0      1    denied    1
      """;

  /** Readable by everyone signed in; changed by operators. */
  private static final String FEATURE_FLAGS = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      1         1         1          1         1       1       1       1      1    denied    1
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied   1    denied    1
      UPDATE      0      0         0         0          0         0       0       0       0      1    denied    1
      DELETE      0      0         0         0          0         0       0       0       0      1    denied    1
      """;

  /** The job queue (P's job and Q's job) and its archive: infrastructure, the service role only. */
  private static final String SERVICE_ONLY_TWO_ROWS = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      """;

  /** The worker registry (one worker): the service role only. */
  private static final String SERVICE_ONLY_ONE_ROW = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      """;

  /** The usage fold's bookmark (one row): read by the service role, written only by the fold. */
  private static final String SERVICE_READS_ONLY = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      """;

  /** The queue's pace row: the service role's claims read and move it; nobody adds or removes one. */
  private static final String SERVICE_READS_AND_UPDATES = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      """;

  /**
   * A read-only view over two service-only tables (job_queue and job_queue_archive, two rows each):
   * only the service role reads it, and writing it is refused to everyone, the service role
   * included ("readonly": SQLSTATE 55000, a UNION view cannot be written).
   */
  private static final String SERVICE_READS_VIEW_OF_FOUR = """
                 owner   emergency read_only read_write full_access revoked  expired  pending  stranger  admin    anon     service
      SELECT    denied   denied    denied    denied     denied      denied   denied   denied   denied    denied   denied      4
      INSERT    readonly readonly  readonly  readonly   readonly    readonly readonly readonly readonly  readonly readonly readonly
      UPDATE    readonly readonly  readonly  readonly   readonly    readonly readonly readonly readonly  readonly readonly readonly
      DELETE    readonly readonly  readonly  readonly   readonly    readonly readonly readonly readonly  readonly readonly readonly
      """;

  /** AI call records: read from read_only up; appended by the service role, never changed. */
  private static final String AI_GENERATIONS = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      0         1         1          1         0       0       0       0      0    denied    2
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      """;

  /** Review feedback: read from read_only up; added by medical-data editors as themselves; history, never changed. */
  private static final String REVIEWS = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      0         1         1          1         0       0       0       0      0    denied    2
      INSERT      1    denied    denied      1        denied    denied  denied  denied  denied denied denied    1
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      """;

  /** Plans: public product information; changed by the service role; retired, never deleted. */
  private static final String SUBSCRIPTION_PLANS = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      4      4         4         4          4         4       4       4       4      4      4      4
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    4
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      """;

  /** An account's plan: the account reads its own; only the service role (and change_account_plan) writes. */
  private static final String ACCOUNT_PLANS = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      0         0         0          0         0       0       0       0      0    denied    2
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      """;

  /** Usage counters: read by the owner and grantees with the view right; written by the service role and the usage functions. */
  private static final String USAGE_TRACKING = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      0         1         1          1         0       0       0       0      0    denied    2
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    2
      """;

  /** The usage ledger: read like the counters; appended by the service role and the usage functions, never changed. */
  private static final String USAGE_EVENTS = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT      1      0         1         1          1         0       0       0       0      0    denied    2
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied    1
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      """;

  /** Flyway's bookkeeping: no API role at all (migrations run as the schema owner). */
  private static final String CLOSED = """
                owner emergency read_only read_write full_access revoked expired pending stranger admin  anon   service
      SELECT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      INSERT    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      UPDATE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      DELETE    denied denied    denied    denied     denied    denied  denied  denied  denied denied denied  denied
      """;

  // ------------------------------------------------------------------------------------------
  // Every table in public: its expectations, the row INSERT writes and the change UPDATE makes.
  // Named parameters: :p (profile P), :owner (P's owner), :newcomer (a user with no grant),
  // :event (P's clinical event).
  // ------------------------------------------------------------------------------------------

  private record TableUnderTest(String table, String expectations, String insertSql, String updateSet) {}

  private static final List<TableUnderTest> TABLES = List.of(
      new TableUnderTest("audit_log", AUDIT_LOG,
          "insert into public.audit_log (table_name, operation, compliance_category, patient_id) "
              + "values ('matrix', 'SYSTEM', 'usage', :p)",
          "reason = 'tampered'"),
      new TableUnderTest("system_configuration", SYSTEM_CONFIGURATION,
          "insert into public.system_configuration (config_key, config_value) values ('matrix.added', '1')",
          "config_value = '2'"),
      new TableUnderTest("feature_flags", FEATURE_FLAGS,
          "insert into public.feature_flags (flag_name) values ('matrix_added')",
          "enabled = not enabled"),
      new TableUnderTest("flyway_schema_history", CLOSED,
          "insert into public.flyway_schema_history (installed_rank, version, description, type, script, "
              + "installed_by, execution_time, success) values (9999, '9999', 'x', 'SQL', 'x.sql', 'x', 0, true)",
          "description = 'tampered'"),
      new TableUnderTest("user_profiles", USER_PROFILES,
          "insert into public.user_profiles (account_owner_id, profile_type, display_name) "
              + "values (:owner, 'child', 'Matrix child')",
          "display_name = 'Renamed'"),
      new TableUnderTest("profile_access_permissions", GRANTS,
          "insert into public.profile_access_permissions (profile_id, user_id, permission_level) "
              + "values (:p, :newcomer, 'read_only')",
          "can_share_data = not can_share_data"),
      new TableUnderTest("user_events", USER_EVENTS,
          "insert into public.user_events (user_id, profile_id, event_type) "
              + "values (coalesce((select auth.uid()), :owner), :p, 'matrix.added')",
          "event_type = 'matrix.changed'"),
      new TableUnderTest("shell_files", SHELL_FILES,
          "insert into public.shell_files (patient_id, uploaded_by, filename, original_filename, "
              + "file_size_bytes, mime_type, storage_path) "
              + "values (:p, (select auth.uid()), 'new.pdf', 'new.pdf', 1, 'application/pdf', 'matrix/new.pdf')",
          // People may only soft-delete a file (column grant on deleted_at, deleted_by).
          "deleted_at = now(), deleted_by = (select auth.uid())"),
      new TableUnderTest("healthcare_encounters", CLINICAL,
          "insert into public.healthcare_encounters (patient_id, encounter_type, encounter_date) "
              + "values (:p, 'outpatient', now())",
          "summary = 'changed'"),
      new TableUnderTest("patient_clinical_events", CLINICAL,
          "insert into public.patient_clinical_events (patient_id, activity_type, event_type, event_name, event_date) "
              + "values (:p, 'observation', 'lab_result', 'Matrix event', now())",
          "event_name = 'changed'"),
      new TableUnderTest("patient_observations", CLINICAL,
          "insert into public.patient_observations (event_id, patient_id, observation_type, value_numeric) "
              + "values (:event, :p, 'lab_result', 2)",
          "value_text = 'changed'"),
      new TableUnderTest("patient_vitals", CLINICAL,
          "insert into public.patient_vitals (event_id, patient_id, vital_type, value_numeric, unit) "
              + "values (:event, :p, 'heart_rate', 70, 'bpm')",
          "position = 'sitting'"),
      new TableUnderTest("patient_interventions", CLINICAL,
          "insert into public.patient_interventions (event_id, patient_id, intervention_type) "
              + "values (:event, :p, 'therapy')",
          "outcome = 'changed'"),
      new TableUnderTest("patient_medications", EMERGENCY_SUMMARY,
          "insert into public.patient_medications (event_id, patient_id, medication_name) "
              + "values (:event, :p, 'Matrixol')",
          "frequency = 'daily'"),
      new TableUnderTest("patient_conditions", EMERGENCY_SUMMARY,
          "insert into public.patient_conditions (event_id, patient_id, condition_name) "
              + "values (:event, :p, 'Matrix fever')",
          "severity = 'mild'"),
      new TableUnderTest("patient_allergies", EMERGENCY_SUMMARY,
          "insert into public.patient_allergies (event_id, patient_id, allergen) "
              + "values (:event, :p, 'Matrix pollen')",
          "reaction = 'hives'"),
      new TableUnderTest("patient_immunizations", EMERGENCY_SUMMARY,
          "insert into public.patient_immunizations (event_id, patient_id, vaccine_name) "
              + "values (:event, :p, 'Matrix vaccine')",
          "site = 'left arm'"),
      new TableUnderTest("clinical_event_reviews", REVIEWS,
          "insert into public.clinical_event_reviews (event_id, patient_id, reviewed_by, action) "
              + "values (:event, :p, coalesce((select auth.uid()), '" + id("matrix owner") + "'), 'confirmed')",
          "note = 'changed'"),
      new TableUnderTest("patient_consents", CONSENTS,
          "insert into public.patient_consents (patient_id, consent_type, granted) values (:p, 'research', true)",
          "purpose = 'changed'"),
      new TableUnderTest("ai_generations", AI_GENERATIONS,
          "insert into public.ai_generations (profile_id, provider, model_requested, prompt_name, prompt_version, "
              + "price_version, latency_ms, attempts, status, error_code) "
              + "values (:p, 'openai', 'gpt-4o-mini', 'matrix', '1', '2026-11', 5, 1, 'failed', 'timeout')",
          "latency_ms = 1"),
      new TableUnderTest("subscription_plans", SUBSCRIPTION_PLANS,
          "insert into public.subscription_plans (plan_type, display_name, sort_order) values ('matrix', 'Matrix', 99)",
          "display_name = display_name || ' changed'"),
      new TableUnderTest("account_plans", ACCOUNT_PLANS,
          "insert into public.account_plans (account_id, plan_type) values (:newcomer, 'basic')",
          "reason = 'changed'"),
      new TableUnderTest("user_usage_tracking", USAGE_TRACKING,
          "insert into public.user_usage_tracking (profile_id, billing_cycle_start, billing_cycle_end, plan_type) "
              + "values (:p, '2020-01-01', '2020-01-31', 'free')",
          "ai_tokens_used = ai_tokens_used + 1"),
      new TableUnderTest("usage_events", USAGE_EVENTS,
          "insert into public.usage_events (profile_id, event_type, idempotency_key, billing_cycle_start) "
              + "values (:p, 'storage_used', 'matrix:added', '2020-01-01')",
          "metrics = '{\"changed\": true}'"),
      new TableUnderTest("usage_fold_state", SERVICE_READS_ONLY,
          "insert into public.usage_fold_state (id, horizon) values (false, 1)",
          "folded_at = now()"),
      new TableUnderTest("job_queue", SERVICE_ONLY_TWO_ROWS,
          "insert into public.job_queue (job_type, job_lane, job_name, job_payload, patient_id) "
              + "values ('report_generation', 'default', 'matrix', '{\"matrix\": true}', :p)",
          "priority = 4"),
      new TableUnderTest("job_queue_archive", SERVICE_ONLY_TWO_ROWS,
          "insert into public.job_queue_archive (id, job_type, job_lane, job_name, job_payload, status, completed_at, "
              + "patient_id) values (gen_random_uuid(), 'report_generation', 'default', 'matrix', '{\"matrix\": true}', "
              + "'completed', now(), :p)",
          "priority = 4"),
      new TableUnderTest("job_queue_all", SERVICE_READS_VIEW_OF_FOUR,
          "insert into public.job_queue_all (id, job_type, job_lane, job_name, job_payload, patient_id) "
              + "values (gen_random_uuid(), 'report_generation', 'default', 'matrix', '{\"matrix\": true}', :p)",
          "priority = 4"),
      new TableUnderTest("job_queue_rescue_state", SERVICE_READS_AND_UPDATES,
          "insert into public.job_queue_rescue_state (singleton) values (true)",
          "last_run_at = now()"),
      new TableUnderTest("job_workers", SERVICE_ONLY_ONE_ROW,
          "insert into public.job_workers (worker_id, host, lanes) values ('matrix-added', 'host', '{default}')",
          "active_jobs = active_jobs + 1"),
      new TableUnderTest("api_rate_limits", SERVICE_ONLY_ONE_ROW,
          "insert into public.api_rate_limits (provider_name, api_endpoint, requests_per_minute) "
              + "values ('google', 'matrix-added', 1)",
          "requests_per_minute = 2"),
      new TableUnderTest("api_rate_slots", SERVICE_ONLY_ONE_ROW,
          "insert into public.api_rate_slots (limit_id, width, slot_start, requests) "
              + "select id, 'minute', date_trunc('minute', now()) + interval '1 minute', 1 from public.api_rate_limits",
          "requests = requests + 1"),
      new TableUnderTest("api_leases", SERVICE_ONLY_ONE_ROW,
          "insert into public.api_leases (limit_id, reserved_tokens, granted_at, expires_at) "
              + "select id, 1, now(), now() + interval '1 minute' from public.api_rate_limits",
          "reserved_tokens = 2"),
      new TableUnderTest("api_rate_waiters", SERVICE_ONLY_ONE_ROW,
          "insert into public.api_rate_waiters (limit_id, job_id, tokens, queued_at, due_at) "
              + "select id, gen_random_uuid(), 1, now(), now() + interval '1 minute' from public.api_rate_limits",
          "tokens = 2"),
      new TableUnderTest("sign_in_attempts", SERVICE_ONLY_ONE_ROW,
          "insert into public.sign_in_attempts (email, window_started_at, attempts) values ('added@example.org', now(), 1)",
          "attempts = attempts + 1"));

  private enum Op { SELECT, INSERT, UPDATE, DELETE }

  // ------------------------------------------------------------------------------------------
  // The fixture.
  // ------------------------------------------------------------------------------------------

  private static final UUID OWNER = id("matrix owner");
  private static final UUID OTHER_OWNER = id("matrix other owner");
  private static final UUID OUTSIDER = id("matrix outsider");
  private static final UUID NEWCOMER = id("matrix newcomer");
  private static final UUID P = id("matrix profile P");
  private static final UUID Q = id("matrix profile Q");
  private static final UUID EVENT_P = id("matrix event P");

  /** The matrix columns, in the order of the tables above. */
  private static final Map<String, Who> CALLERS = new LinkedHashMap<>();

  static {
    CALLERS.put("owner", Who.user("owner", OWNER));
    for (String grantee : List.of("emergency", "read_only", "read_write", "full_access", "revoked",
        "expired", "pending", "stranger")) {
      CALLERS.put(grantee, Who.user(grantee, id("matrix " + grantee)));
    }
    CALLERS.put("admin", Who.admin("admin", id("matrix admin")));
    CALLERS.put("anon", Who.anon());
    CALLERS.put("service", Who.serviceRole());
  }

  private static SecurityDb db;

  @BeforeAll
  static void seed() {
    db = SecurityDb.fresh();
    StringBuilder users = new StringBuilder("insert into auth.users (id, email, encrypted_password) values ");
    List<UUID> ids = new ArrayList<>(List.of(OTHER_OWNER, OUTSIDER, NEWCOMER));
    CALLERS.values().stream().filter(w -> w.userId() != null).forEach(w -> ids.add(w.userId()));
    for (int i = 0; i < ids.size(); i++) {
      users.append(i == 0 ? "" : ", ").append("('").append(ids.get(i)).append("', 'u").append(i)
          .append("@matrix.test', 'x')");
    }
    String script = users + ";\n" + """
        insert into public.user_profiles (id, account_owner_id, profile_type, display_name) values
          (:P, :OWNER, 'self', 'Patient P'),
          (:Q, :OTHER_OWNER, 'self', 'Patient Q');

        insert into public.profile_access_permissions
          (profile_id, user_id, permission_level, can_view_documents, can_upload_documents,
           can_edit_medical_data, can_manage_permissions, access_start_date, access_end_date,
           revoked_at, revoked_by) values
          (:P, :emergency,   'emergency',   true,  false, false, false, now() - interval '10 days', null, null, null),
          (:P, :read_only,   'read_only',   true,  false, false, false, now() - interval '10 days', null, null, null),
          (:P, :read_write,  'read_write',  true,  true,  true,  false, now() - interval '10 days', null, null, null),
          (:P, :full_access, 'full_access', true,  false, false, true,  now() - interval '10 days', null, null, null),
          (:P, :revoked,     'full_access', true,  true,  true,  true,  now() - interval '10 days', null,
               now() - interval '1 day', :OWNER),
          (:P, :expired,     'full_access', true,  true,  true,  true,  now() - interval '10 days',
               now() - interval '1 day', null, null),
          (:P, :pending,     'full_access', true,  true,  true,  true,  now() + interval '1 day', null, null, null),
          (:Q, :OUTSIDER,    'full_access', true,  true,  true,  true,  now() - interval '10 days', null, null, null);
        """ + perProfileRows("P", "OWNER") + perProfileRows("Q", "OTHER_OWNER") + """
        -- Exactly one row in each operator table (migrations may seed settings of their own).
        delete from public.system_configuration;
        delete from public.feature_flags;
        insert into public.system_configuration (config_key, config_value) values ('matrix.setting', '1');
        insert into public.feature_flags (flag_name, enabled) values ('matrix_flag', true);
        insert into public.job_workers (worker_id, host, lanes) values ('matrix-worker', 'host', '{default}');
        insert into public.account_plans (account_id, plan_type) values (:OWNER, 'basic'), (:OTHER_OWNER, 'premium');
        delete from public.api_rate_limits;
        insert into public.api_rate_limits (provider_name, api_endpoint, requests_per_minute) values ('openai', 'matrix', 1);
        insert into public.api_rate_slots (limit_id, width, slot_start, requests)
          select id, 'tenth', date_trunc('second', now()), 1 from public.api_rate_limits;
        insert into public.api_leases (limit_id, reserved_tokens, granted_at, expires_at)
          select id, 1, now(), now() + interval '1 hour' from public.api_rate_limits;
        insert into public.api_rate_waiters (limit_id, job_id, tokens, queued_at, due_at)
          select id, gen_random_uuid(), 1, now(), now() + interval '1 hour' from public.api_rate_limits;
        insert into public.sign_in_attempts (email, window_started_at, attempts) values ('matrix@example.org', now(), 1);

        -- The triggers above wrote many audit rows; keep exactly one for P and one for Q.
        delete from public.audit_log;
        insert into public.audit_log (table_name, operation, compliance_category, patient_id) values
          ('matrix', 'SYSTEM', 'usage', :P),
          ('matrix', 'SYSTEM', 'usage', :Q);
        """;
    db.script(script
        .replace(":P", "'" + P + "'").replace(":Q", "'" + Q + "'")
        .replace(":OTHER_OWNER", "'" + OTHER_OWNER + "'").replace(":OWNER", "'" + OWNER + "'")
        .replace(":OUTSIDER", "'" + OUTSIDER + "'")
        .replace(":emergency", "'" + CALLERS.get("emergency").userId() + "'")
        .replace(":read_only", "'" + CALLERS.get("read_only").userId() + "'")
        .replace(":read_write", "'" + CALLERS.get("read_write").userId() + "'")
        .replace(":full_access", "'" + CALLERS.get("full_access").userId() + "'")
        .replace(":revoked", "'" + CALLERS.get("revoked").userId() + "'")
        .replace(":expired", "'" + CALLERS.get("expired").userId() + "'")
        .replace(":pending", "'" + CALLERS.get("pending").userId() + "'"));
  }

  /** One row per profile-scoped table for profile :X, owned by :O. */
  private static String perProfileRows(String x, String o) {
    UUID event = x.equals("P") ? EVENT_P : id("matrix event " + x);
    return """
        insert into public.shell_files (id, patient_id, uploaded_by, filename, original_filename,
                                        file_size_bytes, mime_type, storage_path)
          values ('%2$s', :X, :O, 'x.pdf', 'x.pdf', 10, 'application/pdf', 'matrix/x.pdf');
        insert into public.healthcare_encounters (id, patient_id, encounter_type, encounter_date)
          values ('%3$s', :X, 'outpatient', now() - interval '2 days');
        insert into public.patient_clinical_events (id, patient_id, shell_file_id, encounter_id,
                                                    activity_type, event_type, event_name, event_date)
          values ('%1$s', :X, '%2$s', '%3$s', 'observation', 'lab_result', 'Seed event', now() - interval '2 days');
        insert into public.patient_observations (event_id, patient_id, observation_type, value_numeric)
          values ('%1$s', :X, 'lab_result', 1);
        insert into public.patient_vitals (event_id, patient_id, vital_type, value_numeric, unit)
          values ('%1$s', :X, 'heart_rate', 60, 'bpm');
        insert into public.patient_interventions (event_id, patient_id, intervention_type)
          values ('%1$s', :X, 'procedure');
        insert into public.patient_medications (event_id, patient_id, medication_name)
          values ('%1$s', :X, 'Seedol');
        insert into public.patient_conditions (event_id, patient_id, condition_name)
          values ('%1$s', :X, 'Seed condition');
        insert into public.patient_allergies (event_id, patient_id, allergen)
          values ('%1$s', :X, 'Seed pollen');
        insert into public.patient_immunizations (event_id, patient_id, vaccine_name)
          values ('%1$s', :X, 'Seed vaccine');
        insert into public.patient_consents (patient_id, consent_type, granted)
          values (:X, 'ai_processing', true);
        insert into public.clinical_event_reviews (event_id, patient_id, reviewed_by, action)
          values ('%1$s', :X, :O, 'confirmed');
        insert into public.user_events (user_id, profile_id, event_type)
          values (:O, :X, 'matrix.seeded');
        insert into public.job_queue (job_type, job_lane, job_name, job_payload, patient_id, shell_file_id)
          values ('shell_file_processing', 'standard_queue', 'Seed job', '{"seed": true}', :X, '%2$s');
        insert into public.ai_generations (profile_id, shell_file_id, provider, model_requested, model_returned,
                                           prompt_name, prompt_version, price_version, latency_ms, attempts, status)
          values (:X, '%2$s', 'local', 'local', 'seed@1', 'seed', '1', '2026-11', 3, 1, 'succeeded');
        insert into public.user_usage_tracking (profile_id, billing_cycle_start, billing_cycle_end, plan_type,
                                                shell_files_uploaded)
          values (:X, date_trunc('month', now())::date,
                  (date_trunc('month', now()) + interval '1 month' - interval '1 day')::date, 'basic', 1);
        insert into public.usage_events (profile_id, event_type, idempotency_key, billing_cycle_start, shell_file_id)
          values (:X, 'shell_file_uploaded', 'upload:' || '%2$s', date_trunc('month', now())::date, '%2$s');
        insert into public.job_queue_archive (id, job_type, job_lane, job_name, job_payload, status,
                                              completed_at, patient_id)
          values (gen_random_uuid(), 'report_generation', 'default', 'Seed job', '{"seed": true}',
                  'completed', now(), :X);
        """.formatted(event, id("matrix file " + x), id("matrix encounter " + x))
        .replace(":X", ":" + x).replace(":O", ":" + o);
  }

  @AfterAll
  static void close() {
    if (db != null) {
      db.close();
    }
  }

  // ------------------------------------------------------------------------------------------
  // The cells.
  // ------------------------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicNode> rlsMatrix() {
    return TABLES.stream().map(t -> {
      Map<Op, Map<String, String>> expected = parse(t.table(), t.expectations());
      List<DynamicNode> cells = new ArrayList<>();
      for (Op op : Op.values()) {
        for (String caller : CALLERS.keySet()) {
          String want = expected.get(op).get(caller);
          String name = t.table() + " | " + op + " | " + caller + " -> "
              + (want.equals("denied") ? "42501" : want + " row(s)");
          cells.add(DynamicTest.dynamicTest(name, () -> runCell(t, op, CALLERS.get(caller), want)));
        }
      }
      return DynamicContainer.dynamicContainer(t.table(), cells);
    });
  }

  /** SQLSTATE of a write into a view that cannot be written (a UNION). */
  private static final String NOT_UPDATABLE_VIEW = "55000";

  private static void runCell(TableUnderTest t, Op op, Who who, String want) {
    String sql = switch (op) {
      case SELECT -> "select count(*) from public." + t.table();
      case INSERT -> t.insertSql();
      case UPDATE -> "update public." + t.table() + " set " + t.updateSet();
      case DELETE -> "delete from public." + t.table();
    };
    String got = db.as(who, h -> {
      try {
        return String.valueOf(execute(h, op, sql));
      } catch (RuntimeException e) {
        return SecurityDb.sqlState(e).map(s -> s.equals(DENIED) ? "denied"
                : s.equals(NOT_UPDATABLE_VIEW) ? "readonly" : "SQLSTATE " + s + ": " + e.getMessage())
            .orElseThrow(() -> e);
      }
    });
    if (!got.equals(want)) {
      fail("cell %s | %s | %s: expected %s but got %s%n  statement: %s", t.table(), op, who,
          want.equals("denied") ? "SQLSTATE 42501" : want + " row(s)",
          got.matches("\\d+") ? got + " row(s)" : got, sql);
    }
  }

  private static long execute(Handle h, Op op, String sql) {
    if (op == Op.SELECT) {
      return h.createQuery(sql).mapTo(Long.class).one();
    }
    var update = h.createUpdate(sql);
    if (sql.contains(":p")) {
      update.bind("p", P);
    }
    if (sql.contains(":owner")) {
      update.bind("owner", OWNER);
    }
    if (sql.contains(":newcomer")) {
      update.bind("newcomer", NEWCOMER);
    }
    if (sql.contains(":event")) {
      update.bind("event", EVENT_P);
    }
    return update.execute();
  }

  // ------------------------------------------------------------------------------------------
  // The matrix covers the schema, and the fixture is what the matrix assumes.
  // ------------------------------------------------------------------------------------------

  @Test
  void theMatrixCoversEveryTableInPublic() {
    List<String> tables = db.asSuperuser(h -> h.createQuery("""
        select c.relname from pg_catalog.pg_class c
          join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
        """).mapTo(String.class).list());
    Set<String> inSchema = new TreeSet<>(tables);
    Set<String> inMatrix = new TreeSet<>(TABLES.stream().map(TableUnderTest::table).toList());
    assertThat(inMatrix).as("tables in the RLS matrix").isEqualTo(inSchema);
  }

  @Test
  void theFixtureHasOneRowForPAndOneForQInEveryProfileScopedTable() {
    db.asSuperuser(h -> {
      for (TableUnderTest t : TABLES) {
        String column = h.createQuery("""
            select a.attname from pg_catalog.pg_attribute a
             where a.attrelid = ('public.' || :t)::regclass and a.attnum > 0 and not a.attisdropped
               and a.attname in ('patient_id', 'profile_id')
            """).bind("t", t.table()).mapTo(String.class).findFirst().orElse(null);
        // (the grants table has its own fixture; the view of all jobs shows both jobs' tables)
        if (column == null || t.table().equals("profile_access_permissions") || t.table().equals("job_queue_all")) {
          continue;
        }
        Map<String, Long> perProfile = new LinkedHashMap<>();
        for (UUID profile : List.of(P, Q)) {
          perProfile.put(profile.equals(P) ? "P" : "Q", h.createQuery(
                  "select count(*) from public." + t.table() + " where " + column + " = :x")
              .bind("x", profile).mapTo(Long.class).one());
        }
        assertThat(perProfile).as(t.table()).containsEntry("P", 1L).containsEntry("Q", 1L);
      }
      return null;
    });
  }

  // ------------------------------------------------------------------------------------------
  // Parsing the tables above.
  // ------------------------------------------------------------------------------------------

  private static Map<Op, Map<String, String>> parse(String table, String text) {
    List<String[]> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty())
        .map(l -> l.split("\\s+")).toList();
    List<String> header = Arrays.asList(lines.get(0));
    if (!header.equals(new ArrayList<>(CALLERS.keySet()))) {
      throw new IllegalStateException(table + ": matrix header " + header + " is not " + CALLERS.keySet());
    }
    Map<Op, Map<String, String>> result = new EnumMap<>(Op.class);
    for (String[] row : lines.subList(1, lines.size())) {
      Op op = Op.valueOf(row[0]);
      if (row.length != header.size() + 1) {
        throw new IllegalStateException(table + " " + op + ": " + (row.length - 1) + " cells for "
            + header.size() + " callers");
      }
      Map<String, String> cells = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        String cell = row[i + 1];
        if (!cell.equals("denied") && !cell.equals("readonly") && !cell.matches("\\d+")) {
          throw new IllegalStateException(table + " " + op + " " + header.get(i) + ": bad cell " + cell);
        }
        cells.put(header.get(i), cell);
      }
      result.put(op, cells);
    }
    if (result.size() != Op.values().length) {
      throw new IllegalStateException(table + ": matrix must have a row for each of " + List.of(Op.values()));
    }
    return result;
  }
}
