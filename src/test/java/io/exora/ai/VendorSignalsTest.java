package io.exora.ai;

import static io.exora.ai.AiFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.exora.ratelimit.VendorSignal;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VendorSignalsTest {

  static HttpHeaders headers(String... pairs) {
    Map<String, List<String>> map = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], List.of(pairs[i + 1]));
    }
    return HttpHeaders.of(map, (a, b) -> true);
  }

  @Test
  void goDurationsAsOpenAiSendsThem() {
    assertThat(VendorSignals.duration("6m0s")).isEqualTo(Duration.ofMinutes(6));
    assertThat(VendorSignals.duration("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(VendorSignals.duration("20ms")).isEqualTo(Duration.ofMillis(20));
    assertThat(VendorSignals.duration("1h2m3.5s")).isEqualTo(Duration.ofSeconds(3_723, 500_000_000));
    assertThat(VendorSignals.duration("0s")).isEqualTo(Duration.ZERO);
    assertThat(VendorSignals.duration("250us")).isEqualTo(Duration.ofNanos(250_000));
  }

  @Test
  void whatIsNotADurationIsNull() {
    assertThat(VendorSignals.duration("6 minutes")).isNull();
    assertThat(VendorSignals.duration("6m0")).isNull();
    assertThat(VendorSignals.duration("")).isNull();
    assertThat(VendorSignals.duration(null)).isNull();
    assertThat(VendorSignals.duration("x1s")).isNull();
  }

  @Test
  void retryAfterInSecondsOrAsAnHttpDate() {
    assertThat(VendorSignals.retryAt(headers("retry-after", "30"), NOW)).isEqualTo(NOW.plusSeconds(30));
    assertThat(VendorSignals.retryAt(headers("retry-after", "0.5"), NOW)).isEqualTo(NOW.plusMillis(500));
    assertThat(VendorSignals.retryAt(headers("retry-after", "Sun, 22 Nov 2026 10:01:05 GMT"), NOW))
        .isEqualTo(Instant.parse("2026-11-22T10:01:05Z"));
    assertThat(VendorSignals.retryAt(headers("retry-after-ms", "250", "retry-after", "9"), NOW))
        .isEqualTo(NOW.plusMillis(250));
  }

  @Test
  void anUnreadableRetryAfterIsIgnoredNotFatal() {
    assertThat(VendorSignals.retryAt(headers("retry-after", "soon"), NOW)).isNull();
    assertThat(VendorSignals.retryAt(headers("retry-after", "-5"), NOW)).isNull();
    assertThat(VendorSignals.retryAt(headers("retry-after-ms", "x", "retry-after", "3"), NOW)).isEqualTo(NOW.plusSeconds(3));
    assertThat(VendorSignals.retryAt(headers(), NOW)).isNull();
  }

  @Test
  void openAiHeadersWithGarbageKeepWhatIsReadable() {
    VendorSignal s = VendorSignals.openAi(429, headers(
        "x-ratelimit-limit-requests", "many",
        "x-ratelimit-remaining-requests", "0",
        "x-ratelimit-reset-requests", "later",
        "x-ratelimit-reset-tokens", "2s"), new byte[0], NOW);

    assertThat(s).isEqualTo(new VendorSignal(429, null, 0L, null, null, null, NOW.plusSeconds(2), null));
    assertThat(s.isThrottled()).isTrue();
  }

  @Test
  void googleReadsRetryInfoOnlyFromA429AndPrefersTheHeader() {
    byte[] body = """
        {"error":{"code":429,"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"41.5s"}]}}"""
        .getBytes(StandardCharsets.UTF_8);

    assertThat(VendorSignals.google(429, headers(), body, NOW).retryAt()).isEqualTo(NOW.plusMillis(41_500));
    assertThat(VendorSignals.google(429, headers("retry-after", "3"), body, NOW).retryAt()).isEqualTo(NOW.plusSeconds(3));
    assertThat(VendorSignals.google(503, headers(), body, NOW).retryAt()).isNull();
    assertThat(VendorSignals.google(429, headers(), "not json".getBytes(StandardCharsets.UTF_8), NOW).retryAt()).isNull();
  }
}
