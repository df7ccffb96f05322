package io.exora.api;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Every request has a correlation id: the caller's {@code X-Correlation-Id} when it is a sane
 * token, else a new UUID. It is echoed on the response, put in the log MDC, and handed to the
 * request transaction so audit rows carry it.
 */
public final class CorrelationIds {
  public static final String HEADER = "X-Correlation-Id";
  private static final String ATTRIBUTE = "exora.correlation_id";
  private static final String MDC_KEY = "correlation_id";
  // Accept only what is safe in a log line and a header: no spaces, no control characters.
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private CorrelationIds() {}

  static void assign(Context ctx) {
    String given = ctx.header(HEADER);
    String id = given != null && SAFE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.attribute(ATTRIBUTE, id);
    ctx.header(HEADER, id);
    MDC.put(MDC_KEY, id);
  }

  static void clear() {
    MDC.remove(MDC_KEY);
  }

  public static String of(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id == null ? "" : id;
  }
}
