package io.exora.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exora.api.HttpApi;
import io.exora.cli.Server;
import io.exora.config.ExoraConfig;
import io.exora.db.ConnectionSettings;
import io.exora.db.Caller;
import io.exora.db.Database;
import io.exora.db.DbRole;
import io.exora.db.ProvisionedDatabase;
import io.exora.db.RequestTransactions;
import io.exora.documents.DocumentType;
import io.exora.documents.ShellFiles;
import io.exora.documents.Uploads;
import io.exora.documents.storage.FileStorage;
import io.exora.usage.UsageLimits;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

/**
 * The upload and pipeline benchmark (bench/upload/run). Runs the real server ({@code exora serve}'s
 * wiring: embedded PostgreSQL 17 with default settings, local file storage) in this JVM and loads it
 * over loopback HTTP with {@link UploadLoad}:
 * <ol>
 *   <li>uploads, with the worker off so processing does not compete: each round sends 1,000 GET
 *       /healthz (the HTTP floor), the same 1,000 multipart bodies to a sink that only parses and
 *       drains them (a bare Javalin on virtual threads with the same multipart parser: HTTP plus
 *       body transfer, no storage or database), puts the same files straight into storage and runs
 *       an upload's two transactions in-process (the other two parts of an upload, alone), then
 *       (a) 1,000 uploads of 100 KB files, all in flight at once, and (b) 1,000 more sent twice
 *       each under one key (2,000 in flight), checked to make exactly 1,000 rows, 1,000 jobs and
 *       1,000 replays; and last the sink, the transactions and uploads one at a time;
 *   <li>pipeline throughput on a fresh server with its worker (offline provider): a batch of typed
 *       PDFs and a batch of scanned images (OCR), alternating, timed from the first shell file's
 *       creation to the last one's completion, as the database recorded them.
 * </ol>
 * Results go to {@code out/results.json} and the "Uploads and pipeline" section of docs/benchmarks.md.
 */
public final class UploadBench {
  static final String SECTION = "Uploads and pipeline";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
  /** Requests per one-at-a-time probe. */
  private static final int SERIAL_REQUESTS = 100;

  private final Map<String, String> opts;
  private final Path out;
  private final ObjectNode results = JSON.createObjectNode();

  private UploadBench(Map<String, String> opts) {
    this.opts = opts;
    this.out = Path.of(opts.getOrDefault("out", "bench/upload/out")).toAbsolutePath();
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> opts = BenchHost.options(argv);
    if (opts.containsKey("render")) {
      JsonNode r = JSON.readTree(Path.of(opts.get("render")).toFile());
      UploadReport.write(Path.of(opts.getOrDefault("doc", "docs/benchmarks.md")), r);
      return;
    }
    new UploadBench(opts).run();
    System.exit(0);  // the servers' non-daemon threads are closed, but do not wait on stragglers
  }

  private int opt(String name, int fallback) {
    return Integer.parseInt(opts.getOrDefault(name, Integer.toString(fallback)));
  }

