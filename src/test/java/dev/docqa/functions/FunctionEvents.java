package dev.docqa.functions;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.config.RetrieverMode;
import dev.docqa.config.StorageSettings;
import dev.docqa.document.Passage;
import dev.docqa.index.EmptyIndexException;
import dev.docqa.service.DocQa;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
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

  /** Posts an event to the exported {@code ingest} function; returns the SQS messages it asks to retry. */
  static List<String> postIngestEvent(String event) {
    return given().contentType("application/json").body(event).when().post().then().statusCode(200)
        .extract().jsonPath().getList("batchItemFailures.itemIdentifier", String.class);
  }

  /** The passages of {@code documentId} that docqa's BM25 retrieval finds for {@code words}; none in an empty index. */
  static List<Passage> retrievedPassages(DocQa docQa, String documentId, String words) {
    try {
      return docQa.retrieve(words, 100, RetrieverMode.BM25).stream()
          .filter(p -> p.documentId().equals(documentId)).toList();
    } catch (EmptyIndexException e) {
      return List.of(); // every document deleted (when a test runs first): nothing to find, by design
    }
  }

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

  /**
   * An SQS event as Lambda's event source mapping delivers it: one message per entry, its body the given text (an S3
   * notification, or anything else), with every envelope field of AWS's published sample (receiptHandle, attributes,
   * messageAttributes, md5OfBody, eventSource {@code aws:sqs}, eventSourceARN, awsRegion).
   */
  static String sqsEvent(Map<String, String> bodiesByMessageId) {
    return bodiesByMessageId.entrySet().stream()
        .map(m -> """
            {"messageId":%s,"receiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a+ES2mgXBmmRQ0nCiQbMMDzOdpc3Clfvtmr==",
             "body":%s,
             "attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1795365776012",
              "SenderId":"AROAEXAMPLEROLEID01:S3-PROD-END","ApproximateFirstReceiveTimestamp":"1795365776020"},
             "messageAttributes":{},"md5OfBody":"%s","eventSource":"aws:sqs",
             "eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:docqa-ingest-queue","awsRegion":"us-east-1"}
            """.formatted(quote(m.getKey()), quote(m.getValue()), md5Hex(m.getValue())))
        .collect(Collectors.joining(",", "{\"Records\":[", "]}"));
  }

  /**
   * The body SNS puts in an SQS message when an S3 notification goes S3 -> SNS -> SQS without raw message delivery:
   * the notification is a string inside the SNS envelope (AWS's published SNS message sample).
   */
  static String snsEnvelope(String notification) {
    return """
        {"Type":"Notification","MessageId":"22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
         "TopicArn":"arn:aws:sns:us-east-1:123456789012:docqa-documents","Subject":"Amazon S3 Notification",
         "Message":%s,"Timestamp":"2026-11-22T10:00:00.000Z","SignatureVersion":"1",
         "Signature":"EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
         "SigningCertURL":"https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
         "UnsubscribeURL":"https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:docqa-documents:c9135db0"}
        """.formatted(quote(notification));
  }

  /**
   * An API Gateway HTTP API payload v2 POST whose body is {@code body}, with every field of AWS's published sample
   * (cookies, query string, requestContext with authorizer, domain, stage, time).
   */
  static String apiGatewayPost(String body) {
    return """
        {"version":"2.0","routeKey":"POST /ask","rawPath":"/ask","rawQueryString":"",
         "cookies":["session=abc"],
         "headers":{"content-type":"application/json","host":"id.execute-api.us-east-1.amazonaws.com",
          "user-agent":"curl/8.5.0","x-forwarded-for":"192.0.2.1"},
         "queryStringParameters":{},
         "requestContext":{"accountId":"123456789012","apiId":"api-id",
          "authorizer":{"jwt":{"claims":{"sub":"user-1"},"scopes":["ask"]}},
          "domainName":"id.execute-api.us-east-1.amazonaws.com","domainPrefix":"id",
          "http":{"method":"POST","path":"/ask","protocol":"HTTP/1.1","sourceIp":"192.0.2.1","userAgent":"curl/8.5.0"},
          "requestId":"req-7","routeKey":"POST /ask","stage":"$default","time":"22/Nov/2026:10:00:00 +0000",
          "timeEpoch":1795341600000},
         "body":%s,"pathParameters":{},"isBase64Encoded":false,"stageVariables":{}}
        """.formatted(quote(body));
  }

  private static String md5Hex(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
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
