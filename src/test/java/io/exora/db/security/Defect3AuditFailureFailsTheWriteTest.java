package io.exora.db.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exora.db.security.SecurityDb.Who;
import io.exora.db.security.SecurityDb.Window;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Defect 3 of the original: an audit call with a category the CHECK refused raised an error that
 * was swallowed, so the audited write went through unaudited. Here an audit failure must fail the
 * caller's transaction (SQLSTATE 23514, check_violation) and nothing of it may be committed.
 */
class Defect3AuditFailureFailsTheWriteTest {

  private static final String CHECK_VIOLATION = "23514";

  private static SecurityDb db;
  private static UUID owner;
  private static UUID editor;
  private static UUID stranger;
  private static UUID profile;

  @BeforeAll
  static void seed() {
    db = SecurityDb.fresh();
    owner = db.user("d3 owner");
    editor = db.user("d3 editor");
    stranger = db.user("d3 stranger");
    profile = db.profile(owner, "d3 profile");
    db.grant(profile, editor, "read_write", Window.LIVE, "can_view_documents", "can_edit_medical_data");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static final String INSERT_EVENT = """
      insert into public.patient_clinical_events (id, patient_id, activity_type, event_type, event_name, event_date)
      values (:id, :p, 'observation', 'lab_result', 'Audited', now())
      """;

  private static final String AUDIT = """
      select public.log_audit_event('patient_clinical_events', :id, 'REVIEW', null, null, 'test',
                                    :category, :p)
      """;

  // ---- an invalid category fails the caller's whole transaction ----------------------------------

  @Test
  void anUnknownCategoryRaises23514AndNothingOfTheTransactionIsCommitted() {
    UUID event = UUID.randomUUID();
    try (Handle h = db.runtime.open()) {
      SecurityDb.begin(h, Who.user("owner", owner), "d3-unknown-category");
      h.createUpdate(INSERT_EVENT).bind("id", event).bind("p", profile).execute();
      assertThatThrownBy(() -> h.createQuery(AUDIT).bind("id", event).bind("category", "not_a_category")
          .bind("p", profile).mapTo(UUID.class).one())
          .satisfies(e -> assertThat(SecurityDb.sqlState(e)).contains(CHECK_VIOLATION));
      // The caller tries to commit anyway: PostgreSQL turns the COMMIT of a failed transaction
      // into a ROLLBACK (pgjdbc may or may not report it; either way nothing is stored).
      try {
        h.commit();
      } catch (RuntimeException ignored) {
        h.rollback();
      }
    }
    assertThat(countWhere("patient_clinical_events", "id", event)).as("the audited write").isZero();
    assertThat(countWhere("audit_log", "record_id", event)).as("its audit rows").isZero();
  }

  @Test
  void anUnknownOperationIsRefusedToo() {
    assertThatThrownBy(() -> db.as(Who.user("owner", owner), h -> h.createQuery("""
            select public.log_audit_event('patient_clinical_events', null, 'FROBNICATE', null, null, null,
                                          'clinical_data', :p)""")
        .bind("p", profile).mapTo(UUID.class).one()))
        .satisfies(e -> assertThat(SecurityDb.sqlState(e)).contains(CHECK_VIOLATION));
  }

  @Test
  void everyCategoryTheCheckListsIsAccepted() {
    List<String> categories = checkedValues("audit_log_compliance_category_known");
    assertThat(categories).as("categories parsed from the CHECK").contains("clinical_data", "access_control")
        .hasSizeGreaterThanOrEqualTo(5);
    for (String category : categories) {
      String cid = "d3-category-" + category;
      UUID record = UUID.randomUUID();
      UUID auditId = db.asCommitted(Who.user("owner", owner), cid, h -> h.createQuery(AUDIT)
          .bind("id", record).bind("category", category).bind("p", profile).mapTo(UUID.class).one());
      Map<String, Object> row = db.asSuperuser(h -> h.createQuery("""
              select compliance_category, changed_by, correlation_id, patient_id, operation
                from public.audit_log where id = :id""")
          .bind("id", auditId).mapToMap().one());
      assertThat(row).as(category)
          .containsEntry("compliance_category", category)
          .containsEntry("changed_by", owner)
          .containsEntry("correlation_id", cid)
          .containsEntry("patient_id", profile)
          .containsEntry("operation", "REVIEW");
    }
  }

  @Test
  void everyAuditTriggerPassesACategoryTheCheckAccepts() {
    List<String> categories = checkedValues("audit_log_compliance_category_known");
    List<Map<String, Object>> triggers = db.asSuperuser(h -> h.createQuery("""
            select t.tgrelid::regclass::text as table_name, t.tgname as trigger_name,
                   encode(t.tgargs, 'escape') as args
              from pg_catalog.pg_trigger t
             where t.tgfoid = 'public.audit_row_change()'::regprocedure and not t.tgisinternal""")
        .mapToMap().list());
    assertThat(triggers).as("audit triggers").hasSizeGreaterThanOrEqualTo(10);
    for (Map<String, Object> t : triggers) {
      // tgargs is the NUL-terminated argument list; encode(..., 'escape') shows NUL as \000.
      List<String> args = Arrays.stream(((String) t.get("args")).split("\\\\000"))
          .filter(a -> !a.isEmpty()).toList();
      assertThat(args).as("%s on %s", t.get("trigger_name"), t.get("table_name")).hasSize(1);
      assertThat(categories).as("category of %s", t.get("trigger_name")).contains(args.get(0));
    }
  }

  // ---- a failing audit trigger fails the audited write ------------------------------------------

  @Test
  void anAuditedWriteWhoseAuditRowFailsDoesNotHappen() {
    try (SecurityDb scratch = SecurityDb.fresh()) {
      UUID o = scratch.user("d3 scratch owner");
      UUID p = scratch.profile(o, "d3 scratch profile");
      UUID existing = UUID.randomUUID();
      scratch.asSuperuser(h -> h.createUpdate(INSERT_EVENT).bind("id", existing).bind("p", p).execute());
      // From now on the audit trail refuses new rows about clinical events (NOT VALID: the
      // seed's audit rows stay).
      scratch.exec("alter table public.audit_log add constraint d3_refuse_events "
          + "check (table_name <> 'patient_clinical_events') not valid");

      for (Who who : List.of(Who.user("owner", o), Who.serviceRole())) {
        UUID fresh = UUID.randomUUID();
        assertThatThrownBy(() -> scratch.asCommitted(who, "d3-insert", h ->
            h.createUpdate(INSERT_EVENT).bind("id", fresh).bind("p", p).execute()))
            .as("insert as %s", who)
            .satisfies(e -> assertThat(SecurityDb.sqlState(e)).contains(CHECK_VIOLATION));
        long stored = scratch.asSuperuser(h -> h.createQuery(
                "select count(*) from public.patient_clinical_events where id = :id")
            .bind("id", fresh).mapTo(Long.class).one());
        assertThat(stored).as("insert as %s stored", who).isZero();

        assertThatThrownBy(() -> scratch.asCommitted(who, "d3-update", h ->
            h.createUpdate("update public.patient_clinical_events set event_name = 'Changed' where id = :id")
                .bind("id", existing).execute()))
            .as("update as %s", who)
            .satisfies(e -> assertThat(SecurityDb.sqlState(e)).contains(CHECK_VIOLATION));
        String name = scratch.asSuperuser(h -> h.createQuery(
                "select event_name from public.patient_clinical_events where id = :id")
            .bind("id", existing).mapTo(String.class).one());
        assertThat(name).as("update as %s stored", who).isEqualTo("Audited");
      }
    }
  }

  // ---- what trigger-written audit rows record -------------------------------------------------

  @Test
  void triggerAuditRowsRecordTheCallerAndTheCorrelationId() {
    UUID event = UUID.randomUUID();
    db.asCommitted(Who.user("owner", owner), "d3-cid-insert", h ->
        h.createUpdate(INSERT_EVENT).bind("id", event).bind("p", profile).execute());
    db.asCommitted(Who.user("editor", editor), "d3-cid-update", h ->
        h.createUpdate("update public.patient_clinical_events set event_name = 'Edited' where id = :id")
            .bind("id", event).execute());
    db.asCommitted(Who.serviceRole(), "d3-cid-service", h ->
        h.createUpdate("update public.patient_clinical_events set deleted_at = now() where id = :id")
            .bind("id", event).execute());

    List<Map<String, Object>> rows = db.asSuperuser(h -> h.createQuery("""
            select operation, changed_by, changed_by_role, correlation_id, patient_id, compliance_category,
                   table_name, array_to_string(changed_columns, ',') as changed_columns,
                   old_values is null and new_values is null as no_values
              from public.audit_log where record_id = :id order by changed_at, correlation_id""")
        .bind("id", event).mapToMap().list());
    assertThat(rows).hasSize(3);
    List<String> summary = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      assertThat(r).containsEntry("patient_id", profile).containsEntry("compliance_category", "clinical_data")
          .containsEntry("table_name", "patient_clinical_events").containsEntry("no_values", true);
      summary.add(r.get("operation") + " by " + r.get("changed_by") + " as " + r.get("changed_by_role")
          + " in " + r.get("correlation_id") + " columns " + r.get("changed_columns"));
    }
    assertThat(summary).containsExactlyInAnyOrder(
        "INSERT by " + owner + " as authenticated in d3-cid-insert columns null",
        "UPDATE by " + editor + " as authenticated in d3-cid-update columns event_name",
        "UPDATE by null as service_role in d3-cid-service columns deleted_at");
  }

