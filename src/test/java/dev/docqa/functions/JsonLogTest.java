package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.docqa.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every record {@link JsonLog} writes is one line holding one JSON object, an error included. */
class JsonLogTest {

  private static final ObjectReader ONE_OBJECT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readerFor(JsonNode.class);
  private final List<LogRecord> records = new ArrayList<>();
  private final Logger logger = Logger.getLogger("dev.docqa.functions");
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void capture() {
    logger.addHandler(capture);
  }

  @AfterEach
  void release() {
    logger.removeHandler(capture);
  }

  @Test
  void aFaultIsOneJsonLineWithItsStackTraceAsAField() throws Exception {
    JsonLog.warn("ingest.failed", new IllegalStateException("disk full", new java.io.IOException("ENOSPC")),
        "documentId", "a.txt");
    JsonNode json = only();
    assertEquals("ingest.failed", json.get("event").asText());
    assertEquals("a.txt", json.get("documentId").asText());
    assertEquals("java.lang.IllegalStateException: disk full", json.get("error").asText());
    String trace = json.get("stackTrace").asText();
    assertTrue(trace.contains("\tat dev.docqa.functions.JsonLogTest"), trace);
    assertTrue(trace.contains("Caused by: java.io.IOException: ENOSPC"), trace);
  }

  @Test
  void badInputIsOneJsonLineWithoutAStackTrace() throws Exception {
    JsonLog.warn("ingest.malformed", new InvalidInputException("SQS message m1 holds no S3 event"), "messageId", "m1");
    JsonNode json = only();
    assertEquals("dev.docqa.InvalidInputException: SQS message m1 holds no S3 event", json.get("error").asText());
    assertFalse(json.has("stackTrace"));
  }

  /**
   * As Lambda gets them (printed straight to standard output where the console prints JSON), docqa's records are lines
   * of one JSON object whose fields are top-level: Logs Insights can filter on {@code event}.
   */
  @Test
  void onLambdaEachRecordIsALineOfTopLevelFieldsThatFilterOnEvent() throws Exception {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    JsonLog.printDirectly(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    try {
      JsonLog.info("ingest.applied", "documentId", "a.txt", "action", "indexed");
      JsonLog.warn("ingest.failed", new IllegalStateException("disk full"), "documentId", "b.txt");
      JsonLog.info("ingest.applied", "documentId", "c.txt", "action", "unchanged");
    } finally {
      JsonLog.printDirectly(null);
    }
    assertEquals(List.of(), records, "printed, not logged");

    List<JsonNode> lines = new ArrayList<>();
    for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
      lines.add(ONE_OBJECT.readValue(line));
    }
    assertEquals(3, lines.size(), stdout.toString(StandardCharsets.UTF_8));
    List<String> applied = lines.stream().filter(l -> l.path("event").asText().equals("ingest.applied"))
        .map(l -> l.get("documentId").asText()).toList();
    assertEquals(List.of("a.txt", "c.txt"), applied);
    JsonNode failed = lines.get(1);
    assertEquals("WARN", failed.get("level").asText());
    assertEquals(JsonLog.LOGGER, failed.get("loggerName").asText());
    assertTrue(failed.get("timestamp").asText().endsWith("Z"), failed.toString());
    assertEquals("b.txt", failed.get("documentId").asText());
    assertEquals("java.lang.IllegalStateException: disk full", failed.get("error").asText());
    assertFalse(failed.has("message"), "fields are top-level, not a string inside message");
  }

  private JsonNode only() throws Exception {
    assertEquals(1, records.size(), records.toString());
    LogRecord record = records.getFirst();
    assertNull(record.getThrown(), "the error is in the JSON, not appended after it");
    assertFalse(record.getMessage().contains("\n"), record.getMessage());
    return ONE_OBJECT.readValue(record.getMessage());
  }
}
