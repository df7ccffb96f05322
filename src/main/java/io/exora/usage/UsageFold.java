package io.exora.usage;

import io.exora.background.Periodic;
import io.exora.db.Caller;
import io.exora.db.RequestTransactions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the uploads of plans without upload limits into the usage ledger and the month counters,
 * once a second (usage_fold_uploads, V090__usage_metering.sql). Such an upload only marks its
 * file; counting it here, many at a time, keeps metering's writes off the upload's transaction
 * (decision 0011). A plan with limits is checked and counted in the upload's own transaction, and
 * the dashboard adds the uploads not folded yet, so neither waits for this loop.
 *
 * <p>Every server runs one; the database lets one fold at a time and the others skip their turn,
 * so any number of processes may run it. A fold that fails is retried at the next tick and loses
 * nothing: the files stay marked until a fold commits.
 */
public final class UsageFold implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UsageFold.class);
  /** How often uploads are counted: about the longest the month counters trail an upload. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  private final RequestTransactions transactions;
  private final Duration interval;
  private Periodic loop;
  /** Read and written by the fold's own thread only. */
  private boolean failing;

  public UsageFold(RequestTransactions transactions, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the usage fold interval must be positive, was " + interval);
    }
    this.transactions = transactions;
    this.interval = interval;
  }

  /**
   * Counts every upload whose transaction has ended. With {@code wait} it waits for a fold running
   * elsewhere instead of leaving the turn to it. Returns how many uploads this call counted.
   */
  public int foldNow(boolean wait) {
    return transactions.run(Caller.serviceRole(), null, h -> h.createQuery("select public.usage_fold_uploads(:wait)")
        .bind("wait", wait).mapTo(Integer.class).one());
  }

  /** Folds every interval on a daemon thread until {@link #close()}. */
  public synchronized UsageFold start() {
    if (loop != null) {
      throw new IllegalStateException("the usage fold is already started");
    }
    loop = Periodic.start("exora-usage-fold", interval, this::foldOnSchedule);
    return this;
  }

  /** One scheduled fold: a failure is logged once while it lasts, not once a second. */
  private void foldOnSchedule() {
    try {
      foldNow(false);
      failing = false;
    } catch (RuntimeException e) {
      if (!failing) {
        log.warn("usage fold failed, retrying every {}: {}", interval, e.toString());
      }
      failing = true;
    }
  }

  @Override
  public synchronized void close() {
    if (loop != null) {
      loop.close();
    }
  }
}
