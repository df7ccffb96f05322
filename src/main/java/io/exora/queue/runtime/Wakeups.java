package io.exora.queue.runtime;

import io.exora.db.ConnectionSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LISTENs on {@code exora_jobs} over a connection of its own and calls {@code onWake} when jobs
 * are enqueued. Only a hint: the worker polls anyway, so a lost notification (a dropped
 * connection, a pooler that does not pass LISTEN through) costs at most one poll interval. It
 * reconnects with backoff.
 */
final class Wakeups implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Wakeups.class);
  private final ConnectionSettings settings;
  private final Runnable onWake;
  private volatile boolean running = true;
  private volatile Connection connection;

  Wakeups(ConnectionSettings settings, Runnable onWake) {
    this.settings = settings;
    this.onWake = onWake;
  }

  @Override
  public void run() {
    long backoffMillis = 250;
    while (running) {
      try (Connection c = connect()) {
        connection = c;
        try (Statement st = c.createStatement()) {
          st.execute("listen exora_jobs");
        }
        backoffMillis = 250;
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notes = pg.getNotifications(1000);
          if (notes != null && notes.length > 0) {
            onWake.run();
          }
        }
      } catch (SQLException e) {
        if (running) {
          log.warn("job wake-up listener lost its connection ({}); polling covers the gap", e.getMessage());
          sleep(backoffMillis);
          backoffMillis = Math.min(backoffMillis * 2, 10_000);
        }
      }
    }
  }

  void stop() {
    running = false;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing to unblock the listener; nothing to do
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    if (settings.user() != null) {
      props.setProperty("user", settings.user());
    }
    if (settings.password() != null) {
      props.setProperty("password", settings.password());
    }
    props.setProperty("ApplicationName", "exora-wakeups");
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(settings.jdbcUrl(), props);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
