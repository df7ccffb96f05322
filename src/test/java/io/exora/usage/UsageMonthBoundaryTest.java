package io.exora.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The billing month is the UTC calendar month. The ledger's writer (usage_record) takes the
 * event's time, so the boundary is tested at exact instants: the last microsecond of a month and
 * the first of the next land in two rows, a local time is read in UTC, a key replayed in the next
 * month is not counted again, and the storage a profile held carries into the new month.
 */
class UsageMonthBoundaryTest {
  static UsageDb db;
  static UUID owner;

  @BeforeAll
  static void open() {
    db = new UsageDb();
    owner = db.user("month owner");
  }

  private static boolean record(UUID profile, String key, String at, long bytes) {
    return db.su(h -> h.createQuery("""
            select public.usage_record(:p, 'shell_file_uploaded', :key, cast(:at as timestamptz), 1, 1, :bytes, 0, 0, 0)""")
        .bind("p", profile).bind("key", key).bind("at", at).bind("bytes", bytes).mapTo(Boolean.class).one());
  }

  private static List<Map<String, Object>> rows(UUID profile) {
    return db.su(h -> h.createQuery("""
            select billing_cycle_start::text as start, billing_cycle_end::text as "end", shell_files_uploaded as files,
                   storage_used_bytes as storage
              from public.user_usage_tracking where profile_id = :p order by billing_cycle_start""")
        .bind("p", profile).mapToMap().list());
  }

  @Test
  void theLastMicrosecondOfAMonthAndTheFirstOfTheNextAreTwoMonths() {
    UUID p = db.profile(owner, "boundary profile");
    assertThat(record(p, "b1", "2027-01-31 23:59:59.999999+00", 10)).isTrue();
    assertThat(record(p, "b2", "2027-02-01 00:00:00+00", 20)).isTrue();
    assertThat(rows(p)).containsExactly(
        Map.of("start", "2027-01-01", "end", "2027-01-31", "files", 1, "storage", 10L),
        Map.of("start", "2027-02-01", "end", "2027-02-28", "files", 1, "storage", 20L));
  }

  @Test
  void aLocalTimeIsPlacedInItsUtcMonth() {
    UUID p = db.profile(owner, "zone profile");
    // 00:30 on 1 March in UTC+1 is 23:30 on 28 February in UTC.
    assertThat(record(p, "z1", "2027-03-01 00:30:00+01", 5)).isTrue();
    // 23:30 on 31 March in UTC-2 is 01:30 on 1 April in UTC.
    assertThat(record(p, "z2", "2027-03-31 23:30:00-02", 5)).isTrue();
    assertThat(rows(p)).extracting(r -> r.get("start")).containsExactly("2027-02-01", "2027-04-01");
  }

  @Test
  void aLeapFebruaryEndsOnThe29th() {
    UUID p = db.profile(owner, "leap profile");
    record(p, "l1", "2028-02-15 12:00:00+00", 1);
    assertThat(rows(p)).extracting(r -> r.get("end")).containsExactly("2028-02-29");
  }

  @Test
  void anEventReplayedInTheNextMonthIsNotCountedAgain() {
    UUID p = db.profile(owner, "replay profile");
    assertThat(record(p, "upload:r1", "2027-05-31 23:59:00+00", 7)).isTrue();
    assertThat(record(p, "upload:r1", "2027-06-01 00:01:00+00", 7)).isFalse();
    assertThat(rows(p)).containsExactly(Map.of("start", "2027-05-01", "end", "2027-05-31", "files", 1, "storage", 7L));
  }

  @Test
  void theStorageHeldBeforeAMonthCarriesIntoIt() {
    UUID p = db.profile(owner, "carry profile");
    UUID older = db.file(p, owner, "carry-old.pdf", 3_000, "pdf");
    db.su("update public.shell_files set created_at = '2027-07-10 10:00:00+00' where id = ?", older);
    UUID deleted = db.file(p, owner, "carry-deleted.pdf", 500, "pdf");
    db.su("update public.shell_files set created_at = '2027-07-11 10:00:00+00', deleted_at = now() where id = ?", deleted);
    // The first event of August creates its row: July's live document counts, the deleted one not.
    assertThat(record(p, "c1", "2027-08-02 09:00:00+00", 100)).isTrue();
    assertThat(rows(p)).containsExactly(Map.of("start", "2027-08-01", "end", "2027-08-31", "files", 1, "storage", 3_100L));
  }

  @Test
  void theStatusReportsTheCurrentUtcMonth() {
    UUID p = db.profile(owner, "status month profile");
    var status = db.as(UsageDb.Who.user(owner), h -> h.createQuery("select public.get_user_usage_status(:p)::text")
        .bind("p", p).mapTo(String.class).one());
    OffsetDateTime now = db.su(h -> h.createQuery("select now()").mapTo(OffsetDateTime.class).one());
    var first = now.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
    assertThat(status).contains("\"start\": \"" + first + "\"")
        .contains("\"end\": \"" + first.plusMonths(1).minusDays(1) + "\"");
  }
}
