package dev.docqa.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured log lines: one JSON object per line, {@code {"event": ..., fields...}}, easy to query in CloudWatch. An
 * error goes into the object too ({@code error}, and {@code stackTrace} as one string unless it is bad input), so a
 * record is never followed by a multi-line stack trace. Callers log ids, keys, counts and timings, never a question,
 * document text or a secret ({@code LogAuditTest}).
 */
final class JsonLog {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final System.Logger LOG = System.getLogger("dev.docqa.functions");

  private JsonLog() {}

  static void info(String event, Object... keyValues) {
    log(Level.INFO, event, null, keyValues);
  }

  static void warn(String event, Throwable error, Object... keyValues) {
    log(Level.WARNING, event, error, keyValues);
  }

  /** The JSON line for {@code event} with alternating keys and values. */
  static String line(String event, Object... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("keyValues must alternate keys and values; length=" + keyValues.length);
    }
    Map<String, Object> fields = new LinkedHashMap<>();
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
      LOG.log(level, line(event, keyValues));
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
    LOG.log(level, line(event, withError));
  }
}
