package io.exora.documents.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * The orphan sweeper's settings. Defaults are named constants; the constructor refuses values that
 * would make the sweeper dangerous (a grace period too short to cover an upload in flight) or
 * useless.
 *
 * @param gracePeriod how old an unreferenced object must be before it is deleted. An upload stores
 *     its object first and commits its shell file row a moment later; until then the object is
 *     unreferenced but wanted. The grace period must outlast that gap by far.
 * @param pageSize how many objects one listing and one reference query cover
 * @param interval the pause between passes of {@link OrphanSweeper#start()}
 */
public record OrphanSweeperConfig(Duration gracePeriod, int pageSize, Duration interval) {
  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofHours(1);
  public static final Duration MIN_GRACE_PERIOD = Duration.ofMinutes(5);
  public static final int DEFAULT_PAGE_SIZE = ObjectStorage.DEFAULT_LIST_LIMIT;
  public static final int MAX_PAGE_SIZE = 10_000;
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);

  public OrphanSweeperConfig {
    Objects.requireNonNull(gracePeriod, "gracePeriod");
    Objects.requireNonNull(interval, "interval");
    if (gracePeriod.compareTo(MIN_GRACE_PERIOD) < 0) {
      throw new IllegalArgumentException("the orphan grace period must be at least " + MIN_GRACE_PERIOD
          + ", or uploads still committing could lose their object; got " + gracePeriod);
    }
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("the orphan sweep page size must be between 1 and " + MAX_PAGE_SIZE);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the orphan sweep interval must be positive");
    }
  }

  public static OrphanSweeperConfig defaults() {
    return new OrphanSweeperConfig(DEFAULT_GRACE_PERIOD, DEFAULT_PAGE_SIZE, DEFAULT_INTERVAL);
  }

  public OrphanSweeperConfig withPageSize(int size) {
    return new OrphanSweeperConfig(gracePeriod, size, interval);
  }

  public OrphanSweeperConfig withInterval(Duration every) {
    return new OrphanSweeperConfig(gracePeriod, pageSize, every);
  }
}
