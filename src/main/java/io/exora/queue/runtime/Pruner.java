package io.exora.queue.runtime;

import io.exora.queue.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps job_queue small: moves finished jobs past their retention into job_queue_archive, a page
 * at a time until a short page says there is no more. Safe to run in every worker at once (the
 * SQL skips rows another pruner holds).
 */
public final class Pruner {
  private static final Logger log = LoggerFactory.getLogger(Pruner.class);
  static final int PAGE = 5_000;
  private final JobQueue queue;

  public Pruner(JobQueue queue) {
    this.queue = queue;
  }

  /** One pass; returns the number of jobs moved. */
  public int runOnce() {
    int total = 0;
    int moved;
    do {
      moved = queue.prune(PAGE);
      total += moved;
    } while (moved == PAGE);
    if (total > 0) {
      log.info("archived {} finished job(s)", total);
    }
    return total;
  }
}
