package io.exora.queue.runtime;

import io.exora.queue.JobQueue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue depth by lane and status, as gauges ({@code exora.queue.depth}): the live jobs, and the
 * dead letters (status failed) still in the archive. Completed and cancelled jobs are history, not
 * depth; the workers count them as they finish ({@link WorkerMetrics}). The count runs when the
 * gauges are read (a scrape), at most once per {@code maxAge}, and only in processes that are
 * scraped: not on a timer in every worker.
 */
public final class QueueDepthGauges {
  private static final Logger log = LoggerFactory.getLogger(QueueDepthGauges.class);
  /** The lanes that V070's CHECK constraints allow, and the statuses {@link JobQueue#depth()} counts. */
  static final List<String> LANES = List.of("fast_queue", "standard_queue", "ai_queue_simple", "ai_queue_complex", "default");
  static final List<String> STATUSES = List.of("pending", "processing", "retrying", "deferred", "failed");

  private final JobQueue queue;
  private final long maxAgeNanos;
  private Map<String, Map<String, Long>> snapshot = Map.of();
  private long takenAt;
  private boolean taken;

  private QueueDepthGauges(JobQueue queue, Duration maxAge) {
    this.queue = queue;
    this.maxAgeNanos = maxAge.toNanos();
  }

  public static void register(MeterRegistry registry, JobQueue queue, Duration maxAge) {
    QueueDepthGauges gauges = new QueueDepthGauges(queue, maxAge);
    for (String lane : LANES) {
      for (String status : STATUSES) {
        Gauge.builder("exora.queue.depth", gauges, g -> g.depth(lane, status))
            .description("live jobs by lane and status, and dead letters (failed)").tags("lane", lane, "status", status)
            .strongReference(true)  // nothing else holds the gauges object; a weak reference reads NaN after a GC
            .register(registry);
      }
    }
  }

  private synchronized double depth(String lane, String status) {
    long now = System.nanoTime();
    if (!taken || now - takenAt > maxAgeNanos) {
      try {
        snapshot = queue.depth();
      } catch (RuntimeException e) {
        log.warn("could not count the queue: {}", e.getMessage());
        return Double.NaN;
      } finally {
        takenAt = now;
        taken = true;
      }
    }
    return snapshot.getOrDefault(lane, Map.of()).getOrDefault(status, 0L);
  }
}
