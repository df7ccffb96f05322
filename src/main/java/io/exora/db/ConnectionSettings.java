package io.exora.db;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Where a PostgreSQL database is and who to log in as. {@link #toString()} masks the password. */
public record ConnectionSettings(String jdbcUrl, String user, String password) {

  /**
   * Accepts a JDBC URL ({@code jdbc:postgresql://...}, credentials as {@code user}/{@code password}
   * parameters or left to the driver) or a libpq URL ({@code postgres://user:pass@host:port/db?...}).
   */
  public static ConnectionSettings parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("database URL is empty");
    }
    String trimmed = url.trim();
    if (trimmed.startsWith("jdbc:postgresql:")) {
      return new ConnectionSettings(trimmed, null, null);
    }
    if (!trimmed.startsWith("postgres://") && !trimmed.startsWith("postgresql://")) {
      throw new IllegalArgumentException(
          "database URL must start with jdbc:postgresql:, postgres:// or postgresql://");
    }
    URI uri;
    try {
      uri = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("database URL is not a valid URL");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("database URL has no host");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    String database = uri.getRawPath() == null || uri.getRawPath().length() <= 1
        ? "postgres" : decode(uri.getRawPath().substring(1));
    int port = uri.getPort() > 0 ? uri.getPort() : 5432;
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + database
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new ConnectionSettings(jdbc, user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  public ConnectionSettings withDatabase(String database) {
    String base = jdbcUrl.replaceFirst("^(jdbc:postgresql://[^/?]+)/[^?]*", "$1/" + database);
    return new ConnectionSettings(base, user, password);
  }

  public ConnectionSettings as(String otherUser, String otherPassword) {
    return new ConnectionSettings(jdbcUrl, otherUser, otherPassword);
  }

  @Override
  public String toString() {
    return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***")
        + (user == null ? "" : " as " + user) + (password == null ? "" : " (password set)");
  }
}
