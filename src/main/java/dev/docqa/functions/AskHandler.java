package dev.docqa.functions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import dev.docqa.config.RetrieverMode;
import dev.docqa.replication.EmptyIndexException;
import dev.docqa.service.AnswerView;
import dev.docqa.service.AskRequest;
import dev.docqa.service.DocQa;
import dev.docqa.storage.ObjectKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code ask} function without Quarkus: validates a question (direct JSON or API Gateway v2 event), asks
 * {@link DocQa}, and shapes the answer. For API Gateway every outcome is an HTTP response: 400 with a message for a bad
 * request, 404 when the index is empty, 405 for other methods than GET and POST, 500 (with the request id, never a
 * stack trace) for faults. Direct invocations get the answer JSON, or the exception.
 *
 * <p>Thread-safe when {@link DocQa} is.
 */
public final class AskHandler {

  static final int MAX_QUESTION_CHARS = 2_000;
  static final int MAX_TOP_K = 100;
  static final int MAX_ALTERNATIVES = 20;
  static final int DEFAULT_ALTERNATIVES = 3;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final Map<String, String> JSON_HEADERS = Map.of("Content-Type", "application/json");

  private final DocQa docQa;

  public AskHandler(DocQa docQa) {
    this.docQa = docQa;
  }

  /** Dispatches on the event's shape: an {@link ApiGatewayResponse} for API Gateway, else an {@link AnswerView}. */
  public Object handle(AskEvent event) {
    return event.isApiGateway() ? handleHttp(event) : ask(event);
  }

  /** Answers a direct question with the answer JSON (the CLI's {@code ask --json}). */
  public AnswerView ask(AskQuery query) {
    long started = System.nanoTime();
    AskRequest request = toRequest(query);
    AnswerView response = AnswerView.of(docQa.ask(request));
    JsonLog.info("ask", "mode", "direct", "ms", (System.nanoTime() - started) / 1e6, "found",
        response.best().answer() != null);
    return response;
  }

  /** Answers an API Gateway HTTP API v2 event with an HTTP response. */
  public ApiGatewayResponse handleHttp(AskEvent event) {
    long started = System.nanoTime();
    String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
    ApiGatewayResponse response;
    try {
      AskRequest request = toRequest(queryOf(event));
      response = new ApiGatewayResponse(200, JSON_HEADERS, JSON.writeValueAsString(AnswerView.of(docQa.ask(request))));
    } catch (MethodNotAllowed e) {
      response = error(405, e.getMessage(), Map.of("Allow", "GET, POST"));
    } catch (InvalidInputException e) {
      response = error(400, e.getMessage(), Map.of());
    } catch (EmptyIndexException e) {
      response = error(404, e.getMessage(), Map.of());
    } catch (JsonProcessingException | RuntimeException e) {
      JsonLog.warn("ask.fault", e, "requestId", requestId);
      response = error(500, "internal error" + (requestId == null ? "" : "; request id " + requestId), Map.of());
    }
    JsonLog.info("ask", "mode", "http", "status", response.getStatusCode(), "ms", (System.nanoTime() - started) / 1e6, "requestId", requestId);
    return response;
  }

  /** Validates a question and turns it into the service's request. */
  static AskRequest toRequest(AskQuery query) {
    String question = query.getQuestion();
    if (question == null || question.isBlank()) {
      throw new InvalidInputException("question must not be blank; question=" + question);
    }
    if (question.length() > MAX_QUESTION_CHARS) {
      throw new InvalidInputException(
          "question must have at most " + MAX_QUESTION_CHARS + " characters; length=" + question.length());
    }
    Integer topK = query.getTopK();
    if (topK != null && (topK < 1 || topK > MAX_TOP_K)) {
      throw new InvalidInputException("top_k must be in [1, " + MAX_TOP_K + "]; top_k=" + topK);
    }
    int alternatives = query.getAlternatives() == null ? DEFAULT_ALTERNATIVES : query.getAlternatives();
    if (alternatives < 0 || alternatives > MAX_ALTERNATIVES) {
      throw new InvalidInputException(
          "alternatives must be in [0, " + MAX_ALTERNATIVES + "]; alternatives=" + alternatives);
    }
    RetrieverMode retriever = query.getRetriever() == null ? null : RetrieverMode.parse(query.getRetriever());
    String prefix = query.getDocumentPrefix();
    if (prefix != null && prefix.isEmpty()) {
      prefix = null;
    }
    if (prefix != null) {
      ObjectKeys.checkPrefix(prefix);
    }
    return new AskRequest(question.strip(), topK, retriever, prefix, alternatives);
  }

  /** The question in an API Gateway event: query parameters of a GET, the JSON body of a POST. */
  static AskQuery queryOf(AskEvent event) {
    String method = event.httpMethod();
    switch (method) {
      case "GET" -> {
        Map<String, String> params = event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
        AskQuery query = new AskQuery();
        query.setQuestion(params.getOrDefault("question", params.get("q")));
        query.setTopK(intParam(params, "top_k"));
        query.setRetriever(params.get("retriever"));
        query.setDocumentPrefix(params.get("document_prefix"));
        query.setAlternatives(intParam(params, "alternatives"));
        return query;
      }
      case "POST" -> {
        String body = event.getBody();
        if (body == null || body.isBlank()) {
          throw new InvalidInputException("POST body must be a JSON object with a question; body is empty");
        }
        if (event.isBase64Encoded()) {
          try {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
          } catch (IllegalArgumentException e) {
            throw new InvalidInputException("body is marked base64 but is not valid base64", e);
          }
        }
        try {
          return JSON.readValue(body, AskQuery.class);
        } catch (JsonProcessingException e) {
          throw new InvalidInputException("body must be a JSON object with a question: " + e.getOriginalMessage(), e);
        }
      }
      default -> throw new MethodNotAllowed("method " + method + " is not allowed; use GET or POST");
    }
  }

  private static Integer intParam(Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(value.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name + " must be an integer; " + name + "=" + value, e);
    }
  }

  private static ApiGatewayResponse error(int status, String message, Map<String, String> extraHeaders) {
    Map<String, String> headers = new LinkedHashMap<>(JSON_HEADERS);
    headers.putAll(extraHeaders);
    try {
      return new ApiGatewayResponse(status, headers, JSON.writeValueAsString(Map.of("error", message)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map always serialises", e);
    }
  }

  /** The request used an HTTP method other than GET or POST (405). */
  private static final class MethodNotAllowed extends InvalidInputException {
    MethodNotAllowed(String message) {
      super(message);
    }
  }
}
