package io.exora.api;

import com.fasterxml.jackson.core.JacksonException;
import io.exora.auth.AuthException;
import io.exora.db.ConnectionsBusy;
import io.exora.documents.UploadRejected;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from failures to HTTP responses. A client sees a status, a stable code, a short
 * message and the correlation id; never a database message or a stack trace. Unknown failures
 * are logged in full and answered with a bare 500.
 */
public final class ErrorMapper {
  private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  public static void handle(Exception e, Context ctx) {
    ApiError error = translate(e);
    if (error.status() >= 500 && error.status() != 503) {
      log.error("unhandled failure on {} {}", ctx.method(), ctx.path(), e);
    } else if (error.status() == 503) {
      log.warn("database unavailable on {} {}: {}", ctx.method(), ctx.path(), e.toString());
    }
    respond(ctx, error);
  }

  public static void respond(Context ctx, ApiError error) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", error.code());
    body.put("message", error.getMessage());
    body.put("correlation_id", CorrelationIds.of(ctx));
    ctx.status(error.status()).json(Map.of("error", body));
  }

  static ApiError translate(Throwable e) {
    if (e instanceof ApiError api) {
      return api;
    }
    if (e instanceof UploadRejected rejected) {
      return switch (rejected.reason()) {
        case EMPTY -> ApiError.badRequest("empty_file", rejected.getMessage());
        case MALFORMED -> ApiError.badRequest("invalid_upload", rejected.getMessage());
        case TOO_LARGE -> new ApiError(413, "file_too_large", rejected.getMessage());
        case UNSUPPORTED_TYPE -> new ApiError(415, "unsupported_media_type", rejected.getMessage());
        case IDEMPOTENCY_CONFLICT -> new ApiError(409, "idempotency_conflict", rejected.getMessage());
        case PLAN_LIMIT_EXCEEDED -> new ApiError(402, "plan_limit_exceeded", rejected.getMessage());
      };
    }
    if (e instanceof AuthException auth) {
      return new ApiError(authStatus(auth.code()), auth.code(), auth.getMessage());
    }
    if (e instanceof HttpResponseException http) {
      return new ApiError(http.getStatus(), http.getStatus() == 413 ? "payload_too_large" : "http_" + http.getStatus(),
          http.getMessage());
    }
    if (e instanceof UncheckedIOException io && io.getMessage() != null && io.getMessage().contains("JWKS")) {
      return new ApiError(503, "auth_keys_unavailable", "the token signing keys could not be fetched; try again");
    }
    if (e instanceof JacksonException) {
      return ApiError.badRequest("invalid_json", "the request body is not valid JSON of the expected shape");
    }
    SQLException sql = findCause(e, SQLException.class);
    if (sql != null) {
      return fromSqlState(sql);
    }
    return new ApiError(500, "internal_error", "internal error");
  }

  private static int authStatus(String code) {
    return switch (code) {
      case "weak_password", "invalid_email", "invalid_display_name" -> 400;
      case "email_taken" -> 409;
      default -> 401;
    };
  }

  /** PostgREST's mapping, trimmed to what Exora's SQL raises. */
  static ApiError fromSqlState(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (e instanceof ConnectionsBusy) {
      return new ApiError(503, "server_busy", "the server is busy; try again shortly");
    }
    if (e instanceof SQLTransientConnectionException || state.startsWith("08")
        || state.equals("57P01") || state.equals("57P03") || state.equals("53300")) {
      return new ApiError(503, "database_unavailable", "the database is unavailable; try again shortly");
    }
    return switch (state) {
      case "42501" -> ApiError.forbidden("you do not have access to this resource");
      case "23505" -> new ApiError(409, "conflict", "a conflicting record already exists");
      case "23503" -> new ApiError(409, "conflict", "a referenced record does not exist or is still in use");
      case "P0002" -> ApiError.notFound("the referenced record");
      // 22023 is what Exora's own functions raise for a bad argument, with a message written
      // for the caller; the others come from PostgreSQL and may quote internal names.
      case "22023" -> ApiError.badRequest("invalid_input", serverMessage(e));
      // A plan limit (V090__usage_metering.sql); the message names the limit.
      case "EX402" -> new ApiError(402, "plan_limit_exceeded", serverMessage(e));
      case "23514", "23502", "22P02", "22007", "22008", "22001", "22003" ->
          ApiError.badRequest("invalid_input", "the request contains a value that is not allowed");
      case "40001", "40P01" -> new ApiError(503, "retry", "a concurrent update conflicted; retry the request");
      default -> new ApiError(500, "internal_error", "internal error");
    };
  }

  private static String serverMessage(SQLException e) {
    if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
        && p.getServerErrorMessage().getMessage() != null) {
      return p.getServerErrorMessage().getMessage();
    }
    return "the request contains a value that is not allowed";
  }

  private static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
