package io.exora.db;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Lets at most as many callers into the pool as it has connections; the rest wait here, parked on
 * a fair semaphore. HikariCP's ConcurrentBag hands a returned connection to a waiting borrower
 * with a {@code Thread.yield()} spin, which on virtual threads can occupy every carrier thread and
 * starve the very threads that would commit and return their connections (HikariCP issue #2398,
 * fixed upstream after the 7.1.0 we can resolve). With this gate, and the pool kept at its full
 * size (Database), a borrower finds an idle connection, so the pool has waiters only while it
 * replaces a connection that broke or retired, and its spin is rare and short.
 */
final class GatedDataSource implements DataSource {
  private final DataSource pool;
  private final Semaphore permits;
  private final Duration timeout;

  GatedDataSource(DataSource pool, int size, Duration timeout) {
    this.pool = pool;
    this.permits = new Semaphore(size, true);
    this.timeout = timeout;
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      if (!permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new ConnectionsBusy(timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLTransientConnectionException("interrupted while waiting for a database connection", "08001", e);
    }
    Connection connection;
    try {
      connection = pool.getConnection();
    } catch (SQLException | RuntimeException e) {
      permits.release();
      throw e;
    }
    return releasingOnClose(connection);
  }

  /** The connection, releasing its permit exactly once when it is closed. */
  private Connection releasingOnClose(Connection connection) {
    AtomicBoolean released = new AtomicBoolean();
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().equals("close") && method.getParameterCount() == 0) {
        try {
          connection.close();
        } finally {
          if (released.compareAndSet(false, true)) {
            permits.release();
          }
        }
        return null;
      }
      if (method.getName().equals("unwrap") && args != null && args[0] == Connection.class) {
        return proxy;
      }
      try {
        return method.invoke(connection, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        handler);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the pool's login is fixed");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return type.isInstance(this) ? type.cast(this) : pool.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return type.isInstance(this) || pool.isWrapperFor(type);
  }
}
