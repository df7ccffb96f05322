package io.exora.db;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * Every pooled connection stayed in use for the whole of a caller's wait: the server is
 * overloaded, the database is not down. The API answers 503 {@code server_busy}, not
 * {@code database_unavailable}, so operators look at load rather than at PostgreSQL.
 */
public final class ConnectionsBusy extends SQLTransientConnectionException {
  ConnectionsBusy(Duration waited) {
    super("no database connection came free within " + waited);
  }
}
