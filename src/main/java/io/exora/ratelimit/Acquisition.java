package io.exora.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** What the shared limiter answered to one request for capacity. */
public sealed interface Acquisition {

  /**
   * The call may go ahead. Release the lease after the call, also when it failed.
   *
   * @param leaseId the lease to release; null when the provider/model has no limit configured
   */
  record Granted(UUID leaseId) implements Acquisition {
    public boolean limited() {
      return leaseId != null;
    }
  }

  /**
   * Not now: a limit binds until {@code retryAt} (database clock). The caller reschedules the job
   * for then, without using a retry; it never spins.
   *
   * @param delay the same moment as a delay from the database's now, for clocks that disagree
   * @param binding which limit binds: requests_per_minute, tokens_per_hour, concurrent_requests,
   *     vendor_pause, status_maintenance, ...
   */
  record Wait(Instant retryAt, Duration delay, String binding) implements Acquisition {}

  /** The job attempt that asked is no longer current (rescued, cancelled): abandon the call. */
  record JobLost() implements Acquisition {}
}
