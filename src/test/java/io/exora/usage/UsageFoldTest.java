package io.exora.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.exora.usage.UsageDb.Who;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploads on plans without upload limits are counted by the fold (usage_fold_uploads), after their
 * transactions end (on a plan with limits the upload counts itself): each exactly once, whatever the order in which transactions commit, however many folds run beside
 * the uploads, across a change of plan, and whether processing or the fold counts the file first.
 * Meanwhile the dashboard and the limit checks are exact (they add the uploads not counted yet).
 */
class UsageFoldTest {
  static UsageDb db;

  @BeforeAll
  static void open() {
    db = new UsageDb();
  }

  private static final String REGISTER = """
      select outcome from public.register_upload(:p, 'f.txt', 'f.txt', :bytes, 'text/plain', 'text', :path, :sha, :key)""";

  private static String upload(Handle h, UUID profile, long bytes, int n) {
    return h.createQuery(REGISTER).bind("p", profile).bind("bytes", bytes).bind("path", "fold/" + UUID.randomUUID())
        .bind("sha", String.format("%064x", n)).bind("key", "fold-" + n).mapTo(String.class).one();
  }

  /** One upload as the user, in its own committed transaction: the outcome, or the SQLSTATE it raised. */
  private static String uploadAs(UUID user, UUID profile, long bytes, int n) {
    try {
      return db.as(Who.user(user), h -> upload(h, profile, bytes, n));
    } catch (RuntimeException e) {
      return UsageDb.sqlState(e).orElseThrow(() -> e);
    }
  }

  private static void plan(UUID account, String plan) {
    db.as(Who.service(), h -> h.createQuery("select public.change_account_plan(:a, :plan, 'test')")
        .bind("a", account).bind("plan", plan).mapToMap().one());
  }

  private static int fold(boolean wait) {
    return db.as(Who.service(), h -> h.createQuery("select public.usage_fold_uploads(:w)").bind("w", wait)
        .mapTo(Integer.class).one());
  }

  private static long counted(UUID profile, String column) {
    return db.count("select coalesce(sum(" + column + "), 0) from public.user_usage_tracking where profile_id = ?", profile);
  }

  private static long ledger(UUID profile) {
    return db.count("select count(*) from public.usage_events where profile_id = ? and event_type = 'shell_file_uploaded'",
        profile);
  }

  private static long dashboardFiles(UUID user, UUID profile) {
    return db.as(Who.user(user), h -> h.createQuery("select (public.get_user_usage_status(:p) #>> '{usage,shell_files,used}')::bigint")
        .bind("p", profile).mapTo(Long.class).one());
  }

  @Test
  void anUploadWhoseTransactionOutlivesLaterOnesIsCountedOnceItCommits() {
    UUID user = db.user("fold long");
    UUID p = db.profile(user, "fold long profile");
    try (Handle longRunning = db.runtime.open()) {
      // An upload whose transaction stays open (a lower transaction id) ...
      longRunning.begin();
      longRunning.createQuery(UsageDb.START).bind("role", "authenticated")
          .bind("claims", Who.user(user).claims()).mapToMap().one();
      assertThat(upload(longRunning, p, 100, 1)).isEqualTo("created");
      // ... while a later one commits and folds run: the later one is not counted past the open one.
      assertThat(uploadAs(user, p, 200, 2)).isEqualTo("created");
      fold(true);
      assertThat(ledger(p)).isZero();
      assertThat(dashboardFiles(user, p)).isEqualTo(1);  // the committed one, not yet folded
      longRunning.commit();
    }
    fold(true);
    assertThat(ledger(p)).isEqualTo(2);
    assertThat(counted(p, "shell_files_uploaded")).isEqualTo(2);
    assertThat(counted(p, "total_file_size_bytes")).isEqualTo(300);
    assertThat(dashboardFiles(user, p)).isEqualTo(2);
    fold(true);
    assertThat(counted(p, "shell_files_uploaded")).isEqualTo(2);
  }

