package io.exora.queue.runtime;

import io.exora.queue.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the archive's retention: deletes jobs that finished more than
 * {@code queue.retention_archive_days} ago from job_queue_archive, a page at a time until a short
 * page says there is no more. (job_queue itself holds only live jobs: a job leaves it as it
 * finishes.) Safe to run in every worker at once (the SQL skips rows another pruner holds).
 */
public final class Pruner {
  private static final Logger log = LoggerFactory.getLogger(Pruner.class);
  static final int PAGE = 5_000;
  private final JobQueue queue;

  public Pruner(JobQueue queue) {
    this.queue = queue;
  }

  /** One pass; returns the number of archived jobs deleted. */
  public int runOnce() {
    int total = 0;
    int moved;
    do {
      moved = queue.prune(PAGE);
      total += moved;
    } while (moved == PAGE);
    if (total > 0) {
      log.info("deleted {} archived job(s) past their retention", total);
    }
    return total;
  }
}
