package ai.openmldb.operator.config;

/** A configuration value that cannot be used; the message names the key and its source. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
