package io.exora.usage;

import java.time.Duration;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * The workers' side of metering, in the job's own transaction (service role), so usage is
 * counted exactly when the job's effects commit. Each call is idempotent in the database: per
 * generation for AI calls, per file for processing.
 */
public final class UsageMeter {
  private UsageMeter() {}

  /** Counts one AI call's tokens (read from its ai_generations row). True when newly counted. */
  public static boolean aiCall(Handle h, UUID profileId, UUID jobId, UUID generationId, Duration latency) {
    return h.createQuery("select public.track_ai_processing_usage(:p, :job, 0, :seconds, :generation)")
        .bind("p", profileId).bind("job", jobId).bind("generation", generationId)
        .bind("seconds", new java.math.BigDecimal(latency.toMillis()).movePointLeft(3))
        .mapTo(Boolean.class).one();
  }

  /** Corrects the month's pages from the upload's estimate to what processing read. */
  public static boolean fileProcessed(Handle h, UUID shellFileId) {
    return h.createQuery("select public.track_shell_file_processed_usage(:f)").bind("f", shellFileId)
        .mapTo(Boolean.class).one();
  }
}
