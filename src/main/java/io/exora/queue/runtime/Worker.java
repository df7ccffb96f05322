package io.exora.queue.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exora.background.Periodic;
import io.exora.db.Caller;
import io.exora.db.ConnectionSettings;
import io.exora.db.RequestTransactions;
import io.exora.queue.DeferJob;
import io.exora.queue.Job;
import io.exora.queue.JobContext;
import io.exora.queue.JobHandler;
import io.exora.queue.JobQueue;
import io.exora.queue.PermanentJobFailure;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker runtime: claims jobs of its lanes in batches bounded by free capacity, runs each on a
 * virtual thread, keeps all of them alive with one heartbeat statement, and finishes each with a
 * fenced write. It knows job types only as keys of its handler map.
 *
 * <p>Threads: {@code claimers} dispatchers (one by default, see {@link WorkerConfig#DEFAULT_CLAIMERS};
 * each claims on its own connection), a heart-beater (also refreshes the registry and metrics),
 * {@code completers} threads writing batches of completions, a LISTEN connection for wake-ups, the
 * archive's pruner ({@link Periodic}), and one virtual thread per running job.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WorkerConfig config;
  private final JobQueue queue;
  private final RequestTransactions transactions;
  private final Map<String, JobHandler> handlers;
  private final ObjectMapper json;
  private final WorkerMetrics metrics;
  private final Map<UUID, Running> running = new ConcurrentHashMap<>();
  /** Per lane: jobs running plus slots reserved by claims in flight; never above the lane's cap. */
  private final Map<String, AtomicInteger> activeByLane = new ConcurrentHashMap<>();
  private final ExecutorService jobThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final BatchCompleter completer;
  private final Wakeups wakeups;
  private final Object signal = new Object();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Thread> dispatchers = new ArrayList<>();
  /** Bumped by every wake-up; a dispatcher sleeps only while it has seen no new one. */
  private long wakeCount;
  private volatile boolean claiming = true;
  /** Counted down when held jobs are gone (ends heartbeats). */
  private final CountDownLatch heldJobsGone = new CountDownLatch(1);
  private final Pruner pruner;
  private Periodic pruning;

  /** One running attempt. {@code released}: handed back at shutdown; the handler must not fail it. */
  private static final class Running {
    final Job job;
    volatile Thread thread;
    volatile boolean lost;
    volatile boolean released;

    Running(Job job) {
      this.job = job;
    }
  }

  public Worker(WorkerConfig config, JobQueue queue, RequestTransactions transactions,
      Map<String, JobHandler> handlers, ConnectionSettings listenerLogin, ObjectMapper json,
      MeterRegistry registry) {
    if (handlers.isEmpty()) {
      throw new IllegalArgumentException("a worker needs at least one job handler");
    }
    this.config = config;
    this.queue = queue;
    this.transactions = transactions;
    this.handlers = Map.copyOf(handlers);
    this.json = json;
    this.metrics = new WorkerMetrics(registry);
    this.pruner = new Pruner(queue);
    config.lanes().keySet().forEach(lane -> activeByLane.put(lane, new AtomicInteger()));
    this.completer = new BatchCompleter(queue, config.workerId(), config.maxClaimBatch(), c -> finished(c.job()),
        metrics::completedBatch);
    this.wakeups = new Wakeups(listenerLogin, this::wake);
  }

  public Worker start() {
    queue.registerWorker(config.workerId(), host(), config.lanes().keySet(), 0, false);
    for (int i = 1; i <= config.claimers(); i++) {
      dispatchers.add(Thread.ofPlatform().name("exora-dispatch-" + i).daemon().start(this::dispatch));
    }
    threads.addAll(dispatchers);
    threads.add(Thread.ofPlatform().name("exora-heartbeat").daemon().start(this::heartbeats));
    for (int i = 1; i <= config.completers(); i++) {
      threads.add(Thread.ofPlatform().name("exora-complete-" + i).daemon().start(completer));
    }
    threads.add(Thread.ofPlatform().name("exora-wakeups").daemon().start(wakeups));
    pruning = Periodic.start("exora-prune", config.pruneInterval(), this::prune);
    log.info("worker {} started: lanes {}, handlers {}", config.workerId(), config.lanes(), handlers.keySet());
    return this;
  }

  public String id() {
    return config.workerId();
  }

  public int activeJobs() {
    return running.size();
  }

  private void dispatch() {
    List<String> types = List.copyOf(handlers.keySet());
    while (claiming) {
      long seen = wakeupsSeen();
      boolean claimedFullBatch = false;
      for (Map.Entry<String, Integer> lane : config.lanes().entrySet()) {
        AtomicInteger active = activeByLane.get(lane.getKey());
        int want = claiming ? reserve(active, lane.getValue()) : 0;
        if (want == 0) {
          continue;
        }
        List<Job> jobs;
        long start = System.nanoTime();
        try {
          jobs = queue.claim(config.workerId(), want, types, List.of(lane.getKey()));
        } catch (RuntimeException e) {
          active.addAndGet(-want);
          log.warn("claim failed, will retry: {}", e.getMessage());
          await(seen, config.pollInterval());
          continue;
        }
        metrics.claimed(Duration.ofNanos(System.nanoTime() - start));
        // The reservation becomes the claimed jobs' slots; what the claim did not fill is free again.
        active.addAndGet(jobs.size() - want);
        for (Job job : jobs) {
          // The previous attempt of a job deferred with no delay may still be in its last lines;
          // it removes only its own entry (finished).
          Running run = new Running(job);
          running.put(job.id(), run);
          try {
            jobThreads.submit(() -> execute(run));
          } catch (RejectedExecutionException closed) {
            // The claim outlasted the shutdown deadline: the worker has released what it held and
            // stopped running jobs, so this one goes straight back too.
            release(run);
            running.remove(job.id(), run);
            active.decrementAndGet();
          }
        }
        claimedFullBatch |= jobs.size() == want;
      }
      if (!claimedFullBatch) {
        await(seen, config.pollInterval());
      }
    }
  }

  /**
   * Reserves slots of a lane for one claim: up to a batch, within the lane's cap counting the jobs
   * running and the other dispatchers' claims in flight. Claims wait for a quarter of the lane to
   * free up unless it is idle, so they come in batches. Returns the slots reserved (0: none).
   */
  private int reserve(AtomicInteger active, int capacity) {
    while (true) {
      int taken = active.get();
      int free = capacity - taken;
      if (free <= 0 || free < Math.max(1, capacity / 4) && free < capacity) {
        return 0;
      }
      int want = Math.min(free, config.maxClaimBatch());
      if (active.compareAndSet(taken, taken + want)) {
        return want;
      }
    }
  }

  private void execute(Running run) {
    Job job = run.job;
    run.thread = Thread.currentThread();
    MDC.put("job_id", job.id().toString());
    Context context = new Context(job, run);
    long start = System.nanoTime();
    String outcome = "completed";
    boolean batched = false;
    try {
      Map<String, Object> result = handlers.get(job.type()).handle(context);
      JsonNode resultJson = result == null ? null : json.valueToTree(result);
      if (context.tx == null) {
        completer.add(new JobQueue.Completion(job, resultJson));
        batched = true;
      } else if (!run.lost && queue.complete(context.tx, config.workerId(), job, resultJson)) {
        context.tx.commit();
      } else {
        outcome = "lost";
        context.rollback();
        log.debug("job {} attempt {} was lost before it completed; its effects were rolled back", job.id(), job.attempt());
      }
    } catch (DeferJob defer) {
      outcome = "deferred";
      context.rollback();
      if (!run.released) {
        try {
          queue.reschedule(config.workerId(), job, defer.delay(), defer.getMessage(), defer.jitter());
        } catch (RuntimeException dbDown) {
          log.warn("could not defer job {}; it will be rescued after the timeout, which uses a retry: {}",
              job.id(), dbDown.getMessage());
        }
      }
    } catch (Exception | Error e) {
      outcome = "failed";
      context.rollback();
      if (!run.released && !run.lost) {
        fail(job, e);
      }
    } finally {
      context.close();
      metrics.ran(job.type(), outcome, Duration.ofNanos(System.nanoTime() - start));
      activeByLane.get(job.lane()).decrementAndGet();
      if (!batched) {
        finished(job);
      }
      wake();
      MDC.remove("job_id");
    }
  }

  private void fail(Job job, Throwable e) {
    boolean permanent = e instanceof PermanentJobFailure;
    String code = permanent ? ((PermanentJobFailure) e).code() : "handler_error";
    Map<String, Object> details = Map.of("code", code, "exception", e.getClass().getName(),
        "message", String.valueOf(e.getMessage()));
    try {
      String status = queue.fail(config.workerId(), job, String.valueOf(e.getMessage()), details, !permanent, null);
      if (status != null) {
        metrics.failed(job.type(), status);
      }
      if ("failed".equals(status)) {
        log.warn("job {} ({}) dead-lettered: {}", job.id(), job.type(), e.toString());
      } else {
        log.info("job {} ({}) attempt {} failed, will retry: {}", job.id(), job.type(), job.attempt(), e.toString());
      }
    } catch (RuntimeException dbDown) {
      log.warn("could not record the failure of job {}; it will be rescued after the timeout: {}", job.id(), dbDown.getMessage());
    }
  }

  /** The attempt is done with; a later attempt of the same job, claimed meanwhile, stays. */
  private void finished(Job job) {
    running.computeIfPresent(job.id(), (id, run) -> run.job.attempt() == job.attempt() ? null : run);
  }

  /** Hands an unfinished job back at shutdown: deferred, claimable at once, no retry used. */
  private void release(Running run) {
    run.released = true;  // first: the handler interrupted below must not fail the job
    Thread t = run.thread;
    if (t != null) {
      t.interrupt();
    }
    try {
      queue.reschedule(config.workerId(), run.job, Duration.ZERO, "released at worker shutdown", false);
    } catch (RuntimeException e) {
      log.warn("could not release job {}; it will be rescued after the timeout", run.job.id());
    }
  }

  private void heartbeats() {
    while (!await(heldJobsGone, config.heartbeatInterval())) {
      try {
        List<Running> held = running.values().stream().filter(r -> !r.released).toList();
        Set<UUID> stillHeld = queue.heartbeat(config.workerId(), held.stream().map(r -> r.job).toList());
        for (Running run : held) {
          // The attempt sent is the one judged, even if a later one has replaced it in the map.
          if (!stillHeld.contains(run.job.id())) {
            run.lost = true;
            Thread t = run.thread;
            if (t != null) {
              t.interrupt();  // stop work whose result could never be committed
            }
          }
        }
        queue.registerWorker(config.workerId(), host(), config.lanes().keySet(), running.size(), false);
      } catch (RuntimeException e) {
        log.warn("heartbeat failed, will retry: {}", e.getMessage());
      }
    }
  }

  private void prune() {
    try {
      pruner.runOnce();
    } catch (RuntimeException e) {
      log.warn("pruning failed, will retry: {}", e.getMessage());
    }
  }

  /** Waits for the latch or the timeout; true when the latch opened (or the thread was interrupted). */
  private static boolean await(CountDownLatch latch, Duration timeout) {
    try {
      return latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      return true;
    }
  }

  private void wake() {
    synchronized (signal) {
      wakeCount++;
      signal.notifyAll();
    }
  }

  private long wakeupsSeen() {
    synchronized (signal) {
      return wakeCount;
    }
  }

  /** Sleeps until a wake-up newer than {@code seen}, or the timeout. */
  private void await(long seen, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (signal) {
      long left;
      while (wakeCount == seen && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(signal, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Graceful shutdown: stop claiming, let running jobs finish until the deadline, then hand the
   * rest back (deferred, claimable at once, no retry used) and stop.
   */
  @Override
  public void close() {
    if (!claiming) {
      return;
    }
    claiming = false;
    wake();
    long deadline = System.nanoTime() + config.shutdownDeadline().toNanos();
    // A claim in flight finishes first, so that the jobs it took are among those finished or
    // released below rather than left held until the rescue timeout.
    for (Thread dispatcher : dispatchers) {
      try {
        dispatcher.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    while (running.values().stream().anyMatch(r -> r.thread == null || r.thread.isAlive())
        && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(20));
    }
    for (Running run : running.values()) {
      if (run.thread == null || run.thread.isAlive()) {
        release(run);
      }
    }
    heldJobsGone.countDown();
    completer.stop();
    wakeups.stop();
    jobThreads.shutdownNow();
    if (pruning != null) {
      pruning.close();
    }
    for (Thread t : threads) {
      try {
        t.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      queue.registerWorker(config.workerId(), host(), config.lanes().keySet(), 0, true);
    } catch (RuntimeException e) {
      log.warn("could not mark worker {} stopped: {}", config.workerId(), e.getMessage());
    }
    log.info("worker {} stopped", config.workerId());
  }

  public static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown";
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The handler's view; opens the service-role transaction on first use. */
  private final class Context implements JobContext {
    private final Job job;
    private final Running run;
    Handle tx;

    Context(Job job, Running run) {
      this.job = job;
      this.run = run;
    }

    @Override
    public Job job() {
      return job;
    }

    @Override
    public String workerId() {
      return config.workerId();
    }

    @Override
    public Handle transaction() {
      if (tx == null) {
        tx = transactions.open(Caller.serviceRole(), "job:" + job.id());
      }
      return tx;
    }

    @Override
    public boolean isLost() {
      return run.lost;
    }

    void rollback() {
      if (tx != null && tx.isInTransaction()) {
        try {
          tx.rollback();
        } catch (RuntimeException e) {
          log.debug("rollback failed (connection gone): {}", e.getMessage());
        }
      }
    }

    void close() {
      if (tx != null) {
        rollback();
        tx.close();
      }
    }
  }
}
