package io.exora.db;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL cluster that this process owns: created on first use under {@code clusterDir},
 * started on a free loopback port, stopped on {@link #close()}.
 *
 * <p>Three hazards shape it:
 * <ul>
 *   <li><b>Root.</b> PostgreSQL refuses to run as root. When we are root, the server runs inside
 *       {@code unshare -U}: a user namespace with no uid mapping, where it sees itself (and the
 *       root-owned data directory) as the overflow uid, and the kernel still checks files as root.
 *   <li><b>Orphans.</b> A JVM killed with SIGKILL cannot stop its server. So the server runs under a
 *       small shell watchdog that polls the owning JVM and fast-stops the server within a second of
 *       the JVM's death; SIGTERM to the watchdog (what {@link #close()} sends) also stops it.
 *   <li><b>Exposure.</b> It listens on 127.0.0.1 only, without a Unix socket, and the superuser
 *       needs a SCRAM password kept in {@code clusterDir/superuser-password} (mode 0600).
 * </ul>
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
  static final String SUPERUSER = "postgres";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Runs the server in the background and stops it when this JVM ($4) disappears or on TERM.
   * Autovacuum looks at each database every 10 s instead of every minute: the job queue's churn
   * leaves a minute's worth of dead rows behind otherwise (docs/benchmarks.md, "Queue, long run").
   */
  private static final String WATCHDOG = """
      "$1" -D "$2" -p "$3" -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c autovacuum_naptime=10s $5 &
      pg=$!
      stop() { kill -INT "$pg" 2>/dev/null; wait "$pg"; exit 0; }
      trap stop TERM INT HUP
      while kill -0 "$4" 2>/dev/null && kill -0 "$pg" 2>/dev/null; do sleep 1 & wait $!; done
      if kill -0 "$pg" 2>/dev/null; then stop; fi
      wait "$pg"
      """;

  private final Path clusterDir;
  private final int port;
  private final String superuserPassword;
  private final Process watchdog;

  private EmbeddedPostgres(Path clusterDir, int port, String superuserPassword, Process watchdog) {
    this.clusterDir = clusterDir;
    this.port = port;
    this.superuserPassword = superuserPassword;
    this.watchdog = watchdog;
  }

  /**
   * Initialises the cluster if needed and starts it. {@code serverOptions} are extra
   * {@code -c name=value} settings (tests use them to trade durability for speed).
   */
  public static EmbeddedPostgres start(Path binDir, Path clusterDir, List<String> serverOptions)
      throws IOException {
    return start(binDir, clusterDir, serverOptions, 0);
  }

  /** As {@link #start(Path, Path, List)}, on {@code port} (0: any free port). */
  public static EmbeddedPostgres start(Path binDir, Path clusterDir, List<String> serverOptions, int port)
      throws IOException {
    Files.createDirectories(clusterDir);
    Path dataDir = clusterDir.resolve("data");
    String password = superuserPassword(clusterDir);
    if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
      initdb(binDir, clusterDir, dataDir);
    }
    awaitPreviousServerGone(dataDir);
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int chosen = port > 0 ? port : freePort();
      Process watchdog = launch(binDir, clusterDir, dataDir, chosen, serverOptions);
      EmbeddedPostgres pg = new EmbeddedPostgres(clusterDir, chosen, password, watchdog);
      try {
        pg.awaitReady();
        log.info("embedded PostgreSQL ready on 127.0.0.1:{} (data {})", chosen, dataDir);
        return pg;
      } catch (IOException e) {
        pg.close();
        last = e;
        if (port > 0 || !e.getMessage().contains("could not bind")) {
          break;  // only a lost race for the port is worth another try
        }
      }
    }
    throw last;
  }

  public int port() {
    return port;
  }

  /** Superuser login to {@code database} on this cluster. */
  public ConnectionSettings superuser(String database) {
    return new ConnectionSettings(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database, SUPERUSER, superuserPassword);
  }

  /** Creates {@code database} unless it exists. */
  public void createDatabaseIfAbsent(String database) throws SQLException {
    try (Connection c = connect(superuser("postgres"))) {
      var rs = c.createStatement().executeQuery(
          "select 1 from pg_database where datname = '" + database.replace("'", "''") + "'");
      if (!rs.next()) {
        c.createStatement().execute("create database \"" + database.replace("\"", "\"\"") + "\"");
      }
    }
  }

  @Override
  public void close() {
    if (!watchdog.isAlive()) {
      return;
    }
    watchdog.destroy();  // SIGTERM: the watchdog fast-stops the server and waits for it
    try {
      if (!watchdog.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        log.warn("embedded PostgreSQL did not stop within {}; killing it", STOP_TIMEOUT);
        postmasterPid(clusterDir.resolve("data"))
            .flatMap(ProcessHandle::of)
            .ifPresent(ProcessHandle::destroyForcibly);
        watchdog.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady() throws IOException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    SQLException lastError = null;
    while (Instant.now().isBefore(deadline)) {
      if (!watchdog.isAlive()) {
        throw new IOException("embedded PostgreSQL exited during start-up: " + logTail());
      }
      try (Connection c = connect(superuser("postgres"));
           Statement st = c.createStatement();
           ResultSet rs = st.executeQuery("select current_setting('data_directory')")) {
        rs.next();
        // Until our server has bound the port (or failed to), another one may answer on it and,
        // if it trusts loopback or shares the password, accept us: make sure it is ours.
        Path served = Path.of(rs.getString(1));
        if (!isSameDirectory(served, clusterDir.resolve("data"))) {
          throw new IOException("could not bind: 127.0.0.1:" + port + " is served by another PostgreSQL (data directory "
              + served + ")");
        }
        return;
      } catch (SQLException e) {
        lastError = e;
      }
      sleep(100);
    }
    throw new IOException("embedded PostgreSQL not ready after " + START_TIMEOUT + ": "
        + (lastError == null ? "" : lastError.getMessage()) + "; " + logTail());
  }

  private static boolean isSameDirectory(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;  // one of them is not there: not the same
    }
  }

  static Connection connect(ConnectionSettings settings) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", settings.user());
    props.setProperty("password", settings.password());
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(settings.jdbcUrl(), props);
  }

  private static void initdb(Path binDir, Path clusterDir, Path dataDir) throws IOException {
    log.info("creating a PostgreSQL cluster in {}", dataDir);
    Path staging = clusterDir.resolve("data.initdb");
    PostgresBinaries.deleteTree(staging);
    List<String> cmd = asServerUser(List.of(
        binDir.resolve("initdb").toString(), "-D", staging.toString(), "-U", SUPERUSER,
        "--auth=scram-sha-256", "--pwfile=" + clusterDir.resolve("superuser-password"),
        "--encoding=UTF8", "--locale=C", "--no-instructions"));
    Process initdb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(clusterDir.resolve("initdb.log").toFile()).start();
    try {
      if (!initdb.waitFor(120, TimeUnit.SECONDS) || initdb.exitValue() != 0) {
        initdb.destroyForcibly();
        throw new IOException("initdb failed: " + Files.readString(clusterDir.resolve("initdb.log")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during initdb", e);
    }
    // Only a complete cluster gets the real name, so a crash during initdb is retried next time.
    Files.move(staging, dataDir);
  }

  private static Process launch(Path binDir, Path clusterDir, Path dataDir, int port,
      List<String> serverOptions) throws IOException {
    List<String> options = new ArrayList<>();
    for (String option : serverOptions) {
      options.add("-c " + option);
    }
    List<String> cmd = asServerUser(List.of("sh", "-c", WATCHDOG, "exora-postgres-watchdog",
        binDir.resolve("postgres").toString(), dataDir.toString(), Integer.toString(port),
        Long.toString(ProcessHandle.current().pid()), String.join(" ", options)));
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(clusterDir.resolve("postgres.log").toFile()))
        .start();
  }

  /**
   * A server left by a JVM that died a moment ago is stopped by its watchdog within a second; a
   * server that stays belongs to another live process, and two servers cannot share a directory.
   */
  private static void awaitPreviousServerGone(Path dataDir) throws IOException {
    Instant deadline = Instant.now().plusSeconds(10);
    Optional<ProcessHandle> previous;
    while ((previous = postmasterPid(dataDir).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive))
        .isPresent()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("data directory " + dataDir + " is in use by another running server (pid "
            + previous.get().pid() + "); is another Exora using the same EXORA_DATA_DIR?");
      }
      sleep(200);
    }
  }

  private static Optional<Long> postmasterPid(Path dataDir) {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String superuserPassword(Path clusterDir) throws IOException {
    Path file = clusterDir.resolve("superuser-password");
    if (!Files.exists(file)) {
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      Path tmp = Files.createTempFile(clusterDir, ".pw", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
      Files.move(tmp, file);
    }
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }

  private static List<String> asServerUser(List<String> command) throws IOException {
    if (!isRoot()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("unshare", "-U"));
    wrapped.addAll(command);
    return wrapped;
  }

  private static boolean isRoot() throws IOException {
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(clusterDir.resolve("postgres.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no server log)";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
