package dev.docqa.functions;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.docqa.InvalidInputException;
import dev.docqa.index.EmptyIndexException;
import dev.docqa.index.IndexUnavailableException;
import dev.docqa.service.AnswerView;
import dev.docqa.service.AskRequest;
import dev.docqa.service.DocQa;
import dev.docqa.service.QuestionRules;
import dev.docqa.web.WebPage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The {@code ask} function without Quarkus, and the local server's question handler ({@code docqa serve}): validates a
 * question (direct JSON or API Gateway v2 event), asks {@link DocQa}, and shapes the answer; {@code GET /} returns the
 * web page ({@link WebPage}). For API Gateway every outcome is an HTTP response: 400 with a message for a bad
 * request, 404 when the index is empty, 405 for other methods than GET and POST, 415 for a POST body that is not
 * declared JSON, 500 (with the request id, never a stack trace) for faults. Direct invocations get the answer JSON, or
 * the exception.
 *
 * <p>A POST body is parsed strictly: unknown or duplicate fields, trailing content, values of the wrong JSON type
 * ({@code "top_k": "5"}, {@code "top_k": 2.5}, {@code "question": 42}) and invalid UTF-8 are 400s, since a public API
 * that guesses hides the caller's mistake (a misspelt {@code topk} would silently read the default, a {@code model}
 * or {@code bucket} field would look obeyed). Unknown GET parameters and unknown fields of a direct invocation are 400s
 * (an {@link InvalidInputException}) too; only the API Gateway envelope's own fields are ignored. Nothing in a request
 * names a bucket, a store path or a model: those come from configuration only.
 *
 * <p>Thread-safe when {@link DocQa} is.
 */
public final class AskHandler {

