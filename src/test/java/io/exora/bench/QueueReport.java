package io.exora.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Turns {@link QueueBench}'s results into the "Queue" section of docs/benchmarks.md and a summary. */
final class QueueReport {
  private QueueReport() {}

  static double median(JsonNode runs, ToDoubleFunction<JsonNode> f) {
    double[] v = new double[runs.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.applyAsDouble(runs.get(i));
    }
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String all(JsonNode runs, ToDoubleFunction<JsonNode> f) {
    List<String> s = new ArrayList<>();
    runs.forEach(r -> s.add(n0(f.applyAsDouble(r))));
    return String.join(" / ", s);
  }

  private static String n0(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String n1(double v) {
    return String.format(Locale.ROOT, "%,.1f", v);
  }

  private static String n2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String n4(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static boolean anyTimeBoxed(JsonNode runs) {
    for (JsonNode r : runs) {
      if (r.path("timeBoxed").asBoolean(false)) {
        return true;
      }
    }
    return false;
  }

  private static long stmt(JsonNode statements, String kind) {
    JsonNode n = statements.get(kind);
    return n == null ? 0 : n.asLong();
  }

  private static String mark(boolean met) {
    return met ? "met" : "**missed**";
  }

  static String section(JsonNode r) {
    JsonNode m = r.get("machine");
    JsonNode s = r.get("server");
    JsonNode exora = r.get("exora");
    JsonNode boss = r.get("pgboss");
    JsonNode orig = r.get("original");
    JsonNode lat = r.get("latency");
    JsonNode mem = r.get("memory");
    JsonNode pgb = r.get("pgbench");
    int jobs = r.get("jobs").asInt();

    double exDrain = median(exora, x -> x.get("drainRate").asDouble());
    double exEnq = median(exora, x -> x.get("enqueueRate").asDouble());
    double exE2e = median(exora, x -> x.get("endToEndRate").asDouble());
    double bossDrain = median(boss, x -> x.get("drainRate").asDouble());
    double bossEnq = median(boss, x -> x.get("enqueueRate").asDouble());
    double bossE2e = median(boss, x -> jobs / (x.get("enqueueSeconds").asDouble() + x.get("drainSeconds").asDouble()));
    double origDrain = orig.get("drainRate").asDouble();
    double origEnq = orig.get("enqueueRate").asDouble();
    double origE2e = orig.get("endToEndRate").asDouble();
    double tps = pgb.get("tps").asDouble();

    // Statement counts of the median Exora run (by drain rate).
    JsonNode medianRun = exora.get(0);
    for (JsonNode x : exora) {
      if (x.get("drainRate").asDouble() == exDrain) {
        medianRun = x;
      }
    }
    JsonNode enqSt = medianRun.get("enqueueStatements");
    JsonNode drSt = medianRun.get("drainStatements");
    long drainedJobs = medianRun.path("drained").asLong(jobs);
    long enqueueCalls = stmt(enqSt, "enqueue_jobs_v3");
    long claims = stmt(drSt, "claim_jobs_v3");
    long completes = stmt(drSt, "complete_jobs");
    long periodic = stmt(drSt, "heartbeat_jobs") + stmt(drSt, "register_worker") + stmt(drSt, "depth (metrics)")
        + stmt(drSt, "prune_finished_jobs");
    long exRpcs = enqueueCalls + claims + completes + periodic;
    JsonNode oEnq = orig.get("enqueueStatements");
    JsonNode oDr = orig.get("drainStatements");
    long oEnqueued = Math.max(1, orig.get("enqueued").asLong());
    long oDrained = Math.max(1, orig.get("drained").asLong());
    double oRpcs = (double) (stmt(oEnq, "enqueue_job_v3") + stmt(oEnq, "enqueue_jobs_v3")) / oEnqueued
        + (double) (stmt(oDr, "claim_next_job_v3") + stmt(oDr, "complete_job")) / oDrained;
    double oTx = (double) stmt(oEnq, "transaction (set_config preamble)") / oEnqueued
        + (double) stmt(oDr, "transaction (set_config preamble)") / oDrained;
    double exServerTx = median(exora, x -> x.get("serverTransactions").asDouble()) / jobs;
    double bossServerTx = median(boss, x -> x.get("serverTransactions").asDouble()) / jobs;

    double p50 = lat.get("pickupMs").get("p50").asDouble();
    double p99 = lat.get("pickupMs").get("p99").asDouble();
    JsonNode busy = mem.get("withJobsInFlight");
    JsonNode idle = mem.get("idleWorker");
    JsonNode bossFirst = boss.get(0);

    StringBuilder b = new StringBuilder();
    b.append("## Queue\n\n");
    if (r.has("sqlPatch")) {
      b.append("> **Experiment, not the shipped SQL:** `").append(r.get("sqlPatch").asText())
          .append("` was applied over the migrations before these runs.\n\n");
    }
    b.append("Command: `").append(r.get("command").asText()).append("` (from the repository root; it builds what it needs, ")
        .append("starts its own PostgreSQL under a temporary directory and rewrites this section).  \n");
    b.append("Date: ").append(r.get("date").asText()).append(" (UTC). Total run time ")
        .append(n0(r.get("totalSeconds").asDouble())).append(" s.  \n");
    b.append("Machine: nproc ").append(m.get("nproc").asInt()).append(", RAM ").append(n1(m.get("ramGiB").asDouble()))
        .append(" GiB, CPU ").append(m.get("cpu").asText()).append(", Linux ").append(m.get("kernel").asText())
        .append("; ").append(m.get("java").asText()).append(", node ").append(m.get("node").asText())
        .append(". Load average (1/5/15 min) ").append(m.get("loadBefore").asText()).append(" before, ")
        .append(m.get("loadAfter").asText()).append(" after: other work on the machine shares its 2 cores and disk.  \n");
    JsonNode code = r.path("code");
    if (code.has("commit")) {
      b.append("Code: commit ").append(code.get("commit").asText());
      if (code.get("uncommitted").size() > 0) {
        List<String> files = new ArrayList<>();
        code.get("uncommitted").forEach(f -> files.add("`" + f.asText() + "`"));
        b.append(" plus the working tree's uncommitted changes to ").append(String.join(", ", files));
      }
      b.append(".  \n");
    }
    b.append("Server: PostgreSQL ").append(s.get("server_version").asText())
        .append(" (embedded, default settings: fsync ").append(s.get("fsync").asText())
        .append(", synchronous_commit ").append(s.get("synchronous_commit").asText())
        .append(", wal_sync_method ").append(s.get("wal_sync_method").asText())
        .append(", shared_buffers ").append(s.get("shared_buffers").asText())
        .append("), one server for every figure below, all clients on the same 2 cores over loopback TCP.\n\n");
    b.append("These machines are noisy: the Exora and pg-boss drains ran ").append(r.get("runs").asInt())
        .append(" times each, alternating, each run in a fresh process after a CHECKPOINT; figures are medians, ")
        .append("with every run listed.\n\n");

    b.append("### What a job costs in SQL\n\n");
    b.append("Statements per job, counted by the client (a JDBI statement logger) in the median Exora run and in the ")
        .append("original-loop run. Every transaction also carries one `set_config` statement (the request ")
        .append("transaction's role and claims, as PostgREST does) and a COMMIT, which is where a durable queue pays: ")
        .append("one WAL flush per commit.\n\n");
    b.append("| per job | Exora runtime | original loop |\n|---|---|---|\n");
    b.append("| enqueue | `enqueue_jobs_v3`, one per ").append(n0(QueueWorkloadBench.ENQUEUE_BATCH))
        .append(" jobs: ").append(n4((double) enqueueCalls / jobs)).append(" | `enqueue_job_v3`: 1 |\n");
    b.append("| claim | `claim_jobs_v3`, one per batch of up to ").append(medianRun.get("maxClaimBatch").asInt())
        .append(" (").append(n0(claims)).append(" claims, ").append(n1((double) drainedJobs / Math.max(1, claims)))
        .append(" jobs each on average): ").append(n4((double) claims / drainedJobs)).append(" | `claim_next_job_v3`: 1 |\n");
    b.append("| complete | `complete_jobs`, whatever finished while the previous batch was being written (")
        .append(n0(completes)).append(" batches, ").append(n1((double) drainedJobs / Math.max(1, completes)))
        .append(" jobs each): ").append(n4((double) completes / drainedJobs)).append(" | `complete_job`: 1 |\n");
    b.append("| periodic (heartbeat, registry, depth gauge, pruning; per interval, not per job) | ")
        .append(n0(periodic)).append(" in the whole drain | none |\n");
    b.append("| **queue RPCs per job** | **").append(n4((double) enqueueCalls / jobs + (double) (exRpcs - enqueueCalls) / drainedJobs)).append("** | **")
        .append(n2(oRpcs)).append("** |\n");
    b.append("| transactions per job, client count | ").append(n4((double) stmt(enqSt, "transaction (set_config preamble)") / jobs
        + (double) stmt(drSt, "transaction (set_config preamble)") / drainedJobs)).append(" | ")
        .append(n2(oTx)).append(" |\n");
    b.append("| transactions per job, server count (`pg_stat_database.xact_commit` over enqueue + drain) | ")
        .append(n4(exServerTx)).append(" | (time-boxed run: see the client count) |\n\n");
    b.append("For comparison pg-boss committed ").append(n4(bossServerTx))
        .append(" transactions per job in its own database (batch insert, fetch of `batchSize`, one completion per batch, ")
        .append("plus its supervisor).\n\n");

    b.append("### Throughput: ").append(n0(jobs)).append(" no-op jobs, enqueue then drain\n\n");
    b.append("Enqueue: the whole backlog first, in batches of ").append(n0(QueueWorkloadBench.ENQUEUE_BATCH))
        .append(" from one client (the original: one `enqueue_job_v3` per job, as its producers did). Drain: from the worker's ")
        .append("start until the last completion has committed. End to end: jobs / (enqueue time + drain time), ")
        .append("i.e. 1 / (1/enqueue rate + 1/drain rate).");
    int warmup = medianRun.path("warmupJobs").asInt(0);
    if (warmup > 0) {
      b.append(" Before its timed run each system drained ").append(n0(warmup))
          .append(" jobs of its own, untimed and then removed, in the same process (the JVM's and V8's compilers warm, ")
          .append("as in a worker that has been running).");
    }
    b.append("\n\n");
    b.append("| system | enqueue jobs/s | drain jobs/s | end to end jobs/s | drain, each run |\n|---|---:|---:|---:|---|\n");
    int workers = medianRun.path("workers").asInt(1);
    b.append("| Exora worker runtime (").append(workers == 1 ? "one worker," : workers + " workers, each with")
        .append(" lane concurrency ").append(medianRun.get("concurrency").asInt())
        .append(", claim batch ≤ ").append(medianRun.get("maxClaimBatch").asInt())
        .append(", ").append(count(medianRun.path("claimers").asInt(1), "claimer")).append(", ")
        .append(count(medianRun.path("completers").asInt(1), "completer")).append(") | ")
        .append(n0(exEnq)).append(" | **").append(n0(exDrain)).append("** | ").append(n0(exE2e)).append(" | ")
        .append(all(exora, x -> x.get("drainRate").asDouble()))
        .append(anyTimeBoxed(exora) ? " (a run hit the drain cap: its rate is jobs completed by then / time)" : "")
        .append(" |\n");
    b.append("| pg-boss ").append(bossFirst.get("version").asText()).append(" (`insert()`; `work()` with batchSize ")
        .append(bossFirst.get("batchSize").asInt()).append(", localConcurrency ").append(bossFirst.get("localConcurrency").asInt())
        .append(", burstWhenBatchFull) | ").append(n0(bossEnq)).append(" | **").append(n0(bossDrain)).append("** | ")
        .append(n0(bossE2e)).append(" | ").append(all(boss, x -> x.get("drainRate").asDouble())).append(" |\n");
    b.append("| original loop (").append(orig.get("loops").asInt()).append(" connections, each: claim_next_job_v3, complete_job; ")
        .append(orig.get("enqueue").asText()).append("; one run, time-boxed: ").append(n0(orig.get("enqueued").asDouble()))
        .append(" enqueued in ").append(n0(orig.get("enqueueSeconds").asDouble())).append(" s, ")
        .append(n0(orig.get("drained").asDouble())).append(" of the ").append(n0(orig.get("jobs").asDouble()))
        .append("-job backlog drained in ").append(n0(orig.get("drainSeconds").asDouble())).append(" s) | ")
        .append(n0(origEnq)).append(" | **").append(n0(origDrain)).append("** | ").append(n0(origE2e)).append(" | ")
        .append(n0(origDrain)).append(" |\n\n");
    JsonNode claim = medianRun.get("claimStatement");
    b.append("In the median Exora run the worker's claim transaction (`exora.queue.claim.latency`) took ")
        .append(n1(claim.get("meanMs").asDouble())).append(" ms on average over ").append(claim.get("count").asLong())
        .append(" claims (max ").append(n1(claim.get("maxMs").asDouble())).append(" ms): ")
        .append(n1(claim.get("totalSeconds").asDouble())).append(" s of claiming in the ").append(n1(medianRun.get("drainSeconds").asDouble()))
        .append(" s drain, on ").append(workers * medianRun.path("claimers").asInt(1)).append(" claiming thread(s)");
    JsonNode complete = medianRun.get("completeBatch");
    if (complete != null && complete.has("count")) {
      b.append("; its completion batches (`exora.queue.complete.latency`, commit included) took ")
          .append(n1(complete.get("meanMs").asDouble())).append(" ms on average over ").append(complete.get("count").asLong())
          .append(" batches: ").append(n1(complete.get("totalSeconds").asDouble())).append(" s on ")
          .append(workers * medianRun.path("completers").asInt(1)).append(" completing thread(s)");
    }
    b.append(".\n\n");
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < exora.size(); i++) {
      JsonNode st = exora.get(i).get("drainStatements");
      List<String> kinds = new ArrayList<>();
      st.fieldNames().forEachRemaining(k -> {
        if (k.startsWith("error:") && st.get(k).asLong() > 0) {
          kinds.add(st.get(k).asLong() + " " + k.substring("error:".length()));
        }
      });
      if (!kinds.isEmpty()) {
        failures.add("run " + (i + 1) + ": " + String.join(", ", kinds));
      }
    }
    if (!failures.isEmpty()) {
      b.append("Statements that failed and were retried by the runtime during the Exora drains (the workers' logs, ")
          .append("`bench/queue/out/logs/exora-drain-*.log`, give the error): ").append(String.join("; ", failures))
          .append(".\n\n");
    }
    b.append("Ratios (medians): Exora drain / pg-boss drain = **").append(n2(exDrain / bossDrain))
        .append("x**; Exora drain / original loop = **").append(n1(exDrain / origDrain))
        .append("x**; Exora enqueue / pg-boss enqueue = ").append(n2(exEnq / bossEnq)).append("x.\n\n");

    b.append("### The ceiling: pgbench\n\n");
    b.append("`").append(pgb.get("pgbenchVersion").asText()).append("`, ").append(pgb.get("clients").asInt())
        .append(" clients, ").append(pgb.get("seconds").asInt()).append(" s, scale ").append(pgb.get("scale").asInt())
        .append(", script: `").append(pgb.get("script").asText()).append("`: **").append(n0(tps))
        .append(" tps** (average latency ").append(n2(pgb.get("latencyAverageMs").asDouble()))
        .append(" ms). That is the server's durable commit rate for the smallest write.\n\n");
    b.append("| system | drain jobs/s ÷ pgbench tps |\n|---|---:|\n");
    b.append("| Exora runtime | ").append(n2(exDrain / tps)).append(" |\n");
    b.append("| pg-boss | ").append(n2(bossDrain / tps)).append(" |\n");
    b.append("| original loop | ").append(n2(origDrain / tps)).append(" |\n\n");
    b.append("A ratio above 1 is only possible by batching: the original loop needs two commits per job, so it is bound to ")
        .append("about half the commit rate at best.\n\n");

    b.append("### Pickup latency on an idle queue\n\n");
    b.append(lat.get("samples").asInt()).append(" single enqueues (after ").append(lat.get("warmup").asInt())
        .append(" warm-up ones), each once the previous job had completed plus a random 2-8 ms gap; the worker idle, ")
        .append("woken by NOTIFY (poll interval ").append(lat.get("pollIntervalMs").asInt())
        .append(" ms as fallback). Timed with System.nanoTime in one JVM, from the return of the enqueue call (its ")
        .append("transaction committed) to the first instruction of the handler.\n\n");
    b.append("| | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
    for (String[] row : new String[][] {{"enqueue return → handler start", "pickupMs"},
        {"enqueue call → handler start", "enqueueCallStartToHandlerMs"}, {"the enqueue call itself", "enqueueCallMs"}}) {
      JsonNode p = lat.get(row[1]);
      b.append("| ").append(row[0]).append(" | ").append(n2(p.get("p50").asDouble())).append(" | ")
          .append(n2(p.get("p90").asDouble())).append(" | ").append(n2(p.get("p99").asDouble())).append(" | ")
          .append(n2(p.get("max").asDouble())).append(" |\n");
    }
    JsonNode dbp = lat.get("dbEnqueueStartToClaimStartMs");
    b.append("| database clock: enqueue transaction start → claim transaction start | ").append(n2(dbp.get("p50").asDouble()))
        .append(" | ").append(n2(dbp.get("p90").asDouble())).append(" | ").append(n2(dbp.get("p99").asDouble()))
        .append(" | ").append(n2(dbp.get("max").asDouble())).append(" |\n\n");
    JsonNode ct = lat.get("claimStatement");
    b.append("The worker's claim transaction (its `exora.queue.claim.latency` timer, commit included) took ")
        .append(n2(ct.get("meanMs").asDouble())).append(" ms on average over ").append(ct.get("count").asLong())
        .append(" claims, at most ").append(n2(ct.get("maxMs").asDouble())).append(" ms. A pickup is at least one ")
        .append("round of NOTIFY delivery plus that claim (which commits without waiting for its WAL flush: JobQueue.claim).\n\n");

    b.append("### Memory\n\n");
    b.append("The worker's JVM (").append(mem.get("javaVersion").asText()).append(", flags: ")
        .append(mem.get("jvmArgs").asText().isBlank() ? "none, defaults" : "`" + mem.get("jvmArgs").asText() + "`")
        .append(", max heap ").append(n0(mem.get("maxHeapMiB").asDouble())).append(" MiB), after three System.gc():\n\n");
    b.append("| | heap used after GC MiB | heap committed MiB | non-heap MiB | RSS MiB | threads |\n|---|---:|---:|---:|---:|---:|\n");
    for (Object[] row : new Object[][] {{"worker idle", idle}, {mem.get("inflight").asInt() + " jobs in flight (handlers parked)", busy}}) {
      JsonNode x = (JsonNode) row[1];
      b.append("| ").append(row[0]).append(" | ").append(n1(x.get("heapUsedAfterGcMiB").asDouble())).append(" | ")
          .append(n0(x.get("heapCommittedMiB").asDouble())).append(" | ").append(n1(x.get("nonHeapUsedMiB").asDouble()))
          .append(" | ").append(n0(x.get("rssMiB").asDouble())).append(" | ").append(x.get("threads").asInt()).append(" |\n");
    }
    b.append("\n");

    b.append("### Targets\n\n");
    b.append("| target | measured | |\n|---|---|---|\n");
    // The issue's target is end to end ("enqueue 200,000 no-op jobs, then drain them ... at least
    // 10,000 jobs/s end to end"): judged on enqueue + drain, not on the drain alone.
    b.append("| ≥ 10,000 jobs/s end to end (enqueue then drain, completions committed) | ").append(n0(exE2e))
        .append(" jobs/s end to end (enqueue ").append(n0(exEnq)).append(", drain ").append(n0(exDrain)).append(" jobs/s) | ")
        .append(mark(exE2e >= 10_000)).append(" |\n");
    b.append("| ≥ 3x pg-boss | drain ").append(n2(exDrain / bossDrain)).append("x, end to end ")
        .append(n2(exE2e / bossE2e)).append("x | ").append(mark(exDrain >= 3 * bossDrain && exE2e >= 3 * bossE2e)).append(" |\n");
    b.append("| pickup p50 < 5 ms | ").append(n2(p50)).append(" ms | ").append(mark(p50 < 5)).append(" |\n");
    b.append("| pickup p99 < 50 ms | ").append(n2(p99)).append(" ms | ").append(mark(p99 < 50)).append(" |\n\n");
    b.append("Raw figures of the last run: `bench/queue/out/results.json` (not committed).\n");
    return b.toString();
  }

  static String summary(JsonNode r) {
    JsonNode exora = r.get("exora");
    JsonNode boss = r.get("pgboss");
    double exDrain = median(exora, x -> x.get("drainRate").asDouble());
    double bossDrain = median(boss, x -> x.get("drainRate").asDouble());
    double origDrain = r.get("original").get("drainRate").asDouble();
    double tps = r.get("pgbench").get("tps").asDouble();
    StringBuilder b = new StringBuilder("Queue benchmark summary (medians of " + r.get("runs").asInt() + " runs, "
        + n0(r.get("jobs").asInt()) + " jobs)\n");
    b.append(String.format(Locale.ROOT, "  %-16s enqueue %,9.0f/s   drain %,9.0f/s%n", "exora",
        median(exora, x -> x.get("enqueueRate").asDouble()), exDrain));
    b.append(String.format(Locale.ROOT, "  %-16s enqueue %,9.0f/s   drain %,9.0f/s%n", "pg-boss",
        median(boss, x -> x.get("enqueueRate").asDouble()), bossDrain));
    b.append(String.format(Locale.ROOT, "  %-16s enqueue %,9.0f/s   drain %,9.0f/s%n", "original loop",
        r.get("original").get("enqueueRate").asDouble(), origDrain));
    b.append(String.format(Locale.ROOT, "  pgbench one-row UPDATE: %,.0f tps; exora/pg-boss %.2fx, exora/original %.1fx, exora/tps %.2f%n",
        tps, exDrain / bossDrain, exDrain / origDrain, exDrain / tps));
    JsonNode p = r.get("latency").get("pickupMs");
    b.append(String.format(Locale.ROOT, "  pickup latency p50 %.2f ms, p99 %.2f ms%n", p.get("p50").asDouble(), p.get("p99").asDouble()));
    JsonNode busy = r.get("memory").get("withJobsInFlight");
    b.append(String.format(Locale.ROOT, "  memory with %d in flight: heap after GC %.1f MiB, RSS %.0f MiB%n",
        r.get("memory").get("inflight").asInt(), busy.get("heapUsedAfterGcMiB").asDouble(), busy.get("rssMiB").asDouble()));
    return b.toString();
  }

  /**
   * Replaces the level-2 section {@code title} of the markdown file (up to the next level-2 heading)
   * with {@code section}, or appends it; creates the file with a title when it does not exist.
   */
  static void replaceSection(Path doc, String title, String section) throws IOException {
    String text = Files.exists(doc) ? Files.readString(doc)
        : "# Benchmarks\n\nEach section is written by the command it names; rerun that command to refresh it.\n";
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    int start = -1;
    int end = lines.size();
    boolean fence = false;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("```")) {
        fence = !fence;
      }
      if (fence) {
        continue;
      }
      if (start < 0 && l.strip().equals("## " + title)) {
        start = i;
      } else if (start >= 0 && l.startsWith("## ")) {
        end = i;
        break;
      }
    }
    String body = section.endsWith("\n") ? section : section + "\n";
    String result;
    if (start < 0) {
      result = text.stripTrailing() + "\n\n" + body;
    } else {
      String before = String.join("\n", lines.subList(0, start));
      String after = String.join("\n", lines.subList(end, lines.size()));
      result = (before.isEmpty() ? "" : before.stripTrailing() + "\n\n") + body
          + (after.isBlank() ? "" : "\n" + after);
    }
    if (doc.getParent() != null) {
      Files.createDirectories(doc.getParent());
    }
    Files.writeString(doc, result);
  }

  /** "1 claimer", "2 claimers". */
  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
