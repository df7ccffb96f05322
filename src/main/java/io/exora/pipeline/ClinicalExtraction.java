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
import java.time.Duration;
import java.time.Instant;

/**
 * Turns a document's text into clinical events through the provider layer (the offline extractor
 * by default), with the same prompt and JSON schema for every provider. Each call, successful or
 * not, yields an {@code ai_generations} row for the caller to write with the events.
 */
final class ClinicalExtraction {
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

  ClinicalExtraction(AiProvider provider, String model, PriceTable prices) {
    this.provider = provider;
    this.model = model;
    this.prices = prices;
  }

  /**
   * @throws DeferJob when the vendor named a time to come back (rate limited): the job is
   *     rescheduled without using a retry
   * @throws ProviderException when trying again later may help (the job is retried with backoff)
   * @throws Failed when it will not
   */
  Outcome extract(String text, AiGenerations.Subject subject) throws ProviderException, Failed {
    ExtractionRequest request = ExtractionRequest.ofText(PROMPT, text, ExtractionJson.schema(), model, MAX_OUTPUT_TOKENS);
    long start = System.nanoTime();
    ExtractionResult result;
    try {
      result = provider.extract(request);
    } catch (ProviderException e) {
      if (e.retryable()) {
        Instant retryAt = e.signal() == null ? null : e.signal().retryAt();
        if (retryAt != null && Duration.between(Instant.now(), retryAt).compareTo(MIN_DEFERRAL) > 0) {
          throw new DeferJob(Duration.between(Instant.now(), retryAt), provider.name() + " asked to wait: " + e.getMessage());
        }
        throw e;
      }
      throw new Failed(AiGenerations.failed(subject, provider.name(), request, e,
          Duration.ofNanos(System.nanoTime() - start), prices), e);
    }
    Extraction extraction = ExtractionJson.fromJson(result.output(), provider.name() + ":" + result.modelReturned());
    return new Outcome(extraction, AiGenerations.succeeded(subject, request, result, prices));
  }
}
