package io.exora.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exora.ai.AiGenerations;
import io.exora.ai.AiProvider;
import io.exora.ai.ExtractionRequest;
import io.exora.ai.ExtractionResult;
import io.exora.ai.LocalProvider;
import io.exora.ai.PriceTable;
import io.exora.ai.ProviderException;
import io.exora.ai.Usage;
import io.exora.db.Caller;
import io.exora.db.ConnectionSettings;
import io.exora.db.Database;
import io.exora.db.RequestTransactions;
import io.exora.db.TestPostgres;
import io.exora.queue.DeferJob;
import io.exora.ratelimit.JobAttemptLost;
import io.exora.ratelimit.RateLimitSettings;
import io.exora.ratelimit.RateLimiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clinical extraction through a vendor takes a lease for the job's attempt before the call, defers
 * the job when a limit binds, abandons a lost attempt, and reconciles the lease to the vendor's
 * usage after the call, also when the call failed. The vendor here is the offline extractor
 * under a vendor's name, counting fixed usage, so the lease arithmetic is exact.
 */
class ClinicalExtractionLeaseTest {
  private static final String TEXT = "Clinic letter, 2 November 2026. BP 128/82 mmHg, HR 71 bpm.";
  private static final Usage USAGE = new Usage(700, 300, 0);
  private static Jdbi owner;
  private static Database pool;
  private static RequestTransactions transactions;
  private static RateLimiter limiter;

  /** A provider named openai that counts USAGE, or fails with it, and notes the leases live during its call. */
  private static final class MeteredVendor implements AiProvider {
    private final LocalProvider local = new LocalProvider(new OfflineClinicalExtractor());
    boolean fail;
    long leasesDuringCall = -1;

    @Override
    public String name() {
      return "openai";
    }

    @Override
    public long estimateTokens(ExtractionRequest request) {
      return 5_000;
    }

    @Override
    public ExtractionResult extract(ExtractionRequest request) throws ProviderException {
      leasesDuringCall = count("select count(*) from public.api_leases where expired_at is null");
      if (fail) {
        throw new ProviderException(ProviderException.Code.BAD_REQUEST, "refused", 400, null, USAGE, null);
      }
      ExtractionResult r = local.extract(request);
      return new ExtractionResult("openai", r.output(), USAGE, "gpt-test-2026", Duration.ofMillis(5), 1, null);
    }
  }

  @BeforeAll
  static void open() {
    ConnectionSettings settings = TestPostgres.newDatabase();
    owner = Jdbi.create(settings.jdbcUrl(), settings.user(), settings.password());
    pool = Database.open(TestPostgres.runtime(settings), 4, "extraction-lease-test");
    transactions = new RequestTransactions(pool.jdbi());
    limiter = new RateLimiter(transactions, new SimpleMeterRegistry());
  }

  @AfterAll
  static void close() {
    pool.close();
  }

  @BeforeEach
  void reset() {
    owner.useHandle(h -> h.execute("delete from public.api_rate_limits; delete from public.job_queue"));
    transactions.run(Caller.serviceRole(), "t", h -> RateLimiter.put(h,
        new RateLimitSettings("openai", "gpt-test", 2, null, 100_000L, null, 5, null, null)));
  }

  @Test
  void aCallHoldsALeaseAndReconcilesItToTheVendorsCount() throws Exception {
    MeteredVendor vendor = new MeteredVendor();
    var outcome = extraction(vendor).extract(TEXT, subject(processingJob(), 1), "worker-a");
    assertThat(outcome.extraction()).isNotNull();
    assertThat(vendor.leasesDuringCall).as("a lease during the call").isEqualTo(1);
    assertThat(count("select count(*) from public.api_leases")).as("released after it").isZero();
    assertThat(count("select sum(tokens) from public.api_rate_slots where width = 'tenth'"))
        .as("5,000 reserved, reconciled to the 1,000 counted").isEqualTo(1_000);
  }

  @Test
  void aFailedCallIsReleasedAndReconciledToo() {
    MeteredVendor vendor = new MeteredVendor();
    vendor.fail = true;
    assertThatThrownBy(() -> extraction(vendor).extract(TEXT, subject(processingJob(), 1), "worker-a"))
        .isInstanceOf(ClinicalExtraction.Failed.class);
    assertThat(count("select count(*) from public.api_leases")).isZero();
    assertThat(count("select sum(tokens) from public.api_rate_slots where width = 'tenth'")).isEqualTo(1_000);
  }

  @Test
  void aBindingLimitDefersTheJobWithoutCallingTheVendor() throws Exception {
    MeteredVendor vendor = new MeteredVendor();
    ClinicalExtraction extraction = extraction(vendor);
    extraction.extract(TEXT, subject(processingJob(), 1), "worker-a");
    extraction.extract(TEXT, subject(processingJob(), 1), "worker-a");
    vendor.leasesDuringCall = -1;
    assertThatThrownBy(() -> extraction.extract(TEXT, subject(processingJob(), 1), "worker-a"))
        .isInstanceOfSatisfying(DeferJob.class, d -> {
          assertThat(d.delay()).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(62));
          assertThat(d.getMessage()).contains("requests_per_minute");
        });
    assertThat(vendor.leasesDuringCall).as("the vendor was not called").isEqualTo(-1);
  }

  @Test
  void aLostAttemptIsAbandonedWithoutCallingTheVendor() {
    MeteredVendor vendor = new MeteredVendor();
    UUID job = processingJob();
    assertThatThrownBy(() -> extraction(vendor).extract(TEXT, subject(job, 2), "worker-a"))
        .isInstanceOf(JobAttemptLost.class);
    assertThat(vendor.leasesDuringCall).isEqualTo(-1);
  }

  @Test
  void theLocalProviderNeedsNoLimiter() throws Exception {
    ClinicalExtraction local = new ClinicalExtraction(new LocalProvider(new OfflineClinicalExtractor()), "local",
        PriceTable.load(), null);
    assertThat(local.extract(TEXT, subject(null, null), null).extraction()).isNotNull();
    assertThat(count("select count(*) from public.api_rate_slots")).isZero();
    assertThatThrownBy(() -> new ClinicalExtraction(new MeteredVendor(), "gpt-test", PriceTable.load(), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ClinicalExtraction extraction(AiProvider vendor) {
    return new ClinicalExtraction(vendor, "gpt-test", PriceTable.load(), limiter);
  }

  private static AiGenerations.Subject subject(UUID job, Integer attempt) {
    return new AiGenerations.Subject(UUID.randomUUID(), null, job, attempt);
  }

  private static UUID processingJob() {
    return owner.withHandle(h -> h.createQuery("""
            insert into public.job_queue (job_type, job_lane, job_name, job_payload, status, worker_id, heartbeat_at,
                                          started_at, attempt)
            values ('ai_processing', 'ai_queue_simple', 'extraction', '{"t": 1}', 'processing', 'worker-a', now(), now(), 1)
            returning id""").mapTo(UUID.class).one());
  }

  private static long count(String sql) {
    return owner.withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
  }
}
