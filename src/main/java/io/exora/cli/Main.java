package io.exora.cli;

import io.exora.config.ConfigException;
import io.exora.config.ExoraConfig;
import io.exora.db.ProvisionedDatabase;
import java.io.PrintStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code exora <command>}: the one jar's roles. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  static final String HELP = """
      Exora: a self-hostable backend for personal health records.

      Usage: ./exora <command>

      Commands:
        demo      serve (as below), then sign in a demo account, upload the sample documents
                  (a lab report PDF, a scanned lab report, a discharge summary, a C-CDA and a
                  FHIR bundle), wait for processing and print what was extracted; keeps serving
                  until Ctrl-C (--exit: stop after printing)
        serve     start the HTTP API (127.0.0.1:8080 by default) on the configured database;
                  with no EXORA_DB_URL, an embedded PostgreSQL 17 under EXORA_DATA_DIR
        worker    run only job workers (health and metrics on EXORA_PORT); start as many as
                  you like, on any machine, against one EXORA_DB_URL
        migrate   apply the database migrations and exit
        test      (launcher only) run the whole test suite
        --help    this text

      Configuration (environment):
        EXORA_DB_URL        JDBC or postgres:// URL of PostgreSQL 15+ (absent: embedded)
        EXORA_DATA_DIR      embedded database, generated secrets (default ./exora-data)
        EXORA_HOST, EXORA_PORT           listen address (default 127.0.0.1:8080)
        EXORA_JWT_SECRET    HS256 secret, >= 32 bytes (absent: generated into the data dir)
        EXORA_JWKS_URL      JWKS for RS256/ES256 tokens (optional)
        EXORA_DB_POOL_SIZE  connections in the pool (default 10)
        EXORA_ACCESS_TOKEN_TTL_SECONDS   lifetime of issued tokens (default 3600)
        EXORA_PASSWORD_HASH_COST         bcrypt cost (default 12)
        EXORA_SERVE_WORKERS              serve also runs a worker (default true)
        EXORA_WORKER_CONCURRENCY         jobs per lane at once (default 16)
        EXORA_WORKER_LANES  lanes to work on (default all: fast_queue,standard_queue,
                            ai_queue_simple,ai_queue_complex,default)
        EXORA_LOG_LEVEL     INFO by default
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String command = args.length == 0 ? "--help" : args[0];
    try {
      switch (command) {
        case "--help", "-h", "help" -> {
          out.print(HELP);
          return 0;
        }
        case "serve", "worker" -> {
          ExoraConfig config = ExoraConfig.fromEnvironment(env);
          Server server = Server.start(config, command.equals("serve") ? Server.Role.API : Server.Role.WORKER);
          Runtime.getRuntime().addShutdownHook(new Thread(server::close, "exora-shutdown"));
          server.awaitShutdown();
          return 0;
        }
        case "demo" -> {
          ExoraConfig config = ExoraConfig.fromEnvironment(env);
          Server server = Server.start(config, Server.Role.API);
          Runtime.getRuntime().addShutdownHook(new Thread(server::close, "exora-shutdown"));
          String base = "http://" + config.host() + ":" + server.port();
          int failed = new Demo(new ExoraClient(base), config.dataDir(), out).run();
          if (args.length > 1 && "--exit".equals(args[1])) {
            server.close();
            return failed == 0 ? 0 : 1;
          }
          out.println("\nExora is serving at " + base + " (Ctrl-C to stop).");
          server.awaitShutdown();
          return 0;
        }
        case "migrate" -> {
          ExoraConfig config = ExoraConfig.fromEnvironment(env);
          try (ProvisionedDatabase db = ProvisionedDatabase.provision(config.dbUrl(), config.dataDir())) {
            out.println("migrations applied (" + (db.isEmbedded() ? "embedded" : "external") + " database)");
          }
          return 0;
        }
        default -> {
          err.println("exora: unknown command '" + command + "'\n");
          err.print(HELP);
          return 2;
        }
      }
    } catch (ConfigException e) {
      err.println("exora: configuration error: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      log.error("exora {} failed", command, e);
      err.println("exora: " + command + " failed: " + e.getMessage());
      return 1;
    }
  }
}
