package io.exora.queue.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The worker's meters: queue depth by lane and status, claim latency, run time, retries, dead letters. */
final class WorkerMetrics {
  private final MeterRegistry registry;
  private final Timer claimLatency;
  private final Map<String, AtomicLong> depth = new ConcurrentHashMap<>();

  WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.claimLatency = Timer.builder("exora.queue.claim.latency")
        .description("time of one claim statement").publishPercentileHistogram().register(registry);
  }

  void claimed(Duration took) {
    claimLatency.record(took);
  }

  void ran(String jobType, String outcome, Duration took) {
    Timer.builder("exora.queue.job.runtime").tags("job_type", jobType, "outcome", outcome)
        .register(registry).record(took);
  }

  void failed(String jobType, String newStatus) {
    String name = "failed".equals(newStatus) ? "exora.queue.dead_letters" : "exora.queue.retries";
    Counter.builder(name).tag("job_type", jobType).register(registry).increment();
  }

  void depth(Map<String, Map<String, Long>> byLaneAndStatus) {
    depth.values().forEach(v -> v.set(0));
    byLaneAndStatus.forEach((lane, statuses) -> statuses.forEach((status, n) ->
        depth.computeIfAbsent(lane + "|" + status, key -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder("exora.queue.depth", value, AtomicLong::get)
              .tags(Tags.of("lane", lane, "status", status)).register(registry);
          return value;
        }).set(n)));
  }
}
