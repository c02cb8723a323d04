package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import dev.docqa.service.AnswerView;
import dev.docqa.service.IngestOutcome;
import dev.docqa.service.LocalDocQa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input catalogue for {@code ask}, on the real service over a local store with three small documents: each
 * case is a named invocation. Every rejection is a 4xx with a message (or {@link InvalidInputException} for a direct
 * invocation) and no stack trace or class name; unusual but valid questions (right-to-left, combining marks, emoji,
 * the longest allowed) are answered. Cases already covered elsewhere are not repeated: blank question, {@code top_k}
 * 0 and 101, unknown retriever, {@code ..} prefix, negative alternatives, body not JSON, empty body, 2001 characters
 * and {@code DELETE} ({@link AskHandlerTest}, {@code AskFunctionTest}).
 */
class BadAskInputTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LONG_QUESTION =
      "Who was the longest-serving principal keeper of Varnholm Light? ".repeat(40);

  @TempDir static Path work;
  private static LocalDocQa docqa;
  private static AskHandler handler;
  private Map<String, String> indexBefore;

  @BeforeAll
  static void ingest() throws IOException {
    docqa = LocalDocQa.open(work);
    Map<String, String> documents = Map.of(
        "varnholm.txt", "Ingrid Solberg was the longest-serving principal keeper of Varnholm Light, from 1921 to 1958.",
        "harbour.txt", "The harbour master of Kestrel Bay records every ship that enters after dark.",
        "ledger.txt", "The quartermaster of the Zephyr kept a green ledger of cargo and passengers.");
    for (Map.Entry<String, String> document : documents.entrySet()) {
      Path file = Files.writeString(work.resolve(document.getKey()), document.getValue(), StandardCharsets.UTF_8);
      assertEquals(IngestOutcome.Status.INDEXED, docqa.service().ingest(document.getKey(), file, "v1").status());
    }
    handler = new AskHandler(docqa.service());
  }

  @AfterAll
  static void close() {
    docqa.close();
  }

  @BeforeEach
  void snapshotIndex() {
    indexBefore = docqa.indexObjects();
  }

  @AfterEach
  void indexIsUnchanged() {
    assertEquals(indexBefore, docqa.indexObjects(), "a question never changes the index");
  }

  static Stream<Arguments> badPostBodies() {
    String deepArrays = "[".repeat(100_000) + "]".repeat(100_000);
    return Stream.of(
        argumentSet("body is a JSON array", "[{\"question\":\"Who kept Varnholm Light?\"}]", "one JSON object"),
        argumentSet("body is a JSON string", "\"Who kept Varnholm Light?\"", "one JSON object"),
        argumentSet("body is JSON null", "null", "body=null"),
        argumentSet("question is a number", "{\"question\":42}", "field \"question\" must be a string"),
        argumentSet("question is an object", "{\"question\":{\"text\":\"q\"}}", "field \"question\" must be a string"),
        argumentSet("question is an array", "{\"question\":[\"q\"]}", "field \"question\" must be a string"),
        argumentSet("question is null", "{\"question\":null}", "question must not be blank"),
        argumentSet("question is missing", "{\"top_k\":3}", "question must not be blank"),
        argumentSet("top_k is a numeric string", "{\"question\":\"q\",\"top_k\":\"5\"}", "field \"top_k\" must be an integer"),
        argumentSet("top_k is fractional", "{\"question\":\"q\",\"top_k\":2.5}", "field \"top_k\" must be an integer"),
        argumentSet("top_k is a boolean", "{\"question\":\"q\",\"top_k\":true}", "field \"top_k\" must be an integer"),
        argumentSet("top_k is negative", "{\"question\":\"q\",\"top_k\":-1}", "top_k must be in [1, 100]; top_k=-1"),
        argumentSet("top_k is Integer.MAX_VALUE", "{\"question\":\"q\",\"top_k\":2147483647}", "top_k=2147483647"),
        argumentSet("top_k overflows an int", "{\"question\":\"q\",\"top_k\":99999999999}", "out of range of int"),
        argumentSet("alternatives above 20", "{\"question\":\"q\",\"alternatives\":21}", "alternatives must be in [0, 20]"),
        argumentSet("retriever is a number", "{\"question\":\"q\",\"retriever\":5}", "field \"retriever\" must be a string"),
        argumentSet("unknown field (misspelt topk)", "{\"question\":\"q\",\"topk\":5}", "unknown field \"topk\""),
        argumentSet("duplicate field", "{\"question\":\"a\",\"question\":\"b\"}", "Duplicate field 'question'"),
        argumentSet("trailing second object", "{\"question\":\"q\"} {\"question\":\"r\"}", "one JSON object"),
        argumentSet("100k nested arrays", deepArrays, "one JSON object"),
        argumentSet("whitespace-only question", "{\"question\":\" \\t\\n\\r \"}", "question must not be blank"),
        argumentSet("no-break spaces only", "{\"question\":\"\\u00a0\\u2007\\u202f\"}", "a letter or digit"),
        argumentSet("punctuation and emoji only", "{\"question\":\"?! \uD83D\uDE42\"}", "a letter or digit"),
        argumentSet("bell control character", "{\"question\":\"Who\\u0007 kept it?\"}", "U+0007 at index 3"),
        argumentSet("null byte", "{\"question\":\"Who\\u0000 kept it?\"}", "U+0000 at index 3"),
        argumentSet("C1 control character", "{\"question\":\"Who\\u009b kept it?\"}", "U+009B"),
        argumentSet("unpaired high surrogate", "{\"question\":\"Who kept \\ud800 it?\"}", "unpaired surrogate U+D800"),
        argumentSet("unpaired low surrogate", "{\"question\":\"\\udc00 Who kept it?\"}", "unpaired surrogate U+DC00"),
        argumentSet("2000 characters but more tokens than a reader window",
            "{\"question\":\"" + LONG_QUESTION.substring(0, 2_000) + "\"}", "question too long"),
        argumentSet("one-megabyte question", "{\"question\":\"" + "lighthouse ".repeat(100_000) + "\"}",
            "at most 2000 characters"));
  }

  @ParameterizedTest
  @MethodSource("badPostBodies")
  void aBadPostBodyIs400(String body, String rule) throws Exception {
    assertRejected(400, rule, handler.handleHttp(AskHandlerTest.http("POST", body, false)));
  }

  static Stream<Arguments> badHttpEvents() throws Exception {
    AskEvent noBody = AskHandlerTest.http("POST", null, false);
    AskEvent badBase64 = AskHandlerTest.http("POST", "not*base64!", true);
    byte[] latin1 = "{\"question\":\"Wer war H\u00fcter?\"}".getBytes(StandardCharsets.ISO_8859_1);
    AskEvent notUtf8 = AskHandlerTest.http("POST", Base64.getEncoder().encodeToString(latin1), true);
    AskEvent textPlain = withContentType(AskHandlerTest.http("POST", "{\"question\":\"q\"}", false), "text/plain");
    AskEvent form = withContentType(AskHandlerTest.http("POST", "question=q", false),
        "application/x-www-form-urlencoded");
    AskEvent getNothing = AskHandlerTest.http("GET", null, false);
    AskEvent getBadTopK = get(Map.of("q", "Who kept Varnholm Light?", "top_k", "five"));
    AskEvent getNullByte = get(Map.of("question", "Who\u0000 kept Varnholm Light?"));
    return Stream.of(
        argumentSet("POST without a body field", noBody, 400, "body is empty"),
        argumentSet("base64 flag on a body that is not base64", badBase64, 400, "not valid base64"),
        argumentSet("base64 body that is not UTF-8 (Latin-1)", notUtf8, 400, "body must be UTF-8"),
        argumentSet("content type text/plain", textPlain, 415, "must be application/json"),
        argumentSet("content type form-urlencoded (curl -d default)", form, 415, "must be application/json"),
        argumentSet("GET without parameters", getNothing, 400, "question must not be blank"),
        argumentSet("GET with a top_k that is not a number", getBadTopK, 400, "top_k must be an integer"),
        argumentSet("GET with a null byte in the question", getNullByte, 400, "U+0000"));
  }

  @ParameterizedTest
  @MethodSource("badHttpEvents")
  void aBadHttpEventIs4xx(AskEvent event, int status, String rule) throws Exception {
    assertRejected(status, rule, handler.handleHttp(event));
  }

  static Stream<Arguments> badDirectQuestions() {
    return Stream.of(
        argumentSet("no question at all", query(null, null, null), "question must not be blank"),
        argumentSet("tab and newlines only", query("\t\n\n", null, null), "question must not be blank"),
        argumentSet("escape control character", query("Who kept \u001b[31m Varnholm?", null, null), "U+001B"),
        argumentSet("null byte at the end", query("Who kept Varnholm Light?\u0000", null, null), "U+0000"),
        argumentSet("unpaired surrogate", query("Varnholm \ud83d", null, null), "unpaired surrogate"),
        argumentSet("top_k negative", query("Who kept Varnholm Light?", -5, null), "top_k=-5"),
        argumentSet("top_k huge", query("Who kept Varnholm Light?", Integer.MAX_VALUE, null), "top_k=2147483647"),
        argumentSet("alternatives huge", query("Who kept Varnholm Light?", null, 1_000), "alternatives=1000"),
        argumentSet("question of 2001 emoji code units", query("\uD83D\uDE42".repeat(1_001), null, null),
            "at most 2000 characters"));
  }

  @ParameterizedTest
  @MethodSource("badDirectQuestions")
  void aBadDirectQuestionIsInvalidInput(AskQuery query, String rule) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> handler.ask(query));
    assertTrue(e.getMessage().contains(rule), e.getMessage());
  }

  static Stream<Arguments> unusualButValidQuestions() {
    String thousand = LONG_QUESTION.substring(0, 1_000);
    return Stream.of(
        argumentSet("right-to-left (Arabic) question", "\u0645\u0646 \u062d\u0641\u0638 \u0627\u0644\u0645\u0646\u0627\u0631\u0629\u061f Varnholm"),
        argumentSet("right-to-left (Hebrew) with an RLM mark", "\u200f\u05de\u05d9 \u05e9\u05de\u05e8 Varnholm Light?"),
        argumentSet("combining acute accents", "Who ke\u0301pt Varnholm Li\u0301ght?"),
        argumentSet("emoji inside the question", "Who kept the \uD83D\uDDFC Varnholm Light?"),
        argumentSet("tabs and line breaks inside", "Who kept\tVarnholm\r\nLight?"),
        argumentSet("1000 characters (about 200 tokens)", thousand));
  }

  @ParameterizedTest
  @MethodSource("unusualButValidQuestions")
  void anUnusualButValidQuestionIsAnsweredOverHttpAndDirectly(String question) throws Exception {
    String body = JSON.writeValueAsString(Map.of("question", question, "top_k", 3));
    ApiGatewayResponse response = handler.handleHttp(AskHandlerTest.http("POST", body, false));
    assertEquals(200, response.getStatusCode(), response.getBody());
    JsonNode answer = JSON.readTree(response.getBody());
    assertTrue(answer.has("answer"), response.getBody());
    AnswerView direct = handler.ask(query(question, 3, null));
    assertNotNull(direct.best());
  }

  private static void assertRejected(int status, String rule, ApiGatewayResponse response) throws IOException {
    assertEquals(status, response.getStatusCode(), response.getBody());
    String error = JSON.readTree(response.getBody()).get("error").asText();
    assertTrue(error.contains(rule), "expected '" + rule + "' in: " + error);
    for (String leak : new String[] {"\tat ", "Exception", "dev.docqa", "com.fasterxml"}) {
      assertFalse(response.getBody().contains(leak), "no internals (" + leak + ") in: " + response.getBody());
    }
  }

  private static AskQuery query(String question, Integer topK, Integer alternatives) {
    AskQuery query = new AskQuery();
    query.setQuestion(question);
    query.setTopK(topK);
    query.setAlternatives(alternatives);
    return query;
  }

  private static AskEvent withContentType(AskEvent event, String type) {
    event.setHeaders(Map.of("content-type", type));
    return event;
  }

  private static AskEvent get(Map<String, String> params) throws Exception {
    AskEvent event = AskHandlerTest.http("GET", null, false);
    event.setQueryStringParameters(new LinkedHashMap<>(params));
    return event;
  }
}
