package dev.docqa.functions;

import static dev.docqa.functions.FunctionEvents.JSON;
import static dev.docqa.functions.FunctionEvents.apiGatewayPost;
import static dev.docqa.functions.FunctionEvents.created;
import static dev.docqa.functions.FunctionEvents.quote;
import static dev.docqa.functions.FunctionEvents.s3Event;
import static dev.docqa.functions.FunctionEvents.sqsEvent;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.docqa.config.StorageSettings;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.PutCondition;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What the functions log, read back from a real log file: Quarkus' own file handler at INFO (what CloudWatch would
 * get at the default level), written while the service boots with a recognisable S3 secret access key, ingests
 * documents with recognisable sentences (one of them a corrupt PDF, so extraction fails), answers a recognisable
 * question directly and through API Gateway, and rejects bad requests that carry that question. No log record holds
 * the secret, a document sentence or the question. The file is written by the JSON formatter the functions log with on
 * Lambda: every record, Quarkus', DJL's and the runtime's too, is one JSON object on one line, and the message of
 * docqa's own records is itself a JSON object with an {@code event}.
 */
@QuarkusTest
@TestProfile(FunctionProfiles.Ask.class)
@QuarkusTestResource(value = LogAuditTest.AuditedS3Proxy.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogAuditTest {

  static final String SECRET_ACCESS_KEY = "LogAuditSecret/9f3Kq7ZrW2xVbN4mT8pYcH6jD1sA0eUgL5oI";
  private static final String LOG_FILE_PROPERTY = "log-audit.file";
  private static final List<String> SENTENCES = List.of(
      "Brannoch Veil carried the amber lantern across the salt marsh in 1887.",
      "The ferry to Ossmere Holm leaves the quay when the tide bell rings twice.",
      "Corrupt page: the cartographer Idrith Vane hid the third map beneath the chapel floor.");
  private static final String QUESTION = "Who carried the amber lantern for the widow Tamsin Orrell?";
  /** Words found only in the sentences and the question, so a partial quote is caught too. */
  private static final List<String> MARKERS = List.of("Brannoch", "Ossmere", "Idrith", "Tamsin Orrell");
  private static final ObjectReader ONE_OBJECT =
      JSON.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readerFor(JsonNode.class);

  @Inject IngestHandler ingest;
  @Inject ObjectStore store;

  /** s3proxy with a static secret access key that the S3 client signs every request with. */
  public static class AuditedS3Proxy implements QuarkusTestResourceLifecycleManager {
    private final S3ProxyResource s3 = new S3ProxyResource();

    @Override
    public Map<String, String> start() {
      Map<String, String> config = new HashMap<>(s3.start());
      Path logFile = Path.of("target", "log-audit", UUID.randomUUID() + ".log").toAbsolutePath();
      System.setProperty(LOG_FILE_PROPERTY, logFile.toString());
      config.put("quarkus.s3.aws.credentials.static-provider.access-key-id", "AKIALOGAUDIT");
      config.put("quarkus.s3.aws.credentials.static-provider.secret-access-key", SECRET_ACCESS_KEY);
      config.put("quarkus.log.file.enabled", "true");
      config.put("quarkus.log.file.path", logFile.toString());
      config.put("quarkus.log.file.level", "INFO");
      config.put("quarkus.log.file.json.enabled", "true");
      return config;
    }

    @Override
    public void stop() {
      s3.stop();
    }
  }

  @Test
  @Order(1)
  void ingestDocumentsWithRecognisableSentences() throws IOException {
    Map<String, byte[]> documents = new LinkedHashMap<>();
    documents.put("lantern.txt", SENTENCES.get(0).getBytes(StandardCharsets.UTF_8));
    documents.put("ferry.html", ("<html><body><p>" + SENTENCES.get(1) + "</p></body></html>")
        .getBytes(StandardCharsets.UTF_8));
    documents.put("broken.pdf", ("%PDF-1.7\n1 0 obj << /Length 99 >> stream\n" + SENTENCES.get(2) + "\nendstream")
        .getBytes(StandardCharsets.UTF_8));
    List<String> records = new ArrayList<>();
    for (Map.Entry<String, byte[]> document : documents.entrySet()) {
      store.put(StorageSettings.DEFAULT_DOCUMENT_PREFIX + document.getKey(), document.getValue(),
          new PutCondition.Always());
      records.add(created(document.getKey(), "01"));
    }
    Map<String, String> messages = new LinkedHashMap<>();
    messages.put("m-docs", s3Event(records.toArray(String[]::new)));
    messages.put("m-not-s3", "{\"note\":" + quote(SENTENCES.get(0)) + "}");
    SqsBatchResponse response = ingest.handle(JSON.readValue(sqsEvent(messages), IngestEvent.class));
    assertEquals(List.of("m-not-s3"), response.getBatchItemFailures().stream()
        .map(SqsBatchResponse.BatchItemFailure::getItemIdentifier).toList());
  }

  @Test
  @Order(2)
  void answerTheQuestionDirectlyAndThroughApiGateway() throws IOException {
    String ask = "{\"question\":" + quote(QUESTION) + ",\"top_k\":1,\"retriever\":\"bm25\"}";
    JsonNode direct = invoke(ask, 200);
    assertEquals("lantern.txt", direct.get("document").asText(), direct.toString());
    JsonNode http = invoke(apiGatewayPost(ask), 200);
    assertEquals(200, http.get("statusCode").asInt(), http.toString());
    assertTrue(http.get("body").asText().contains(SENTENCES.get(0)), "a response may quote the document; a log not");
  }

  @Test
  @Order(3)
  void rejectBadRequestsThatCarryTheQuestion() throws IOException {
    String tooLong = (QUESTION + " ").repeat(40);
    String tooManyTokens = tooLong.substring(0, AskHandler.MAX_QUESTION_CHARS);
    List<String> direct = List.of(
        "{\"question\":" + quote(QUESTION) + ",\"model\":\"s3://other-bucket/reader\"}",
        "{\"question\":" + quote(QUESTION + "\u0000") + "}",
        "{\"question\":" + quote(tooLong) + "}",
        "{\"question\":" + quote(tooManyTokens) + "}",
        "{\"question\":" + quote(QUESTION) + ",\"top_k\":0}");
    for (String event : direct) {
      String error = given().contentType("application/json").body(event).when().post().then()
          .statusCode(500).extract().asString();
      assertFalse(error.contains("\tat "), "no stack trace to the caller: " + error);
    }
    List<String> bodies = List.of(
        "{\"question\":" + quote(QUESTION) + ",\"bucket\":\"other-bucket\"}",
        "{\"question\":" + quote(QUESTION) + ",\"top_k\":0}",
        "{\"question\":" + quote(QUESTION) + ",\"document_prefix\":\"../\"}",
        "{\"question\":" + quote(tooManyTokens) + "}",
        "{\"question\":" + quote(QUESTION) + ",");
    for (String body : bodies) {
      assertEquals(400, invoke(apiGatewayPost(body), 200).get("statusCode").asInt(), body);
    }
  }

  @Test
  @Order(4)
  void theLogHoldsNoSecretNoDocumentTextNoQuestionAndEveryRecordIsJson() throws IOException {
    String log = Files.readString(Path.of(System.getProperty(LOG_FILE_PROPERTY)), StandardCharsets.UTF_8);
    List<JsonNode> records = records(log);
    List<String> forbidden = new ArrayList<>(List.of(SECRET_ACCESS_KEY, QUESTION));
    forbidden.addAll(SENTENCES);
    forbidden.addAll(MARKERS);
    Map<String, Integer> events = new HashMap<>();
    for (JsonNode record : records) {
      String text = record.toString(); // re-serialised: any escaping the formatter chose is undone
      for (String secret : forbidden) {
        assertFalse(text.contains(secret), "a log record holds \"" + secret + "\":\n" + text);
      }
      if (record.path("loggerName").asText().startsWith("dev.docqa")) {
        JsonNode message = ONE_OBJECT.readValue(record.path("message").asText());
        assertTrue(message.isObject() && message.path("event").isTextual(), "no JSON event in " + text);
        events.merge(message.get("event").asText(), 1, Integer::sum);
      }
    }
    // The capture works: the run's own records are there.
    assertTrue(events.getOrDefault("init.service", 0) == 1, events.toString());
    assertTrue(events.getOrDefault("ingest.applied", 0) == 3, events.toString());
    assertTrue(events.getOrDefault("ingest.rejected", 0) == 1, "the corrupt PDF: " + events);
    assertTrue(events.getOrDefault("ingest.malformed", 0) == 1, events.toString());
    assertTrue(events.getOrDefault("ask", 0) >= 2 + 5, events.toString());
  }

  private static JsonNode invoke(String event, int status) throws IOException {
    return JSON.readTree(given().contentType("application/json").body(event).when().post().then().statusCode(status)
        .extract().asString());
  }

  /** The log's records: one JSON object per line, each with a level, a logger and a message. */
  private static List<JsonNode> records(String log) throws IOException {
    List<JsonNode> records = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode record = ONE_OBJECT.readValue(line);
      assertTrue(record.isObject() && record.path("level").isTextual() && record.path("loggerName").isTextual()
          && record.has("message"), "not a structured log record: " + line);
      records.add(record);
    }
    assertFalse(records.isEmpty(), "the log file is empty");
    return records;
  }
}