  private void run() throws Exception {
    long began = System.nanoTime();
    Files.createDirectories(out);
    int uploads = opt("uploads", 1_000);
    int sizeBytes = opt("size", 100 * 1024);
    int rounds = opt("rounds", 3);
    results.put("command", opts.getOrDefault("command", "bench/upload/run"));
    results.put("date", LocalDate.now(ZoneOffset.UTC).toString());
    results.put("nproc", Runtime.getRuntime().availableProcessors());
    results.put("java", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
    results.put("loadBefore", BenchHost.loadAverage());
    results.put("commit", BenchHost.capture("git", "rev-parse", "--short", "HEAD"));
    results.put("uploads", uploads);
    results.put("sizeBytes", sizeBytes);
    results.put("rounds", rounds);

    Path tmp = Files.createTempDirectory("exora-upload-bench-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> BenchHost.deleteTree(tmp)));
    uploadRounds(tmp.resolve("uploads"), uploads, sizeBytes, rounds);
    pipeline(tmp.resolve("pipeline"), opt("pdfs", 60), opt("images", 6), opt("pipeline-runs", 2));

    results.put("loadAfter", BenchHost.loadAverage());
    results.put("seconds", (System.nanoTime() - began) / 1e9);
    Files.writeString(out.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
    Path doc = Path.of(opts.getOrDefault("doc", "docs/benchmarks.md"));
    UploadReport.write(doc, results);
    System.out.print(UploadReport.summary(results));
    System.out.println("[upload-bench] wrote " + out.resolve("results.json") + " and the \"" + SECTION + "\" section of " + doc);
  }

  // ---- uploads ----------------------------------------------------------------------------------

  private void uploadRounds(Path dataDir, int uploads, int sizeBytes, int rounds) throws Exception {
    step("starting the server (embedded PostgreSQL under " + dataDir + ", worker off)");
    ExoraConfig config = config(dataDir, false);
    ProvisionedDatabase database = ProvisionedDatabase.provision(config.dbUrl(), config.dataDir());
    results.put("postgres", serverVersion(database.owner()));
    if (opts.containsKey("sql-patch")) {
      // An experiment: SQL applied over the migrations before the runs (the section says so).
      // Pass --doc=/tmp/x.md so an experiment does not overwrite the committed figures.
      String patch = Files.readString(Path.of(opts.get("sql-patch")));
      try (Connection c = connect(database.owner()); var st = c.createStatement()) {
        st.execute(patch);
      }
      results.put("sqlPatch", opts.get("sql-patch"));
      step("applied " + opts.get("sql-patch"));
    }
    Javalin sink = sink();
    FileStorage baselineStorage = new FileStorage(dataDir.resolve("storage-baseline"));
    try (Server server = Server.start(config, database, Server.Role.API)) {
      URI base = URI.create("http://127.0.0.1:" + server.port());
      URI sinkUri = URI.create("http://127.0.0.1:" + sink.port() + "/sink");
      Account account = signup(base, "bench-uploads@example.org");
      byte[] filler = filler(sizeBytes);
      warmUp(base, sinkUri, account, filler, Math.min(200, uploads));
      ArrayNode runs = results.putArray("uploadRounds");
      for (int round = 1; round <= rounds; round++) {
        ObjectNode r = runs.addObject();
        r.put("round", round);

        List<UploadLoad.Request> healthz = new ArrayList<>();
        List<UploadLoad.Request> single = new ArrayList<>();
        List<UploadLoad.Request> toSink = new ArrayList<>();
        List<UploadLoad.Request> twice = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
          healthz.add(UploadLoad.get(base, "/healthz"));
          UploadLoad.Request a = UploadLoad.upload(base, account.token, account.profileId, "labs-" + i + ".txt",
              content(filler, "a", round, i), "a-" + round + "-" + i);
          single.add(a);
          toSink.add(UploadLoad.sameBodyTo(sinkUri, a));
          UploadLoad.Request b = UploadLoad.upload(base, account.token, account.profileId, "labs-" + i + ".txt",
              content(filler, "b", round, i), "b-" + round + "-" + i);
          twice.add(b);
          twice.add(b);
        }
        r.set("healthz", phase("round " + round + " GET /healthz", healthz));
        r.set("sink", phase("round " + round + " same bodies to the sink", toSink));
        r.set("database", describe("round " + round + " database transactions alone",
            databaseOnly(database, account, single.size(), single.size(), "db-" + round + "-")));
        r.set("storage", describe("round " + round + " storage puts alone",
            storagePuts(baselineStorage, single, "round-" + round)));
        UploadLoad.Result a = UploadLoad.run(single, single.size(), REQUEST_TIMEOUT);
        r.set("single", describe("round " + round + " (a) uploads", a));
        r.get("single").withObject("check").setAll(check(database.owner(), "a-" + round + "-", a, 1));
        UploadLoad.Result b = UploadLoad.run(twice, twice.size(), REQUEST_TIMEOUT);
        r.set("twice", describe("round " + round + " (b) uploads sent twice", b));
        r.get("twice").withObject("check").setAll(check(database.owner(), "b-" + round + "-", b, 2));
        // Distinct files registered per second: each pair makes one (errors make none).
        ((ObjectNode) r.get("twice")).put("uploadsPerSecond", r.get("twice").get("check").get("rows").asLong() / b.wallSeconds());
        // One at a time: what a request costs when it does not queue behind a thousand others.
        int serial = Math.min(SERIAL_REQUESTS, uploads);
        r.set("sinkSerial", describe("round " + round + " sink, one at a time",
            UploadLoad.run(toSink.subList(0, serial), 1, REQUEST_TIMEOUT)));
        r.set("databaseSerial", describe("round " + round + " database transactions, one at a time",
            databaseOnly(database, account, serial, 1, "db-serial-" + round + "-")));
        List<UploadLoad.Request> oneByOne = new ArrayList<>();
        for (int i = 0; i < serial; i++) {
          oneByOne.add(UploadLoad.upload(base, account.token, account.profileId, "labs-" + i + ".txt",
              content(filler, "s", round, i), "s-" + round + "-" + i));
        }
        r.set("singleSerial", describe("round " + round + " uploads, one at a time",
            UploadLoad.run(oneByOne, 1, REQUEST_TIMEOUT)));
        step("round " + round + " checks: (a) " + r.get("single").get("check") + "; (b) " + r.get("twice").get("check"));
      }
      ObjectNode totals = results.putObject("uploadTotals");
      totals.put("shellFiles", count(database.owner(),
          "select count(*) from public.shell_files where idempotency_key not like 'db-%'"));
      totals.put("storedObjects", storedObjects(dataDir));
    } finally {
      sink.stop();
    }
  }

  /**
   * The storage baseline: the same file contents put straight into a {@link FileStorage} (write,
   * fsync, rename, fsync the directory, as an upload does), all at once on virtual threads, no HTTP
   * and no database.
   */
  private static UploadLoad.Result storagePuts(FileStorage storage, List<UploadLoad.Request> uploads, String prefix)
      throws InterruptedException {
    int n = uploads.size();
    int[] statuses = new int[n];
    long[] latencies = new long[n];
    String[] bodies = new String[n];
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    long began;
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        int index = i;
        byte[] content = fileOf(uploads.get(i).body());
        threads.submit(() -> {
          go.await();
          long start = System.nanoTime();
          try {
            storage.put("shell-files/" + prefix + "-" + index, new java.io.ByteArrayInputStream(content), Uploads.MAX_UPLOAD_BYTES);
            statuses[index] = 201;
          } catch (IOException | RuntimeException e) {
            bodies[index] = e.toString();
          }
          latencies[index] = System.nanoTime() - start;
          return null;
        });
      }
      began = System.nanoTime();
      go.countDown();
    }
    return new UploadLoad.Result(statuses, latencies, new boolean[n], bodies, System.nanoTime() - began);
  }

