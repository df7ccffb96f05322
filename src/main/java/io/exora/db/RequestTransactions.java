package io.exora.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The one place that opens a transaction on behalf of a caller (PostgREST's request transaction).
 *
 * <p>Every transaction starts with one statement that sets, transaction-locally ({@code is_local =
 * true}), the role, the verified claims and the correlation id. PostgreSQL then enforces RLS for
 * that caller, and at COMMIT or ROLLBACK the settings vanish, so nothing of one caller survives
 * into the next borrower of the pooled connection. Never a session-level SET.
 */
public final class RequestTransactions {
  private static final String START = """
      select set_config('role', :role, true) as role,
             set_config('request.jwt.claims', :claims, true) as claims,
             set_config('exora.correlation_id', :correlationId, true) as correlation_id
      """;

  private final Jdbi jdbi;

  public RequestTransactions(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public <T, X extends Exception> T run(Caller caller, String correlationId,
      HandleCallback<T, X> work) throws X {
    return jdbi.inTransaction(handle -> {
      begin(handle, caller, correlationId);
      return work.withHandle(handle);
    });
  }

  /**
   * Opens a transaction for a caller and hands over the handle: for work whose transaction opens
   * lazily and ends elsewhere (a job handler's effects commit with its completion). The receiver
   * must commit or roll back, then close the handle.
   */
  public Handle open(Caller caller, String correlationId) {
    Handle handle = jdbi.open();
    try {
      handle.begin();
      begin(handle, caller, correlationId);
      return handle;
    } catch (RuntimeException e) {
      handle.close();
      throw e;
    }
  }

  private static void begin(Handle handle, Caller caller, String correlationId) {
    handle.createQuery(START)
        .bind("role", caller.role().sqlName())
        .bind("claims", caller.claimsJson())
        .bind("correlationId", correlationId == null ? "" : correlationId)
        .mapToMap()
        .one();
  }
}
