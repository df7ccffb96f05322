package io.exora.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.exora.auth.PasswordHasher;
import io.exora.auth.TokenIssuer;
import io.exora.documents.Uploads;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import javax.sql.DataSource;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.Container;

/**
 * The HTTP server: Javalin on virtual threads. {@link #api} serves every route of the v1 API;
 * {@link #operations} serves only health and metrics, for processes that run workers alone.
 */
public final class HttpApi implements AutoCloseable {
  /**
   * Connections the kernel may hold completed but not yet accepted (capped by
   * net.core.somaxconn). Jetty's default leaves it to Java's backlog of 50: a burst of new
   * connections (a thousand clients at once, bench/upload) overflows it and the dropped handshakes
   * wait a second or more for the client's retransmission, some ending closed with no response.
   */
  public static final int ACCEPT_QUEUE_SIZE = 1024;
  private final Javalin app;

  public record Parts(Requests requests, PasswordHasher passwords, TokenIssuer tokens,
      DataSource dataSource, long maxJsonBodyBytes, PrometheusMeterRegistry metrics, Uploads uploads) {}

  public static HttpApi api(Parts parts) {
    return new HttpApi(parts, true);
  }

  public static HttpApi operations(DataSource dataSource, PrometheusMeterRegistry metrics) {
    return new HttpApi(new Parts(null, null, null, dataSource, 64 * 1024, metrics, null), false);
  }

  private HttpApi(Parts parts, boolean userRoutes) {
    ObjectMapper mapper = objectMapper();
    JsonBodies bodies = new JsonBodies(mapper, parts.maxJsonBodyBytes());
    this.app = Javalin.create(config -> {
      config.concurrency.useVirtualThreads = true;
      config.jsonMapper(new JavalinJackson(mapper, true));
      config.http.maxRequestSize = parts.maxJsonBodyBytes();
      config.startup.showJavalinBanner = false;
      config.jetty.modifyServer(server -> acceptQueue(server, ACCEPT_QUEUE_SIZE));
      config.routes.before(CorrelationIds::assign);
      config.routes.after(ctx -> CorrelationIds.clear());
      config.routes.exception(Exception.class, ErrorMapper::handle);
      config.routes.error(404, ctx -> {
        if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint")) {
          ErrorMapper.respond(ctx, ApiError.notFound("endpoint " + ctx.method() + " " + ctx.path()));
        }
      });
      config.routes.error(405, ctx -> ErrorMapper.respond(ctx,
          new ApiError(405, "method_not_allowed", "method not allowed")));
      new HealthRoutes(parts.dataSource()).register(config.routes);
      config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
          .result(parts.metrics().scrape()));
      if (userRoutes) {
        new AuthRoutes(parts.requests(), bodies, parts.passwords(), parts.tokens()).register(config.routes);
        new ProfileRoutes(parts.requests(), bodies).register(config.routes);
        new AdminRoutes(parts.requests()).register(config.routes);
        new RateLimitRoutes(parts.requests(), bodies).register(config.routes);
        new ShellFileRoutes(parts.requests(), parts.uploads()).register(config.routes);
        new ClinicalEventRoutes(parts.requests(), bodies).register(config.routes);
        new UsageRoutes(parts.requests(), bodies).register(config.routes);
      }
    });
  }

  /** Sets the accept queue of the server's connectors, present and added later (Javalin adds its own at start). */
  public static void acceptQueue(Server server, int size) {
    server.addEventListener(new Container.Listener() {
      @Override
      public void beanAdded(Container parent, Object child) {
        if (child instanceof ServerConnector connector) {
          connector.setAcceptQueueSize(size);
        }
      }

      @Override
      public void beanRemoved(Container parent, Object child) {}
    });
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector serverConnector) {
        serverConnector.setAcceptQueueSize(size);
      }
    }
  }

  static ObjectMapper objectMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  public HttpApi start(String host, int port) {
    app.start(host, port);
    return this;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
