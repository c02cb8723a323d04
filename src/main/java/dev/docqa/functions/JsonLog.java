package dev.docqa.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured log lines: one JSON object per line, {@code {"timestamp": ..., "level": ..., "loggerName": ...,
 * "event": ..., fields...}}. An error goes into the object too ({@code error}, and {@code stackTrace} as one string
 * unless it is bad input), so a record is never followed by a multi-line stack trace. Callers log ids, keys, counts and
 * timings, never a question, document text or a secret ({@code LogAuditTest}).
 *
 * <p>On Lambda (where the console prints JSON, {@code quarkus.log.console.json.enabled}) {@link DocqaFunctions} makes
 * these lines go straight to standard output, one per event, so CloudWatch Logs Insights sees {@code event},
 * {@code documentId}, ... as top-level fields ({@code filter event = "ingest.failed"}). Through Quarkus's JSON formatter,
 * which applies to every console handler, they would be a JSON string inside {@code "message"}. The logger's level
 * settings still decide what is printed. Elsewhere (dev mode, tests, CLI) the lines go to the logger as messages.
 */
final class JsonLog {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The logger docqa's function events go to. */
  static final String LOGGER = "dev.docqa.functions";

  private static final System.Logger LOG = System.getLogger(LOGGER);

  /** Where lines go instead of the logger, or {@code null}. */
  private static volatile PrintStream direct;

  private JsonLog() {}

  /**
   * Prints every later line to {@code out} (one {@code println} each) instead of logging it; {@code null} logs again.
   */
  static void printDirectly(PrintStream out) {
    direct = out;
  }

  static void info(String event, Object... keyValues) {
    log(Level.INFO, event, null, keyValues);
  }

  static void warn(String event, Throwable error, Object... keyValues) {
    log(Level.WARNING, event, error, keyValues);
  }

  /** The JSON line for {@code event} with alternating keys and values. */
  static String line(String event, Object... keyValues) {
    return line(null, event, keyValues);
  }

  /** The JSON line, headed by the time, the level (when given) and the logger, as a log line stands alone. */
  private static String line(Level level, String event, Object... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("keyValues must alternate keys and values; length=" + keyValues.length);
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    if (level != null) {
      fields.put("timestamp", Instant.now().toString());
      fields.put("level", level == Level.WARNING ? "WARN" : level.getName());
      fields.put("loggerName", LOGGER);
    }
    fields.put("event", event);
    for (int i = 0; i < keyValues.length; i += 2) {
      fields.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
    }
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      return "{\"event\":\"" + event + "\",\"logError\":\"" + e.getOriginalMessage().replace('"', '\'') + "\"}";
    }
  }

  private static void log(Level level, String event, Throwable error, Object... keyValues) {
    if (!LOG.isLoggable(level)) {
      return;
    }
    if (error == null) {
      emit(level, line(level, event, keyValues));
      return;
    }
    // A rejected input's trace says nothing the message does not; a fault's is kept, as one JSON string.
    boolean badInput = error instanceof InvalidInputException;
    Object[] withError = Arrays.copyOf(keyValues, keyValues.length + (badInput ? 2 : 4));
    withError[keyValues.length] = "error";
    withError[keyValues.length + 1] = error.toString();
    if (!badInput) {
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      withError[keyValues.length + 2] = "stackTrace";
      withError[keyValues.length + 3] = trace.toString();
    }
    emit(level, line(level, event, withError));
  }

  private static void emit(Level level, String line) {
    PrintStream out = direct;
    if (out == null) {
      LOG.log(level, line);
    } else {
      out.println(line); // one call: a line is never split by another thread's
    }
  }
}
