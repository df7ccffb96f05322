package io.exora.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.usage.UsageDb.Who;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may read and write usage, through the functions (the tables' own policies are in
 * io.exora.db.security.RlsMatrixTest): the owner and a grantee with the view right read; a
 * grantee without it, a stranger and anon cannot; people never write the ledger or the counters
 * directly, and record an upload only for a profile they may upload to.
 */
class UsageAccessTest {
  static UsageDb db;
  static UUID owner;
  static UUID viewer;
  static UUID blind;
  static UUID stranger;
  static UUID p;
  static UUID file;

  @BeforeAll
  static void seed() {
    db = new UsageDb();
    owner = db.user("access owner");
    viewer = db.user("access viewer");
    blind = db.user("access blind");
    stranger = db.user("access stranger");
    p = db.profile(owner, "access profile");
    db.su("""
        insert into public.profile_access_permissions (profile_id, user_id, permission_level, can_view_documents)
        values (?, ?, 'read_only', true), (?, ?, 'read_write', false)""", p, viewer, p, blind);
    file = db.file(p, owner, "access.pdf", 2048, "pdf");
    db.as(Who.service(), h -> h.createQuery("select public.track_shell_file_upload_usage(:p, :f)")
        .bind("p", p).bind("f", file).mapTo(Boolean.class).one());
  }

  private static String status(Who who) {
    return db.stateOf(who, h -> h.createQuery("select public.get_user_usage_status(:p)").bind("p", p).mapToMap().one());
  }

  private static long visibleRows(Who who, String table) {
    return db.as(who, h -> h.createQuery("select count(*) from public." + table + " where profile_id = :p")
        .bind("p", p).mapTo(Long.class).one());
  }

  @Test
  void theOwnerAndAViewerReadTheStatusOthersAreRefused() {
    assertThat(status(Who.user(owner))).isEqualTo("ok");
    assertThat(status(Who.user(viewer))).isEqualTo("ok");
    assertThat(status(Who.admin(stranger))).isEqualTo("ok");
    assertThat(status(Who.service())).isEqualTo("ok");
    assertThat(status(Who.user(blind))).isEqualTo("42501");
    assertThat(status(Who.user(stranger))).isEqualTo("42501");
    assertThat(status(Who.anon())).isEqualTo("42501");
  }

  @Test
  void theTablesShowTheProfilesRowsToTheOwnerAndTheViewerOnly() {
    for (String table : new String[] {"user_usage_tracking", "usage_events"}) {
      assertThat(visibleRows(Who.user(owner), table)).as(table).isEqualTo(1);
      assertThat(visibleRows(Who.user(viewer), table)).as(table).isEqualTo(1);
      assertThat(visibleRows(Who.user(blind), table)).as(table).isZero();
      assertThat(visibleRows(Who.user(stranger), table)).as(table).isZero();
    }
  }

  @Test
  void peopleCannotWriteTheLedgerOrTheCountersDirectly() {
    assertThat(db.stateOf(Who.user(owner), h -> h.createUpdate("""
        insert into public.usage_events (profile_id, event_type, idempotency_key, billing_cycle_start)
        values (:p, 'storage_used', 'forged', current_date)""").bind("p", p).execute())).isEqualTo("42501");
    assertThat(db.stateOf(Who.user(owner), h -> h.createUpdate(
        "update public.user_usage_tracking set shell_files_uploaded = 0 where profile_id = :p").bind("p", p).execute()))
        .isEqualTo("42501");
    assertThat(db.stateOf(Who.user(owner), h -> h.createUpdate(
        "insert into public.account_plans (account_id, plan_type) values (:u, 'enterprise')").bind("u", owner).execute()))
        .isEqualTo("42501");
    assertThat(db.stateOf(Who.user(owner), h -> h.createQuery(
        "select public.usage_record(:p, 'storage_used', 'forged', now(), 0, 0, 0, 0, 0, 0)").bind("p", p).mapToMap().one()))
        .isEqualTo("42501");
  }

  @Test
  void onlyAnUploaderOfTheProfileMayRecordItsUpload() {
    UUID other = db.file(p, owner, "access-2.pdf", 4096, "pdf");
    String call = "select public.track_shell_file_upload_usage(:p, :f, 1, 1)";
    assertThat(db.stateOf(Who.user(stranger), h -> h.createQuery(call).bind("p", p).bind("f", other).mapToMap().one()))
        .isEqualTo("42501");
    assertThat(db.stateOf(Who.user(viewer), h -> h.createQuery(call).bind("p", p).bind("f", other).mapToMap().one()))
        .isEqualTo("42501");
    assertThat(db.stateOf(Who.anon(), h -> h.createQuery(call).bind("p", p).bind("f", other).mapToMap().one()))
        .isEqualTo("42501");
    // A file of another profile cannot be booked to this one.
    UUID elsewhere = db.profile(owner, "access elsewhere");
    UUID foreign = db.file(elsewhere, owner, "access-foreign.pdf", 10, "pdf");
    assertThat(db.stateOf(Who.user(owner), h -> h.createQuery(call).bind("p", p).bind("f", foreign).mapToMap().one()))
        .isEqualTo("22023");
    assertThat(db.stateOf(Who.user(owner), h -> h.createQuery(call).bind("p", p).bind("f", other).mapToMap().one()))
        .isEqualTo("ok");
  }

  @Test
  void thePlansAreReadableByEveryone() {
    for (Who who : new Who[] {Who.anon(), Who.user(stranger), Who.service()}) {
      long plans = db.as(who, h -> h.createQuery("select count(*) from public.subscription_plans").mapTo(Long.class).one());
      assertThat(plans).as("plans seen by %s", who.role()).isEqualTo(4);
    }
  }
}
