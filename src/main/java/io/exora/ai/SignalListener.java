package io.exora.ai;

import io.exora.ratelimit.VendorSignal;

/**
 * Hears every vendor response's limit signal, including those of attempts that are retried, so
 * the shared limiter learns of a 429 even when the retry then succeeds.
 */
@FunctionalInterface
public interface SignalListener {
  SignalListener NONE = (provider, model, signal) -> {};

  /**
   * @param provider "openai", "anthropic" or "google"
   * @param model the model the request named
   */
  void onSignal(String provider, String model, VendorSignal signal);
}
