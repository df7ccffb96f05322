package io.exora.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Turns {@link UploadBench}'s results into the "Uploads and pipeline" section of docs/benchmarks.md. */
final class UploadReport {
  private UploadReport() {}

  static void write(Path doc, JsonNode r) throws IOException {
    QueueReport.replaceSection(doc, UploadBench.SECTION, section(r));
  }

  static String section(JsonNode r) {
    JsonNode rounds = r.get("uploadRounds");
    int uploads = r.get("uploads").asInt();
    StringBuilder b = new StringBuilder();
    b.append("## ").append(UploadBench.SECTION).append("\n\n");
    b.append("Command: `").append(r.get("command").asText()).append("` (from the repository root; it builds what it ")
        .append("needs, starts the real server twice under a temporary directory and rewrites this section).  \n");
    b.append(String.format(Locale.ROOT, "Date: %s (UTC). Total run time %.0f s. nproc %d, %s. Load average (1/5/15 min) "
            + "%s before, %s after: other work shares the 2 cores.  \n", r.get("date").asText(),
        r.get("seconds").asDouble(), r.get("nproc").asInt(), r.get("java").asText(), r.get("loadBefore").asText(),
        r.get("loadAfter").asText()));
    if (r.has("sqlPatch")) {
      b.append("**Experiment:** `").append(r.get("sqlPatch").asText())
          .append("` applied over the migrations before the upload rounds.  \n");
    }
    b.append("Code: commit ").append(r.get("commit").asText()).append(". Server: `exora serve`'s wiring (")
        .append("`io.exora.cli.Server`) in the benchmark's JVM, embedded PostgreSQL ").append(r.get("postgres").asText())
        .append(", local file storage, default pool (10 connections); the load driver (`io.exora.bench.UploadLoad`, ")
        .append("reusable for other upload benchmarks) runs in the same JVM and talks HTTP/1.1 over loopback, ")
        .append("a fresh client (so fresh connections) per phase.\n\n");

    b.append(String.format(Locale.ROOT, "### Uploads: %,d at once, %,d-byte files\n\n", uploads, r.get("sizeBytes").asInt()));
    b.append("The worker is off for these phases, so processing does not compete for the CPU. Each of ")
        .append(rounds.size()).append(" rounds runs, in order: `GET /healthz` ").append(n0(uploads))
        .append(" times at once (the HTTP floor); the same ").append(n0(uploads)).append(" multipart bodies to a ")
        .append("sink, a bare Javalin on virtual threads with the same streaming multipart parser that only drains ")
        .append("the file (HTTP and the body, no storage, no database); the same files put straight into a ")
        .append("`FileStorage` (write, fsync, rename, fsync the directory) and an upload's two transactions ")
        .append("(the upload right and plan check, then `register_upload`) through a pool of the server's size, both ")
        .append(n0(uploads)).append(" at once on virtual threads in-process; (a) ").append(n0(uploads))
        .append(" uploads (`POST /v1/shell-files`, one `Idempotency-Key` each); (b) ").append(n0(uploads))
        .append(" more, each sent twice under one key, all ").append(n0(2 * uploads)).append(" in flight at once; ")
        .append("then the sink, the transactions and uploads again one at a time. ")
        .append("Figures are medians over the rounds; latency is per request, from send to the whole response.\n\n");
    b.append("| | requests | errors | p50 | p99 | requests/s | p50 / sink's | requests/s / sink's |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    double sinkP50 = median(rounds, x -> x.get("sink").get("p50Ms").asDouble());
    double sinkRate = median(rounds, x -> x.get("sink").get("perSecond").asDouble());
    row(b, "`GET /healthz` (baseline)", rounds, "healthz", sinkP50, sinkRate);
    row(b, "same bodies to the sink (baseline)", rounds, "sink", sinkP50, sinkRate);
    row(b, "same files put to storage alone, no HTTP (baseline)", rounds, "storage", sinkP50, sinkRate);
    row(b, "an upload's two transactions alone, no HTTP (baseline)", rounds, "database", sinkP50, sinkRate);
    row(b, "(a) uploads", rounds, "single", sinkP50, sinkRate);
    row(b, "(b) uploads, each sent twice", rounds, "twice", sinkP50, sinkRate);
    b.append('\n');
    b.append("One at a time (").append(n0(rounds.get(0).get("singleSerial").get("requests").asLong()))
        .append(" requests, one in flight: the cost of a request that does not queue):\n\n");
    b.append("| | errors | p50 | p99 | p50 / sink's |\n|---|---:|---:|---:|---:|\n");
    double sinkSerialP50 = median(rounds, x -> x.get("sinkSerial").get("p50Ms").asDouble());
    serialRow(b, "same body to the sink (baseline)", rounds, "sinkSerial", sinkSerialP50);
    serialRow(b, "an upload's two transactions alone (baseline)", rounds, "databaseSerial", sinkSerialP50);
    serialRow(b, "upload", rounds, "singleSerial", sinkSerialP50);
    b.append('\n');
    double aRate = median(rounds, x -> x.get("single").get("perSecond").asDouble());
    double bFiles = median(rounds, x -> x.get("twice").get("uploadsPerSecond").asDouble());
    b.append(String.format(Locale.ROOT, "(a) stores and registers **%,.0f uploads/s**, p50 %.0f ms, p99 %.0f ms, "
            + "%s errors in %s; that is %.2fx the sink's request rate (storage, the two database transactions and the "
            + "job cost the rest). (b) registers **%,.0f distinct files/s** (%,.0f requests/s).\n\n",
        aRate, median(rounds, x -> x.get("single").get("p50Ms").asDouble()),
        median(rounds, x -> x.get("single").get("p99Ms").asDouble()),
        n0((long) sum(rounds, x -> x.get("single").get("errors").asDouble())),
        n0((long) sum(rounds, x -> x.get("single").get("requests").asDouble())) + " requests", aRate / sinkRate,
        bFiles, median(rounds, x -> x.get("twice").get("perSecond").asDouble())));
    long uploadErrors = (long) sum(rounds, x -> x.get("single").get("errors").asDouble() + x.get("twice").get("errors").asDouble());
    if (uploadErrors > 0) {
      long unavailable = (long) sum(rounds, x -> x.get("single").get("statuses").path("503").asDouble()
          + x.get("twice").get("statuses").path("503").asDouble());
      b.append(String.format(Locale.ROOT, "Reading: %s of the %s upload errors are 503s (`server_busy`: a request "
              + "queued for one of the pool's 10 connections for longer than `Database.REQUEST_QUEUE_TIMEOUT`). The "
              + "transactions baseline, with no HTTP and no storage, runs at %,.0f upload transaction pairs/s. One at a "
              + "time those two transactions take %.1f ms of an upload's %.1f ms: a burst is bounded by the database "
              + "path, not by HTTP or storage.\n\n",
          n0(unavailable), n0(uploadErrors), median(rounds, x -> x.get("database").get("perSecond").asDouble()),
          median(rounds, x -> x.get("databaseSerial").get("p50Ms").asDouble()),
          median(rounds, x -> x.get("singleSerial").get("p50Ms").asDouble())));
    }
    b.append("Checks, from the database after each round (rows and jobs for that round's keys; the bodies answered ")
        .append("per key; `Idempotent-Replayed: true` responses):\n\n");
    b.append("| round | (a) rows | (a) jobs | (b) rows | (b) jobs | (b) replayed | (b) keys answered with two files |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|\n");
    for (JsonNode round : rounds) {
      JsonNode a = round.get("single").get("check");
      JsonNode t = round.get("twice").get("check");
      b.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s |\n", round.get("round").asInt(),
          n0(a.get("rows").asLong()), n0(a.get("jobs").asLong()), n0(t.get("rows").asLong()), n0(t.get("jobs").asLong()),
          n0(round.get("twice").get("replayed").asLong()), n0(t.get("keysAnsweredWithTwoFiles").asLong())));
    }
    JsonNode totals = r.get("uploadTotals");
    b.append(String.format(Locale.ROOT, "\nAfterwards: %s shell files and %s stored objects (the losers of each (b) "
            + "pair removed their copies).\n\n", n0(totals.get("shellFiles").asLong()), n0(totals.get("storedObjects").asLong())));
    b.append("Every round:\n\n| round | phase | errors | p50 ms | p99 ms | max ms | requests/s | statuses |\n")
        .append("|---:|---|---:|---:|---:|---:|---:|---|\n");
    for (JsonNode round : rounds) {
      for (String phase : new String[] {"healthz", "sink", "storage", "database", "single", "twice", "sinkSerial", "databaseSerial", "singleSerial"}) {
        JsonNode p = round.get(phase);
        b.append(String.format(Locale.ROOT, "| %d | %s | %d | %.1f | %.1f | %.1f | %,.0f | %s |\n",
            round.get("round").asInt(), phase, p.get("errors").asInt(), p.get("p50Ms").asDouble(),
            p.get("p99Ms").asDouble(), p.get("maxMs").asDouble(), p.get("perSecond").asDouble(),
            p.get("statuses").toString().replace("\"", "")));
      }
    }

