package dev.docqa.functions;

import static dev.docqa.functions.FunctionEvents.JSON;
import static dev.docqa.functions.FunctionEvents.apiGatewayPost;
import static dev.docqa.functions.FunctionEvents.assertProvenance;
import static dev.docqa.functions.FunctionEvents.created;
import static dev.docqa.functions.FunctionEvents.removed;
import static dev.docqa.functions.FunctionEvents.s3Event;
import static dev.docqa.functions.FunctionEvents.sqsEvent;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.index.IndexUnavailableException;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.PutCondition;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Both functions on OpenSearch when the engine is down or slow, against the real engine behind a {@link TcpRelay}
 * ({@link OpenSearchResource}) and a request timeout of {@value FunctionProfiles.AskOnOpenSearch#SHORT_REQUEST_TIMEOUT}.
 * This deployment exports {@code ask}, invoked through the Lambda mock event server (test port 8081); events go to the
 * {@code ingest} function's handler bean, so both a thrown failure (direct S3 events, which Lambda retries) and the
 * SQS partial batch response are seen. Asks during an outage are HTTP 503 with a one-line JSON error naming the
 * endpoint; events are reported for retry, and their redelivery once the engine is back indexes everything, with no
 * version half-written. What the engine holds is read straight from it, past the relay.
 */
@QuarkusTest
@TestProfile(FunctionProfiles.AskOnOpenSearch.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OpenSearchResource.class, restrictToAnnotatedClass = true,
    initArgs = @ResourceArg(name = OpenSearchResource.RELAY, value = "true"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenSearchOutageTest {

  private static final Path SAMPLES = Path.of("samples/documents");
  private static final String LIGHTHOUSE = "varnholm-lighthouse.txt";
  private static final String QUESTION = "{\"question\":\"Who tended the lamp of Varnholm Light from 1921 to 1958?\","
      + "\"top_k\":1,\"retriever\":\"bm25\"}";
  /** Longer than any wait here: an answer this late means the request timeout was not enforced. */
  private static final Duration ENGINE_DELAY = Duration.ofSeconds(40);
  private static final Duration FAILS_WITHIN = Duration.ofSeconds(25);

  @OpenSearchResource.Relay TcpRelay relay;
  @Inject IngestHandler ingest;
  @Inject ObjectStore store;
  @Inject DocqaSettings settings;

  @AfterEach
  void reconnect() {
    relay.resume();
  }

  private void upload(String documentId, String text) {
    store.put(StorageSettings.DEFAULT_DOCUMENT_PREFIX + documentId, text.getBytes(StandardCharsets.UTF_8),
        PutCondition.NONE);
  }

  /** The engine itself, past the relay. */
  private URI engine() {
    return URI.create("http://127.0.0.1:" + relay.targetPort());
  }

  /** The passage texts the engine holds for {@code documentId}. */
  private List<String> indexed(String documentId) {
    return OpenSearchResource.indexedPassages(engine(), settings.index().location(), documentId);
  }

  /** What docqa names the engine in its errors: the relay's endpoint, where it sends requests. */
  private String endpoint() {
    return "http://127.0.0.1:" + relay.port();
  }

  /** Invokes the exported {@code ask} function; the mock event server answers 200 for a returned value. */
  private static JsonNode invoke(String event) throws IOException {
    return JSON.readTree(given().contentType("application/json").body(event).when().post().then().statusCode(200)
        .extract().asString());
  }

  /** Hands an event to the {@code ingest} handler; returns the SQS messages it asks to retry. */
  private List<String> handle(String event) throws IOException {
    return ingest.handle(JSON.readValue(event, IngestEvent.class)).getBatchItemFailures().stream()
        .map(SqsBatchResponse.BatchItemFailure::getItemIdentifier).toList();
  }

  /** An API Gateway question answered 503: a one-line JSON error that names the endpoint, and a Retry-After. */
  private void assertUnavailable(JsonNode response) throws IOException {
    assertEquals(503, response.get("statusCode").asInt(), response.toString());
    assertEquals("5", response.get("headers").get("Retry-After").asText(), response.toString());
    assertEquals("application/json", response.get("headers").get("Content-Type").asText());
    String body = response.get("body").asText();
    assertFalse(body.contains("\n") || body.contains("\tat "), "one line, no stack trace: " + body);
    JsonNode error = JSON.readTree(body);
    assertEquals(List.of("error"), List.copyOf(iterable(error.fieldNames())), body);
    assertTrue(error.get("error").asText().startsWith("OpenSearch at " + endpoint() + " "), body);
  }

  private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
    List<T> list = new java.util.ArrayList<>();
    iterator.forEachRemaining(list::add);
    return list;
  }

  @Test
  @Order(1)
  void theAskFunctionAnswersFromOpenSearchOverHttp() throws IOException {
    store.upload(SAMPLES.resolve(LIGHTHOUSE), StorageSettings.DEFAULT_DOCUMENT_PREFIX + LIGHTHOUSE);
    assertEquals(List.of(), handle(sqsEvent(Map.of("m-samples", s3Event(created(LIGHTHOUSE, "01"))))));
    String text = Files.readString(SAMPLES.resolve(LIGHTHOUSE), StandardCharsets.UTF_8);

    JsonNode direct = invoke(QUESTION);
    assertEquals(LIGHTHOUSE, direct.get("document").asText(), direct.toString());
    assertProvenance(direct, text);
    assertTrue(indexed(LIGHTHOUSE).contains(direct.get("passage").get("text").asText()),
        "the cited passage is one the engine holds");

    JsonNode http = invoke(apiGatewayPost(QUESTION));
    assertEquals(200, http.get("statusCode").asInt(), http.toString());
    JsonNode answer = JSON.readTree(http.get("body").asText());
    assertEquals(direct.get("answer"), answer.get("answer"));
    assertProvenance(answer, text);
  }

  /**
   * The engine refuses connections: asks are 503 (through API Gateway) or a Lambda error naming the endpoint (direct),
   * events are retried, and nothing they carry is applied until their redelivery once the engine is back.
   */
  @Test
  @Order(2)
  void anUnreachableEngineIs503ForAsksAndItsEventsAreRetriedUntilItIsBack() throws IOException {
    String added = "outage/added.txt";
    String addedText = "The relief keeper Odile Marsk rowed out to the light on the ninth of May.";
    String dropped = "outage/dropped.txt";
    String droppedText = "The old fog bell of Varnholm was cracked in the frost of 1895.";
    upload(dropped, droppedText);
    assertEquals(List.of(), handle(s3Event(created(dropped, "01"))));
    upload(added, addedText);
    store.delete(StorageSettings.DEFAULT_DOCUMENT_PREFIX + dropped);

    relay.pause();
    assertUnavailable(invoke(apiGatewayPost(QUESTION)));
    String directError = given().contentType("application/json").body(QUESTION).when().post().then()
        .statusCode(500).extract().asString();
    assertTrue(directError.contains(IndexUnavailableException.class.getSimpleName())
        && directError.contains("OpenSearch at " + endpoint()), directError);
    assertFalse(directError.contains("\tat "), "no stack trace to the caller: " + directError);

    Map<String, String> messages = new LinkedHashMap<>();
    messages.put("m-added", s3Event(created(added, "02")));
    messages.put("m-dropped", s3Event(removed(dropped, "02")));
    String sqs = sqsEvent(messages);
    assertEquals(Set.of("m-added", "m-dropped"), Set.copyOf(handle(sqs)), "both messages are retried");
    String direct = s3Event(created(added, "02"), removed(dropped, "02"));
    IndexUnavailableException thrown = assertThrows(IndexUnavailableException.class, () -> handle(direct),
        "a direct invocation fails, so Lambda retries it");
    assertTrue(thrown.getMessage().startsWith("OpenSearch at " + endpoint() + " is unavailable"),
        thrown.getMessage());
    assertEquals(List.of(), indexed(added), "nothing applied");
    assertEquals(List.of(droppedText), indexed(dropped), "nothing applied");

    relay.resume();
    assertEquals(List.of(), handle(sqs), "the redelivered messages apply");
    assertEquals(List.of(), handle(direct), "and so does the direct event Lambda retries (a duplicate now)");
    assertEquals(List.of(addedText), indexed(added));
    assertEquals(List.of(), indexed(dropped));
    JsonNode answer = invoke(apiGatewayPost("{\"question\":\"Who rowed out to the light on the ninth of May?\","
        + "\"document_prefix\":\"outage/\"}"));
    assertEquals(200, answer.get("statusCode").asInt(), answer.toString());
    assertEquals(added, JSON.readTree(answer.get("body").asText()).get("document").asText());
  }

  /**
   * The engine works but answers later than the request timeout: the same 503 and retries, within the timeout rather
   * than the engine's delay; the redelivered event then indexes its document exactly once.
   */
  @Test
  @Order(3)
  void aSlowEngineIs503AndItsEventsAreRetried() throws IOException {
    String id = "slow/harbour.txt";
    String text = "The harbour of Saltmere silted up after the storm of 1903 and was dredged in 1906.";
    upload(id, text);
    relay.delayResponses(ENGINE_DELAY);

    long started = System.nanoTime();
    assertUnavailable(invoke(apiGatewayPost(QUESTION)));
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(FAILS_WITHIN) < 0,
        "the request timeout is enforced: " + Duration.ofNanos(System.nanoTime() - started));
    started = System.nanoTime();
    String sqs = sqsEvent(Map.of("m-slow", s3Event(created(id, "01"))));
    assertEquals(List.of("m-slow"), handle(sqs));
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(FAILS_WITHIN) < 0,
        "the request timeout is enforced: " + Duration.ofNanos(System.nanoTime() - started));

    relay.resume();
    assertEquals(List.of(), handle(sqs));
    assertEquals(List.of(text), indexed(id));
  }

  /**
   * The engine becomes unreachable after a replacement's passages and head were written, before the old passages
   * were removed: the event is retried, and its redelivery (a duplicate by its sequencer) still removes them.
   */
  @Test
  @Order(4)
  void anOutageBeforeTheCleanupIsRepairedByTheRedeliveredEvent() throws IOException {
    String id = "halfway/ledger.txt";
    String replacement = "The purser of the Halcyon kept a crimson ledger of passengers.";
    upload(id, "The quartermaster of the Zephyr kept a green ledger of cargo.");
    assertEquals(List.of(), handle(s3Event(created(id, "0100"))));
    upload(id, replacement);

    relay.pauseAtRequest("/_refresh ");
    String sqs = sqsEvent(Map.of("m-replace", s3Event(created(id, "0200"))));
    assertEquals(List.of("m-replace"), handle(sqs), "the write broke off: retried");
    relay.resume();
    OpenSearchResource.refresh(engine(), settings.index().location());
    assertEquals(Set.of(replacement, "The quartermaster of the Zephyr kept a green ledger of cargo."),
        Set.copyOf(indexed(id)), "both versions were written before the outage");

    assertEquals(List.of(), handle(sqs));
    assertEquals(List.of(replacement), indexed(id), "only the newest version is left");
    JsonNode answer = invoke("{\"question\":\"Who kept a green ledger of cargo?\",\"document_prefix\":\"halfway/\","
        + "\"top_k\":5,\"show_passages\":true}");
    for (JsonNode passage : answer.get("passages")) {
      assertEquals(replacement, passage.get("text").asText(), answer.toString());
    }
  }
}
