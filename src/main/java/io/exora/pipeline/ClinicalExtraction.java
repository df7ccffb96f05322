package io.exora.pipeline;

import io.exora.ai.AiGenerations;
import io.exora.ai.AiProvider;
import io.exora.ai.ExtractionRequest;
import io.exora.ai.ExtractionResult;
import io.exora.ai.PriceTable;
import io.exora.ai.Prompt;
import io.exora.ai.ProviderException;
import io.exora.clinical.Extraction;
import io.exora.extract.text.ExtractionJson;
import io.exora.queue.DeferJob;
import io.exora.ratelimit.Acquisition;
import io.exora.ratelimit.JobAttempt;
import io.exora.ratelimit.JobAttemptLost;
import io.exora.ratelimit.RateLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a document's text into clinical events through the provider layer (the offline extractor
 * by default), with the same prompt and JSON schema for every provider. Each call, successful or
 * not, yields an {@code ai_generations} row for the caller to write with the events.
 *
 * <p>A call to a vendor first takes a lease from the shared limiter, reserving the provider's
 * token estimate (input plus the maximum output) for the job's attempt; when a limit binds, the
 * job is deferred to the time the limiter names (no retry used, no spinning). After the call, the
 * lease is released with the tokens the vendor counted, also when the call failed. The
 * {@code local} provider makes no network call and takes no lease.
 */
final class ClinicalExtraction {
  private static final Logger log = LoggerFactory.getLogger(ClinicalExtraction.class);
  static final Prompt PROMPT = new Prompt("clinical-extraction", "1", """
      Extract every clinical fact stated in this health document: laboratory results (with value,
      unit, reference range and LOINC code when known), vital signs, medications (dose, route,
      frequency, RxNorm when known), conditions (ICD-10 or SNOMED when known), allergies (with
      reactions) and immunizations (CVX when known), each with its date when the document gives
      one, and the document's own date. Report only what the document states about this patient:
      no negated findings, no family history, no guesses. Give each event a confidence from 0 to 1
      and set requires_review when a person should check it.""");
  static final int MAX_OUTPUT_TOKENS = 8_000;
  /** Deferring for less than this is not worth a reschedule: the retry policy waits instead. */
  static final Duration MIN_DEFERRAL = Duration.ofSeconds(1);

  /** The events read, and the generation row that records the call. */
  record Outcome(Extraction extraction, AiGenerations.Generation generation) {}

  /** A call that failed for good; its generation row is still written (billed tokens, the error). */
  static final class Failed extends Exception {
    final AiGenerations.Generation generation;
    final ProviderException cause;

    Failed(AiGenerations.Generation generation, ProviderException cause) {
      super(cause.getMessage(), cause);
      this.generation = generation;
      this.cause = cause;
    }
  }

  private final AiProvider provider;
  private final String model;
  private final PriceTable prices;
  private final RateLimiter limiter;

  /** @param limiter the shared limiter; null only for a provider that makes no network calls */
  ClinicalExtraction(AiProvider provider, String model, PriceTable prices, RateLimiter limiter) {
    if (limiter == null && !isLocal(provider)) {
      throw new IllegalArgumentException(provider.name() + " calls a vendor and needs the shared rate limiter");
    }
    this.provider = provider;
    this.model = model;
    this.prices = prices;
    this.limiter = limiter;
  }

  private static boolean isLocal(AiProvider provider) {
    return "local".equals(provider.name());
  }

  /**
   * @param workerId the worker running the job's attempt (fences the lease with the job id and
   *     attempt of {@code subject}); null fences by job id and attempt only
   * @throws DeferJob when the shared limiter or the vendor named a time to come back: the job is
   *     rescheduled without using a retry
   * @throws JobAttemptLost when the job's attempt is no longer current: the call is abandoned
   * @throws ProviderException when trying again later may help (the job is retried with backoff)
   * @throws Failed when it will not
   */
  Outcome extract(String text, AiGenerations.Subject subject, String workerId) throws ProviderException, Failed {
    ExtractionRequest request = ExtractionRequest.ofText(PROMPT, text, ExtractionJson.schema(), model, MAX_OUTPUT_TOKENS);
    UUID lease = isLocal(provider) ? null : lease(request, subject, workerId);
    long start = System.nanoTime();
    ExtractionResult result;
    Long usedTokens = null;  // unknown until the vendor counts them: the reservation stands
    Long answeredAt = null;  // System.nanoTime() when the vendor's answer was read; null when none came
    try {
      result = provider.extract(request);
      answeredAt = System.nanoTime();
      usedTokens = result.usage().totalTokens();
    } catch (ProviderException e) {
      if (e.httpStatus() != null) {
        answeredAt = System.nanoTime();
      }
      if (e.usage() != null) {
        usedTokens = e.usage().totalTokens();
      }
      if (e.retryable()) {
        Instant retryAt = e.signal() == null ? null : e.signal().retryAt();
        if (retryAt != null && Duration.between(Instant.now(), retryAt).compareTo(MIN_DEFERRAL) > 0) {
          throw new DeferJob(Duration.between(Instant.now(), retryAt), provider.name() + " asked to wait: " + e.getMessage());
        }
        throw e;
      }
      throw new Failed(AiGenerations.failed(subject, provider.name(), request, e,
          Duration.ofNanos(System.nanoTime() - start), prices), e);
    } finally {
      if (lease != null) {
        release(lease, usedTokens, answeredAt);
      }
    }
    Extraction extraction = ExtractionJson.fromJson(result.output(), provider.name() + ":" + result.modelReturned());
    return new Outcome(extraction, AiGenerations.succeeded(subject, request, result, prices));
  }

  /**
   * Never masks the call's own outcome: a lease that cannot be released now (the database is
   * unreachable) ends with the job's attempt, like a crashed worker's.
   */
  private void release(UUID lease, Long usedTokens, Long answeredAtNanos) {
    try {
      limiter.release(lease, usedTokens, answeredAtNanos);
    } catch (RuntimeException e) {
      log.warn("could not release rate-limit lease {}: {}; it ends with the job's attempt", lease, e.toString());
    }
  }

  /** A lease for this call, or the deferral or abandonment the limiter's answer calls for. */
  private UUID lease(ExtractionRequest request, AiGenerations.Subject subject, String workerId) {
    JobAttempt attempt = subject.jobId() == null || subject.jobAttempt() == null ? null
        : new JobAttempt(subject.jobId(), workerId, subject.jobAttempt());
    return switch (limiter.acquire(provider.name(), model, provider.estimateTokens(request), attempt)) {
      case Acquisition.Granted g -> g.leaseId();
      // The limiter names when capacity frees for this job's place in line: come back then,
      // spread over a tenth of a second so that the jobs told the same moment (the capacity a
      // slot frees can be enough for several) do not all queue for the pair's lock at once.
      case Acquisition.Wait w -> throw DeferJob.exactly(w.delay().plusMillis(ThreadLocalRandom.current().nextLong(100)),
          provider.name() + "/" + model + " is at its " + w.binding() + " limit until " + w.retryAt());
      case Acquisition.JobLost l -> throw new JobAttemptLost("job " + subject.jobId() + " attempt "
          + subject.jobAttempt() + " is no longer current; the " + provider.name() + " call is abandoned");
    };
  }
}