  /**
   * The database baseline: an upload's two transactions (the upload right and plan check, then
   * register_upload, which inserts the row and enqueues the job) as the same user, all at once on
   * virtual threads through a pool of the server's size and gate, no HTTP and no storage. Each
   * registers a key that names no stored object; the worker is off, so nothing reads them.
   */
  private static UploadLoad.Result databaseOnly(ProvisionedDatabase database, Account account, int n,
      int concurrency, String keyPrefix) throws InterruptedException {
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(concurrency);
    int[] statuses = new int[n];
    long[] latencies = new long[n];
    String[] bodies = new String[n];
    Caller caller = new Caller(DbRole.AUTHENTICATED, account.claimsJson);
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    long began;
    long ended;
    // The API pool's size and queueing (Database.REQUEST_QUEUE_TIMEOUT), so the baseline waits as uploads do.
    try (Database pool = Database.open(database.runtime(), ExoraConfig.DEFAULT_DB_POOL_SIZE, "bench-database-baseline",
            Database.REQUEST_QUEUE_TIMEOUT);
        var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      RequestTransactions transactions = new RequestTransactions(pool.jdbi());
      for (int i = 0; i < n; i++) {
        int index = i;
        String sha = String.format(Locale.ROOT, "%064x", index);
        threads.submit(() -> {
          go.await();
          inFlight.acquire();
          long start = System.nanoTime();
          try {
            transactions.run(caller, null, h -> UsageLimits.uploadRefusal(h, account.profileId, null))
                .ifPresent(refusal -> {
                  throw new IllegalStateException(refusal);
                });
            transactions.run(caller, null, h -> ShellFiles.register(h, account.profileId, "db.txt", "db.txt",
                102_400, DocumentType.TEXT, "shell-files/" + keyPrefix + index, sha, keyPrefix + index, null));
            statuses[index] = 201;
          } catch (RuntimeException e) {
            bodies[index] = e.toString();
          } finally {
            inFlight.release();
          }
          latencies[index] = System.nanoTime() - start;
          return null;
        });
      }
      began = System.nanoTime();
      go.countDown();
      threads.close();  // waits for every transaction, before the pool closes
      ended = System.nanoTime();
    }
    return new UploadLoad.Result(statuses, latencies, new boolean[n], bodies, ended - began);
  }

