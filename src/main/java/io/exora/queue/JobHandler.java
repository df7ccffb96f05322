package io.exora.queue;

import java.util.Map;

/**
 * Runs one attempt of a job type. Return normally to complete the job (with an optional result);
 * throw {@link DeferJob} to postpone it without using a retry, {@link PermanentJobFailure} to
 * dead-letter it at once, anything else to fail the attempt and retry with backoff.
 *
 * <p>Effects go through {@link JobContext#transaction()}: the runtime completes the job in that
 * same transaction, fenced by the attempt, so the effects commit exactly when the completion does.
 */
@FunctionalInterface
public interface JobHandler {
  Map<String, Object> handle(JobContext context) throws Exception;
}
