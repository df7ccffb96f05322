package io.exora.queue.runtime;

import io.exora.queue.JobQueue;
import io.exora.queue.JobQueue.Completion;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes effect-free attempts in batches: it writes whatever has accumulated while the previous
 * write was in flight, so under load one statement completes hundreds of jobs and when idle a
 * completion is written at once. Until its batch commits, a job stays held and heart-beaten; if
 * the worker dies first the job is rescued and runs again, which is harmless because it had no
 * effects.
 *
 * <p>It may run on several threads at once, each writing its own batch: a job is in exactly one
 * batch, so their row sets are disjoint, and each locks its rows in id order, as the heartbeat does.
 */
final class BatchCompleter implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(BatchCompleter.class);
  private final JobQueue queue;
  private final String workerId;
  private final int maxBatch;
  private final Consumer<Completion> onWritten;
  private final Consumer<Duration> onBatchTimed;
  private final LinkedBlockingQueue<Completion> pending = new LinkedBlockingQueue<>();
  private volatile boolean running = true;

  BatchCompleter(JobQueue queue, String workerId, int maxBatch, Consumer<Completion> onWritten,
      Consumer<Duration> onBatchTimed) {
    this.queue = queue;
    this.workerId = workerId;
    this.maxBatch = maxBatch;
    this.onWritten = onWritten;
    this.onBatchTimed = onBatchTimed;
  }

  void add(Completion completion) {
    pending.add(completion);
  }

  @Override
  public void run() {
    List<Completion> batch = new ArrayList<>(maxBatch);
    while (running || !pending.isEmpty()) {
      try {
        Completion first = pending.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        pending.drainTo(batch, maxBatch - 1);
        write(batch);
        batch.clear();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops after writing everything already handed over. */
  void stop() {
    running = false;
  }

  private void write(List<Completion> batch) throws InterruptedException {
    long backoff = 100;
    while (true) {
      try {
        long start = System.nanoTime();
        Set<UUID> completed = queue.completeAll(workerId, batch);
        onBatchTimed.accept(Duration.ofNanos(System.nanoTime() - start));
        if (completed.size() < batch.size()) {
          log.debug("{} completion(s) matched no held job (lease lost)", batch.size() - completed.size());
        }
        batch.forEach(onWritten);
        return;
      } catch (RuntimeException e) {
        if (refusesItsData(e)) {
          // Retrying would fail the same way for ever, and the jobs would stay held and
          // heart-beaten, never rescued: find the completion at fault and dead-letter its job.
          if (batch.size() > 1) {
            for (Completion one : batch) {
              write(List.of(one));
            }
          } else {
            deadLetter(batch.get(0), e);
          }
          return;
        }
        // The database is away; keep the batch and try again. If this outlasts the heartbeat
        // timeout, the jobs are rescued and these completions will match nothing: still correct.
        log.warn("could not write {} completion(s), retrying: {}", batch.size(), e.getMessage());
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  /**
   * True when the server refused the statement's data (SQLSTATE class 22, data exception: for
   * example a result with a NUL character, which jsonb cannot hold), not its connection or a
   * conflict that a retry can get past.
   */
  private static boolean refusesItsData(Throwable e) {
    String state = sqlState(e);
    return state != null && state.startsWith("22");
  }

  private static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }

  private void deadLetter(Completion completion, RuntimeException cause) {
    // The state only: the server's message and the driver's quote the data, which may be a patient's.
    String message = "the handler's result could not be stored (SQLSTATE " + sqlState(cause) + ")";
    try {
      queue.fail(workerId, completion.job(), message, Map.of("code", "result_not_storable"), false, null);
      log.warn("job {} dead-lettered: {}", completion.job().id(), message);
    } catch (RuntimeException e) {
      log.warn("could not dead-letter job {}; it will be rescued after the timeout: {}", completion.job().id(),
          e.getMessage());
    }
    onWritten.accept(completion);
  }
}