    JsonNode pdf = r.get("pipelinePdf");
    JsonNode ocr = r.get("pipelineOcr");
    if (pdf == null || pdf.isEmpty()) {
      return b.toString();
    }
    b.append("\n### Pipeline throughput, offline provider\n\n");
    b.append(String.format(Locale.ROOT, "A fresh server with its worker (lane concurrency %d, provider `%s`). Each run "
            + "uploads a batch of the typed sample lab report PDF (`samples/lab-report.pdf`, %s bytes: text layer, "
            + "then the offline extractor) and then a batch of the scanned sample (`samples/scanned-lab-report.png`, "
            + "%s bytes: Tesseract OCR, then the extractor); %d runs, alternating. Time is from the batch's first shell "
            + "file's `created_at` (the enqueue) to its last `processing_completed_at`, as the database recorded "
            + "them. A batch's documents are processed concurrently (up to the lane's concurrency), so the "
            + "median processing time per document includes waiting for the 2 cores.\n\n", r.get("workerConcurrency").asInt(), r.get("aiProvider").asText().toLowerCase(Locale.ROOT),
        n0(r.get("pdfBytes").asLong()), n0(r.get("pngBytes").asLong()), pdf.size()));
    b.append("| documents | per batch | upload errors | completed | failed | documents/min | median processing per document | events per document |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    pipelineRow(b, "typed PDFs (text layer)", pdf);
    pipelineRow(b, "scanned images (OCR)", ocr);
    double pdfRate = median(pdf, x -> x.get("docsPerMinute").asDouble());
    double ocrRate = median(ocr, x -> x.get("docsPerMinute").asDouble());
    b.append(String.format(Locale.ROOT, "\nTyped PDFs go through **%.1fx** as fast as OCR'd images (%,.0f against "
        + "%,.1f documents/min).", pdfRate / ocrRate, pdfRate, ocrRate));
    boolean boxed = false;
    for (JsonNode run : pdf) {
      boxed |= run.get("timeBoxed").asBoolean();
    }
    for (JsonNode run : ocr) {
      boxed |= run.get("timeBoxed").asBoolean();
    }
    if (boxed) {
      b.append(" A batch did not finish within its time box; its rate counts only the documents completed.");
    }
    b.append("\n\nEvery run:\n\n| run | documents | completed | failed | seconds | documents/min |\n|---:|---|---:|---:|---:|---:|\n");
    for (int i = 0; i < pdf.size(); i++) {
      runRow(b, i + 1, "typed PDFs", pdf.get(i));
      runRow(b, i + 1, "scanned images", ocr.get(i));
    }
    return b.toString();
  }

