package io.exora.queue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * One claimed attempt of a job. {@code attempt} is the fencing token: every write the worker makes
 * about this job names it, and matches nothing once the job was rescued and claimed again.
 */
public record Job(UUID id, String type, String lane, JsonNode payload, int retryCount, int maxRetries,
    int attempt, UUID patientId, UUID shellFileId) {

  /** True when a failure of this attempt will dead-letter the job instead of retrying it. */
  public boolean isLastAttempt() {
    return retryCount >= maxRetries;
  }
}
