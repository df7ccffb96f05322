package io.exora.queue.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A worker's settings. {@code lanes} maps each lane to how many of its jobs may run at once.
 * {@code claimers}: how many claim transactions may be in flight at once (each on its own thread
 * and connection), so the next batch is being claimed while the last one is handed out and run.
 * {@code completers}: likewise for the batches of completions of effect-free jobs; each batch
 * commits durably, and while one waits for its WAL flush another can be executing.
 * Defaults are named constants; the constructor refuses contradictions.
 */
public record WorkerConfig(
    String workerId,
    Map<String, Integer> lanes,
    Duration pollInterval,
    Duration heartbeatInterval,
    Duration shutdownDeadline,
    int maxClaimBatch,
    Duration pruneInterval,
    int claimers,
    int completers) {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_CLAIM_BATCH = 500;
  public static final Duration DEFAULT_PRUNE_INTERVAL = Duration.ofSeconds(60);
  /**
   * One. Claims of one worker read the same head of job_queue_ready, so a second claimer mostly
   * steps over the rows the first has locked (SKIP LOCKED): the drain fell from about 35,000 to
   * 21,000 jobs/s with two (docs/decisions/0015-queue-plans-and-one-claimer.md).
   */
  public static final int DEFAULT_CLAIMERS = 1;
  /**
   * Two: one batch's round trips and commit overlap the other's execution on the server; their
   * batches are disjoint, so they never wait for each other.
   */
  public static final int DEFAULT_COMPLETERS = 2;

  public WorkerConfig {
    Objects.requireNonNull(workerId, "workerId");
    if (workerId.isBlank() || workerId.length() > 200) {
      throw new IllegalArgumentException("worker id must be 1 to 200 characters");
    }
    lanes = Map.copyOf(lanes);
    if (lanes.isEmpty() || lanes.values().stream().anyMatch(n -> n < 1 || n > 10_000)) {
      throw new IllegalArgumentException("every lane needs a concurrency between 1 and 10000: " + lanes);
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("poll interval must be positive");
    }
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException("heartbeat interval must be positive");
    }
    if (maxClaimBatch < 1 || maxClaimBatch > 10_000) {
      throw new IllegalArgumentException("max claim batch must be between 1 and 10000");
    }
    if (claimers < 1 || claimers > 16 || completers < 1 || completers > 16) {
      throw new IllegalArgumentException("claimers and completers must be between 1 and 16");
    }
  }

  public static WorkerConfig defaults(String workerId, Map<String, Integer> lanes) {
    return new WorkerConfig(workerId, lanes, DEFAULT_POLL_INTERVAL, DEFAULT_HEARTBEAT_INTERVAL,
        DEFAULT_SHUTDOWN_DEADLINE, DEFAULT_MAX_CLAIM_BATCH, DEFAULT_PRUNE_INTERVAL, DEFAULT_CLAIMERS,
        DEFAULT_COMPLETERS);
  }

  public WorkerConfig withHeartbeatInterval(Duration interval) {
    return new WorkerConfig(workerId, lanes, pollInterval, interval, shutdownDeadline, maxClaimBatch, pruneInterval, claimers,
        completers);
  }

  public WorkerConfig withShutdownDeadline(Duration deadline) {
    return new WorkerConfig(workerId, lanes, pollInterval, heartbeatInterval, deadline, maxClaimBatch, pruneInterval, claimers,
        completers);
  }

  public WorkerConfig withPollInterval(Duration interval) {
    return new WorkerConfig(workerId, lanes, interval, heartbeatInterval, shutdownDeadline, maxClaimBatch, pruneInterval, claimers,
        completers);
  }

  public WorkerConfig withClaimersAndCompleters(int claimerCount, int completerCount) {
    return new WorkerConfig(workerId, lanes, pollInterval, heartbeatInterval, shutdownDeadline, maxClaimBatch, pruneInterval,
        claimerCount, completerCount);
  }
}
