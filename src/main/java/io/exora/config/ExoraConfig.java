package io.exora.config;

import io.exora.ai.AiConfig;
import io.exora.documents.storage.StorageConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Exora's configuration, read once from the environment at start. Every value has a default that
 * works on one machine; {@link #validate()} refuses contradictions before anything starts.
 */
public record ExoraConfig(
    Optional<String> dbUrl,
    Path dataDir,
    String host,
    int port,
    Optional<String> jwtSecret,
    Optional<URI> jwksUrl,
    int dbPoolSize,
    Duration accessTokenLifetime,
    int passwordHashCost,
    long maxJsonBodyBytes,
    Workers workers,
    StorageConfig storage,
    AiConfig ai) {

  /**
   * The job workers of this process.
   *
   * @param inServe whether {@code exora serve} runs workers beside the API
   * @param concurrency how many jobs of each lane run at once
   * @param lanes the lanes this process works on
   */
  public record Workers(boolean inServe, int concurrency, List<String> lanes) {
    public static final List<String> ALL_LANES =
        List.of("fast_queue", "standard_queue", "ai_queue_simple", "ai_queue_complex", "default");
    public static final int DEFAULT_CONCURRENCY = 16;

    public Workers {
      lanes = List.copyOf(lanes);
    }
  }

  public static final String DEFAULT_DATA_DIR = "./exora-data";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_DB_POOL_SIZE = 10;
  public static final Duration DEFAULT_ACCESS_TOKEN_LIFETIME = Duration.ofHours(1);
  public static final int DEFAULT_PASSWORD_HASH_COST = 12;
  /** JSON request bodies; uploads have their own, larger limit. */
  public static final long DEFAULT_MAX_JSON_BODY_BYTES = 64 * 1024;

  public static ExoraConfig fromEnvironment(Map<String, String> env) {
    Env e = new Env(env);
    Path dataDir = Path.of(e.string("EXORA_DATA_DIR", DEFAULT_DATA_DIR)).toAbsolutePath().normalize();
    StorageConfig storage;
    try {
      storage = StorageConfig.parse(env.get("EXORA_STORAGE"), dataDir, env);
    } catch (IllegalArgumentException ex) {
      throw new ConfigException(ex.getMessage());
    }
    ExoraConfig config = new ExoraConfig(
        e.optional("EXORA_DB_URL"),
        dataDir,
        e.string("EXORA_HOST", DEFAULT_HOST),
        e.integer("EXORA_PORT", DEFAULT_PORT),
        e.optional("EXORA_JWT_SECRET"),
        e.optional("EXORA_JWKS_URL").map(Env::uri),
        e.integer("EXORA_DB_POOL_SIZE", DEFAULT_DB_POOL_SIZE),
        Duration.ofSeconds(e.integer("EXORA_ACCESS_TOKEN_TTL_SECONDS",
            (int) DEFAULT_ACCESS_TOKEN_LIFETIME.toSeconds())),
        e.integer("EXORA_PASSWORD_HASH_COST", DEFAULT_PASSWORD_HASH_COST),
        DEFAULT_MAX_JSON_BODY_BYTES,
        new Workers(e.bool("EXORA_SERVE_WORKERS", true),
            e.integer("EXORA_WORKER_CONCURRENCY", Workers.DEFAULT_CONCURRENCY),
            e.list("EXORA_WORKER_LANES", Workers.ALL_LANES)),
        storage,
        AiConfig.fromEnvironment(env));
    config.validate();
    return config;
  }

  public ExoraConfig withPort(int newPort) {
    return new ExoraConfig(dbUrl, dataDir, host, newPort, jwtSecret, jwksUrl, dbPoolSize,
        accessTokenLifetime, passwordHashCost, maxJsonBodyBytes, workers, storage, ai);
  }

  public void validate() {
    require(port >= 0 && port <= 65535, "EXORA_PORT must be between 0 and 65535");
    require(dbPoolSize >= 1 && dbPoolSize <= 500, "EXORA_DB_POOL_SIZE must be between 1 and 500");
    require(!accessTokenLifetime.isNegative() && !accessTokenLifetime.isZero()
        && accessTokenLifetime.compareTo(Duration.ofDays(1)) <= 0,
        "EXORA_ACCESS_TOKEN_TTL_SECONDS must be between 1 and 86400");
    require(passwordHashCost >= 4 && passwordHashCost <= 31, "EXORA_PASSWORD_HASH_COST must be between 4 and 31");
    jwksUrl.ifPresent(u -> require("https".equals(u.getScheme()) || "http".equals(u.getScheme()),
        "EXORA_JWKS_URL must be an http(s) URL"));
    jwtSecret.ifPresent(s -> require(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 32,
        "EXORA_JWT_SECRET must be at least 32 bytes (HS256 needs 256 bits)"));
    require(workers.concurrency() >= 1 && workers.concurrency() <= 1000,
        "EXORA_WORKER_CONCURRENCY must be between 1 and 1000");
    require(!workers.lanes().isEmpty() && Workers.ALL_LANES.containsAll(workers.lanes()),
        "EXORA_WORKER_LANES must be a comma-separated list of " + Workers.ALL_LANES);
  }

  /** The effective configuration with secrets masked, for the start-up log. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("database", dbUrl.map(ExoraConfig::maskUrl).orElse("embedded PostgreSQL under data dir"));
    out.put("dataDir", dataDir.toString());
    out.put("listen", host + ":" + port);
    out.put("jwtSecret", jwtSecret.isPresent() ? "set (masked)" : "generated in data dir");
    out.put("jwksUrl", jwksUrl.map(URI::toString).orElse("none"));
    out.put("dbPoolSize", dbPoolSize);
    out.put("accessTokenLifetime", accessTokenLifetime.toString());
    out.put("passwordHashCost", passwordHashCost);
    out.put("storage", storage.toString());
    out.put("ai", ai.describe());
    out.put("workers", (workers.inServe() ? "in serve, " : "") + workers.concurrency() + " per lane on " + workers.lanes());
    return out;
  }

  static String maskUrl(String url) {
    return url.replaceAll("(://[^:/@]+:)[^@]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new ConfigException(message);
    }
  }

  /** Typed, named access to the environment map. */
  private record Env(Map<String, String> env) {
    Optional<String> optional(String name) {
      return Optional.ofNullable(env.get(name)).map(String::trim).filter(s -> !s.isEmpty());
    }

    String string(String name, String fallback) {
      return optional(name).orElse(fallback);
    }

    int integer(String name, int fallback) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) {
        return fallback;
      }
      try {
        return Integer.parseInt(raw.get());
      } catch (NumberFormatException ex) {
        throw new ConfigException(name + " must be a whole number, got '" + raw.get() + "'");
      }
    }

    boolean bool(String name, boolean fallback) {
      Optional<String> raw = optional(name).map(v -> v.toLowerCase(java.util.Locale.ROOT));
      if (raw.isEmpty()) {
        return fallback;
      }
      return switch (raw.get()) {
        case "true", "on", "yes", "1" -> true;
        case "false", "off", "no", "0" -> false;
        default -> throw new ConfigException(name + " must be true or false, got '" + raw.get() + "'");
      };
    }

    List<String> list(String name, List<String> fallback) {
      return optional(name).map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList())
          .orElse(fallback);
    }

    static URI uri(String raw) {
      try {
        return URI.create(raw);
      } catch (IllegalArgumentException ex) {
        throw new ConfigException("EXORA_JWKS_URL is not a valid URL");
      }
    }
  }
}