  static String summary(JsonNode r) {
    JsonNode rounds = r.get("uploadRounds");
    StringBuilder b = new StringBuilder("Upload benchmark summary (medians of " + rounds.size() + " rounds)\n");
    for (String phase : new String[] {"healthz", "sink", "storage", "database", "single", "twice", "sinkSerial", "databaseSerial", "singleSerial"}) {
      b.append(String.format(Locale.ROOT, "  %-14s errors %4d  p50 %8.1f ms  p99 %8.1f ms  %,8.0f requests/s%n", phase,
          (long) sum(rounds, x -> x.get(phase).get("errors").asDouble()),
          median(rounds, x -> x.get(phase).get("p50Ms").asDouble()),
          median(rounds, x -> x.get(phase).get("p99Ms").asDouble()),
          median(rounds, x -> x.get(phase).get("perSecond").asDouble())));
    }
    if (r.get("pipelinePdf") == null || r.get("pipelinePdf").isEmpty()) {
      return b.toString();
    }
    b.append(String.format(Locale.ROOT, "  pipeline: typed PDFs %.1f documents/min, OCR'd images %.1f documents/min%n",
        median(r.get("pipelinePdf"), x -> x.get("docsPerMinute").asDouble()),
        median(r.get("pipelineOcr"), x -> x.get("docsPerMinute").asDouble())));
    return b.toString();
  }

