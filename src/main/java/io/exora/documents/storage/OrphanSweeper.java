package io.exora.documents.storage;

import io.exora.background.Periodic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes stored objects that no shell file references and that are older than the grace period:
 * the leftovers of uploads whose database transaction failed after the object was written, or of
 * a process that died between the two. Also removes the remains of puts that never finished.
 *
 * <p>The race it must not lose: an upload writes its object, then commits the row that references
 * it. Between the two the object is unreferenced but wanted. The sweeper only considers objects
 * older than the grace period (an hour by default, against an upload's seconds), so a pass that
 * reads "unreferenced" about an object has given its upload that long to commit. The object's
 * age is by the storage's clock and the cutoff by this one; the grace period dwarfs any skew.
 *
 * <p>Safe to run in several processes at once: deleting an object twice is harmless.
 */
public final class OrphanSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);

  /** What one pass did. */
  public record Result(int examined, int deleted, int failed, int incompleteRemoved) {}

  private final ObjectStorage storage;
  private final ObjectReferences references;
  private final OrphanSweeperConfig config;
  private final InstantSource clock;
  private Periodic loop;

  public OrphanSweeper(ObjectStorage storage, ObjectReferences references, OrphanSweeperConfig config,
      InstantSource clock) {
    this.storage = storage;
    this.references = references;
    this.config = config;
    this.clock = clock;
  }

  /**
   * One pass over every object older than the grace period, a page at a time until a short page.
   * A failed delete is counted and the pass goes on (the next pass tries again); a failed listing
   * or reference query ends the pass with an exception, having deleted nothing it was unsure of.
   */
  public Result runOnce() {
    Instant cutoff = clock.instant().minus(config.gracePeriod());
    int examined = 0;
    int deleted = 0;
    int failed = 0;
    String after = null;
    List<ObjectInfo> page;
    try {
      do {
        page = storage.listOlderThan("", cutoff, after, config.pageSize());
        if (page.isEmpty()) {
          break;
        }
        examined += page.size();
        Set<String> referenced = references.referencedAmong(page.stream().map(ObjectInfo::key).toList());
        for (ObjectInfo object : page) {
          if (referenced.contains(object.key())) {
            continue;
          }
          try {
            storage.delete(object.key());
            deleted++;
          } catch (IOException e) {
            if (failed++ == 0) {  // one line per pass, not one per object, when storage is down
              log.warn("could not delete orphaned object {}: {}", object.key(), e.getMessage());
            }
          }
        }
        after = page.get(page.size() - 1).key();
      } while (page.size() == config.pageSize());
      int incomplete = storage.removeIncomplete(cutoff);
      Result result = new Result(examined, deleted, failed, incomplete);
      if (deleted > 0 || failed > 0 || incomplete > 0) {
        log.info("orphan sweep: deleted {} unreferenced object(s) of {} examined, {} failed,"
            + " removed {} incomplete upload(s)", deleted, examined, failed, incomplete);
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("orphan sweep of " + storage.describe() + " failed", e);
    }
  }

  /** Runs a pass now and then every interval, on a daemon thread, until {@link #close()}. */
  public synchronized OrphanSweeper start() {
    if (loop != null) {
      throw new IllegalStateException("the orphan sweeper is already started");
    }
    loop = Periodic.start("exora-orphan-sweeper", config.interval(), () -> {
      try {
        runOnce();
      } catch (RuntimeException e) {
        log.error("orphan sweep failed, will retry in {}: {}", config.interval(), e.getMessage());
      }
    });
    return this;
  }

  @Override
  public synchronized void close() {
    if (loop != null) {
      loop.close();
    }
  }
}
