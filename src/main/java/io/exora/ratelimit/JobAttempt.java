package io.exora.ratelimit;

import java.util.Objects;
import java.util.UUID;

/**
 * The job attempt a lease belongs to. The lease lives while this attempt is processing and its
 * worker heart-beats, so a worker that dies (even by SIGKILL) gives its slots back with its jobs.
 *
 * @param workerId the worker holding the attempt; null to fence by job and attempt only
 */
public record JobAttempt(UUID jobId, String workerId, int attempt) {
  public JobAttempt {
    Objects.requireNonNull(jobId, "jobId");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be 1 or more");
    }
  }
}
