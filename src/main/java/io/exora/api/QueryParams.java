package io.exora.api;

import io.javalin.http.Context;

/** Query parameters that must be whole numbers within a range, with one clear 400 otherwise. */
final class QueryParams {
  private QueryParams() {}

  static int intInRange(Context ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.strip());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.badRequest("invalid_input", name + " must be a whole number between " + min + " and " + max);
  }
}
