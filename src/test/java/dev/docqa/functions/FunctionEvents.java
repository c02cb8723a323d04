package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.config.StorageSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Event JSON as S3, SQS and API Gateway send it to the functions, and the provenance checks of an answer JSON. */
final class FunctionEvents {

  static final ObjectMapper JSON = new ObjectMapper();
  /** The keys of the answer JSON, in order: the CLI's {@code ask --json}. */
  static final List<String> ANSWER_KEYS = List.of("answer", "score", "confidence", "document", "start", "end", "page",
      "passage", "alternatives", "timings_ms");

  private FunctionEvents() {}

  /** The key of a document in an S3 notification: under the store's prefix, URL-encoded with {@code +} for spaces. */
  static String eventKey(String documentId) {
    return S3ProxyResource.STORE_PREFIX + StorageSettings.DEFAULT_DOCUMENT_PREFIX + Arrays.stream(documentId.split("/", -1))
        .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8)).collect(Collectors.joining("/"));
  }

  static String created(String documentId, String sequencer) {
    return S3EventsTest.s3Record("ObjectCreated:Put", S3ProxyResource.BUCKET, eventKey(documentId), sequencer);
  }

  static String removed(String documentId, String sequencer) {
    return S3EventsTest.s3Record("ObjectRemoved:Delete", S3ProxyResource.BUCKET, eventKey(documentId), sequencer);
  }

  /** An S3 event notification, as S3 invokes a function directly. */
  static String s3Event(String... records) {
    return "{\"Records\":[" + String.join(",", records) + "]}";
  }

  /** An SQS event: one message per entry, its body the given S3 notification. */
  static String sqsEvent(Map<String, String> notificationsByMessageId) {
    return notificationsByMessageId.entrySet().stream()
        .map(m -> "{\"messageId\":\"" + m.getKey() + "\",\"eventSource\":\"aws:sqs\",\"body\":" + quote(m.getValue())
            + "}")
        .collect(Collectors.joining(",", "{\"Records\":[", "]}"));
  }

  /** An API Gateway HTTP API payload v2 POST whose body is {@code body}. */
  static String apiGatewayPost(String body) {
    return """
        {"version":"2.0","routeKey":"POST /ask","rawPath":"/ask","rawQueryString":"",
         "headers":{"content-type":"application/json"},"isBase64Encoded":false,"body":%s,
         "requestContext":{"requestId":"req-7","http":{"method":"POST","path":"/ask"}}}
        """.formatted(quote(body));
  }

  static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string always serialises", e);
    }
  }

  /** Code points {@code [start, end)} of {@code text}. */
  static String codePoints(String text, int start, int end) {
    return text.substring(text.offsetByCodePoints(0, start), text.offsetByCodePoints(0, end));
  }

  /**
   * Checks one answer's provenance: the span lies in its passage and is the passage text at those offsets; when the
   * document's text is known, span and passage are that text at their document offsets.
   */
  static void assertProvenance(JsonNode span, String documentText) {
    String answer = span.get("answer").asText();
    assertNotNull(span.get("document").textValue(), span.toString());
    JsonNode passage = span.get("passage");
    String passageText = passage.get("text").asText();
    int passageStart = passage.get("start").asInt();
    int passageEnd = passage.get("end").asInt();
    int start = span.get("start").asInt();
    int end = span.get("end").asInt();
    assertEquals(passageText.codePointCount(0, passageText.length()), passageEnd - passageStart, span.toString());
    assertTrue(passageStart <= start && start <= end && end <= passageEnd, span.toString());
    assertEquals(answer, codePoints(passageText, start - passageStart, end - passageStart), span.toString());
    if (documentText != null) {
      assertEquals(answer, codePoints(documentText, start, end), "the span at its document offsets");
      assertEquals(passageText, codePoints(documentText, passageStart, passageEnd), "the passage at its offsets");
    }
  }
}
