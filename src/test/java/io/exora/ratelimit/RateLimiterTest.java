package io.exora.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.exora.db.Caller;
import io.exora.db.DbRole;
import io.exora.documents.DocumentType;
import io.exora.documents.ShellFiles;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The limiter's rules, one at a time, against the real migrations: sliding minute and hour
 * windows, concurrency leases tied to job attempts, reconcile arithmetic, vendor signals, the
 * original's wrappers, the operators' functions and the enqueue backpressure hook. Time is moved
 * by booking usage in past slots (as the owner) instead of sleeping.
 */
class RateLimiterTest {
  private static final String P = "openai";
  private static final String M = "gpt-test";
  private static RateLimitDb db;

  @BeforeAll
  static void open() {
    db = RateLimitDb.create(4);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @BeforeEach
  void reset() {
    db.reset();
  }

  private static Acquisition acquire(long tokens) {
    return db.limiter.acquire(P, M, tokens, null);
  }

  private static UUID granted(Acquisition a) {
    assertThat(a).isInstanceOf(Acquisition.Granted.class);
    return ((Acquisition.Granted) a).leaseId();
  }

  private static Acquisition.Wait waits(Acquisition a, String binding) {
    assertThat(a).isInstanceOf(Acquisition.Wait.class);
    Acquisition.Wait w = (Acquisition.Wait) a;
    assertThat(w.binding()).isEqualTo(binding);
    return w;
  }

  private static Map<String, Object> usage() {
    return db.service(h -> RateLimiter.limits(h)).stream()
        .filter(r -> r.get("api_endpoint").equals(M)).findFirst().orElseThrow();
  }

  @Test
  void requestsPerMinuteBindUntilTheOldestSlotLeavesTheWindow() {
    db.put(P, M, 3, null, null, null, null);
    Instant before = db.dbNow().truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      granted(acquire(10));
    }
    Acquisition.Wait w = waits(acquire(10), "requests_per_minute");
    // the first grant's slot (a tenth of a second) counts for 60.1 s from its start (any part of it
    // in the window)
    assertThat(w.retryAt()).isBetween(before.plusMillis(60_100), before.plusSeconds(63));
    assertThat(w.delay()).isBetween(Duration.ofSeconds(58), Duration.ofSeconds(62));
  }

  @Test
  void theMinuteWindowSlidesSlotBySlot() {
    db.put(P, M, 10, null, null, null, null);
    db.bookPast(P, M, "tenth", 62, 10, 0);   // out of every window
    granted(acquire(1));
    db.reset();
    db.put(P, M, 10, null, null, null, null);
    db.bookPast(P, M, "tenth", 50, 4, 0);
    db.bookPast(P, M, "tenth", 20, 6, 0);
    Acquisition.Wait w = waits(acquire(1), "requests_per_minute");
    // freeing one request needs only the older slot to leave: 50 s ago + 60.1 s = about 10 s from now
    assertThat(w.delay()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(12));
  }

  @Test
  void hourLimitsAreEnforcedOverMinuteSlots() {
    db.put(P, M, null, 5, null, 10_000L, null);
    db.bookPast(P, M, "minute", 30 * 60, 4, 9_000);
    db.bookPast(P, M, "minute", 62 * 60 + 5, 50, 50_000);  // older than the hour window: ignored
    UUID lease = granted(acquire(500));
    Acquisition.Wait w = waits(acquire(1), "requests_per_hour");
    assertThat(w.delay()).isBetween(Duration.ofMinutes(30), Duration.ofMinutes(32));
    db.limiter.release(lease, 500L);
    db.put(P, M, null, 100, null, 10_000L, null);
    Acquisition.Wait tokens = waits(acquire(600), "tokens_per_hour");
    assertThat(tokens.delay()).isBetween(Duration.ofMinutes(30), Duration.ofMinutes(32));
    granted(acquire(500));
  }