  @Test
  void aCallerMayNotAuditAProfileTheyCannotReach() {
    assertThatThrownBy(() -> db.as(Who.user("stranger", stranger), h -> h.createQuery(AUDIT)
        .bind("id", UUID.randomUUID()).bind("category", "clinical_data").bind("p", profile)
        .mapTo(UUID.class).one()))
        .satisfies(e -> assertThat(SecurityDb.sqlState(e)).contains(SecurityDb.DENIED));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The string literals of a CHECK ... IN (...) constraint on audit_log, read from the catalog. */
  private static List<String> checkedValues(String constraint) {
    String definition = db.asSuperuser(h -> h.createQuery("""
            select pg_catalog.pg_get_constraintdef(c.oid) from pg_catalog.pg_constraint c
             where c.conrelid = 'public.audit_log'::regclass and c.conname = :name""")
        .bind("name", constraint).mapTo(String.class).one());
    List<String> values = new ArrayList<>();
    Matcher m = Pattern.compile("'([^']*)'").matcher(definition);
    while (m.find()) {
      values.add(m.group(1));
    }
    return values;
  }

  private static long countWhere(String table, String column, UUID value) {
    return db.asSuperuser(h -> h.createQuery("select count(*) from public." + table + " where " + column + " = :v")
        .bind("v", value).mapTo(Long.class).one());
  }
}
