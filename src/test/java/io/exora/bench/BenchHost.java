package io.exora.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What every benchmark asks of the machine it runs on: its load, a tool's answer, a scratch tree removed. */
final class BenchHost {
  private BenchHost() {}

  /** A benchmark's {@code --name=value} options, in the order given. */
  static Map<String, String> options(String[] argv) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (String a : argv) {
      if (!a.startsWith("--") || !a.contains("=")) {
        throw new IllegalArgumentException("options are --name=value, got " + a);
      }
      opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    return opts;
  }

  /** The 1, 5 and 15 minute load averages: others' work on this machine shows here. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The command's output, trimmed; empty when it cannot run, fails or takes over 30 s. */
  /**
   * The machine's CPU time so far from /proc/stat, in seconds: {busy, idle} summed over all cores
   * (busy: user, nice, system, irq, softirq, steal; idle: idle and iowait). Zeros where there is no
   * /proc.
   */
  static double[] cpuSeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long[] v = new long[f.length - 1];
      for (int i = 1; i < f.length; i++) {
        v[i - 1] = Long.parseLong(f[i]);
      }
      double tick = 100.0;  // USER_HZ, 100 on every Linux architecture Exora runs on
      return new double[] {(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / tick, (v[3] + v[4]) / tick};
    } catch (IOException | RuntimeException e) {
      return new double[] {0, 0};
    }
  }

  static String capture(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** Removes a temporary tree, deepest first; best effort. */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }
}