  @Test
  void concurrencyIsALeaseReleasedOnce() {
    db.put(P, M, null, null, null, null, 2);
    UUID a = granted(acquire(1));
    granted(acquire(1));
    Acquisition.Wait w = waits(acquire(1), "concurrent_requests");
    assertThat(w.delay()).isLessThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(db.limiter.release(a, 1L)).isTrue();
    assertThat(db.limiter.release(a, 1L)).as("a second release changes nothing").isFalse();
    granted(acquire(1));
    waits(acquire(1), "concurrent_requests");
  }

  @Test
  void releaseReconcilesTheReservationWithARefundOrADebt() {
    db.put(P, M, null, null, 10_000L, null, null);
    UUID first = granted(acquire(6_000));
    assertThat(usage().get("tokens_minute")).isEqualTo(6_000L);
    waits(acquire(5_000), "tokens_per_minute");
    db.limiter.release(first, 2_000L);                  // refund 4,000
    assertThat(usage().get("tokens_minute")).isEqualTo(2_000L);
    UUID second = granted(acquire(6_000));              // 2,000 + 6,000 fits
    assertThat(usage().get("tokens_minute")).isEqualTo(8_000L);
    db.limiter.release(second, 9_000L);                 // debt 3,000: the call used more than reserved
    assertThat(usage().get("tokens_minute")).isEqualTo(11_000L);
    assertThat(usage().get("tokens_hour")).isEqualTo(11_000L);
    waits(acquire(1), "tokens_per_minute");
    UUID third = granted(db.limiter.acquire(P, "other-model-without-limit", 1, null));
    assertThat(third).as("a pair without a limit is not limited").isNull();
  }

  @Test
  void aReleasedCallCountsFromItsReleaseWhichNoVendorAdmissionFollows() {
    db.put(P, M, null, null, 100_000L, null, null);
    UUID lease = granted(acquire(5_000));
    // granted 30 s ago (a slow call): its reservation sits in that moment's slot
    db.su(h -> h.execute("""
        update public.api_leases set granted_at = granted_at - interval '30 seconds';
        update public.api_rate_slots set slot_start = slot_start - interval '30 seconds' where width = 'tenth'"""));
    db.limiter.release(lease, 3_000L);
    assertThat(db.count("select coalesce(sum(tokens), 0) from public.api_rate_slots where width = 'tenth' "
        + "and slot_start < clock_timestamp() - interval '20 seconds'")).as("left the grant's slot").isZero();
    assertThat(db.count("select coalesce(sum(tokens), 0) from public.api_rate_slots where width = 'tenth' "
        + "and slot_start > clock_timestamp() - interval '5 seconds'")).as("counted from the release").isEqualTo(3_000);
    assertThat(usage().get("requests_minute")).isEqualTo(1L);
  }

  @Test
  void aCallCountsFromItsAnswerWhenTheWorkerSaysWhenItCameNeverBeforeItsGrant() {
    db.put(P, M, null, null, 100_000L, null, null);
    UUID answered = granted(acquire(5_000));
    UUID claimsTooMuch = granted(acquire(4_000));
    db.su(h -> h.execute("""
        update public.api_leases set granted_at = granted_at - interval '30 seconds';
        update public.api_rate_slots set slot_start = slot_start - interval '30 seconds' where width = 'tenth'"""));
    // the answer came 10 s ago and the release waited since (for the pair's lock, say)
    db.limiter.release(answered, 3_000L, System.nanoTime() - Duration.ofSeconds(10).toNanos());
    assertThat(db.count("select coalesce(sum(tokens), 0) from public.api_rate_slots where width = 'tenth' "
        + "and slot_start between clock_timestamp() - interval '12 seconds' and clock_timestamp() - interval '9 seconds'"))
        .as("counted from the answer").isEqualTo(3_000);
    // an answer said to be older than the grant: the vendor cannot have admitted the call before it
    db.limiter.release(claimsTooMuch, 2_000L, System.nanoTime() - Duration.ofSeconds(45).toNanos());
    assertThat(db.count("select coalesce(sum(tokens), 0) from public.api_rate_slots where width = 'tenth' "
        + "and slot_start < clock_timestamp() - interval '29 seconds'")).as("counted from the grant").isEqualTo(2_000);
    assertThat(usage().get("requests_minute")).isEqualTo(2L);
    assertThat(usage().get("tokens_minute")).isEqualTo(5_000L);
    UUID third = granted(acquire(1));
    assertThatThrownBy(() -> db.limiter.release(third, 1L, System.nanoTime() + Duration.ofSeconds(5).toNanos()))
        .hasMessageContaining("answer cannot come after the release");
  }

