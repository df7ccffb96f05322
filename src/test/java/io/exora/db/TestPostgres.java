package io.exora.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM. Migrations run once into a template database; each test
 * class gets its own database cloned from it, which takes milliseconds and isolates the classes.
 * The cluster trades durability for speed (fsync off): nothing here must survive a crash.
 */
public final class TestPostgres {
  public static final String AUTHENTICATOR_PASSWORD = "test-authenticator-password";
  private static final String TEMPLATE = "exora_template";
  private static final AtomicInteger databases = new AtomicInteger();
  private static EmbeddedPostgres cluster;

  private TestPostgres() {}

  /** The shared cluster, started (and the template migrated) on first use. */
  public static synchronized EmbeddedPostgres cluster() {
    if (cluster == null) {
      try {
        Path root = Path.of("target");
        Path bin = PostgresBinaries.unpack(root.resolve("pg-runtime"));
        Path dir = Files.createTempDirectory(root.toAbsolutePath(), "test-pg-");
        cluster = EmbeddedPostgres.start(bin, dir, List.of(
            "fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          cluster.close();
          PostgresBinaries.deleteTree(dir);
        }));
        cluster.createDatabaseIfAbsent(TEMPLATE);
        Migrations.apply(cluster.superuser(TEMPLATE));
        execute(cluster.superuser("postgres"),
            "alter role authenticator with login password '" + AUTHENTICATOR_PASSWORD + "'");
      } catch (IOException | SQLException e) {
        throw new IllegalStateException("could not start the test PostgreSQL", e);
      }
    }
    return cluster;
  }

  /** A fresh, fully migrated database; returns its owner (superuser) login. */
  public static ConnectionSettings newDatabase() {
    EmbeddedPostgres pg = cluster();
    String name = "test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    execute(pg.superuser("postgres"), "create database " + name + " template " + TEMPLATE);
    return pg.superuser(name);
  }

  /** The runtime login (authenticator) for a database made by {@link #newDatabase()}. */
  public static ConnectionSettings runtime(ConnectionSettings owner) {
    return owner.as("authenticator", AUTHENTICATOR_PASSWORD);
  }

  public static void execute(ConnectionSettings settings, String sql) {
    try (Connection c = EmbeddedPostgres.connect(settings); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
