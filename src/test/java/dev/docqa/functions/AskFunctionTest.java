package dev.docqa.functions;

import static dev.docqa.functions.FunctionEvents.ANSWER_KEYS;
import static dev.docqa.functions.FunctionEvents.JSON;
import static dev.docqa.functions.FunctionEvents.apiGatewayPost;
import static dev.docqa.functions.FunctionEvents.assertProvenance;
import static dev.docqa.functions.FunctionEvents.created;
import static dev.docqa.functions.FunctionEvents.s3Event;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docqa.config.StorageSettings;
import dev.docqa.storage.ObjectStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ask} end to end: the Lambda mock event server (test port 8081) → Funqy → the real service (the default trained
 * reader, MiniLM embedder, Lucene index published to s3proxy). Answers are checked for provenance, offsets and the
 * retrieved document; what the reader gets right is CommandLineEndToEndTest's subject.
 *
 * <p>This deployment exports {@code ask} only; documents are uploaded to the bucket and ingested by calling the
 * {@code ingest} function's handler bean with S3 notifications (that function is tested through the event server in
 * {@link IngestFunctionTest}). The first test runs on the empty index; the others share the ingested samples.
 */
@QuarkusTest
@TestProfile(FunctionProfiles.Ask.class)
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AskFunctionTest {

  private static final Path SAMPLES = Path.of("samples/documents");
  private static final String LIGHTHOUSE = "varnholm-lighthouse.txt";
  private static final String HARBOUR = "port-ellery-harbour-report.pdf";
  private static final List<String> DOCUMENTS = List.of(LIGHTHOUSE, HARBOUR, "kestrel-language.md");
  private static boolean ingested;

  @Inject IngestHandler ingest;
  @Inject ObjectStore store;

  /** Uploads the samples and delivers their S3 notifications, once for the class. */
  private void ingestSamples() throws IOException {
    if (ingested) {
      return;
    }
    List<String> records = new ArrayList<>();
    for (String id : DOCUMENTS) {
      store.upload(SAMPLES.resolve(id), StorageSettings.DEFAULT_DOCUMENT_PREFIX + id);
      records.add(created(id, "01"));
    }
    SqsBatchResponse response =
        ingest.handle(JSON.readValue(s3Event(records.toArray(String[]::new)), IngestEvent.class));
    assertEquals(List.of(), response.getBatchItemFailures());
    ingested = true;
  }

  private static JsonNode invoke(String event) throws IOException {
    String body = given().contentType("application/json").body(event).when().post().then().statusCode(200)
        .extract().asString();
    return JSON.readTree(body);
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  @Order(1)
  void anEmptyIndexIs404WithAMessage() throws IOException {
    JsonNode response = invoke(apiGatewayPost("{\"question\":\"Who kept the light?\"}"));
    assertEquals(404, response.get("statusCode").asInt(), response.toString());
    assertEquals("the index is empty (generation 0): ingest documents first",
        JSON.readTree(response.get("body").asText()).get("error").asText());
  }

  @Test
  @Order(2)
  void aDirectQuestionIsAnsweredFromTheRetrievedDocumentWithProvenance() throws IOException {
    ingestSamples();
    // One BM25 passage: the reader reads only the retrieved passage, so the answer's document is retrieval's choice.
    JsonNode answer = invoke("{\"question\":\"Who tended the lamp of Varnholm Light from 1921 to 1958?\","
        + "\"top_k\":1,\"retriever\":\"bm25\",\"alternatives\":2}");

    assertEquals(ANSWER_KEYS, keys(answer), "the CLI's ask --json shape");
    assertEquals(LIGHTHOUSE, answer.get("document").asText());
    assertTrue(answer.get("page").isNull(), "plain text has no pages");
    String text = Files.readString(SAMPLES.resolve(LIGHTHOUSE), StandardCharsets.UTF_8);
    assertProvenance(answer, text);
    assertTrue(answer.get("confidence").asDouble() >= 0 && answer.get("confidence").asDouble() <= 1);
    JsonNode alternatives = answer.get("alternatives");
    assertTrue(alternatives.size() <= 2, alternatives.toString());
    for (JsonNode alternative : alternatives) {
      assertEquals(ANSWER_KEYS.subList(0, 8), keys(alternative), "alternatives have the answer's fields only");
      assertEquals(LIGHTHOUSE, alternative.get("document").asText());
      assertProvenance(alternative, text);
      assertTrue(alternative.get("score").asDouble() <= answer.get("score").asDouble(), "best first");
    }
    assertEquals(List.of("read", "retrieve", "total"), keys(answer.get("timings_ms")));
  }

  @Test
  @Order(3)
  void hybridRetrievalOverSeveralDocumentsKeepsProvenanceAndPdfPages() throws IOException {
    ingestSamples();
    JsonNode answer = invoke("{\"question\":\"What did the harbour report say about the port?\",\"top_k\":5}");
    assertTrue(DOCUMENTS.contains(answer.get("document").asText()), answer.toString());
    String document = answer.get("document").asText();
    assertProvenance(answer, document.endsWith(".txt")
        ? Files.readString(SAMPLES.resolve(document), StandardCharsets.UTF_8) : null);

    JsonNode pdf = invoke("{\"question\":\"What did the harbour report say about the port?\",\"top_k\":3,"
        + "\"document_prefix\":\"port-ellery\"}");
    assertEquals(HARBOUR, pdf.get("document").asText());
    assertTrue(pdf.get("page").asInt() >= 1, "a PDF answer names its page: " + pdf);
    assertProvenance(pdf, null);
  }

  @Test
  @Order(4)
  void aPrefixMatchingNoDocumentHasNoAnswerWithEveryKey() throws IOException {
    ingestSamples();
    JsonNode none = invoke("{\"question\":\"Who kept the light?\",\"document_prefix\":\"no-such-folder/\"}");
    assertEquals(ANSWER_KEYS, keys(none));
    assertTrue(none.get("answer").isNull() && none.get("document").isNull() && none.get("passage").isNull()
        && none.get("page").isNull(), none.toString());
    assertEquals(0.0, none.get("score").asDouble());
    assertEquals(0, none.get("start").asInt());
    assertEquals(0, none.get("end").asInt());
    assertEquals(0, none.get("alternatives").size());
  }

  @Test
  @Order(5)
  void apiGatewayPostAndGetReturnTheAnswerJsonWith200() throws IOException {
    ingestSamples();
    JsonNode post = invoke(apiGatewayPost(
        "{\"question\":\"Who tended the lamp from 1921 to 1958?\",\"top_k\":1,\"retriever\":\"bm25\"}"));
    assertEquals(200, post.get("statusCode").asInt(), post.toString());
    assertEquals("application/json", post.get("headers").get("Content-Type").asText());
    assertFalse(post.get("isBase64Encoded").asBoolean());
    JsonNode answer = JSON.readTree(post.get("body").asText());
    assertEquals(ANSWER_KEYS, keys(answer));
    assertProvenance(answer, Files.readString(SAMPLES.resolve(LIGHTHOUSE), StandardCharsets.UTF_8));

    JsonNode get = invoke("""
        {"version":"2.0","routeKey":"GET /ask","rawPath":"/ask",
         "rawQueryString":"question=Who+tended+the+lamp+from+1921+to+1958%3F&top_k=1&retriever=bm25",
         "queryStringParameters":{"question":"Who tended the lamp from 1921 to 1958?","top_k":"1","retriever":"bm25"},
         "isBase64Encoded":false,"requestContext":{"requestId":"req-8","http":{"method":"GET","path":"/ask"}}}
        """);
    assertEquals(200, get.get("statusCode").asInt(), get.toString());
    JsonNode fromGet = JSON.readTree(get.get("body").asText());
    for (String key : List.of("answer", "document", "start", "end", "passage")) {
      assertEquals(answer.get(key), fromGet.get(key), "GET and POST ask the same question: " + key);
    }
  }

  @Test
  @Order(6)
  void badApiGatewayRequestsAre400WithTheRuleAndNoStackTrace() throws IOException {
    ingestSamples();
    List<String[]> cases = List.of(
        new String[] {"{\"question\":\"   \"}", "question must not be blank"},
        new String[] {"{\"question\":\"q\",\"top_k\":0}", "top_k must be in [1, 100]; top_k=0"},
        new String[] {"{\"question\":\"q\",\"retriever\":\"sparse\"}", "sparse"},
        new String[] {"{\"question\":\"q\",\"document_prefix\":\"../etc/\"}", "prefix=../etc"},
        new String[] {"{\"question\":", "body must be a JSON object with a question"});
    for (String[] c : cases) {
      JsonNode response = invoke(apiGatewayPost(c[0]));
      assertEquals(400, response.get("statusCode").asInt(), c[0] + " -> " + response);
      String body = response.get("body").asText();
      String error = JSON.readTree(body).get("error").asText();
      assertTrue(error.contains(c[1]), c[0] + " -> " + error);
      assertFalse(body.contains("\tat ") || body.contains("Exception"), "no stack trace: " + body);
    }
    JsonNode delete = invoke("""
        {"version":"2.0","routeKey":"DELETE /ask","rawPath":"/ask","isBase64Encoded":false,
         "requestContext":{"requestId":"req-9","http":{"method":"DELETE","path":"/ask"}}}
        """);
    assertEquals(405, delete.get("statusCode").asInt());
    assertNotNull(delete.get("headers").get("Allow"));
  }
}
