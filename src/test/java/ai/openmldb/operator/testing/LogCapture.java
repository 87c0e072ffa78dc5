package ai.openmldb.operator.testing;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Captures every log line of the JVM, at every level (TRACE included), while open: the formatted
 * message, the logger, the MDC and any exception's stack trace. The console stays quiet meanwhile;
 * closing restores the test logging configuration.
 *
 * <p>Used to prove that secrets never reach the logs, whatever level an installation runs at.
 */
public final class LogCapture implements AutoCloseable {
  /** Bound the memory a chatty library can take (ZooKeeper at TRACE). */
  private static final int MAX_LINES = 200_000;

  private final List<String> lines = new ArrayList<>();
  private final LoggerContext context;
  private final Appender appender;

  private LogCapture(Level level) {
    context = (LoggerContext) LogManager.getContext(false);
    PatternLayout layout = PatternLayout.newBuilder()
        .withPattern("%-5level %c %X %msg%n%throwable")
        .build();
    appender = new AbstractAppender("capture", null, layout, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        Serializable s = getLayout().toSerializable(event);
        synchronized (lines) {
          if (lines.size() < MAX_LINES) {
            lines.add(String.valueOf(s));
          }
        }
      }
    };
    appender.start();
    Configuration config = context.getConfiguration();
    List<LoggerConfig> loggers = new ArrayList<>(config.getLoggers().values());
    loggers.add(config.getRootLogger());
    for (LoggerConfig logger : loggers) {
      for (String name : new ArrayList<>(logger.getAppenders().keySet())) {
        logger.removeAppender(name);
      }
      logger.setLevel(level);
      logger.setAdditive(false); // each logger captures its own events once
      logger.addAppender(appender, level, null);
    }
    context.updateLoggers();
  }

  /** Starts capturing everything. */
  public static LogCapture all() {
    return new LogCapture(Level.ALL);
  }

  /** Starts capturing every event at the level or above, from every logger. */
  public static LogCapture atLeast(Level level) {
    return new LogCapture(level);
  }

  /** The lines captured so far. */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** Everything captured so far, one string. */
  public String text() {
    return String.join("", lines());
  }

  @Override
  public void close() {
    context.reconfigure();
    appender.stop();
  }
}
