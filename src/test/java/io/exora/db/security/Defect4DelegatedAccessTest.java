package io.exora.db.security;

import static io.exora.db.security.SecurityDb.DENIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exora.db.security.SecurityDb.Who;
import io.exora.db.security.SecurityDb.Window;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Defect 4 of the original: the access helpers ignored delegated grants. Here has_profile_access,
 * has_profile_access_level and get_accessible_profiles must honour a grant exactly while it is
 * unrevoked, started and unexpired and above `none`, and must refuse (42501) to answer about
 * another user unless the caller is the service role.
 */
class Defect4DelegatedAccessTest {

  private static SecurityDb db;
  private static UUID owner;
  private static UUID profile;
  /** The callers asking about profile P, each with the grant its name says. */
  private static final Map<String, Who> CALLERS = new LinkedHashMap<>();

  @BeforeAll
  static void seed() {
    db = SecurityDb.fresh();
    owner = db.user("d4 owner");
    profile = db.profile(owner, "d4 profile P");
    CALLERS.put("owner", Who.user("owner", owner));
    String[] allFlags = {"can_view_documents", "can_upload_documents", "can_edit_medical_data",
        "can_share_data", "can_manage_permissions"};
    for (String level : List.of("none", "emergency", "read_only", "read_write", "full_access")) {
      UUID u = db.user("d4 " + level);
      db.grant(profile, u, level, Window.LIVE, allFlags);
      CALLERS.put(level, Who.user(level, u));
    }
    for (Window dead : List.of(Window.REVOKED, Window.EXPIRED, Window.PENDING)) {
      UUID u = db.user("d4 " + dead);
      db.grant(profile, u, "full_access", dead, allFlags);
      CALLERS.put(dead.name().toLowerCase(), Who.user(dead.name().toLowerCase(), u));
    }
    CALLERS.put("stranger", Who.user("stranger", db.user("d4 stranger")));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  // Expected answers for profile P, asked by each caller about themselves. Columns: the
  // p_required_level of has_profile_access_level; the last column is has_profile_access.
  private static final String EXPECTED = """
                   none   emergency read_only read_write full_access owner   has_profile_access
      owner        false  true      true      true       true        true    true
      none         false  false     false     false      false       false   false
      emergency    false  true      false     false      false       false   true
      read_only    false  true      true      false      false       false   true
      read_write   false  true      true      true       false       false   true
      full_access  false  true      true      true       true        false   true
      revoked      false  false     false     false      false       false   false
      expired      false  false     false     false      false       false   false
      pending      false  false     false     false      false       false   false
      stranger     false  false     false     false      false       false   false
      """;

  @TestFactory
  Stream<DynamicTest> accessHelpersHonourLiveGrantsOnly() {
    List<String[]> rows = EXPECTED.lines().map(String::strip).filter(l -> !l.isEmpty())
        .map(l -> l.split("\\s+")).toList();
    String[] header = rows.get(0);
    assertThat(rows.subList(1, rows.size()).stream().map(r -> r[0]).toList())
        .containsExactlyElementsOf(CALLERS.keySet());
    List<DynamicTest> tests = new ArrayList<>();
    for (String[] row : rows.subList(1, rows.size())) {
      Who who = CALLERS.get(row[0]);
      for (int i = 0; i < header.length; i++) {
        String question = header[i];
        boolean want = Boolean.parseBoolean(row[i + 1]);
        String sql = question.equals("has_profile_access")
            ? "select public.has_profile_access(cast(:me as uuid), :p)"
            : "select public.has_profile_access_level(cast(:me as uuid), :p, '" + question + "')";
        tests.add(DynamicTest.dynamicTest(who + " | " + sql.replace("select public.", "") + " -> " + want,
            () -> assertThat(ask(who, who.userId(), sql)).as("%s: %s", who, sql).isEqualTo(want)));
      }
    }
    return tests.stream();
  }

  private static boolean ask(Who caller, UUID about, String sql) {
    return db.as(caller, h -> h.createQuery(sql).bind("me", about).bind("p", profile)
        .mapTo(Boolean.class).one());
  }

  // ---- guards --------------------------------------------------------------------------------

  @Test
  void aUserMayNotAskAboutAnotherUser() {
    Who readOnly = CALLERS.get("read_only");
    assertDenied(() -> ask(readOnly, owner, "select public.has_profile_access(cast(:me as uuid), :p)"));
    assertDenied(() -> ask(readOnly, owner, "select public.has_profile_access_level(cast(:me as uuid), :p, 'emergency')"));
    assertDenied(() -> db.as(readOnly, h -> h.createQuery("select count(*) from public.get_accessible_profiles(:u)")
        .bind("u", owner).mapTo(Long.class).one()));
    // Not even with a null id (which must not fall through to "no such user").
    assertDenied(() -> ask(readOnly, null, "select public.has_profile_access(cast(:me as uuid), :p)"));
    // The owner may not ask about their delegates either.
    assertDenied(() -> ask(CALLERS.get("owner"), readOnly.userId(), "select public.has_profile_access(cast(:me as uuid), :p)"));
  }

  @Test
  void theServiceRoleMayAskAboutAnyone() {
    Who service = Who.serviceRole();
    assertThat(ask(service, CALLERS.get("read_write").userId(), "select public.has_profile_access(cast(:me as uuid), :p)")).isTrue();
    assertThat(ask(service, CALLERS.get("revoked").userId(), "select public.has_profile_access(cast(:me as uuid), :p)")).isFalse();
    assertThat(ask(service, CALLERS.get("read_write").userId(),
        "select public.has_profile_access_level(cast(:me as uuid), :p, 'read_write')")).isTrue();
    assertThat(ask(service, CALLERS.get("read_write").userId(),
        "select public.has_profile_access_level(cast(:me as uuid), :p, 'full_access')")).isFalse();
    assertThat(ask(service, owner, "select public.has_profile_access_level(cast(:me as uuid), :p, 'owner')")).isTrue();
    List<UUID> profiles = db.as(service, h -> h.createQuery(
            "select profile_id from public.get_accessible_profiles(:u)")
        .bind("u", CALLERS.get("emergency").userId()).mapTo(UUID.class).list());
    assertThat(profiles).containsExactly(profile);
  }

  @Test
  void anonCannotCallTheHelpers() {
    Who anon = Who.anon();
    assertDenied(() -> ask(anon, owner, "select public.has_profile_access(cast(:me as uuid), :p)"));
    assertDenied(() -> ask(anon, owner, "select public.has_profile_access_level(cast(:me as uuid), :p, 'emergency')"));
    assertDenied(() -> db.as(anon, h -> h.createQuery("select count(*) from public.get_accessible_profiles()")
        .mapTo(Long.class).one()));
  }

  @Test
  void theUnguardedInternalLevelFunctionIsNotCallableByApiRoles() {
    for (Who who : List.of(CALLERS.get("owner"), Who.anon(), Who.serviceRole())) {
      assertDenied(() -> ask(who, owner, "select public.effective_access_level(cast(:me as uuid), :p) = 'owner'"));
    }
  }

  // ---- get_accessible_profiles ---------------------------------------------------------------

  private record Accessible(UUID profileId, String accessLevel, boolean isOwner, boolean canUploadDocuments,
                            boolean canViewDocuments, boolean canEditMedicalData, boolean canShareData,
                            boolean canManagePermissions) {}

  @Test
  void getAccessibleProfilesListsOwnedAndLiveGrantedProfilesOnly() {
    UUID me = db.user("d4 lister");
    UUID other = db.user("d4 lister's friend");
    UUID mine1 = db.profile(me, "d4 mine 1");
    UUID mine2 = db.profile(me, "d4 mine 2");
    UUID liveRw = db.profile(other, "d4 live read_write");
    UUID liveEmergency = db.profile(other, "d4 live emergency");
    UUID revoked = db.profile(other, "d4 revoked");
    UUID expired = db.profile(other, "d4 expired");
    UUID pending = db.profile(other, "d4 pending");
    UUID none = db.profile(other, "d4 none");
    db.profile(other, "d4 not shared");
    db.grant(liveRw, me, "read_write", Window.LIVE, "can_view_documents", "can_upload_documents",
        "can_edit_medical_data");
    db.grant(liveEmergency, me, "emergency", Window.LIVE);
    db.grant(revoked, me, "full_access", Window.REVOKED, "can_view_documents");
    db.grant(expired, me, "full_access", Window.EXPIRED, "can_view_documents");
    db.grant(pending, me, "full_access", Window.PENDING, "can_view_documents");
    db.grant(none, me, "none", Window.LIVE, "can_view_documents");
    // A grant on one's own profile (no API path makes one, but the table allows it) changes nothing:
    // the profile is listed once, as owned.
    db.grant(mine1, me, "read_only", Window.LIVE, "can_view_documents");

    for (String call : List.of("get_accessible_profiles()", "get_accessible_profiles(:me)")) {
      String sql = "select profile_id, access_level::text, is_owner, can_upload_documents, can_view_documents, "
          + "can_edit_medical_data, can_share_data, can_manage_permissions from public." + call;
      List<Accessible> listed = db.as(Who.user("lister", me), h -> {
        var query = h.createQuery(sql);
        if (sql.contains(":me")) {
          query.bind("me", me);
        }
        return query.map((rs, ctx) -> new Accessible(rs.getObject(1, UUID.class), rs.getString(2),
            rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7),
            rs.getBoolean(8))).list();
      });
      assertThat(listed).as(call).containsExactlyInAnyOrder(
          new Accessible(mine1, "owner", true, true, true, true, true, true),
          new Accessible(mine2, "owner", true, true, true, true, true, true),
          new Accessible(liveRw, "read_write", false, true, true, true, false, false),
          new Accessible(liveEmergency, "emergency", false, false, false, false, false, false));
    }
  }

  private static void assertDenied(ThrowingCallable call) {
    assertThatThrownBy(call).satisfies(e -> assertThat(SecurityDb.sqlState(e)).contains(DENIED));
  }
}
