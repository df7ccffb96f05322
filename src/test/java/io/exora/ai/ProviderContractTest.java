package io.exora.ai;

import static io.exora.ai.AiFixtures.GOOD_OUTPUT;
import static io.exora.ai.AiFixtures.NOW;
import static io.exora.ai.AiFixtures.OFF_SCHEMA_OUTPUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.exora.ai.AiFixtures.RecordingListener;
import io.exora.ai.AiFixtures.RecordingSleeper;
import io.exora.ai.ProviderException.Code;
import io.exora.ratelimit.VendorSignal;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every HTTP adapter must do, whatever its wire format: each test scripts a loopback vendor
 * and asserts the outcome, the number of HTTP calls, and the waits the retry policy asked for.
 * Each vendor's test class supplies its wire format and adds its own cases.
 */
abstract class ProviderContractTest {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** The usage every {@link #answer} reports: 1,200 input (200 of them cached), 90 output. */
  static final Usage ANSWER_USAGE = new Usage(1_200, 90, 200);

  VendorServer vendor;
  RecordingSleeper sleeper;
  RecordingListener listener;

  /** The adapter under test, talking to {@code baseUrl} (the loopback vendor's root). */
  abstract AiProvider create(URI baseUrl, VendorHttp http);

  /** The model the tests ask for. */
  abstract String model();

  /** A 2xx body carrying {@code output} as the answer, with {@link #ANSWER_USAGE}. */
  abstract String answer(String output);

  /** A 2xx body whose answer was cut off at the output token limit (its text is partial JSON). */
  abstract String cutOffAnswer();

  /** The vendor's error body. */
  abstract String error(String message);

  /** The status the vendor uses for "overloaded": 529 (Anthropic) or 503. */
  int overloadedStatus() {
    return 503;
  }

  Code overloadedCode() {
    return Code.SERVER_ERROR;
  }

  @BeforeEach
  void startVendor() {
    vendor = VendorServer.start();
    sleeper = new RecordingSleeper();
    listener = new RecordingListener();
  }

  @AfterEach
  void stopVendor() {
    vendor.close();
  }

  AiProvider provider(int maxAttempts) {
    return provider(maxAttempts, TIMEOUT);
  }

  AiProvider provider(int maxAttempts, Duration timeout) {
    return create(vendor.baseUrl(), AiFixtures.http(timeout, maxAttempts, sleeper, listener));
  }

  ExtractionResult extract(AiProvider provider) throws ProviderException {
    return provider.extract(AiFixtures.request(model()));
  }

  ProviderException failure(AiProvider provider) {
    return catchThrowableOfType(ProviderException.class, () -> extract(provider));
  }

  // ---- success ---------------------------------------------------------------------------------

  @Test
  void anAnswerThatConformsIsReturnedWithItsUsage() throws Exception {
    vendor.reply(200, answer(GOOD_OUTPUT));

    ExtractionResult result = extract(provider(3));

    assertThat(result.output()).isEqualTo(AiFixtures.json(GOOD_OUTPUT));
    assertThat(result.usage()).isEqualTo(ANSWER_USAGE);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(result.provider()).isEqualTo(provider(1).name());
    assertThat(result.signal().status()).isEqualTo(200);
    assertThat(sleeper.waits).isEmpty();
    assertThat(listener.models).containsExactly(result.provider() + "/" + model());
  }

  @Test
  void aFailingListenerDoesNotFailTheCall() throws Exception {
    vendor.reply(200, answer(GOOD_OUTPUT));
    SignalListener broken = (provider, model, signal) -> {
      throw new IllegalStateException("the limiter's database is down");
    };

    ExtractionResult result = create(vendor.baseUrl(), AiFixtures.http(TIMEOUT, 1, sleeper, broken))
        .extract(AiFixtures.request(model()));

    assertThat(result.output()).isEqualTo(AiFixtures.json(GOOD_OUTPUT));
  }

  @Test
  void theEstimateCoversTheInputAndTheWholeOutputAllowance() {
    ExtractionRequest r = AiFixtures.request(model());
    long inputChars = r.prompt().instructions().length() + r.text().length() + Json.bytes(r.schema()).length;

    assertThat(provider(1).estimateTokens(r)).isEqualTo((long) Math.ceil(inputChars / 4.0) + r.maxOutputTokens());
  }

  // ---- retried ---------------------------------------------------------------------------------

  @Test
  void a429IsRetriedAfterTheWaitItsRetryAfterNames() throws Exception {
    vendor.reply(429, error("slow down"), "retry-after", "2")
        .reply(200, answer(GOOD_OUTPUT));

    ExtractionResult result = extract(provider(3));

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(2));
    assertThat(vendor.requests()).hasSize(2);
    // The limiter hears the 429 too, although the retry succeeded.
    assertThat(listener.signals).extracting(VendorSignal::status).containsExactly(429, 200);
    assertThat(listener.signals.get(0).retryAt()).isEqualTo(NOW.plusSeconds(2));
    assertThat(listener.signals.get(0).isThrottled()).isTrue();
  }

  @Test
  void a429WhoseRetryAfterIsPastTheCapIsNotWaitedForButHandedBack() {
    vendor.reply(429, error("quota"), "retry-after", "600");

    ProviderException e = failure(provider(4));

    assertThat(e.code()).isEqualTo(Code.RATE_LIMITED);
    assertThat(e.retryable()).isTrue();
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(e.httpStatus()).isEqualTo(429);
    assertThat(e.signal().retryAt()).isEqualTo(NOW.plusSeconds(600));
    assertThat(sleeper.waits).isEmpty();
  }

