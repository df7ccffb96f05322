package io.exora.cli;

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
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code exora serve}, wired by hand: database, pool, auth, HTTP. Closing stops them in reverse
 * order: HTTP first (no new requests), then the pool, then the embedded database.
 */
public final class Server implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  private final ProvisionedDatabase database;
  private final Database pool;
  private final HttpApi http;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private Server(ProvisionedDatabase database, Database pool, HttpApi http) {
    this.database = database;
    this.pool = pool;
    this.http = http;
  }

  public static Server start(ExoraConfig config) throws Exception {
    log.info("starting Exora with {}", config.describe());
    return start(config, ProvisionedDatabase.provision(config.dbUrl(), config.dataDir()));
  }

  /** Starts on a database that is already provisioned; the server closes it on stop. */
  public static Server start(ExoraConfig config, ProvisionedDatabase database) throws Exception {
    Database pool = null;
    try {
      pool = Database.open(database.runtime(), config.dbPoolSize(), "exora-api");
      byte[] secret = JwtSecret.load(config.jwtSecret().orElse(null), config.dataDir());
      InstantSource clock = InstantSource.system();
      TokenVerifier verifier = new TokenVerifier(secret, config.jwksUrl().orElse(null), clock);
      TokenIssuer issuer = new TokenIssuer(secret, "exora", config.accessTokenLifetime(), clock);
      Requests requests = new Requests(verifier, new RequestTransactions(pool.jdbi()));
      HttpApi http = new HttpApi(new HttpApi.Parts(requests, new PasswordHasher(config.passwordHashCost()),
          issuer, pool.dataSource(), config.maxJsonBodyBytes()));
      http.start(config.host(), config.port());
      log.info("Exora listening on http://{}:{}", config.host(), http.port());
      return new Server(database, pool, http);
    } catch (Exception | Error e) {
      if (pool != null) {
        pool.close();
      }
      database.close();
      throw e;
    }
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
    pool.close();
    database.close();
    log.info("Exora stopped");
    stopped.countDown();
  }
}
