package io.exora.documents.storage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real S3-compatible server for tests: Adobe's S3Mock, run from its executable jar as a child
 * process on a loopback port, with a fresh store directory and one bucket. Tests talk to it with
 * the AWS SDK exactly as production talks to S3 or MinIO.
 *
 * <p>The jar comes from the test dependency {@code com.adobe.testing:s3mock:5.2.0:exec} (with all
 * of its own dependencies excluded, so none of its Spring stack reaches the test classpath); it is
 * found through a resource inside it, which works whatever way Surefire builds the classpath.
 * Start-up takes 10-30 seconds on two cores, so a test class starts one server and shares it.
 * Its HTTPS port is bound to loopback; its plain-HTTP port, which the tests use, listens on every
 * interface (S3Mock offers no setting for that connector's address), on a random port, only for
 * as long as the test class runs.
 */
final class S3MockServer implements AutoCloseable {
  static final String BUCKET = "exora-test";
  private static final String MARKER = "META-INF/maven/com.adobe.testing/s3mock/pom.properties";
  private static final Duration STARTUP_LIMIT = Duration.ofSeconds(180);

  final URI endpoint;
  private final Process process;
  private final Path storeDir;
  private final Path logFile;
  private final Thread killOnExit;

  private S3MockServer(URI endpoint, Process process, Path storeDir, Path logFile) {
    this.endpoint = endpoint;
    this.process = process;
    this.storeDir = storeDir;
    this.logFile = logFile;
    // If the test JVM dies without closing us, the server must not outlive it.
    this.killOnExit = new Thread(process::destroyForcibly, "s3mock-kill");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  static S3MockServer start() throws IOException, InterruptedException {
    Path jar = jar();
    int port = freeLoopbackPort();
    Path target = Path.of("target").toAbsolutePath();
    Files.createDirectories(target);
    Path store = Files.createTempDirectory(target, "s3mock-store-");
    Path log = target.resolve("s3mock-" + port + ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
        "--http.port=" + port,
        "--server.port=0",  // S3Mock's HTTPS port, unused here: any free one
        "--server.address=127.0.0.1",
        "--com.adobe.testing.s3mock.store.root=" + store,
        "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
        "--spring.main.banner-mode=off")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    S3MockServer server = new S3MockServer(URI.create("http://127.0.0.1:" + port), process, store, log);
    try {
      server.awaitReady();
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * The file in which S3Mock keeps an object's bytes, found through the object metadata it writes
   * beside it ({@code <store>/<bucket>/<id>/objectMetadata.json} and {@code binaryData}, as in
   * 5.2.0). Only for tests that must damage an object behind S3's back.
   */
  Path dataFileOf(String key) throws IOException {
    String needle = "\"key\":\"" + key + "\"";
    try (Stream<Path> files = Files.walk(storeDir.resolve(BUCKET))) {
      for (Path metadata : files.filter(p -> p.getFileName().toString().equals("objectMetadata.json")).toList()) {
        if (Files.readString(metadata).contains(needle)) {
          return metadata.resolveSibling("binaryData");
        }
      }
    }
    throw new IllegalStateException("S3Mock holds no object " + key + " under " + storeDir);
  }

  private void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(STARTUP_LIMIT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Mock exited with " + process.exitValue() + " during start-up:\n" + logTail());
      }
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().contains(BUCKET)) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("S3Mock did not answer within " + STARTUP_LIMIT + ":\n" + logTail());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    deleteTree(storeDir);
  }

  private static Path jar() {
    URL marker = S3MockServer.class.getClassLoader().getResource(MARKER);
    if (marker == null || !"jar".equals(marker.getProtocol())) {
      throw new IllegalStateException("the S3 test server is not on the test classpath: add the test dependency"
          + " com.adobe.testing:s3mock:5.2.0 with classifier exec (and its dependencies excluded) to pom.xml");
    }
    String spec = marker.getPath();  // file:/.../s3mock-5.2.0-exec.jar!/META-INF/...
    try {
      return Path.of(new URI(spec.substring(0, spec.indexOf("!/"))));
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the S3Mock jar from " + marker, e);
    }
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is under target/
    }
  }
}