  private static void row(StringBuilder b, String name, JsonNode rounds, String phase, double sinkP50, double sinkRate) {
    double p50 = median(rounds, x -> x.get(phase).get("p50Ms").asDouble());
    double rate = median(rounds, x -> x.get(phase).get("perSecond").asDouble());
    b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f ms | %.1f ms | %,.0f | %.2fx | %.2fx |\n", name,
        n0(rounds.get(0).get(phase).get("requests").asLong()),
        n0((long) sum(rounds, x -> x.get(phase).get("errors").asDouble())), p50,
        median(rounds, x -> x.get(phase).get("p99Ms").asDouble()), rate, p50 / sinkP50, rate / sinkRate));
  }

  private static void serialRow(StringBuilder b, String name, JsonNode rounds, String phase, double sinkP50) {
    double p50 = median(rounds, x -> x.get(phase).get("p50Ms").asDouble());
    b.append(String.format(Locale.ROOT, "| %s | %s | %.1f ms | %.1f ms | %.2fx |\n", name,
        n0((long) sum(rounds, x -> x.get(phase).get("errors").asDouble())), p50,
        median(rounds, x -> x.get(phase).get("p99Ms").asDouble()), p50 / sinkP50));
  }

  private static void pipelineRow(StringBuilder b, String name, JsonNode runs) {
    b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %.1f | %.2f s | %.1f |\n", name,
        runs.get(0).get("documents").asInt(), n0((long) sum(runs, x -> x.get("uploadErrors").asDouble())),
        n0((long) sum(runs, x -> x.get("completed").asDouble())),
        n0((long) sum(runs, x -> x.get("failed").asDouble())), median(runs, x -> x.get("docsPerMinute").asDouble()),
        median(runs, x -> x.get("medianProcessingSeconds").asDouble()),
        median(runs, x -> x.get("eventsPerDocument").asDouble())));
  }

  private static void runRow(StringBuilder b, int run, String name, JsonNode x) {
    b.append(String.format(Locale.ROOT, "| %d | %d %s | %d | %d | %.1f | %.1f |\n", run, x.get("documents").asInt(),
        name, x.get("completed").asInt(), x.get("failed").asInt(), x.get("seconds").asDouble(),
        x.get("docsPerMinute").asDouble()));
  }

  private static double median(JsonNode runs, ToDoubleFunction<JsonNode> f) {
    return UploadBench.median(runs, f);
  }

  private static double sum(JsonNode runs, ToDoubleFunction<JsonNode> f) {
    double s = 0;
    for (JsonNode x : runs) {
      s += f.applyAsDouble(x);
    }
    return s;
  }

  private static String n0(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }
}
