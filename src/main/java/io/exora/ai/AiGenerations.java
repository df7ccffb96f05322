package io.exora.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.ratelimit.VendorSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Records AI provider calls in {@code ai_generations} (V085__ai_generations.sql), one row per
 * call, inside the caller's transaction: a worker records the call with the job's effects, so the
 * row commits exactly when they do. The handle must act as the service role.
 */
public final class AiGenerations {

  /** Which job, file and profile the call was made for. {@code jobId} and {@code shellFileId} may be null. */
  public record Subject(UUID profileId, UUID shellFileId, UUID jobId, Integer jobAttempt) {
    public Subject {
      Objects.requireNonNull(profileId, "profileId");
    }
  }

  /** One row. Build it with {@link #succeeded} or {@link #failed}. */
  public record Generation(
      Subject subject,
      String provider,
      String modelRequested,
      String modelReturned,
      Prompt prompt,
      JsonNode parameters,
      Usage usage,
      PriceTable.Cost cost,
      Duration latency,
      int attempts,
      String errorCode,
      VendorSignal signal) {

    public Generation {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(modelRequested, "modelRequested");
      Objects.requireNonNull(prompt, "prompt");
      Objects.requireNonNull(parameters, "parameters");
      Objects.requireNonNull(usage, "usage");
      Objects.requireNonNull(cost, "cost");
      Objects.requireNonNull(latency, "latency");
    }

    public boolean succeeded() {
      return errorCode == null;
    }
  }

  private AiGenerations() {}

  /** A successful call, priced by {@code prices}. */
  public static Generation succeeded(Subject subject, ExtractionRequest request, ExtractionResult result,
      PriceTable prices) {
    return new Generation(subject, result.provider(), request.model(), result.modelReturned(),
        request.prompt(), request.parameters(), result.usage(),
        prices.cost(result.provider(), result.modelReturned(), request.model(), result.usage()),
        result.latency(), result.attempts(), null, result.signal());
  }

  /**
   * A failed call. Tokens the vendor counted for an unusable answer (truncated, off-schema) are
   * recorded and priced: they are billed even though the answer was thrown away.
   */
  public static Generation failed(Subject subject, String provider, ExtractionRequest request,
      ProviderException failure, Duration latency, PriceTable prices) {
    Usage usage = failure.usage() == null ? Usage.NONE : failure.usage();
    return new Generation(subject, provider, request.model(), null, request.prompt(), request.parameters(),
        usage, prices.cost(provider, null, request.model(), usage), latency, failure.attempts(),
        failure.code().wire(), failure.signal());
  }

  /** Inserts the row in the handle's transaction; returns its id. */
  public static UUID record(Handle h, Generation g) {
    return h.createQuery("""
            -- One AI call; appended, never updated. Runs in the caller's (service role) transaction.
            insert into public.ai_generations
              (profile_id, shell_file_id, job_id, job_attempt, provider, model_requested, model_returned,
               prompt_name, prompt_version, parameters, input_tokens, output_tokens, cached_tokens,
               cost, price_version, latency_ms, attempts, status, error_code, rate_limit_headers)
            values
              (:profileId, :shellFileId, :jobId, :jobAttempt, :provider, :modelRequested, :modelReturned,
               :promptName, :promptVersion, cast(:parameters as jsonb), :inputTokens, :outputTokens,
               :cachedTokens, :cost, :priceVersion, :latencyMs, :attempts, :status, :errorCode,
               cast(:rateLimitHeaders as jsonb))
            returning id
            """)
        .bind("profileId", g.subject().profileId())
        .bind("shellFileId", g.subject().shellFileId())
        .bind("jobId", g.subject().jobId())
        .bind("jobAttempt", g.subject().jobAttempt())
        .bind("provider", g.provider())
        .bind("modelRequested", g.modelRequested())
        .bind("modelReturned", g.modelReturned())
        .bind("promptName", g.prompt().name())
        .bind("promptVersion", g.prompt().version())
        .bind("parameters", g.parameters().toString())
        .bind("inputTokens", g.usage().inputTokens())
        .bind("outputTokens", g.usage().outputTokens())
        .bind("cachedTokens", g.usage().cachedTokens())
        .bind("cost", g.cost().amount())
        .bind("priceVersion", g.cost().priceVersion())
        .bind("latencyMs", g.latency().toMillis())
        .bind("attempts", g.attempts())
        .bind("status", g.succeeded() ? "succeeded" : "failed")
        .bind("errorCode", g.errorCode())
        .bind("rateLimitHeaders", g.signal() == null ? null : signalJson(g.signal()).toString())
        .mapTo(UUID.class)
        .one();
  }

  /** The signal in the row's layout (metadata_version 1): snake_case, instants as RFC 3339. */
  static ObjectNode signalJson(VendorSignal s) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("status", s.status());
    putIfSet(o, "requests_limit", s.requestsLimit());
    putIfSet(o, "requests_remaining", s.requestsRemaining());
    putIfSet(o, "requests_reset_at", s.requestsResetAt());
    putIfSet(o, "tokens_limit", s.tokensLimit());
    putIfSet(o, "tokens_remaining", s.tokensRemaining());
    putIfSet(o, "tokens_reset_at", s.tokensResetAt());
    putIfSet(o, "retry_at", s.retryAt());
    return o;
  }

  private static void putIfSet(ObjectNode o, String field, Long value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  private static void putIfSet(ObjectNode o, String field, Instant value) {
    if (value != null) {
      o.put(field, value.toString());
    }
  }
}