  @Test
  void overloadIsRetried() throws Exception {
    vendor.reply(overloadedStatus(), error("overloaded")).reply(200, answer(GOOD_OUTPUT));

    ExtractionResult result = extract(provider(3));

    assertThat(result.attempts()).isEqualTo(2);
    assertThat(sleeper.waits).hasSize(1);
    // Full jitter before the second attempt: within [0, base].
    assertThat(sleeper.waits.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(500));
  }

  @Test
  void serverErrorsAreRetriedUpToTheCapThenReported() {
    vendor.reply(500, error("boom")).reply(502, "<html>bad gateway</html>").reply(500, error("boom"))
        .reply(200, answer(GOOD_OUTPUT));

    ProviderException e = failure(provider(3));

    assertThat(e.code()).isEqualTo(Code.SERVER_ERROR);
    assertThat(e.attempts()).isEqualTo(3);
    assertThat(e.httpStatus()).isEqualTo(500);
    assertThat(e.getMessage()).contains("HTTP 500").contains("boom");
    assertThat(vendor.requests()).hasSize(3);
    assertThat(sleeper.waits).hasSize(2);
    assertThat(sleeper.waits.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(1_000));
  }

  @Test
  void overloadWithoutARetryGivesTheOverloadCode() {
    vendor.reply(overloadedStatus(), error("overloaded"));

    ProviderException e = failure(provider(1));

    assertThat(e.code()).isEqualTo(overloadedCode());
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void aSlowBodyPastTheTimeoutFailsAsATimeoutAndIsRetried() {
    String body = answer(GOOD_OUTPUT);
    vendor.stallMidBody(200, body, body.length() / 2).stallMidBody(200, body, body.length() / 2);
    long started = System.nanoTime();

    ProviderException e = failure(provider(2, Duration.ofMillis(300)));

    assertThat(e.code()).isEqualTo(Code.TIMEOUT);
    assertThat(e.retryable()).isTrue();
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e.httpStatus()).isNull();
    assertThat(vendor.requests()).hasSize(2);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aRefusedConnectionIsANetworkErrorAndIsRetried() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    AiProvider provider = create(URI.create("http://127.0.0.1:" + closedPort),
        AiFixtures.http(TIMEOUT, 3, sleeper, listener));

    ProviderException e = catchThrowableOfType(ProviderException.class, () -> extract(provider));

    assertThat(e.code()).isEqualTo(Code.NETWORK);
    assertThat(e.attempts()).isEqualTo(3);
    assertThat(sleeper.waits).hasSize(2);
  }

  // ---- permanent -------------------------------------------------------------------------------

  @Test
  void aBadRequestIsNotRetried() {
    vendor.reply(400, error("schema is not valid for strict mode"));

    ProviderException e = failure(provider(4));

    assertThat(e.code()).isEqualTo(Code.BAD_REQUEST);
    assertThat(e.retryable()).isFalse();
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(e.getMessage()).contains("schema is not valid for strict mode");
    assertThat(vendor.requests()).hasSize(1);
    assertThat(sleeper.waits).isEmpty();
  }

  @Test
  void aRejectedKeyIsNotRetried() {
    vendor.reply(401, error("invalid api key"));

    ProviderException e = failure(provider(4));

    assertThat(e.code()).isEqualTo(Code.UNAUTHORIZED);
    assertThat(vendor.requests()).hasSize(1);
  }

  @Test
  void aMalformedBodyIsPermanent() {
    vendor.reply(200, "{\"id\": \"x\", oops}");

    ProviderException e = failure(provider(4));

    assertThat(e.code()).isEqualTo(Code.MALFORMED_RESPONSE);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("not valid JSON");
    assertThat(e.httpStatus()).isEqualTo(200);
    assertThat(vendor.requests()).hasSize(1);
  }

  @Test
  void aTruncatedBodyIsPermanent() {
    String body = answer(GOOD_OUTPUT);
    vendor.reply(200, body.substring(0, body.length() * 2 / 3));

    ProviderException e = failure(provider(4));

    assertThat(e.code()).isEqualTo(Code.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).contains("truncated");
    assertThat(vendor.requests()).hasSize(1);
  }

  @Test
  void anAnswerCutOffAtTheTokenLimitIsMalformedAndKeepsItsUsage() {
    vendor.reply(200, cutOffAnswer());

    ProviderException e = failure(provider(4));

    assertThat(e.code()).isEqualTo(Code.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).contains("cut off at max_output_tokens");
    assertThat(e.usage()).isEqualTo(ANSWER_USAGE);
    assertThat(vendor.requests()).hasSize(1);
  }

  @Test
  void anAnswerThatBreaksTheSchemaNamesThePointersAndKeepsItsUsage() {
    vendor.reply(200, answer(OFF_SCHEMA_OUTPUT));

    ProviderException e = failure(provider(4));

    assertThat(e.code()).isEqualTo(Code.SCHEMA_VIOLATION);
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).contains("/vitals/0/kind: must be one of").contains("/vitals/0/value: -3 is less than minimum 0");
    assertThat(e.usage()).isEqualTo(ANSWER_USAGE);
    assertThat(e.signal().status()).isEqualTo(200);
    assertThat(vendor.requests()).hasSize(1);
  }
}
