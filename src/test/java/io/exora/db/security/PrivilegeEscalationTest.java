package io.exora.db.security;

import static io.exora.db.security.SecurityDb.DENIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exora.db.security.SecurityDb.Who;
import io.exora.db.security.SecurityDb.Window;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for escalations the RLS matrix's single UPDATE statement per table does not
 * exercise: writes to columns that decide who owns or processes a row.
 */
class PrivilegeEscalationTest {

  private static SecurityDb db;
  private static UUID owner;
  private static UUID delegate;
  private static UUID stranger;
  private static UUID profile;
  private static UUID file;

  @BeforeAll
  static void seed() {
    db = SecurityDb.fresh();
    owner = db.user("esc owner");
    delegate = db.user("esc full_access delegate");
    stranger = db.user("esc stranger");
    profile = db.profile(owner, "esc profile");
    db.grant(profile, delegate, "full_access", Window.LIVE, "can_view_documents", "can_upload_documents",
        "can_edit_medical_data", "can_share_data", "can_manage_permissions");
    file = UUID.randomUUID();
    db.exec("insert into public.shell_files (id, patient_id, uploaded_by, filename, original_filename, "
        + "file_size_bytes, mime_type, storage_path) values (?, ?, ?, 'a.pdf', 'a.pdf', 1, 'application/pdf', 'a')",
        file, profile, owner);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  /**
   * Was a bug: the update policy checks the new row against the access the caller had before the
   * statement, so a full_access delegate could set account_owner_id to themselves and own the
   * patient, locking the real owner out.
   */
  @Test
  void aFullAccessDelegateCannotTakeOverTheProfile() {
    assertDenied(Who.user("delegate", delegate),
        "update public.user_profiles set account_owner_id = (select auth.uid()) where id = '" + profile + "'");
    // The same delegate may still edit the profile's details.
    assertThat(rows(Who.user("delegate", delegate),
        "update public.user_profiles set display_name = 'Edited by delegate' where id = '" + profile + "'"))
        .isEqualTo(1);
  }

  @Test
  void anOwnerCannotPushTheProfileIntoSomeoneElsesAccount() {
    assertDenied(Who.user("owner", owner),
        "update public.user_profiles set account_owner_id = '" + stranger + "' where id = '" + profile + "'");
  }

  /**
   * Was a contradiction of the access model: deleting a profile cascades to its clinical rows,
   * documents and consents, and only the service role hard-deletes those. Owners archive.
   */
  @Test
  void anOwnerArchivesAProfileButCannotHardDeleteIt() {
    assertDenied(Who.user("owner", owner), "delete from public.user_profiles where id = '" + profile + "'");
    assertThat(rows(Who.user("owner", owner),
        "update public.user_profiles set archived = true where id = '" + profile + "'")).isEqualTo(1);
  }

  @Test
  void peopleCannotWriteTheWorkerColumnsOfAFile() {
    for (Who who : new Who[] {Who.user("owner", owner), Who.user("delegate", delegate)}) {
      assertDenied(who, "update public.shell_files set status = 'completed' where id = '" + file + "'");
      assertDenied(who, "update public.shell_files set patient_id = patient_id where id = '" + file + "'");
      assertDenied(who, "update public.shell_files set clinical_event_count = 99 where id = '" + file + "'");
    }
  }

  @Test
  void aGranteeCannotWidenTheirOwnGrantWithoutManageRights() {
    UUID reader = db.user("esc reader");
    db.grant(profile, reader, "read_only", Window.LIVE, "can_view_documents");
    Integer changed = db.as(Who.user("reader", reader), h -> h.createUpdate(
            "update public.profile_access_permissions set permission_level = 'full_access', "
                + "can_manage_permissions = true where user_id = (select auth.uid())")
        .execute());
    assertThat(changed).isZero();
    assertDenied(Who.user("reader", reader),
        "insert into public.profile_access_permissions (profile_id, user_id, permission_level) "
            + "values ('" + profile + "', '" + stranger + "', 'full_access')");
  }

  @Test
  void aForgedServiceRoleClaimIsNotTheServiceRole() {
    // The claims say service_role, the transaction's role is authenticated: the guards read the
    // role setting, so this caller is an ordinary (unknown) user.
    Who forged = new Who("forged", "authenticated", "{\"sub\":\"" + stranger + "\",\"role\":\"service_role\"}", stranger);
    assertThat(value(forged, "select public.is_service_role()::text")).isEqualTo("false");
    assertDenied(forged, "select public.has_profile_access('" + owner + "', '" + profile + "')");
    assertThat(value(forged, "select count(*)::text from public.user_profiles")).isEqualTo("0");
  }

  private static int rows(Who who, String sql) {
    Integer n = db.as(who, h -> h.createUpdate(sql).execute());
    return n;
  }

  private static String value(Who who, String sql) {
    return db.as(who, h -> h.createQuery(sql).mapTo(String.class).one());
  }

  private static void assertDenied(Who who, String sql) {
    assertThatThrownBy(() -> db.as(who, h -> h.createUpdate(sql).execute()))
        .as("%s: %s", who, sql)
        .satisfies(e -> assertThat(SecurityDb.sqlState(e)).contains(DENIED));
  }
}