  /** The file part of a multipart body built by {@link UploadLoad#multipart}: between the part's headers and the closing boundary. */
  private static byte[] fileOf(byte[] multipart) {
    String text = new String(multipart, StandardCharsets.ISO_8859_1);
    int start = text.indexOf("\r\n\r\n", text.indexOf("name=\"file\"")) + 4;
    int end = text.lastIndexOf("\r\n--");
    return java.util.Arrays.copyOfRange(multipart, start, end);
  }

  /** One unrecorded pass of every phase, so the JIT and the pools are warm before the first measured round. */
  private static void warmUp(URI base, URI sinkUri, Account account, byte[] filler, int n) throws InterruptedException {
    List<UploadLoad.Request> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      requests.add(UploadLoad.get(base, "/healthz"));
      UploadLoad.Request upload = UploadLoad.upload(base, account.token, account.profileId, "warm-" + i + ".txt",
          content(filler, "warm-up", 0, i), "warm-" + i);
      requests.add(UploadLoad.sameBodyTo(sinkUri, upload));
      requests.add(upload);
      requests.add(upload);
    }
    UploadLoad.Result r = UploadLoad.run(requests, requests.size(), REQUEST_TIMEOUT);
    step(String.format(Locale.ROOT, "warm-up: %d requests, %d errors", r.requests(), r.errors()));
  }

  private ObjectNode phase(String label, List<UploadLoad.Request> requests) throws InterruptedException {
    return describe(label, UploadLoad.run(requests, requests.size(), REQUEST_TIMEOUT));
  }

  private static ObjectNode describe(String label, UploadLoad.Result r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("requests", r.requests());
    n.put("errors", r.errors());
    n.put("p50Ms", r.latencyMs(0.50));
    n.put("p99Ms", r.latencyMs(0.99));
    n.put("maxMs", r.latencyMs(1.0));
    n.put("perSecond", r.perSecond());
    n.put("wallSeconds", r.wallSeconds());
    n.put("replayed", r.replayedCount());
    ObjectNode statuses = n.putObject("statuses");
    r.statusCounts().forEach((s, c) -> statuses.put(Integer.toString(s), c));
    step(String.format(Locale.ROOT, "%s: %d requests, %d errors, p50 %.1f ms, p99 %.1f ms, %.0f/s%s", label,
        r.requests(), r.errors(), r.latencyMs(0.5), r.latencyMs(0.99), r.perSecond(),
        r.errors() > 0 ? " (" + r.errorSample() + ")" : ""));
    return n;
  }

  /**
   * The database's view of one phase: rows for its keys, their jobs, and that every request for a
   * key got the same shell file ({@code perKey} requests in a row share a key).
   */
  private static ObjectNode check(ConnectionSettings owner, String keyPrefix, UploadLoad.Result r, int perKey)
      throws SQLException {
    ObjectNode n = JSON.createObjectNode();
    n.put("rows", count(owner, "select count(*) from public.shell_files where idempotency_key like '" + keyPrefix + "%'"));
    n.put("jobs", count(owner, """
        select (select count(*) from public.job_queue j join public.shell_files f on f.id = j.shell_file_id
                 where f.idempotency_key like '%1$s%%')
             + (select count(*) from public.job_queue_archive j join public.shell_files f on f.id = j.shell_file_id
                 where f.idempotency_key like '%1$s%%')""".formatted(keyPrefix)));
    Map<String, String> fileByKeyIndex = new HashMap<>();
    int mismatched = 0;
    for (int i = 0; i < r.requests(); i++) {
      if (r.statuses()[i] != 201) {
        continue;
      }
      try {
        String file = JSON.readTree(r.bodies()[i]).get("shell_file_id").asText();
        String previous = fileByKeyIndex.putIfAbsent(Integer.toString(i / perKey), file);
        if (previous != null && !previous.equals(file)) {
          mismatched++;
        }
      } catch (IOException e) {
        mismatched++;
      }
    }
    n.put("distinctFilesAnswered", new java.util.HashSet<>(fileByKeyIndex.values()).size());
    n.put("keysAnsweredWithTwoFiles", mismatched);
    return n;
  }

  // ---- pipeline ---------------------------------------------------------------------------------

  private void pipeline(Path dataDir, int pdfs, int images, int runs) throws Exception {
    if (runs < 1) {
      return;
    }
    step("starting a fresh server with its worker (embedded PostgreSQL under " + dataDir + ", offline provider)");
    ExoraConfig config = config(dataDir, true);
    ProvisionedDatabase database = ProvisionedDatabase.provision(config.dbUrl(), config.dataDir());
    results.put("workerConcurrency", config.workers().concurrency());
    results.put("aiProvider", config.ai().provider().toString());
    try (Server server = Server.start(config, database, Server.Role.API)) {
      URI base = URI.create("http://127.0.0.1:" + server.port());
      Account account = signup(base, "bench-pipeline@example.org");
      byte[] pdf = sample("lab-report.pdf");
      byte[] png = sample("scanned-lab-report.png");
      results.put("pdfBytes", pdf.length);
      results.put("pngBytes", png.length);
      ArrayNode pdfRuns = results.putArray("pipelinePdf");
      ArrayNode ocrRuns = results.putArray("pipelineOcr");
      for (int run = 1; run <= runs; run++) {
        pdfRuns.add(batch(database.owner(), base, account, "run " + run + " typed PDFs", "lab-report.pdf", pdf, pdfs));
        ocrRuns.add(batch(database.owner(), base, account, "run " + run + " scanned images (OCR)", "scan.png", png, images));
      }
    }
  }

  /** Uploads {@code n} copies, waits until each is completed or failed, and reads the timings the database kept. */
  private ObjectNode batch(ConnectionSettings owner, URI base, Account account, String label, String name,
      byte[] content, int n) throws Exception {
    List<UploadLoad.Request> requests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      requests.add(UploadLoad.upload(base, account.token, account.profileId, name, content, null));
    }
    // A few at a time: this measures processing, not the upload burst above.
    UploadLoad.Result sent = UploadLoad.run(requests, Math.min(n, 8), REQUEST_TIMEOUT);
    if (sent.errors() > 0) {
      step(label + ": " + sent.errors() + " uploads failed: " + sent.errorSample());
    }
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (sent.statuses()[i] == 201) {
        ids.add(UUID.fromString(JSON.readTree(sent.bodies()[i]).get("shell_file_id").asText()));
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(opt("pipeline-cap-seconds", 240)).toNanos();
    ObjectNode stats;
    do {
      Thread.sleep(100);
      stats = batchStats(owner, ids);
    } while (stats.get("pending").asInt() > 0 && System.nanoTime() < deadline);
    stats.put("documents", n);
    stats.put("uploadErrors", sent.errors());
    stats.put("timeBoxed", stats.get("pending").asInt() > 0);
    double seconds = stats.get("seconds").asDouble();
    stats.put("docsPerMinute", stats.get("completed").asInt() / seconds * 60);
    step(String.format(Locale.ROOT, "%s: %d documents, %d completed, %d failed in %.1f s: %.1f documents/min, "
            + "median %.2f s processing each, %.1f events each", label, n, stats.get("completed").asInt(),
        stats.get("failed").asInt(), seconds, stats.get("docsPerMinute").asDouble(),
        stats.get("medianProcessingSeconds").asDouble(), stats.get("eventsPerDocument").asDouble()));
    return stats;
  }

  private static ObjectNode batchStats(ConnectionSettings owner, List<UUID> ids) throws SQLException {
    try (Connection c = connect(owner);
        PreparedStatement st = c.prepareStatement("""
            select count(*) filter (where status = 'completed') as completed,
                   count(*) filter (where status = 'failed') as failed,
                   count(*) filter (where status not in ('completed', 'failed')) as pending,
                   extract(epoch from max(processing_completed_at) - min(created_at)) as seconds,
                   extract(epoch from percentile_cont(0.5) within group
                     (order by processing_completed_at - processing_started_at)) as median_processing,
                   coalesce(avg(clinical_event_count) filter (where status = 'completed'), 0) as events
              from public.shell_files where id = any(?)""")) {
      Array array = c.createArrayOf("uuid", ids.toArray());
      st.setArray(1, array);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        ObjectNode n = JSON.createObjectNode();
        n.put("completed", rs.getInt("completed"));
        n.put("failed", rs.getInt("failed"));
        n.put("pending", rs.getInt("pending"));
        n.put("seconds", rs.getDouble("seconds"));
        n.put("medianProcessingSeconds", rs.getDouble("median_processing"));
        n.put("eventsPerDocument", rs.getDouble("events"));
        return n;
      }
    }
  }

  // ---- parts ------------------------------------------------------------------------------------

  /** A signed-up user: the access token, its verified claims (for in-process transactions) and their profile. */
  private record Account(String token, String claimsJson, UUID profileId) {}

  private static ExoraConfig config(Path dataDir, boolean worker) {
    return ExoraConfig.fromEnvironment(Map.of(
        "EXORA_DATA_DIR", dataDir.toString(),
        "EXORA_PORT", "0",
        "EXORA_SERVE_WORKERS", Boolean.toString(worker)));
  }

  /** The baseline endpoint: the same multipart parser, draining the file part; no storage, no database. */
  private static Javalin sink() {
    return Javalin.create(config -> {
      config.concurrency.useVirtualThreads = true;
      config.startup.showJavalinBanner = false;
      config.jetty.modifyServer(server -> HttpApi.acceptQueue(server, HttpApi.ACCEPT_QUEUE_SIZE));
      config.routes.post("/sink", ctx -> {
        JakartaServletFileUpload<?, ?> parser = new JakartaServletFileUpload<>();
        long drained = 0;
        byte[] buffer = new byte[8192];
        FileItemInputIterator parts = parser.getItemIterator(ctx.req());
        while (parts.hasNext()) {
          FileItemInput part = parts.next();
          try (InputStream in = part.getInputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
              drained += n;
            }
          }
        }
        ctx.status(201).contentType("application/json").result("{\"drained\":" + drained + "}");
      });
    }).start("127.0.0.1", 0);
  }

  private static Account signup(URI base, String email) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/auth/signup"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of(
              "email", email, "password", "correct horse battery staple", "display_name", "Bench"))))
          .build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 201) {
        throw new IllegalStateException("signup failed: " + r.statusCode() + " " + r.body());
      }
      JsonNode body = JSON.readTree(r.body());
      String token = body.get("access_token").asText();
      String claims = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
      return new Account(token, claims, UUID.fromString(body.get("profile_id").asText()));
    }
  }

  /** About {@code size} bytes of lab-report text, repeated: the offline extractor would read it as one. */
  private static byte[] filler(int size) {
    String block = """
        Comprehensive metabolic panel
        Glucose 98 mg/dL (70-99)
        Creatinine 0.9 mg/dL (0.6-1.2)
        Sodium 139 mmol/L (135-145)
        Potassium 4.2 mmol/L (3.5-5.1)
        Hemoglobin A1c 5.6 % (4.0-5.6)
        Blood pressure 118/76 mmHg, pulse 64 bpm
        """;
    StringBuilder b = new StringBuilder(size + block.length());
    while (b.length() < size) {
        b.append(block);
    }
    return b.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  /** The filler with a first line naming the upload, so every file (and its sha256) is distinct. */
  private static byte[] content(byte[] filler, String phase, int round, int i) {
    byte[] head = ("Bench upload " + phase + " round " + round + " number " + i + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] c = filler.clone();
    System.arraycopy(head, 0, c, 0, head.length);
    return c;
  }

  private static byte[] sample(String name) throws IOException {
    try (InputStream in = UploadBench.class.getResourceAsStream("/samples/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no sample " + name + " on the classpath");
      }
      return in.readAllBytes();
    }
  }

  private static Connection connect(ConnectionSettings owner) throws SQLException {
    return java.sql.DriverManager.getConnection(owner.jdbcUrl(), owner.user(), owner.password());
  }

  private static long count(ConnectionSettings owner, String sql) throws SQLException {
    try (Connection c = connect(owner); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String serverVersion(ConnectionSettings owner) throws SQLException {
    try (Connection c = connect(owner); var st = c.createStatement();
        ResultSet rs = st.executeQuery("select current_setting('server_version') || ', fsync ' || current_setting('fsync')"
            + " || ', synchronous_commit ' || current_setting('synchronous_commit')")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long storedObjects(Path dataDir) throws IOException {
    Path objects = dataDir.resolve("objects");
    if (!Files.exists(objects)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(objects)) {
      return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("~")).count();
    }
  }




  static double median(JsonNode runs, ToDoubleFunction<JsonNode> f) {
    double[] v = new double[runs.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.applyAsDouble(runs.get(i));
    }
    java.util.Arrays.sort(v);
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static void step(String what) {
    System.out.println("[upload-bench] " + what);
  }
}
