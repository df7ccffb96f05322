package io.exora.config;

/** A configuration value is missing, malformed or contradicts another. The message names it. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
