package io.exora.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.generic.GenericTypes;
import org.jdbi.v3.core.mapper.RowMapperFactory;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.postgres.PostgresPlugin;

/** The connection pool and the JDBI handle factory over it. */
public final class Database implements AutoCloseable {
  /**
   * How long opening a connection may take before the database counts as unavailable (503), and
   * how long workers and tools queue for a free connection.
   */
  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
  /**
   * How long an API request queues for a free connection when every one is in use. A burst (a
   * family uploading a folder, 1,000 uploads at once) is served in turn rather than refused; only
   * a wait this long says the server is overloaded (503 server_busy).
   */
  public static final Duration REQUEST_QUEUE_TIMEOUT = Duration.ofSeconds(60);
  private final HikariDataSource pool;
  private final DataSource gated;
  private final Jdbi jdbi;

  private Database(HikariDataSource pool, int size, Duration queueTimeout) {
    this.pool = pool;
    this.gated = new GatedDataSource(pool, size, queueTimeout);
    this.jdbi = Jdbi.create(gated).installPlugin(new PostgresPlugin());
    // Rows map onto records by their canonical constructor (snake_case columns to camelCase).
    jdbi.registerRowMapper((RowMapperFactory) (type, config) -> {
      Class<?> raw = GenericTypes.getErasedType(type);
      return raw.isRecord() ? Optional.of(ConstructorMapper.of(raw)) : Optional.empty();
    });
  }

  public static Database open(ConnectionSettings settings, int poolSize, String poolName) {
    return open(settings, poolSize, poolName, CONNECTION_TIMEOUT);
  }

  /** A pool whose callers queue up to {@code queueTimeout} for a free connection. */
  public static Database open(ConnectionSettings settings, int poolSize, String poolName, Duration queueTimeout) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.jdbcUrl());
    if (settings.user() != null) {
      config.setUsername(settings.user());
    }
    if (settings.password() != null) {
      config.setPassword(settings.password());
    }
    config.setPoolName(poolName);
    config.setMaximumPoolSize(poolSize);
    // Fixed size, as HikariCP itself advises: a caller the gate lets in then finds an idle
    // connection instead of waiting in the pool for a new one, and a pool with no waiters never
    // enters the hand-off spin of HikariCP #2398 (see GatedDataSource).
    config.setMinimumIdle(poolSize);
    // Fail fast when the database is unreachable; callers map it to 503.
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("ApplicationName", "exora");
    config.addDataSourceProperty("tcpKeepAlive", "true");
    return new Database(new HikariDataSource(config), poolSize, queueTimeout);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public DataSource dataSource() {
    return gated;
  }

  @Override
  public void close() {
    pool.close();
  }
}
