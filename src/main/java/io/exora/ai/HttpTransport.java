package io.exora.ai;

import io.exora.ai.ProviderException.Code;
import io.exora.ratelimit.VendorSignal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON POST to a vendor, with a hard deadline, a bounded body, and every outcome mapped to a
 * result or a {@link ProviderException} with the right code. Shared by every HTTP adapter.
 *
 * <p>The deadline covers the whole exchange. {@link HttpRequest#timeout} alone is not enough: it
 * ends when the response headers arrive, so a vendor that sends headers and then stalls in the
 * body would hold the worker forever. The response future is therefore awaited with the same
 * timeout and cancelled (which aborts the exchange) when it passes.
 */
final class HttpTransport {
  private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
  /** Larger answers are refused: an extraction's JSON is far smaller, and memory is shared. */
  static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
  private static final int MAX_ERROR_MESSAGE_CHARS = 300;

  /** A 2xx response and what it said about the vendor's limits. */
  record Reply(int status, HttpHeaders headers, byte[] body, VendorSignal signal) {
    String text() {
      return Json.utf8(body);
    }
  }

  private final String provider;
  private final HttpClient client;
  private final Duration timeout;
  private final InstantSource clock;
  private final VendorSignals.Reader signals;
  private final SignalListener listener;

  HttpTransport(String provider, HttpClient client, Duration timeout, InstantSource clock,
      VendorSignals.Reader signals, SignalListener listener) {
    this.provider = Objects.requireNonNull(provider);
    this.client = Objects.requireNonNull(client);
    this.timeout = Objects.requireNonNull(timeout);
    this.clock = Objects.requireNonNull(clock);
    this.signals = Objects.requireNonNull(signals);
    this.listener = Objects.requireNonNull(listener);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  InstantSource clock() {
    return clock;
  }

  /**
   * POSTs {@code body} as JSON. Returns a 2xx reply; anything else throws: 429 rate_limited, 529
   * overloaded, other 5xx server_error, 408 timeout, 401/403 unauthorized, other statuses
   * bad_request (4xx) or malformed_response (1xx, 3xx); no response in time: timeout; a transport
   * failure: network.
   *
   * @param model the model named by the request, for the signal listener
   */
  Reply post(URI uri, Map<String, String> headers, byte[] body, String model) throws ProviderException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    HttpResponse<byte[]> response = send(request.build());
    int status = response.statusCode();
    VendorSignal signal = signals.read(status, response.headers(), response.body(), clock.instant());
    tell(model, signal);
    if (status >= 200 && status < 300) {
      return new Reply(status, response.headers(), response.body(), signal);
    }
    String message = "HTTP " + status + " from " + provider + vendorMessage(response.body());
    throw new ProviderException(codeFor(status), message, status, signal, null, null);
  }

  /**
   * Hands the signal to the listener (the shared limiter). Its failure, a database hiccup say, is
   * logged and does not fail the call: the vendor has answered and its tokens are spent.
   */
  private void tell(String model, VendorSignal signal) {
    try {
      listener.onSignal(provider, model, signal);
    } catch (RuntimeException e) {
      LOG.warn("The rate-limit listener failed on a {} signal for {}/{}; the call goes on", signal.status(),
          provider, model, e);
    }
  }

  static Code codeFor(int status) {
    if (status == 429) {
      return Code.RATE_LIMITED;
    }
    if (status == 529) {
      return Code.OVERLOADED;
    }
    if (status >= 500 && status <= 599) {
      return Code.SERVER_ERROR;
    }
    if (status == 408) {
      return Code.TIMEOUT;
    }
    if (status == 401 || status == 403) {
      return Code.UNAUTHORIZED;
    }
    if (status >= 400 && status <= 499) {
      return Code.BAD_REQUEST;
    }
    return Code.MALFORMED_RESPONSE;
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws ProviderException {
    CompletableFuture<HttpResponse<byte[]>> pending =
        client.sendAsync(request, info -> new BoundedBody(MAX_RESPONSE_BYTES));
    try {
      return pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new ProviderException(Code.TIMEOUT, "no complete response from " + provider + " within "
          + timeout.toMillis() + " ms", null, null, null, e);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new ProviderException(Code.NETWORK, "interrupted while waiting for " + provider,
          null, null, null, e);
    } catch (CancellationException e) {
      throw new ProviderException(Code.NETWORK, "the call to " + provider + " was cancelled",
          null, null, null, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof BodyTooLarge) {
        throw ProviderException.malformed("the response from " + provider + " is larger than "
            + MAX_RESPONSE_BYTES + " bytes");
      }
      if (cause instanceof HttpTimeoutException) {
        throw new ProviderException(Code.TIMEOUT, "no response from " + provider + " within "
            + timeout.toMillis() + " ms", null, null, null, cause);
      }
      String what = cause instanceof ConnectException ? "could not connect to " : "transport failure talking to ";
      throw new ProviderException(Code.NETWORK, what + provider + ": " + cause, null, null, null, cause);
    }
  }

  /** The vendor's own explanation: every vendor here sends {@code {"error": {"message": ...}}}. */
  private static String vendorMessage(byte[] body) {
    try {
      String message = Json.MAPPER.readTree(body).path("error").path("message").asText("");
      if (message.isBlank()) {
        return "";
      }
      return ": " + (message.length() > MAX_ERROR_MESSAGE_CHARS
          ? message.substring(0, MAX_ERROR_MESSAGE_CHARS) + "..." : message);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The body is larger than allowed; the exchange was cancelled before reading the rest. */
  static final class BodyTooLarge extends IOException {
    BodyTooLarge() {
      super("response body too large", null);
    }
  }

  /** Collects the body into memory, refusing (and cancelling the exchange) past {@code max} bytes. */
  static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final long max;
    private Flow.Subscription subscription;

    BoundedBody(long max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        if (buffer.size() + (long) b.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new BodyTooLarge());
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        buffer.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(buffer.toByteArray());
    }
  }
}
