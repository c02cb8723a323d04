package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.service.AskRequest;
import dev.docqa.service.AskResult;
import dev.docqa.service.DocQa;
import dev.docqa.service.IngestOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How {@code ask} maps events to requests and outcomes to HTTP, without a service: the answers themselves are tested
 * end to end on the real service in {@link AskFunctionTest}.
 */
class AskHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static AskEvent event(String json) throws Exception {
    return JSON.readValue(json, AskEvent.class);
  }

  static AskEvent http(String method, String body, boolean base64) throws Exception {
    String encoded = body == null ? "null" : JSON.writeValueAsString(body);
    return event("""
        {"version":"2.0","routeKey":"%s /ask","rawPath":"/ask","rawQueryString":"",
         "headers":{"content-type":"application/json"},"body":%s,"isBase64Encoded":%s,
         "requestContext":{"requestId":"req-1","http":{"method":"%s","path":"/ask"}}}
        """.formatted(method, encoded, base64, method));
  }

  private static AskRequest requestOf(AskEvent event) {
    return AskHandler.toRequest(event.isApiGateway() ? AskHandler.queryOf(event) : event);
  }

  @Test
  void aDirectQuestionBecomesARequest() throws Exception {
    AskEvent direct =
        event("{\"question\":\" What is it? \",\"top_k\":4,\"retriever\":\"bm25\",\"document_prefix\":\"guides/\"}");
    assertFalse(direct.isApiGateway());
    assertEquals(new AskRequest("What is it?", 4, RetrieverMode.BM25, "guides/", 3), requestOf(direct));
  }

  @Test
  void apiGatewayPostsBase64BodiesAndGetsAreRequests() throws Exception {
    assertEquals(AskRequest.of("Why?"), requestOf(http("POST", "{\"question\":\"Why?\"}", false)));
    String base64 = Base64.getEncoder().encodeToString("{\"question\":\"Base?\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(AskRequest.of("Base?"), requestOf(http("POST", base64, true)));

    AskEvent get = http("GET", null, false);
    get.setQueryStringParameters(Map.of("q", "Got?", "top_k", "2", "alternatives", "0"));
    assertTrue(get.isApiGateway());
    assertEquals(new AskRequest("Got?", 2, null, null, 0), requestOf(get));
  }

  @Test
  void theNoAnswerRuleComesThroughEveryRoute() throws Exception {
    AskRequest expected = new AskRequest("Is it?", null, null, null, 3, true, -1.5);
    assertEquals(expected, requestOf(event("{\"question\":\"Is it?\",\"no_answer\":true,\"null_threshold\":-1.5}")));
    assertEquals(expected,
        requestOf(http("POST", "{\"question\":\"Is it?\",\"no_answer\":true,\"null_threshold\":-1.5}", false)));
    AskEvent get = http("GET", null, false);
    get.setQueryStringParameters(Map.of("q", "Is it?", "no_answer", "true", "null_threshold", "-1.5"));
    assertEquals(expected, requestOf(get));
    assertEquals(new AskRequest("Is it?", null, null, null, 3, false, null),
        requestOf(event("{\"question\":\"Is it?\",\"no_answer\":false}")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"question\":\"q\",\"no_answer\":\"yes\"}",
        "{\"question\":\"q\",\"no_answer\":1}",
        "{\"question\":\"q\",\"null_threshold\":\"high\"}",
        "{\"question\":\"q\",\"null_threshold\":true}",
      })
  void badNoAnswerFieldsAre400WithTheFieldNamed(String body) throws Exception {
    AskHandler handler = new AskHandler(new FailingDocQa(new AssertionError("a bad request must not reach the service")));
    ApiGatewayResponse response = handler.handleHttp(http("POST", body, false));
    assertEquals(400, response.getStatusCode(), response.getBody());
    String error = JSON.readTree(response.getBody()).get("error").asText();
    assertTrue(error.contains("no_answer") || error.contains("null_threshold"), error);
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
        "{\"question\":\"q\",\"max_answer_length\":0}",
        "{\"question\":\"q\",\"max_answer_length\":201}",
        "{\"question\":\"q\",\"show_passages\":\"yes\"}",
        "{\"question\":\"q\",\"show_passages\":1}",
        "{\"question\":\"???\"}",
        "not json",
        ""
      })
  void badRequestsGet400WithTheRuleAndNeverReachTheService(String body) throws Exception {
    AskHandler handler = new AskHandler(new FailingDocQa(new AssertionError("a bad request must not reach the service")));
    ApiGatewayResponse response = handler.handleHttp(http("POST", body, false));
    assertEquals(400, response.getStatusCode(), response.getBody());
    assertFalse(JSON.readTree(response.getBody()).get("error").asText().isBlank());
    assertFalse(response.getBody().contains("\tat "), "no stack trace in the body");
  }

  @Test
  void aQuestionTooLongIsRejected() throws Exception {
    String question = "x".repeat(AskHandler.MAX_QUESTION_CHARS + 1);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> requestOf(http("POST", "{\"question\":\"" + question + "\"}", false)));
    assertEquals("question must have at most 2000 characters; length=2001", e.getMessage());
  }

  @Test
  void aFaultIs500WithTheRequestIdAndNoDetails() throws Exception {
    AskHandler handler = new AskHandler(new FailingDocQa(new IllegalStateException("secret internals /var/task/x")));
    ApiGatewayResponse fault = handler.handleHttp(http("POST", "{\"question\":\"q\"}", false));
    assertEquals(500, fault.getStatusCode());
    assertEquals("internal error; request id req-1", JSON.readTree(fault.getBody()).get("error").asText());
    assertFalse(fault.getBody().contains("secret"));
  }

  @Test
  void answerLengthAndPassagesAreRequestFieldsInPostsAndGets() throws Exception {
    assertEquals(new AskRequest("Long?", null, null, null, 3, null, null, 30, true),
        requestOf(http("POST", "{\"question\":\"Long?\",\"max_answer_length\":30,\"show_passages\":true}", false)));
    AskEvent get = http("GET", null, false);
    get.setQueryStringParameters(Map.of("q", "Got?", "max_answer_length", "12", "show_passages", "false"));
    assertEquals(new AskRequest("Got?", null, null, null, 3, null, null, 12, false), requestOf(get));
    get.setQueryStringParameters(Map.of("q", "Got?", "show_passages", "yes"));
    assertEquals("show_passages must be true or false; show_passages=yes",
        assertThrows(InvalidInputException.class, () -> requestOf(get)).getMessage());
  }

  @Test
  void getOnTheRootIsTheWebPageAndNeverReachesTheService() throws Exception {
    AskHandler handler = new AskHandler(new FailingDocQa(new AssertionError("the page must not reach the service")));
    AskEvent page = event("""
        {"version":"2.0","routeKey":"GET /","rawPath":"/","rawQueryString":"","headers":{},"isBase64Encoded":false,
         "requestContext":{"requestId":"req-2","http":{"method":"GET","path":"/"}}}
        """);
    ApiGatewayResponse response = handler.handleHttp(page);
    assertEquals(200, response.getStatusCode());
    assertEquals("text/html; charset=utf-8", response.getHeaders().get("Content-Type"));
    assertTrue(response.getBody().startsWith("<!doctype html>"), response.getBody().substring(0, 40));
    assertTrue(response.getBody().contains("fetch(\"ask\""), "the page asks the function's own /ask route");

    page.getRequestContext().getHttp().setMethod("POST");
    ApiGatewayResponse post = handler.handleHttp(page);
    assertEquals(405, post.getStatusCode());
    assertEquals("GET", post.getHeaders().get("Allow"));
  }

  @Test
  void otherMethodsAre405() throws Exception {
    AskHandler handler = new AskHandler(new FailingDocQa(new AssertionError("405 must not reach the service")));
    ApiGatewayResponse response = handler.handleHttp(http("DELETE", null, false));
    assertEquals(405, response.getStatusCode());
    assertEquals("GET, POST", response.getHeaders().get("Allow"));
  }

  /**
   * A service that fails every call with a given error: the one outcome the real service cannot be made to produce
   * on purpose is an unexpected fault (a bug), which must become a 500 without details.
   */
  private record FailingDocQa(Throwable failure) implements DocQa {

    private RuntimeException fail() {
      if (failure instanceof Error error) {
        throw error;
      }
      return (RuntimeException) failure;
    }

    @Override
    public IngestOutcome ingest(String documentId, Path content, String sourceVersion) {
      throw fail();
    }

    @Override
    public boolean delete(String documentId) {
      throw fail();
    }

    @Override
    public AskResult ask(AskRequest request) {
      throw fail();
    }

    @Override
    public List<Passage> retrieve(String question, Integer topK, RetrieverMode mode) {
      throw fail();
    }

    @Override
    public AskResult read(String question, List<Passage> passages, int alternatives) {
      throw fail();
    }

    @Override
    public void close() {}
  }
}
