package io.exora.ai;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * What every HTTP adapter shares: the client, the per-request timeout, the clock that turns
 * relative limit headers into instants, the retry policy and the listener that hears every
 * response's limit signal.
 *
 * @param timeout the deadline of one HTTP call, body included (each retry gets its own)
 */
public record VendorHttp(HttpClient client, Duration timeout, InstantSource clock, RetryPolicy retry,
    SignalListener listener) {

  public VendorHttp {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(listener, "listener");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  /**
   * A client that follows no redirects (an API that redirects is misconfigured, and a redirect
   * would carry the API key elsewhere), connecting within the timeout or 10 s, whichever is less.
   */
  public static VendorHttp standard(Duration timeout, RetryPolicy retry, SignalListener listener) {
    return new VendorHttp(client(timeout), timeout, InstantSource.system(), retry, listener);
  }

  static HttpClient client(Duration timeout) {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
        .build();
  }

  HttpTransport transport(String provider, VendorSignals.Reader signals) {
    return new HttpTransport(provider, client, timeout, clock, signals, listener);
  }

  static String requireKey(String key, String variable) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException(variable + " is required (the API key)");
    }
    return key.trim();
  }

  static URI requireBaseUrl(URI url, String variable) {
    if (url == null || url.getHost() == null
        || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))) {
      throw new IllegalArgumentException(variable + " must be an absolute http(s) URL, got " + url);
    }
    return url;
  }
}
