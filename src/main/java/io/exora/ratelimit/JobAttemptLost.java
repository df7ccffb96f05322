package io.exora.ratelimit;

/**
 * Thrown by a caller that asked for capacity on behalf of a job attempt that is no longer current:
 * the call is abandoned. The queue's fenced writes make whatever the worker does next a no-op.
 */
public final class JobAttemptLost extends RuntimeException {
  public JobAttemptLost(String message) {
    super(message, null, false, false);
  }
}
