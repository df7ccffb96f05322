package io.exora.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database Exora runs on, made ready: either the external one named by {@code EXORA_DB_URL}, or
 * an embedded PostgreSQL 17 cluster under the data directory, started here and stopped on close.
 *
 * <p>Two logins come out of it. {@link #owner()} owns the schema and applies migrations.
 * {@link #runtime()} is what the pool uses. On the embedded cluster the runtime login is
 * {@code authenticator}, which holds no table privileges of its own (NOINHERIT): a request that
 * somehow skipped the request transaction's role switch could read nothing. On an external
 * database both are the URL's login, as on Supabase.
 */
public final class ProvisionedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProvisionedDatabase.class);
  public static final String EMBEDDED_DATABASE = "exora";

  private final ConnectionSettings owner;
  private final ConnectionSettings runtime;
  private final EmbeddedPostgres embedded;

  private ProvisionedDatabase(ConnectionSettings owner, ConnectionSettings runtime, EmbeddedPostgres embedded) {
    this.owner = owner;
    this.runtime = runtime;
    this.embedded = embedded;
  }

  /** Connects to (or starts) the database and brings its schema up to date. */
  public static ProvisionedDatabase provision(Optional<String> dbUrl, Path dataDir) throws IOException, SQLException {
    if (dbUrl.isPresent()) {
      ConnectionSettings external = ConnectionSettings.parse(dbUrl.get());
      log.info("using external PostgreSQL {}", external);
      Migrations.apply(external);
      return new ProvisionedDatabase(external, external, null);
    }
    Path binDir = PostgresBinaries.unpack(dataDir.resolve("runtime"));
    Path clusterDir = dataDir.resolve("postgres");
    EmbeddedPostgres pg = EmbeddedPostgres.start(binDir, clusterDir, List.of());
    try {
      pg.createDatabaseIfAbsent(EMBEDDED_DATABASE);
      ConnectionSettings owner = pg.superuser(EMBEDDED_DATABASE);
      Migrations.apply(owner);
      ConnectionSettings runtime = owner.as("authenticator", authenticatorPassword(clusterDir, owner));
      return new ProvisionedDatabase(owner, runtime, pg);
    } catch (IOException | SQLException | RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  /** A database someone else started and migrated (tests, tools); closing it does nothing. */
  public static ProvisionedDatabase existing(ConnectionSettings owner, ConnectionSettings runtime) {
    return new ProvisionedDatabase(owner, runtime, null);
  }

  public ConnectionSettings owner() {
    return owner;
  }

  public ConnectionSettings runtime() {
    return runtime;
  }

  public boolean isEmbedded() {
    return embedded != null;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }

  /** Gives the authenticator role a login password, generated once and kept beside the cluster. */
  private static String authenticatorPassword(Path clusterDir, ConnectionSettings owner)
      throws IOException, SQLException {
    Path file = clusterDir.resolve("authenticator-password");
    if (!Files.exists(file)) {
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      Path tmp = Files.createTempFile(clusterDir, ".pw", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
      Files.move(tmp, file);
    }
    String password = Files.readString(file).trim();
    try (Connection c = EmbeddedPostgres.connect(owner); Statement st = c.createStatement()) {
      // base64url has no quote characters, so the literal cannot be broken out of.
      st.execute("alter role authenticator with login password '" + password + "'");
    }
    return password;
  }
}