  static final int MAX_QUESTION_CHARS = QuestionRules.MAX_QUESTION_CHARS;
  static final int MAX_TOP_K = QuestionRules.MAX_TOP_K;
  static final int MAX_ALTERNATIVES = QuestionRules.MAX_ALTERNATIVES;
  static final int DEFAULT_ALTERNATIVES = QuestionRules.DEFAULT_ALTERNATIVES;
  /** The fields of a question: a direct invocation or POST body with others (or a GET with others) is a 400. */
  static final List<String> FIELDS = List.of("question", "top_k", "retriever", "document_prefix", "alternatives",
      "no_answer", "null_threshold", "max_answer_length", "show_passages");
  /** A GET may also name the question {@code q}. */
  private static final Set<String> QUERY_PARAMETERS =
      Stream.concat(FIELDS.stream(), Stream.of("q")).collect(Collectors.toUnmodifiableSet());
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final ObjectReader STRICT_BODY = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .withCoercionConfig(LogicalType.Textual, text -> text
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .build()
      .readerFor(AskQuery.class);
  private static final Map<String, String> JSON_HEADERS = Map.of("Content-Type", "application/json");
  /** The page's script and styles are inline; it fetches only from its own origin. */
  private static final Map<String, String> PAGE_HEADERS = Map.of(
      "Content-Type", WebPage.CONTENT_TYPE,
      "Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
          + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      "X-Content-Type-Options", "nosniff",
      "Cache-Control", "no-cache");

  private final DocQa docQa;

  public AskHandler(DocQa docQa) {
    this.docQa = docQa;
  }

  /**
   * Dispatches on the event's shape: an {@link ApiGatewayResponse} for API Gateway, else an {@link AnswerView}.
   *
   * @throws InvalidInputException for a direct question that is invalid or has fields beyond {@link #FIELDS}
   */
  public Object handle(AskEvent event) {
    if (event.isApiGateway()) {
      return handleHttp(event);
    }
    // A caller who adds "model", "bucket" or "context" expects them to count: say they do not.
    checkNoUnknownFields(event.unknownFields());
    return ask(event);
  }

  /** Answers a direct question with the answer JSON (the CLI's {@code ask --json}). */
  public AnswerView ask(AskQuery query) {
    long started = System.nanoTime();
    AskRequest request = toRequest(query);
    AnswerView response = AnswerView.of(docQa.ask(request), request.includePassages());
    JsonLog.info("ask", "mode", "direct", "ms", (System.nanoTime() - started) / 1e6, "found",
        response.best().answer() != null);
    return response;
  }

  /**
   * Answers an API Gateway HTTP API v2 event with an HTTP response: the web page ({@link WebPage}) for {@code GET /},
   * else the question's answer.
   */
  public ApiGatewayResponse handleHttp(AskEvent event) {
    long started = System.nanoTime();
    String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
    ApiGatewayResponse response;
    try {
      if (isPage(event)) {
        if (!event.httpMethod().equals("GET")) {
          throw new MethodNotAllowed("method " + event.httpMethod() + " is not allowed on /; use GET");
        }
        response = new ApiGatewayResponse(200, PAGE_HEADERS, WebPage.html());
        JsonLog.info("page", "status", 200, "requestId", requestId);
        return response;
      }
      AskRequest request = toRequest(queryOf(event));
      response = new ApiGatewayResponse(200, JSON_HEADERS,
          JSON.writeValueAsString(AnswerView.of(docQa.ask(request), request.includePassages())));
    } catch (MethodNotAllowed e) {
      response = error(405, e.getMessage(), Map.of("Allow", isPage(event) ? "GET" : "GET, POST"));
    } catch (UnsupportedMediaType e) {
      response = error(415, e.getMessage(), Map.of("Accept", "application/json"));
    } catch (InvalidInputException e) {
      response = error(400, e.getMessage(), Map.of());
    } catch (EmptyIndexException e) {
      response = error(404, e.getMessage(), Map.of());
    } catch (IndexUnavailableException e) {
      JsonLog.warn("ask.unavailable", e, "requestId", requestId);
      response = error(503, e.getMessage(), Map.of("Retry-After", "5"));
    } catch (JsonProcessingException | RuntimeException e) {
      JsonLog.warn("ask.fault", e, "requestId", requestId);
      response = error(500, "internal error" + (requestId == null ? "" : "; request id " + requestId), Map.of());
    }
    JsonLog.info("ask", "mode", "http", "status", response.getStatusCode(), "ms", (System.nanoTime() - started) / 1e6, "requestId", requestId);
    return response;
  }

  /** Validates a question and turns it into the service's request, by the rules every entry point shares. */
  static AskRequest toRequest(AskQuery query) {
    return QuestionRules.request(query.getQuestion(), query.getTopK(), query.getRetriever(),
        query.getDocumentPrefix(), query.getAlternatives(), query.getNoAnswer(), query.getNullThreshold(),
        query.getMaxAnswerLength(), Boolean.TRUE.equals(query.getShowPassages()));
  }

  /** Whether the event asks for the web page: the path {@code /} (a question goes to {@code /ask}). */
  static boolean isPage(AskEvent event) {
    String path = event.getRawPath();
    if (path == null && event.getRequestContext() != null && event.getRequestContext().getHttp() != null) {
      path = event.getRequestContext().getHttp().getPath();
    }
    return "/".equals(path);
  }

  /** The question in an API Gateway event: query parameters of a GET, the JSON body of a POST. */
  static AskQuery queryOf(AskEvent event) {
    String method = event.httpMethod();
    switch (method) {
      case "GET" -> {
        Map<String, String> params = event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
        checkNoUnknownFields(params.keySet().stream().filter(name -> !QUERY_PARAMETERS.contains(name)).toList());
        AskQuery query = new AskQuery();
        query.setQuestion(params.getOrDefault("question", params.get("q")));
        query.setTopK(intParam(params, "top_k"));
        query.setRetriever(params.get("retriever"));
        query.setDocumentPrefix(params.get("document_prefix"));
        query.setAlternatives(intParam(params, "alternatives"));
        query.setMaxAnswerLength(intParam(params, "max_answer_length"));
        query.setShowPassages(booleanParam(params, "show_passages"));
        query.setNoAnswer(booleanParam(params, "no_answer"));
        query.setNullThreshold(doubleParam(params, "null_threshold"));
        return query;
      }
      case "POST" -> {
        String body = event.getBody();
        if (body == null || body.isBlank()) {
          throw new InvalidInputException("POST body must be a JSON object with a question; body is empty");
        }
        checkJsonContentType(event.getHeaders());
        if (event.isBase64Encoded()) {
          body = decodeBase64Utf8(body);
        }
        AskQuery query;
        try {
          query = STRICT_BODY.readValue(body);
        } catch (UnrecognizedPropertyException e) {
          throw new InvalidInputException(
              "unknown field \"" + e.getPropertyName() + "\"; known fields are " + FIELDS, e);
        } catch (MismatchedInputException e) {
          // Jackson's own message names our classes; say which field has the wrong JSON type instead.
          String field = e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
              .filter(Objects::nonNull).collect(Collectors.joining("."));
          throw new InvalidInputException(field.isEmpty()
              ? "body must be one JSON object with a question"
              : "field \"" + field + "\" must be " + typeName(e.getTargetType()), e);
        } catch (JsonProcessingException e) {
          throw new InvalidInputException("body must be a JSON object with a question: " + e.getOriginalMessage(), e);
        }
        if (query == null) {
          throw new InvalidInputException("body must be a JSON object with a question; body=null");
        }
        return query;
      }
      default -> throw new MethodNotAllowed("method " + method + " is not allowed; use GET or POST");
    }
  }

  private static void checkNoUnknownFields(List<String> unknown) {
    if (!unknown.isEmpty()) {
      throw new InvalidInputException(
          "unknown field \"" + unknown.getFirst() + "\"; known fields are " + FIELDS + "; unknown=" + unknown);
    }
  }

  /** A POST body is JSON: absent {@code Content-Type} (API Gateway test consoles) or {@code application/json}. */
  private static void checkJsonContentType(Map<String, String> headers) {
    if (headers == null) {
      return;
    }
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (header.getKey() != null && header.getKey().equalsIgnoreCase("content-type") && header.getValue() != null) {
        String type = header.getValue().split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.endsWith("+json")) {
          throw new UnsupportedMediaType(
              "POST body must be application/json; content-type=" + header.getValue());
        }
      }
    }
  }

  private static String decodeBase64Utf8(String body) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(body.strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("body is marked base64 but is not valid base64", e);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("body must be UTF-8; " + e.getMessage(), e);
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

  private static Boolean booleanParam(Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    return switch (value.strip()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidInputException(name + " must be true or false; " + name + "=" + value);
    };
  }

  private static Double doubleParam(Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Double.valueOf(value.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name + " must be a number; " + name + "=" + value, e);
    }
  }

  private static String typeName(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    return type == Double.class || type == double.class ? "a number" : "an integer";
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

  /** The POST body is declared as something other than JSON (415). */
  private static final class UnsupportedMediaType extends InvalidInputException {
    UnsupportedMediaType(String message) {
      super(message);
    }
  }

  /** The request used an HTTP method other than GET or POST (405). */
  private static final class MethodNotAllowed extends InvalidInputException {
    MethodNotAllowed(String message) {
      super(message);
    }
  }
}
