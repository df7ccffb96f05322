package io.exora.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.exora.ai.AiConfig;
import io.exora.api.HttpApi;
import io.exora.api.Requests;
import io.exora.auth.JwtSecret;
import io.exora.auth.PasswordHasher;
import io.exora.auth.TokenIssuer;
import io.exora.auth.TokenVerifier;
import io.exora.config.ExoraConfig;
import io.exora.db.Database;
import io.exora.db.ProvisionedDatabase;
import io.exora.db.RequestTransactions;
import io.exora.documents.ShellFiles;
import io.exora.documents.Uploads;
import io.exora.documents.storage.ObjectStorage;
import io.exora.documents.storage.OrphanSweeper;
import io.exora.documents.storage.OrphanSweeperConfig;
import io.exora.documents.storage.StoredObjectReferences;
import io.exora.pipeline.Pipeline;
import io.exora.pipeline.ShellFileProcessor;
import io.exora.queue.JobHandler;
import io.exora.queue.JobQueue;
import io.exora.queue.runtime.Pruner;
import io.exora.queue.runtime.QueueDepthGauges;
import io.exora.queue.runtime.QueueMaintenanceHandler;
import io.exora.queue.runtime.Worker;
import io.exora.queue.runtime.WorkerConfig;
import io.exora.ratelimit.RateLimitGauges;
import io.exora.ratelimit.RateLimiter;
import io.exora.usage.UsageFold;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Exora process, wired by hand: database, pools, metrics, the job worker and HTTP.
 * {@link Role#API} serves the whole API (and runs a worker unless EXORA_SERVE_WORKERS=false);
 * {@link Role#WORKER} runs only the worker, with health and metrics over HTTP. Closing stops the
 * parts in reverse: HTTP (no new requests), the worker (finish or release its jobs), the pools,
 * then the embedded database.
 */
public final class Server implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Server.class);
  /** How stale the queue-depth gauges may be when scraped. */
  static final Duration DEPTH_MAX_AGE = Duration.ofSeconds(10);

  public enum Role { API, WORKER }

  private final ProvisionedDatabase database;
  private final ObjectStorage storage;
  private final Database apiPool;
  private final Database workerPool;
  private final Worker worker;
  private final OrphanSweeper sweeper;
  private final UsageFold usageFold;
  private final HttpApi http;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private Server(ProvisionedDatabase database, ObjectStorage storage, Database apiPool, Database workerPool,
      Worker worker, OrphanSweeper sweeper, UsageFold usageFold, HttpApi http) {
    this.database = database;
    this.storage = storage;
    this.apiPool = apiPool;
    this.workerPool = workerPool;
    this.worker = worker;
    this.sweeper = sweeper;
    this.usageFold = usageFold;
    this.http = http;
  }

  public static Server start(ExoraConfig config, Role role) throws Exception {
    log.info("starting Exora {} with {}", role.name().toLowerCase(java.util.Locale.ROOT), config.describe());
    return start(config, ProvisionedDatabase.provision(config.dbUrl(), config.dataDir()), role);
  }

  /** Starts on a database that is already provisioned; the server closes it on stop. */
  public static Server start(ExoraConfig config, ProvisionedDatabase database, Role role) throws Exception {
    ObjectStorage storage = null;
    Database apiPool = null;
    Database workerPool = null;
    Worker worker = null;
    OrphanSweeper sweeper = null;
    UsageFold usageFold = null;
    try {
      storage = config.storage().open();
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      boolean runsWorker = role == Role.WORKER || config.workers().inServe();
      if (runsWorker) {
        workerPool = Database.open(database.runtime(), config.dbPoolSize(), "exora-worker");
        worker = startWorker(config, database, workerPool, storage, metrics);
        sweeper = new OrphanSweeper(storage, new StoredObjectReferences(new RequestTransactions(workerPool.jdbi())),
            OrphanSweeperConfig.defaults(), InstantSource.system()).start();
      }
      HttpApi http;
      if (role == Role.API) {
        apiPool = Database.open(database.runtime(), config.dbPoolSize(), "exora-api", Database.REQUEST_QUEUE_TIMEOUT);
        QueueDepthGauges.register(metrics, queue(apiPool), DEPTH_MAX_AGE);
        RateLimitGauges.register(metrics, new RateLimiter(new RequestTransactions(apiPool.jdbi()), metrics), DEPTH_MAX_AGE);
        http = HttpApi.api(apiParts(config, apiPool, storage, metrics));
      } else {
        QueueDepthGauges.register(metrics, queue(workerPool), DEPTH_MAX_AGE);
        RateLimitGauges.register(metrics, new RateLimiter(new RequestTransactions(workerPool.jdbi()), metrics), DEPTH_MAX_AGE);
        http = HttpApi.operations(workerPool.dataSource(), metrics);
      }
      // Every server counts uploads (API servers register them); the database lets one fold at a time.
      Database foldPool = apiPool != null ? apiPool : workerPool;
      usageFold = new UsageFold(new RequestTransactions(foldPool.jdbi()), UsageFold.DEFAULT_INTERVAL).start();
      http.start(config.host(), config.port());
      log.info("Exora {} listening on http://{}:{}", role.name().toLowerCase(java.util.Locale.ROOT),
          config.host(), http.port());
      return new Server(database, storage, apiPool, workerPool, worker, sweeper, usageFold, http);
    } catch (Exception | Error e) {
      closeQuietly(usageFold);
      closeQuietly(sweeper);
      closeQuietly(worker);
      closeQuietly(apiPool);
      closeQuietly(workerPool);
      closeQuietly(storage);
      database.close();
      throw e;
    }
  }

  private static HttpApi.Parts apiParts(ExoraConfig config, Database pool, ObjectStorage storage,
      PrometheusMeterRegistry metrics) {
    byte[] secret = JwtSecret.load(config.jwtSecret().orElse(null), config.dataDir());
    InstantSource clock = InstantSource.system();
    TokenVerifier verifier = new TokenVerifier(secret, config.jwksUrl().orElse(null), clock);
    TokenIssuer issuer = new TokenIssuer(secret, "exora", config.accessTokenLifetime(), clock);
    RequestTransactions transactions = new RequestTransactions(pool.jdbi());
    Requests requests = new Requests(verifier, transactions);
    return new HttpApi.Parts(requests, new PasswordHasher(config.passwordHashCost()), issuer,
        pool.dataSource(), config.maxJsonBodyBytes(), metrics, new Uploads(storage, transactions, aiReader(config.ai())));
  }

  /** The vendor pair the workers call to read documents; none for the offline extractor. */
  private static ShellFiles.AiReader aiReader(AiConfig ai) {
    return ai.provider() == AiConfig.Provider.LOCAL ? null : new ShellFiles.AiReader(ai.provider().id(), ai.model());
  }

  private static Worker startWorker(ExoraConfig config, ProvisionedDatabase database, Database pool,
      ObjectStorage storage, PrometheusMeterRegistry metrics) {
    JobQueue queue = queue(pool);
    RequestTransactions transactions = new RequestTransactions(pool.jdbi());
    Map<String, Integer> lanes = new LinkedHashMap<>();
    config.workers().lanes().forEach(lane -> lanes.put(lane, config.workers().concurrency()));
    WorkerConfig workerConfig = WorkerConfig.defaults(workerId(), lanes);
    Map<String, JobHandler> handlers = Map.of(
        QueueMaintenanceHandler.JOB_TYPE, new QueueMaintenanceHandler(new Pruner(queue)),
        ShellFileProcessor.JOB_TYPE,
        Pipeline.processor(transactions, storage, config.ai(), new RateLimiter(transactions, metrics)));
    return new Worker(workerConfig, queue, transactions, handlers, database.runtime(), jsonMapper(), metrics).start();
  }

  private static JobQueue queue(Database pool) {
    return new JobQueue(new RequestTransactions(pool.jdbi()), jsonMapper());
  }

  private static ObjectMapper jsonMapper() {
    return new ObjectMapper().registerModule(new JavaTimeModule());
  }

  /** Unique per process, readable in the worker registry: host, pid and a random suffix. */
  static String workerId() {
    return Worker.host() + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public int port() {
    return http.port();
  }

  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    log.info("stopping Exora");
    http.close();
    closeQuietly(usageFold);
    closeQuietly(sweeper);
    closeQuietly(worker);
    closeQuietly(apiPool);
    closeQuietly(workerPool);
    closeQuietly(storage);
    database.close();
    log.info("Exora stopped");
    stopped.countDown();
  }

  private static void closeQuietly(AutoCloseable part) {
    if (part == null) {
      return;
    }
    try {
      part.close();
    } catch (Exception e) {
      log.warn("error while stopping {}: {}", part.getClass().getSimpleName(), e.toString());
    }
  }
}
