package io.exora.queue.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The worker's meters: claim latency, completion-batch latency, run time, retries, dead letters.
 * Depth: {@link QueueDepthGauges}.
 */
final class WorkerMetrics {
  private final MeterRegistry registry;
  private final Timer claimLatency;
  private final Timer completeLatency;
  /** Run-time timers by "type/outcome": looked up once, not built again for every job. */
  private final Map<String, Timer> runTimes = new ConcurrentHashMap<>();

  WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.claimLatency = Timer.builder("exora.queue.claim.latency")
        .description("time of one claim statement").publishPercentileHistogram().register(registry);
    this.completeLatency = Timer.builder("exora.queue.complete.latency")
        .description("time of one batch-completion transaction, commit included").register(registry);
  }

  void completedBatch(Duration took) {
    completeLatency.record(took);
  }

  void claimed(Duration took) {
    claimLatency.record(took);
  }

  void ran(String jobType, String outcome, Duration took) {
    runTimes.computeIfAbsent(jobType + "/" + outcome, k -> Timer.builder("exora.queue.job.runtime")
        .tags("job_type", jobType, "outcome", outcome).register(registry)).record(took);
  }

  void failed(String jobType, String newStatus) {
    String name = "failed".equals(newStatus) ? "exora.queue.dead_letters" : "exora.queue.retries";
    Counter.builder(name).tag("job_type", jobType).register(registry).increment();
  }
}
