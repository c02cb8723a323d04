package dev.docqa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.InvalidInputException;
import dev.docqa.events.DocumentEvent;
import dev.docqa.service.AskRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the two parsers that face the outside: the ask request parser (any JSON-ish body, base64 or not, any
 * query parameters: a valid request or {@link InvalidInputException}, never anything else) and the S3/SQS event parser
 * (URL-encoded keys round-trip; any body is events or {@link InvalidInputException}). Seeded for reproducible CI.
 */
class ParserProperties {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FIELDS =
      List.of("question", "top_k", "retriever", "document_prefix", "alternatives", "topk", "Question", "");

  /** Strings with every kind of character: control, surrogate halves, RTL, combining, astral, JSON-special. */
  @Provide
  Arbitrary<String> nastyStrings() {
    String nasty = "\u0000\u0007\u001b\u009b\ud800\udc00\u200f\u0301\u00a0\"\\{[%+/. \t\nabZ1";
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars(nasty).ofMaxLength(20),
        Arbitraries.strings().all().ofMaxLength(30),
        Arbitraries.strings().alpha().numeric().withChars(' ', '?').ofMinLength(1).ofMaxLength(60),
        Arbitraries.of("bm25", "dense", "hybrid", "reports/", "../etc/", "Who kept Varnholm Light?"),
        Arbitraries.strings().alpha().ofLength(2_001));
  }

  @Provide
  Arbitrary<Object> jsonValues() {
    return Arbitraries.lazyOf(
        () -> nastyStrings().map(s -> (Object) s),
        () -> Arbitraries.integers().between(-3, 120).map(i -> (Object) i),
        () -> Arbitraries.longs().map(l -> (Object) l),
        () -> Arbitraries.doubles().map(d -> (Object) d),
        () -> Arbitraries.of(true, false).map(b -> (Object) b),
        () -> Arbitraries.just(null),
        () -> Arbitraries.integers().between(0, 3).list().map(l -> (Object) l),
        () -> Arbitraries.maps(Arbitraries.of(FIELDS), Arbitraries.integers().map(i -> (Object) i)).ofMaxSize(2)
            .map(m -> (Object) m));
  }

  /** JSON objects over the request's fields (and near misses), sometimes damaged into invalid JSON. */
  @Provide
  Arbitrary<String> jsonIshBodies() {
    Arbitrary<String> objects = Arbitraries.maps(Arbitraries.of(FIELDS), jsonValues()).ofMaxSize(5)
        .map(ParserProperties::json);
    Arbitrary<String> damaged = Combinators.combine(objects, Arbitraries.integers().between(0, 1_000),
            Arbitraries.chars().all())
        .as((body, at, c) -> {
          int i = Math.min(at, body.length());
          return body.substring(0, i) + c + body.substring(Math.min(body.length(), i + 1));
        });
    return Arbitraries.oneOf(objects, objects, damaged, nastyStrings(), Arbitraries.of("null", "[]", "{}", "1", "\"q\""));
  }

  @Property(tries = 1_000, seed = "20261122")
  void anyPostBodyIsARequestOrInvalidInput(
      @ForAll("jsonIshBodies") String body, @ForAll boolean base64, @ForAll boolean jsonContentType) throws Exception {
    AskEvent event = AskHandlerTest.http("POST", base64 ? encode(body) : body, base64);
    event.setHeaders(Map.of("Content-Type", jsonContentType ? "application/json; charset=utf-8" : "text/plain"));
    parsesOrRejects(event);
  }

  @Property(tries = 300, seed = "20261122")
  void anyBase64BodyOfRandomBytesIsARequestOrInvalidInput(@ForAll byte[] bytes) throws Exception {
    parsesOrRejects(AskHandlerTest.http("POST", Base64.getEncoder().encodeToString(bytes), true));
  }

  @Property(tries = 500, seed = "20261122")
  void anyGetQueryIsARequestOrInvalidInput(
      @ForAll("queryParameters") Map<String, String> parameters) throws Exception {
    AskEvent event = AskHandlerTest.http("GET", null, false);
    event.setQueryStringParameters(parameters);
    parsesOrRejects(event);
  }

  @Provide
  Arbitrary<Map<String, String>> queryParameters() {
    Arbitrary<String> values = Arbitraries.oneOf(nastyStrings(), Arbitraries.integers().map(String::valueOf));
    return Arbitraries.maps(Arbitraries.of("q", "question", "top_k", "retriever", "document_prefix", "alternatives"),
        values).ofMaxSize(6).map(LinkedHashMap::new);
  }

  /** A valid request obeys every documented limit; everything else is InvalidInputException with a message. */
  private static void parsesOrRejects(AskEvent event) {
    AskRequest request;
    try {
      request = AskHandler.toRequest(AskHandler.queryOf(event));
    } catch (InvalidInputException e) {
      assertNotNull(e.getMessage());
      assertTrue(!e.getMessage().isBlank());
      return;
    }
    String question = request.question();
    assertTrue(question.length() <= AskHandler.MAX_QUESTION_CHARS);
    assertEquals(question.strip(), question);
    assertTrue(question.codePoints().anyMatch(Character::isLetterOrDigit), question);
    assertTrue(question.chars().noneMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r'));
    assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(question), "no unpaired surrogates");
    assertTrue(request.topK() == null || (request.topK() >= 1 && request.topK() <= AskHandler.MAX_TOP_K));
    assertTrue(request.alternatives() >= 0 && request.alternatives() <= AskHandler.MAX_ALTERNATIVES);
    assertTrue(request.documentPrefix() == null || !request.documentPrefix().contains(".."));
  }

  /** Object keys as S3 sees them: any valid Unicode, slashes, spaces, {@code +}, {@code %}. */
  @Provide
  Arbitrary<String> objectKeys() {
    return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40)
        .filter(key -> StandardCharsets.UTF_8.newEncoder().canEncode(key));
  }

  @Property(tries = 1_000, seed = "20261122")
  void anEncodedKeyDecodesToItself(@ForAll("objectKeys") String key, @ForAll boolean spaceAsPercent20) {
    String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    if (spaceAsPercent20) {
      encoded = encoded.replace("+", "%20");
    }
    assertEquals(key, S3Events.decodeKey(encoded));
  }

  @Property(tries = 1_000, seed = "20261122")
  void anyKeyDecodesOrIsInvalidInput(@ForAll("nastyStrings") String encoded) {
    try {
      String key = S3Events.decodeKey(encoded);
      assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(key), "a decoded key is valid Unicode");
    } catch (InvalidInputException e) {
      assertTrue(e.getMessage().contains("key="), e.getMessage());
    }
  }

  @Property(tries = 500, seed = "20261122")
  void anySqsBodyIsEventsOrInvalidInput(
      @ForAll("sqsBodies") String body, @ForAll @IntRange(min = 1, max = 9) int messageNumber) throws Exception {
    IngestEvent event = S3EventsTest.parse("{\"Records\":[{\"messageId\":\"m" + messageNumber + "\",\"body\":"
        + JSON.writeValueAsString(body) + "}]}");
    try {
      for (DocumentEvent documentEvent : S3Events.of(event.getRecords().getFirst())) {
        assertEquals("m" + messageNumber, documentEvent.messageId());
        assertNotNull(documentEvent.kind());
      }
    } catch (InvalidInputException e) {
      assertTrue(e.getMessage().contains("m" + messageNumber) || e.getMessage().contains("key="), e.getMessage());
    }
  }

  /** S3 notifications with random event names, buckets, keys and sequencers, some damaged or stripped of fields. */
  @Provide
  Arbitrary<String> sqsBodies() {
    Arbitrary<String> names = Arbitraries.of("ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload",
        "ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated", "LifecycleExpiration:Delete",
        "ObjectRestore:Completed", "ObjectTagging:Put", "s3:TestEvent", "");
    Arbitrary<String> records = Combinators.combine(names, nastyStrings(), nastyStrings(), nastyStrings())
        .as((name, bucket, key, sequencer) -> S3EventsTest.s3Record(name, escape(bucket), escape(key), escape(sequencer)));
    Arbitrary<String> notifications = records.list().ofMaxSize(3).map(r -> "{\"Records\":[" + String.join(",", r) + "]}");
    Arbitrary<String> stripped = Combinators.combine(notifications, Arbitraries.of(
            "\"eventName\"", "\"s3\"", "\"bucket\"", "\"name\"", "\"object\"", "\"key\"", "\"sequencer\"", "\"Records\""))
        .as((json, field) -> json.replace(field, "\"x" + field.substring(1)));
    return Arbitraries.oneOf(notifications, stripped, jsonIshBodies(),
        Arbitraries.of("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\"}", "{\"Records\":null}", "[]", ""));
  }

  private static String escape(String text) {
    try {
      String quoted = JSON.writeValueAsString(text);
      return quoted.substring(1, quoted.length() - 1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String json(Map<String, Object> fields) {
    try {
      return JSON.writeValueAsString(fields);
    } catch (Exception e) {
      throw new IllegalStateException("maps of JSON values always serialise", e);
    }
  }

  private static String encode(String body) {
    return Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
  }
}
