package io.exora.ai;

import static io.exora.ai.AiFixtures.CLOCK;
import static io.exora.ai.AiFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.exora.ai.AiFixtures.RecordingSleeper;
import io.exora.ai.ProviderException.Code;
import io.exora.ratelimit.VendorSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetryPolicyTest {
  static final RetryPolicy.Settings SETTINGS =
      new RetryPolicy.Settings(5, Duration.ofMillis(500), Duration.ofSeconds(4));

  /** A random source that always draws the largest value allowed, or the smallest. */
  static RandomGenerator extreme(boolean largest, List<Long> bounds) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public long nextLong(long bound) {
        bounds.add(bound);
        return largest ? bound - 1 : 0;
      }
    };
  }

  static ProviderException failure(Code code, Instant retryAt) {
    VendorSignal signal = retryAt == null ? null : new VendorSignal(429, null, null, null, null, null, null, retryAt);
    return new ProviderException(code, "scripted", null, signal, null, null);
  }

  @Test
  void fullJitterDrawsFromZeroToTheDoublingCeilingCappedAtMaxDelay() {
    List<Long> bounds = new ArrayList<>();
    RetryPolicy largest = new RetryPolicy(SETTINGS, d -> {}, CLOCK, extreme(true, bounds));
    RetryPolicy smallest = new RetryPolicy(SETTINGS, d -> {}, CLOCK, extreme(false, new ArrayList<>()));

    // Ceilings: 500, 1000, 2000, 4000 (cap), 4000, ... ms; the draw is inclusive of the ceiling.
    assertThat(List.of(1, 2, 3, 4, 5, 40, 100).stream().map(largest::backoff).toList()).containsExactly(
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
        Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(4));
    assertThat(bounds).containsExactly(501L, 1001L, 2001L, 4001L, 4001L, 4001L, 4001L);
    assertThat(smallest.backoff(3)).isEqualTo(Duration.ZERO);
  }

  @Test
  void jitteredWaitsSpreadOverTheWholeRange() {
    RetryPolicy policy = new RetryPolicy(SETTINGS, d -> {}, CLOCK, new Random(7));
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      waits.add(policy.backoff(3));
    }

    assertThat(waits).allSatisfy(w -> assertThat(w).isBetween(Duration.ZERO, Duration.ofSeconds(2)));
    // Full jitter, not "equal jitter": waits below half the ceiling are as common as above it.
    long low = waits.stream().filter(w -> w.toMillis() < 1_000).count();
    assertThat(low).isBetween(800L, 1_200L);
  }

  @Test
  void retryAfterIsPreferredToTheBackoff() {
    RetryPolicy policy = new RetryPolicy(SETTINGS, d -> {}, CLOCK, extreme(true, new ArrayList<>()));

    assertThat(policy.delayAfter(1, failure(Code.RATE_LIMITED, NOW.plusSeconds(3)))).isEqualTo(Duration.ofSeconds(3));
    // Even when it is shorter than the backoff would have been.
    assertThat(policy.delayAfter(4, failure(Code.OVERLOADED, NOW.plusMillis(10)))).isEqualTo(Duration.ofMillis(10));
    // A moment already past means now.
    assertThat(policy.delayAfter(1, failure(Code.RATE_LIMITED, NOW.minusSeconds(1)))).isEqualTo(Duration.ZERO);
  }

  @Test
  void aRetryAfterPastTheCapEndsTheRetriesAtOnceWithTheSignal() {
    RecordingSleeper sleeper = new RecordingSleeper();
    RetryPolicy policy = new RetryPolicy(SETTINGS, sleeper, CLOCK, new Random(1));
    AtomicInteger calls = new AtomicInteger();

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> policy.run(n -> {
      calls.incrementAndGet();
      throw failure(Code.RATE_LIMITED, NOW.plusSeconds(5));
    }));

    assertThat(calls).hasValue(1);
    assertThat(sleeper.waits).isEmpty();
    assertThat(e.signal().retryAt()).isEqualTo(NOW.plusSeconds(5));
    assertThat(e.attempts()).isEqualTo(1);
  }

  @Test
  void retryableFailuresAreRetriedUntilMaxAttempts() {
    RecordingSleeper sleeper = new RecordingSleeper();
    RetryPolicy policy = new RetryPolicy(SETTINGS, sleeper, CLOCK, extreme(true, new ArrayList<>()));
    List<Integer> attempts = new ArrayList<>();

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> policy.run(n -> {
      attempts.add(n);
      throw failure(Code.SERVER_ERROR, null);
    }));

    assertThat(attempts).containsExactly(1, 2, 3, 4, 5);
    assertThat(e.attempts()).isEqualTo(5);
    assertThat(e.code()).isEqualTo(Code.SERVER_ERROR);
    assertThat(sleeper.waits).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(4));
  }

  @Test
  void aSuccessAfterFailuresReportsItsAttempt() throws Exception {
    RetryPolicy policy = new RetryPolicy(SETTINGS, d -> {}, CLOCK, new Random(1));

    RetryPolicy.Attempted<String> done = policy.run(n -> {
      if (n < 3) {
        throw failure(Code.TIMEOUT, null);
      }
      return "ok";
    });

    assertThat(done).isEqualTo(new RetryPolicy.Attempted<>("ok", 3));
  }

  @ParameterizedTest
  @EnumSource(value = Code.class, names = {"BAD_REQUEST", "UNAUTHORIZED", "MALFORMED_RESPONSE", "SCHEMA_VIOLATION"})
  void permanentFailuresAreNeverRetried(Code code) {
    RecordingSleeper sleeper = new RecordingSleeper();
    RetryPolicy policy = new RetryPolicy(SETTINGS, sleeper, CLOCK, new Random(1));
    AtomicInteger calls = new AtomicInteger();

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> policy.run(n -> {
      calls.incrementAndGet();
      throw failure(code, NOW.plusSeconds(1));
    }));

    assertThat(calls).hasValue(1);
    assertThat(e.code()).isEqualTo(code);
    assertThat(sleeper.waits).isEmpty();
  }

  @Test
  void exactlyTheLoadServerAndTransportCodesAreRetryable() {
    assertThat(List.of(Code.values()).stream().filter(Code::retryable).toList())
        .containsExactlyInAnyOrder(Code.RATE_LIMITED, Code.OVERLOADED, Code.SERVER_ERROR, Code.TIMEOUT, Code.NETWORK);
  }

  @Test
  void anInterruptedWaitStopsRetrying() {
    RetryPolicy policy = new RetryPolicy(SETTINGS, d -> {
      throw new InterruptedException("shutting down");
    }, CLOCK, new Random(1));
    AtomicInteger calls = new AtomicInteger();

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> policy.run(n -> {
      calls.incrementAndGet();
      throw failure(Code.SERVER_ERROR, null);
    }));

    assertThat(calls).hasValue(1);
    assertThat(e.code()).isEqualTo(Code.SERVER_ERROR);
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void settingsRefuseNonsense() {
    assertThatThrownBy(() -> new RetryPolicy.Settings(0, Duration.ofSeconds(1), Duration.ofSeconds(2)))
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> new RetryPolicy.Settings(3, Duration.ZERO, Duration.ofSeconds(2)))
        .hasMessageContaining("baseDelay");
    assertThatThrownBy(() -> new RetryPolicy.Settings(3, Duration.ofSeconds(5), Duration.ofSeconds(2)))
        .hasMessageContaining("maxDelay");
  }
}