  @Test
  void uploadsRacingFoldsAreEachCountedExactlyOnce() throws Exception {
    UUID user = db.user("fold race");
    List<UUID> profiles = List.of(db.profile(user, "fold race a"), db.profile(user, "fold race b"));
    AtomicBoolean uploading = new AtomicBoolean(true);
    AtomicInteger folds = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(9);
    try {
      Future<?> folder = pool.submit(() -> {
        try (Handle h = db.runtime.open()) {
          while (uploading.get()) {
            UsageDb.asOn(h, Who.service(), tx -> tx.createQuery("select public.usage_fold_uploads(false)")
                .mapTo(Integer.class).one());
            folds.incrementAndGet();
          }
        }
      });
      List<Future<?>> uploaders = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        uploaders.add(pool.submit(() -> {
          try (Handle h = db.runtime.open()) {
            for (int i = 0; i < 50; i++) {
              int n = 10_000 + thread * 100 + i;
              UsageDb.asOn(h, Who.user(user), tx -> upload(tx, profiles.get(n % 2), n, n));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : uploaders) {
        f.get();
      }
      uploading.set(false);
      folder.get();
    } finally {
      pool.shutdownNow();
    }
    fold(true);
    assertThat(folds.get()).isGreaterThan(1);
    for (UUID p : profiles) {
      long files = db.count("select count(*) from public.shell_files where patient_id = ?", p);
      long bytes = db.count("select sum(file_size_bytes) from public.shell_files where patient_id = ?", p);
      assertThat(files).isEqualTo(200);
      assertThat(ledger(p)).isEqualTo(files);
      assertThat(counted(p, "shell_files_uploaded")).isEqualTo(files);
      assertThat(counted(p, "total_file_size_bytes")).isEqualTo(bytes);
      assertThat(dashboardFiles(user, p)).isEqualTo(files);
    }
  }

  @Test
  void onAPlanWithLimitsTheUploadCountsItselfAndTheFoldLeavesItAlone() {
    UUID user = db.user("fold limited");
    UUID p = db.profile(user, "fold limited profile");
    plan(user, "basic");
    for (int i = 0; i < 5; i++) {
      assertThat(uploadAs(user, p, 1_000, 20 + i)).isEqualTo("created");
    }
    // Counted by the uploads themselves, before any fold, and not marked for it.
    assertThat(counted(p, "shell_files_uploaded")).isEqualTo(5);
    assertThat(counted(p, "total_file_size_bytes")).isEqualTo(5_000);
    assertThat(ledger(p)).isEqualTo(5);
    assertThat(db.count("select count(*) from public.shell_files where patient_id = ? and usage_xact is not null", p)).isZero();
    assertThat(dashboardFiles(user, p)).isEqualTo(5);
    fold(true);
    assertThat(ledger(p)).isEqualTo(5);
    assertThat(counted(p, "shell_files_uploaded")).isEqualTo(5);
    assertThat(counted(p, "total_file_size_bytes")).isEqualTo(5_000);
    assertThat(dashboardFiles(user, p)).isEqualTo(5);
  }

  @Test
  void uploadsFromBeforeAPlanHadLimitsCountAgainstItsLimitsAtOnce() {
    UUID user = db.user("fold switch");
    UUID p = db.profile(user, "fold switch profile");
    // Eight uploads on the default (unlimited) plan, not folded yet ...
    for (int i = 0; i < 8; i++) {
      assertThat(uploadAs(user, p, 100, 40 + i)).isEqualTo("created");
    }
    // ... then the account moves to free (10 documents a month), which folds them first: two more
    // fit, the third does not.
    plan(user, "free");
    assertThat(uploadAs(user, p, 100, 48)).isEqualTo("created");
    assertThat(uploadAs(user, p, 100, 49)).isEqualTo("created");
    assertThat(uploadAs(user, p, 100, 50)).isEqualTo("EX402");
    fold(true);
    assertThat(ledger(p)).isEqualTo(10);
    assertThat(counted(p, "shell_files_uploaded")).isEqualTo(10);
    assertThat(dashboardFiles(user, p)).isEqualTo(10);
  }

  @Test
  void aFileProcessedBeforeTheFoldIsCountedOnceWithThePagesRead() {
    UUID user = db.user("fold processed");
    UUID p = db.profile(user, "fold processed profile");
    assertThat(uploadAs(user, p, 5_000, 3)).isEqualTo("created");
    // Processing reads 7 pages and records it before any fold has counted the upload.
    db.su("update public.shell_files set page_count = 7 where patient_id = ?", p);
    UUID file = db.su(h -> h.createQuery("select id from public.shell_files where patient_id = :p").bind("p", p)
        .mapTo(UUID.class).one());
    boolean recorded = db.as(Who.service(), h -> h.createQuery("select public.track_shell_file_processed_usage(:f)")
        .bind("f", file).mapTo(Boolean.class).one());
    assertThat(recorded).isTrue();
    fold(true);
    assertThat(ledger(p)).isEqualTo(1);
    assertThat(counted(p, "shell_files_uploaded")).isEqualTo(1);
    assertThat(counted(p, "total_pages_processed")).isEqualTo(7);
  }

  @Test
  void uploadsWithUsageTrackingOffAreNeitherMarkedNorCounted() {
    UUID user = db.user("fold off");
    UUID p = db.profile(user, "fold off profile");
    db.su("update public.feature_flags set enabled = false where flag_name = 'usage_tracking'");
    try {
      assertThat(uploadAs(user, p, 100, 4)).isEqualTo("created");
    } finally {
      db.su("update public.feature_flags set enabled = true where flag_name = 'usage_tracking'");
    }
    fold(true);
    assertThat(db.count("select count(*) from public.shell_files where patient_id = ? and usage_xact is null", p))
        .isEqualTo(1);
    assertThat(ledger(p)).isZero();
    assertThat(counted(p, "shell_files_uploaded")).isZero();
  }

  @Test
  void onlyTheServersAndOperatorsFold() {
    UUID user = db.user("fold stranger");
    assertThat(db.stateOf(Who.user(user), h -> h.createQuery("select public.usage_fold_uploads(false)")
        .mapTo(Integer.class).one())).isEqualTo("42501");
  }
}
