package io.exora.cli;

import io.exora.api.ApiClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The packaged jar run as a real process, as an operator runs it. */
final class ExoraProcess implements AutoCloseable {
  final Process process;
  final int port;
  final Path log;

  private ExoraProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static ExoraProcess start(Path dataDir, Map<String, String> extraEnv, String... args) throws IOException {
    int port = freePort();
    Path jar = Path.of("target", "exora.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      throw new IllegalStateException("target/exora.jar is missing: integration tests run after `package`");
    }
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile("exora-process", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("EXORA_"));
    env.putAll(new HashMap<>(Map.of(
        "EXORA_DATA_DIR", dataDir.toString(),
        "EXORA_PORT", Integer.toString(port),
        "EXORA_PASSWORD_HASH_COST", "4")));
    env.putAll(extraEnv);
    return new ExoraProcess(pb.start(), port, log);
  }

  ApiClient client() {
    return new ApiClient(port);
  }

  /** Waits until /healthz answers 200; fails with the process's log if it dies or times out. */
  ExoraProcess awaitHealthy(Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError("exora exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        if (client().get("/healthz", null).status() == 200) {
          return this;
        }
      } catch (RuntimeException notYet) {
        // connection refused while starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("exora not healthy after " + timeout + ":\n" + output());
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** Processes (other than this JVM) whose command line mentions {@code path}. */
  static List<String> processesMentioning(Path path) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        if (!p.getFileName().toString().matches("\\d+")) {
          continue;
        }
        try {
          String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (cmdline.contains(path.toString())
              && Long.parseLong(p.getFileName().toString()) != ProcessHandle.current().pid()) {
            found.add(p.getFileName() + ": " + cmdline);
          }
        } catch (IOException vanished) {
          // the process ended while we looked
        }
      }
    }
    return found;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
