package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import dev.docqa.config.RetrieverMode;
import dev.docqa.replication.EmptyIndexException;
import dev.docqa.service.AskRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AskHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final RecordingDocQa docQa = new RecordingDocQa();
  private final AskHandler handler = new AskHandler(docQa);

  private static AskEvent event(String json) throws Exception {
    return JSON.readValue(json, AskEvent.class);
  }

  private static AskEvent http(String method, String body, boolean base64) throws Exception {
    String encoded = body == null ? "null" : JSON.writeValueAsString(body);
    return event("""
        {"version":"2.0","routeKey":"%s /ask","rawPath":"/ask","rawQueryString":"",
         "headers":{"content-type":"application/json"},"body":%s,"isBase64Encoded":%s,
         "requestContext":{"requestId":"req-1","http":{"method":"%s","path":"/ask"}}}
        """.formatted(method, encoded, base64, method));
  }

  @Test
  void aDirectQuestionGetsTheAnswerJson() throws Exception {
    AskEvent direct =
        event("{\"question\":\" What is it? \",\"top_k\":4,\"retriever\":\"bm25\",\"document_prefix\":\"guides/\"}");
    assertFalse(direct.isApiGateway());
    AskResponse response = assertInstanceOf(AskResponse.class, handler.handle(direct));
    assertEquals("forty-two", response.answer().text());
    assertEquals("guide.txt", response.answer().documentId());
    assertEquals(100 + "The answer is ".length(), response.answer().documentStart());
    assertEquals(3, response.answer().page());
    assertEquals(new AskRequest("What is it?", 4, RetrieverMode.BM25, "guides/", 3), docQa.questions.get(0));
    JsonNode json = JSON.valueToTree(response);
    assertEquals(12.0, json.get("timings_ms").get("total").asDouble());
    assertEquals("guide.txt", json.get("answer").get("document_id").asText());
  }

  @Test
  void aDirectBadQuestionThrows() throws Exception {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> handler.handle(event("{\"question\":\"  \"}")));
    assertTrue(e.getMessage().contains("question must not be blank"), e.getMessage());
  }

  @Test
  void apiGatewayPostAndGetAnswerWith200() throws Exception {
    ApiGatewayResponse post =
        assertInstanceOf(ApiGatewayResponse.class, handler.handle(http("POST", "{\"question\":\"Why?\"}", false)));
    assertEquals(200, post.getStatusCode());
    assertEquals("application/json", post.getHeaders().get("Content-Type"));
    assertEquals("forty-two", JSON.readTree(post.getBody()).get("answer").get("text").asText());

    String base64 = Base64.getEncoder().encodeToString("{\"question\":\"Base?\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(200, handler.handleHttp(http("POST", base64, true)).getStatusCode());
    assertEquals("Base?", docQa.questions.get(1).question());

    AskEvent get = http("GET", null, false);
    get.setQueryStringParameters(java.util.Map.of("q", "Got?", "top_k", "2", "alternatives", "0"));
    assertEquals(200, handler.handleHttp(get).getStatusCode());
    assertEquals(new AskRequest("Got?", 2, null, null, 0), docQa.questions.get(2));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"question\":\"\"}",
        "{\"question\":\"q\",\"top_k\":0}",
        "{\"question\":\"q\",\"top_k\":101}",
        "{\"question\":\"q\",\"retriever\":\"sparse\"}",
        "{\"question\":\"q\",\"document_prefix\":\"../etc\"}",
        "{\"question\":\"q\",\"alternatives\":-1}",
        "not json",
        ""
      })
  void badRequestsGet400WithTheRule(String body) throws Exception {
    ApiGatewayResponse response = handler.handleHttp(http("POST", body, false));
    assertEquals(400, response.getStatusCode(), response.getBody());
    String error = JSON.readTree(response.getBody()).get("error").asText();
    assertFalse(error.isBlank());
    assertFalse(response.getBody().contains("\tat "), "no stack trace in the body");
    assertTrue(docQa.questions.isEmpty());
  }

  @Test
  void aQuestionTooLongIsRejected() throws Exception {
    String question = "x".repeat(AskHandler.MAX_QUESTION_CHARS + 1);
    ApiGatewayResponse response = handler.handleHttp(http("POST", "{\"question\":\"" + question + "\"}", false));
    assertEquals(400, response.getStatusCode());
    assertTrue(response.getBody().contains("at most 2000 characters"), response.getBody());
  }

  @Test
  void anEmptyIndexIs404AndFaultsAre500WithoutDetails() throws Exception {
    docQa.answers = request -> { throw new EmptyIndexException("the index is empty (generation 0): ingest documents first"); };
    ApiGatewayResponse empty = handler.handleHttp(http("POST", "{\"question\":\"q\"}", false));
    assertEquals(404, empty.getStatusCode());
    assertTrue(empty.getBody().contains("ingest documents first"), empty.getBody());

    docQa.answers = request -> { throw new IllegalStateException("secret internals /var/task/x"); };
    ApiGatewayResponse fault = handler.handleHttp(http("POST", "{\"question\":\"q\"}", false));
    assertEquals(500, fault.getStatusCode());
    assertEquals("internal error; request id req-1", JSON.readTree(fault.getBody()).get("error").asText());
    assertFalse(fault.getBody().contains("secret"));
  }

  @Test
  void otherMethodsAre405() throws Exception {
    ApiGatewayResponse response = handler.handleHttp(http("DELETE", null, false));
    assertEquals(405, response.getStatusCode());
    assertEquals("GET, POST", response.getHeaders().get("Allow"));
  }

  @Test
  void noAnswerIsANullAnswer() throws Exception {
    docQa.answers = request -> new dev.docqa.service.AskResult(null, java.util.List.of(), java.util.Map.of());
    AskResponse response = handler.ask(event("{\"question\":\"q\"}"));
    assertNull(response.answer());
    assertTrue(JSON.writeValueAsString(response).contains("\"answer\":null"));
  }
}
