package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 2, item 5: a server started with {@code --dev} says so at start with a warning (loopback only,
 * tokens from {@code POST /dev/token}, never in production); a server without it does not. The log is
 * captured with a Logback {@link ListAppender} on {@link BatonServer}'s logger.
 */
class DevModeWarningTest {

  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private Logger logger;

  @BeforeEach
  void capture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logger = context.getLogger(BatonServer.class);
    captured.setContext(context);
    captured.start();
    logger.addAppender(captured);
  }

  @AfterEach
  void release() {
    logger.detachAppender(captured);
    captured.stop();
  }

  @Test
  void aDevServerWarnsAtStart() {
    try (TestServer server = TestServer.builder().dev(true).start()) {
      List<ILoggingEvent> warnings = devWarnings();
      assertThat(warnings).as("log: %s", captured.list).hasSize(1);
      assertThat(warnings.get(0).getFormattedMessage())
          .contains("loopback only", "POST /dev/token", "never use in production");
    }
  }

  @Test
  void aProductionServerDoesNot() {
    try (TestServer server = TestServer.start()) {
      assertThat(captured.list).as("the listening line was captured")
          .anyMatch(e -> e.getFormattedMessage().contains("listening on 127.0.0.1:" + server.port()));
      assertThat(devWarnings()).isEmpty();
    }
  }

  private List<ILoggingEvent> devWarnings() {
    return captured.list.stream()
        .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().startsWith("DEV MODE"))
        .toList();
  }
}