  private static Acquisition acquireFor(UUID job, long tokens) {
    return db.limiter.acquire(P, M, tokens, new JobAttempt(job, "worker-a", 1));
  }

  @Test
  void waitersAreToldMomentsInTheOrderOfTheLineNotAllTheSameOne() {
    db.put(P, M, null, null, 10_000L, null, null);
    db.bookPast(P, M, "tenth", 50, 1, 4_000);  // leaves the window in about 11 s
    db.bookPast(P, M, "tenth", 40, 1, 4_000);  // about 21 s
    db.bookPast(P, M, "tenth", 30, 1, 2_000);  // about 31 s
    UUID first = db.processingJob("worker-a");
    UUID second = db.processingJob("worker-a");
    UUID third = db.processingJob("worker-a");
    Acquisition.Wait a = waits(acquireFor(first, 3_000), "tokens_per_minute");
    Acquisition.Wait b = waits(acquireFor(second, 3_000), "tokens_per_minute");
    Acquisition.Wait c = waits(acquireFor(third, 3_000), "tokens_per_minute");
    // 3,000 frees with the oldest slot; 6,000 (the first's and the second's) with the next; 9,000 with the last
    assertThat(a.delay()).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(12));
    assertThat(b.delay()).isBetween(Duration.ofSeconds(19), Duration.ofSeconds(22));
    assertThat(c.delay()).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(32));
    // asking again keeps a waiter's place: the second is still told the second moment
    Acquisition.Wait again = waits(acquireFor(second, 3_000), "tokens_per_minute");
    assertThat(again.delay()).isBetween(Duration.ofSeconds(18), Duration.ofSeconds(22));
    assertThat(db.count("select count(*) from public.api_rate_waiters")).isEqualTo(3);
  }

  @Test
  void capacityIsHeldForAWaiterWhoseMomentJustCameButNotForOneThatIsLate() {
    db.put(P, M, null, null, 10_000L, null, null);
    db.bookPast(P, M, "tenth", 30, 1, 7_000);
    UUID waiter = db.processingJob("worker-a");
    waits(acquireFor(waiter, 5_000), "tokens_per_minute");
    Instant queuedAt = db.su(h -> h.createQuery("select queued_at from public.api_rate_waiters")
        .mapTo(Instant.class).one());
    // its moment came 200 ms ago: the 7,000 left the window and 4,000 were used since
    db.su(h -> h.execute("""
        delete from public.api_rate_slots;
        update public.api_rate_waiters set due_at = clock_timestamp() - interval '200 milliseconds'"""));
    db.bookPast(P, M, "tenth", 0, 1, 4_000);
    // 4,000 + 2,000 would fit, but the waiter's 5,000 is held for it, against newcomers and jobless leases
    waits(acquire(2_000), "tokens_per_minute");
    UUID newcomer = db.processingJob("worker-a");
    waits(acquireFor(newcomer, 2_000), "tokens_per_minute");
    // two seconds late, it holds nothing: the capacity goes to whoever asks
    db.su(h -> h.execute("update public.api_rate_waiters set due_at = clock_timestamp() - interval '2 seconds' "
        + "where job_id = '" + waiter + "'"));
    UUID taken = granted(acquire(2_000));
    // but it keeps its place in line, and is granted once there is room
    waits(acquireFor(waiter, 5_000), "tokens_per_minute");
    Instant stillQueuedAt = db.su(h -> h.createQuery("select queued_at from public.api_rate_waiters where job_id = :j")
        .bind("j", waiter).mapTo(Instant.class).one());
    assertThat(stillQueuedAt).isEqualTo(queuedAt);
    db.limiter.release(taken, 0L);
    db.su(h -> h.execute("delete from public.api_rate_slots"));
    granted(acquireFor(waiter, 5_000));
    assertThat(db.count("select count(*) from public.api_rate_waiters where job_id = '" + waiter + "'")).isZero();
    // a waiter that missed its moment by more than 5 s loses its place
    UUID gone = db.processingJob("worker-a");
    db.su(h -> h.execute("insert into public.api_rate_waiters (limit_id, job_id, tokens, queued_at, due_at) "
        + "select id, '" + gone + "', 9000, clock_timestamp() - interval '20 seconds', "
        + "clock_timestamp() - interval '6 seconds' from public.api_rate_limits"));
    granted(acquire(1_000));
    assertThat(db.count("select count(*) from public.api_rate_waiters where job_id = '" + gone + "'")).isZero();
  }

  @Test
  void aReleaseWithoutUsageKeepsTheReservation() {
    db.put(P, M, null, null, 10_000L, null, null);
    UUID lease = granted(acquire(4_000));
    db.limiter.release(lease, null);
    assertThat(usage().get("tokens_minute")).isEqualTo(4_000L);
    assertThat(usage().get("active_requests")).isEqualTo(0);
  }

  @Test
  void aJobsLeaseEndsWithItsAttempt() {
    db.put(P, M, null, null, null, null, 1);
    UUID job = db.processingJob("worker-a");
    assertThat(db.limiter.acquire(P, M, 1, new JobAttempt(job, "worker-a", 2)))
        .as("another attempt's lease").isInstanceOf(Acquisition.JobLost.class);
    assertThat(db.limiter.acquire(P, M, 1, new JobAttempt(job, "worker-b", 1)))
        .as("another worker's lease").isInstanceOf(Acquisition.JobLost.class);
    granted(db.limiter.acquire(P, M, 1, new JobAttempt(job, "worker-a", 1)));
    waits(acquire(1), "concurrent_requests");
    // the worker stops heart-beating (killed): past worker.timeout_seconds the slot comes back
    db.su(h -> h.execute("update public.job_queue set heartbeat_at = now() - interval '61 seconds'"));
    UUID other = granted(acquire(1));
    assertThat(db.count("select count(*) from public.api_leases where job_id is not null and expired_at is not null"))
        .isEqualTo(1);
    db.limiter.release(other, 1L);
    // and a job that finished takes its lease with it too
    UUID job2 = db.processingJob("worker-a");
    granted(db.limiter.acquire(P, M, 1, new JobAttempt(job2, "worker-a", 1)));
    waits(acquire(1), "concurrent_requests");
    db.su(h -> h.createQuery("select public.complete_job(:id, 'worker-a', null, 1)").bind("id", job2).mapTo(Boolean.class).one());
    granted(acquire(1));
  }

  @Test
  void aHeartBeatingJobKeepsItsLease() {
    db.put(P, M, null, null, null, null, 1);
    UUID job = db.processingJob("worker-a");
    granted(db.limiter.acquire(P, M, 1, new JobAttempt(job, "worker-a", 1)));
    db.su(h -> h.execute("update public.job_queue set heartbeat_at = now() - interval '50 seconds'"));
    waits(acquire(1), "concurrent_requests");
  }

  @Test
  void aThrottledResponsePausesThePairAndCountsAViolation() {
    db.put(P, M, 1000, null, null, null, null);
    Instant retryAt = db.dbNow().plusSeconds(30);
    db.limiter.observe(P, M, new VendorSignal(429, null, null, null, null, null, null, retryAt));
    Acquisition.Wait w = waits(acquire(1), "vendor_pause");
    assertThat(w.retryAt()).isCloseTo(retryAt, within(1, ChronoUnit.MILLIS));
    assertThat(usage().get("rate_limit_violations")).isEqualTo(1);
    // 529 without retry-after: backpressure_delay_seconds (5)
    db.reset();
    db.put(P, M, 1000, null, null, null, null);
    db.limiter.observe(P, M, new VendorSignal(529, null, null, null, null, null, null, null));
    assertThat(waits(acquire(1), "vendor_pause").delay()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(5));
    // a successful response pauses nothing
    db.reset();
    db.put(P, M, 1000, null, null, null, null);
    db.limiter.observe(P, M, new VendorSignal(200, null, null, null, null, null, null, null));
    granted(acquire(1));
    assertThat(usage().get("rate_limit_violations")).isEqualTo(0);
  }

  @Test
  void vendorHeadersTightenTheSharedWindow() {
    db.put(P, M, 1000, null, 100_000L, null, null);
    // the vendor knows of 99,000 tokens used that this limiter did not grant (another client)
    db.limiter.observe(P, M, new VendorSignal(200, 1000L, 999L, null, 100_000L, 1_000L, null, null));
    granted(acquire(900));
    waits(acquire(900), "tokens_per_minute");
    // a vendor limit lower than the configured one is adopted
    db.reset();
    db.put(P, M, 1000, null, null, null, null);
    db.limiter.observe(P, M, new VendorSignal(200, 2L, 2L, null, null, null, null, null));
    granted(acquire(1));
    granted(acquire(1));
    waits(acquire(1), "requests_per_minute");
    // a count written before recent usage aged out of the window is not unknown usage
    db.reset();
    db.put(P, M, 1000, null, 100_000L, null, null);
    db.bookPast(P, M, "tenth", 63, 1, 50_000);   // out of the 60.1 s window, still in the vendor's view a moment ago
    db.limiter.observe(P, M, new VendorSignal(200, 1000L, 999L, null, 100_000L, 50_000L, null, null));
    granted(acquire(60_000));
    // a signal applied 10 s after its answer is compared with the usage as of the answer...
    db.reset();
    db.put(P, M, 1000, null, 100_000L, null, null);
    db.bookPast(P, M, "tenth", 75, 1, 50_000);
    db.limiter.observe(P, M, new VendorSignal(200, 1000L, 999L, null, 100_000L, 50_000L, null, null),
        System.nanoTime() - Duration.ofSeconds(10).toNanos());
    granted(acquire(60_000));
    // ...and the same signal taken as of now would be 50,000 tokens the limiter did not know of
    db.reset();
    db.put(P, M, 1000, null, 100_000L, null, null);
    db.bookPast(P, M, "tenth", 75, 1, 50_000);
    db.limiter.observe(P, M, new VendorSignal(200, 1000L, 999L, null, 100_000L, 50_000L, null, null));
    waits(acquire(60_000), "tokens_per_minute");
    // a signal for a pair without a limit is accepted and changes nothing
    db.limiter.observe("anthropic", "unconfigured", new VendorSignal(429, 1L, 0L, null, 1L, 0L, null, null));
    assertThat(db.count("select count(*) from public.api_rate_limits where provider_name = 'anthropic'")).isZero();
  }

  @Test
  void badRequestsAndBadConfigurationGetClearErrors() {
    db.put(P, M, null, null, 1_000L, null, null);
    assertState(() -> acquire(-1), "22023", "estimated tokens must be zero or more");
    assertState(() -> acquire(1_001), "22023", "could never be granted");
    assertState(() -> db.limiter.acquire("acme", M, 1, null), "22023", "unknown provider: acme");
    assertState(() -> db.put(P, M, 0, null, null, null, null), "22023", "requests_per_minute must be positive");
    assertState(() -> db.put(P, M, null, -5, null, null, null), "22023", "requests_per_hour must be positive");
    assertState(() -> db.put(P, M, null, null, 0L, null, null), "22023", "tokens_per_minute must be positive");
    assertState(() -> db.put(P, M, null, null, null, -1L, null), "22023", "tokens_per_hour must be positive");
    assertState(() -> db.put(P, M, null, null, null, null, 0), "22023", "concurrent_requests must be positive");
    assertState(() -> db.put(P, M, null, null, null, null, null), "22023", "set at least one limit");
    assertState(() -> db.put("acme", M, 10, null, null, null, null), "22023", "unknown provider: acme");
    assertState(() -> db.put(P, "", 10, null, null, null, null), "22023", "endpoint must be 1 to 200 characters");
    assertThat(usage().get("tokens_per_minute")).as("nothing changed").isEqualTo(1_000L);
  }

  @Test
  void onlyOperatorsReadOrChangeLimits() {
    Caller user = new Caller(DbRole.AUTHENTICATED,
        "{\"role\":\"authenticated\",\"sub\":\"" + UUID.randomUUID() + "\"}");
    Caller admin = new Caller(DbRole.AUTHENTICATED, "{\"role\":\"authenticated\",\"sub\":\"" + UUID.randomUUID()
        + "\",\"app_metadata\":{\"is_admin\":true}}");
    assertState(() -> db.transactions.run(user, "t", h -> RateLimiter.limits(h)), "42501", "only operators");
    assertState(() -> db.transactions.run(user, "t", h -> RateLimiter.put(h,
        new RateLimitSettings(P, M, 5, null, null, null, null, null, null))), "42501", "only operators");
    Map<String, Object> row = db.transactions.run(admin, "t", h -> RateLimiter.put(h,
        new RateLimitSettings(P, M, 5, null, null, null, 2, "maintenance", 7)));
    assertThat(row).containsEntry("requests_per_minute", 5).containsEntry("concurrent_requests", 2)
        .containsEntry("status", "maintenance");
    java.util.List<Map<String, Object>> seen = db.transactions.run(admin, "t", h -> RateLimiter.limits(h));
    assertThat(seen).hasSize(1);
    assertThat(waits(acquire(1), "status_maintenance").delay()).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(7));
  }

  @Test
  void theOriginalsWrappersTakeAndReturnJoblessLeases() {
    db.put(P, M, null, null, 10_000L, null, 2);
    assertThat(capacity(4_000)).isTrue();
    assertThat(capacity(4_000)).isTrue();
    assertThat(capacity(1)).as("two calls in flight").isFalse();
    db.service(h -> h.createQuery("select public.release_api_capacity(:p, :m, 4000, 1000)")
        .bind("p", P).bind("m", M).mapToMap().one());
    assertThat(usage().get("tokens_minute")).isEqualTo(5_000L);
    assertThat(usage().get("active_requests")).isEqualTo(1);
    assertThat(capacity(5_000)).isTrue();
    assertThat(capacity(1)).isFalse();
    // a jobless lease nobody releases expires after ratelimit.lease_ttl_seconds
    db.su(h -> h.execute("update public.api_leases set expires_at = now() - interval '1 second'"));
    assertThat(capacity(0)).isTrue();
  }

  @Test
  void anAiJobEnqueuedWhileItsPairIsSaturatedIsScheduledForWhenItFrees() {
    db.put(P, M, 1, null, null, null, null);
    granted(acquire(1));
    Instant now = db.dbNow();
    Instant saturated = enqueue("{\"ai_provider\":\"openai\",\"ai_model\":\"gpt-test\",\"estimated_tokens\":10}");
    assertThat(Duration.between(now, saturated)).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(62));
    Instant other = enqueue("{\"ai_provider\":\"openai\",\"ai_model\":\"free-model\"}");
    assertThat(Duration.between(now, other)).isLessThan(Duration.ofSeconds(2));
    Instant plain = enqueue("{\"n\":1}");
    assertThat(Duration.between(now, plain)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void anUploadThatASaturatedVendorWillReadIsScheduledForWhenItFrees() {
    // register_upload names the server's AI pair in the job of a document read as text; a parsed
    // C-CDA or FHIR document, or a server on the offline extractor, names none and runs at once.
    db.put(P, M, 1, null, null, null, null);
    granted(acquire(1));
    UUID user = UUID.randomUUID();
    UUID profile = UUID.randomUUID();
    db.su(h -> {
      h.execute("insert into auth.users (id, email, encrypted_password) values (?, ?, 'x')", user, user + "@test.invalid");
      return h.execute("insert into public.user_profiles (id, account_owner_id, profile_type, display_name) values (?, ?, 'self', 'P')",
          profile, user);
    });
    Caller uploader = new Caller(DbRole.AUTHENTICATED, "{\"role\":\"authenticated\",\"sub\":\"" + user + "\"}");
    ShellFiles.AiReader reader = new ShellFiles.AiReader(P, M);
    Instant now = db.dbNow();

    Map<String, Object> scan = uploadedJob(uploader, profile, DocumentType.PDF, reader);
    assertThat(scan).containsEntry("ai_provider", P).containsEntry("ai_model", M);
    assertThat(Duration.between(now, (Instant) scan.get("scheduled_at"))).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(62));
    Map<String, Object> ccda = uploadedJob(uploader, profile, DocumentType.CCDA, reader);
    assertThat(ccda.get("ai_provider")).isNull();
    assertThat(Duration.between(now, (Instant) ccda.get("scheduled_at"))).isLessThan(Duration.ofSeconds(2));
    Map<String, Object> offline = uploadedJob(uploader, profile, DocumentType.PDF, null);
    assertThat(offline.get("ai_provider")).isNull();
    assertThat(Duration.between(now, (Instant) offline.get("scheduled_at"))).isLessThan(Duration.ofSeconds(2));
  }

  /** Registers an upload as the user; its job's scheduled_at and the AI pair its payload names. */
  private static Map<String, Object> uploadedJob(Caller uploader, UUID profile, DocumentType type, ShellFiles.AiReader reader) {
    ShellFiles.Registration r = db.transactions.run(uploader, "upload", h -> ShellFiles.register(h, profile, "doc",
        "doc", 1_000, type, "shell-files/" + UUID.randomUUID(), "0".repeat(64), null, reader));
    assertThat(r.outcome()).isEqualTo("created");
    return db.su(h -> h.createQuery("""
            select scheduled_at, job_payload ->> 'ai_provider' as ai_provider, job_payload ->> 'ai_model' as ai_model
              from public.job_queue where id = :id""")
        .bind("id", r.jobId())
        .map((rs, ctx) -> {
          Map<String, Object> row = new java.util.HashMap<>();
          row.put("scheduled_at", rs.getTimestamp("scheduled_at").toInstant());
          row.put("ai_provider", rs.getString("ai_provider"));
          row.put("ai_model", rs.getString("ai_model"));
          return row;
        }).one());
  }

  private static Instant enqueue(String payload) {
    return db.service(h -> h.createQuery("""
            select scheduled_at from public.enqueue_job_v3('ai_processing', 'limiter test', cast(:p as jsonb))""")
        .bind("p", payload).mapTo(Instant.class).one());
  }

  private static boolean capacity(int tokens) {
    return db.service(h -> h.createQuery("select public.acquire_api_capacity(:p, :m, :t)")
        .bind("p", P).bind("m", M).bind("t", tokens).mapTo(Boolean.class).one());
  }

  private static void assertState(Runnable call, String state, String message) {
    assertThatThrownBy(call::run).satisfies(e -> {
      Throwable t = e;
      while (t != null && !(t instanceof SQLException)) {
        t = t.getCause();
      }
      assertThat(t).as("an SQLException in " + e).isNotNull();
      assertThat(((SQLException) t).getSQLState()).isEqualTo(state);
      assertThat(t.getMessage()).contains(message);
    });
  }
}
