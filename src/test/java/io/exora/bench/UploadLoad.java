package io.exora.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * A load driver for Exora's HTTP API: sends a list of requests with up to {@code concurrency} of
 * them in flight at once (all released together), one virtual thread each, and records every
 * request's status and latency. Each call uses a fresh HTTP/1.1 client, so every run pays for its
 * own connections and no run inherits another's warm pool.
 *
 * <p>Used by bench/upload ({@link UploadBench}); meant for any benchmark that loads the upload
 * path (e.g. metering on and off): build the requests with {@link #upload} and {@link #get}, run
 * them with {@link #run}, read p50/p99 and the rate from the {@link Result}.
 */
public final class UploadLoad {
  /** Field order matters: the server checks {@code patient_id} before it reads the file. */
  private static final String BOUNDARY = "exora-bench-boundary-7d1f";
  /** The Content-Type of a {@link #multipart} body. */
  static final String MULTIPART_CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private UploadLoad() {}

  /** One prepared request: method and URI, headers, body (null for a GET). */
  public record Request(URI uri, String bearer, String idempotencyKey, byte[] body) {}

  /** What a run saw: per-request status and latency in the order the requests were given. */
  public record Result(int[] statuses, long[] latencyNanos, boolean[] replayed, String[] bodies, long wallNanos) {
    public int requests() {
      return statuses.length;
    }

    /** Transport failures (status 0) and any status outside 2xx. */
    public int errors() {
      return (int) Arrays.stream(statuses).filter(s -> s < 200 || s > 299).count();
    }

    public int replayedCount() {
      int n = 0;
      for (boolean r : replayed) {
        n += r ? 1 : 0;
      }
      return n;
    }

    /** Count per status code (0 = the request failed before a response). */
    public Map<Integer, Integer> statusCounts() {
      Map<Integer, Integer> counts = new TreeMap<>();
      for (int s : statuses) {
        counts.merge(s, 1, Integer::sum);
      }
      return counts;
    }

    /** The latency at quantile {@code q} (nearest rank), in milliseconds. */
    public double latencyMs(double q) {
      long[] sorted = latencyNanos.clone();
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }

    public double wallSeconds() {
      return wallNanos / 1e9;
    }

    /** Requests per second over the whole run (first release to last response). */
    public double perSecond() {
      return requests() / wallSeconds();
    }

    /** A short line for logs: the first few distinct error statuses and bodies. */
    public String errorSample() {
      List<String> sample = new ArrayList<>();
      for (int i = 0; i < statuses.length && sample.size() < 3; i++) {
        if (statuses[i] < 200 || statuses[i] > 299) {
          String b = bodies[i] == null ? "" : bodies[i];
          sample.add(statuses[i] + " " + b.substring(0, Math.min(160, b.length())));
        }
      }
      return String.join(" | ", sample);
    }
  }

  /** A multipart upload of {@code content} as {@code filename} for {@code patientId}. */
  public static Request upload(URI base, String bearer, UUID patientId, String filename, byte[] content,
      String idempotencyKey) {
    return new Request(base.resolve("/v1/shell-files"), bearer, idempotencyKey, multipart(patientId, filename, content));
  }

  /** A GET, e.g. of {@code /healthz}: the HTTP floor for the same number of requests in flight. */
  public static Request get(URI base, String path) {
    return new Request(base.resolve(path), null, null, null);
  }

  /** A POST of an upload's exact multipart body to another URI (a sink that only drains it). */
  public static Request sameBodyTo(URI uri, Request upload) {
    return new Request(uri, upload.bearer(), upload.idempotencyKey(), upload.body());
  }

  /** The body POST /v1/shell-files takes: {@code patient_id} first, then the {@code file} part. */
  public static byte[] multipart(UUID patientId, String filename, byte[] content) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 512);
    body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"patient_id\"\r\n\r\n" + patientId
        + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }

  /**
   * Sends every request, at most {@code concurrency} in flight; all threads are started first and
   * released together, so with {@code concurrency >= requests.size()} every request is in flight at
   * once. Latency runs from just before the send to the whole response being read.
   */
  public static Result run(List<Request> requests, int concurrency, Duration timeout) throws InterruptedException {
    int n = requests.size();
    int[] statuses = new int[n];
    long[] latencies = new long[n];
    boolean[] replayed = new boolean[n];
    String[] bodies = new String[n];
    Semaphore inFlight = new Semaphore(concurrency);
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    long began;
    long ended;
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout).build();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int index = i;
        done.add(threads.submit(() -> {
          ready.countDown();
          go.await();
          inFlight.acquire();
          try {
            send(http, requests.get(index), timeout, index, statuses, latencies, replayed, bodies);
          } finally {
            inFlight.release();
          }
          return null;
        }));
      }
      ready.await();
      began = System.nanoTime();
      go.countDown();
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a load thread failed", e.getCause());
        }
      }
      ended = System.nanoTime();
    }
    return new Result(statuses, latencies, replayed, bodies, ended - began);
  }

  private static void send(HttpClient http, Request r, Duration timeout, int i, int[] statuses, long[] latencies,
      boolean[] replayed, String[] bodies) throws InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(r.uri()).timeout(timeout);
    if (r.bearer() != null) {
      b.header("Authorization", "Bearer " + r.bearer());
    }
    if (r.idempotencyKey() != null) {
      b.header("Idempotency-Key", r.idempotencyKey());
    }
    if (r.body() == null) {
      b.GET();
    } else {
      b.header("Content-Type", MULTIPART_CONTENT_TYPE)
          .POST(HttpRequest.BodyPublishers.ofByteArray(r.body()));
    }
    HttpRequest request = b.build();
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      latencies[i] = System.nanoTime() - start;
      statuses[i] = response.statusCode();
      bodies[i] = response.body();
      replayed[i] = "true".equals(response.headers().firstValue("Idempotent-Replayed").orElse(null));
    } catch (IOException e) {
      latencies[i] = System.nanoTime() - start;
      statuses[i] = 0;
      bodies[i] = e.toString();
    }
  }
}
