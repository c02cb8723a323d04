package dev.docqa.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.functions.ApiGatewayResponse;
import dev.docqa.functions.AskEvent;
import dev.docqa.functions.AskHandler;
import dev.docqa.service.DocQa;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.IngestListener;
import dev.docqa.service.IngestOutcome;
import dev.docqa.service.LocalDocQa;
import dev.docqa.service.Origins;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docqa serve}'s HTTP contract on the real service: the ask routes answer exactly as the {@code ask} function's
 * handler does for the same API Gateway event (status, headers, body but timings), the page is served at {@code /},
 * and documents are listed, uploaded and deleted.
 */
class LocalServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path PDF = Path.of("samples/documents/port-ellery-harbour-report.pdf");

  @TempDir static Path work;
  private static LocalDocQa local;
  private static LocalServer server;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    local = LocalDocQa.open(work.resolve("index"));
    server = LocalServer.start(local.service(), new InetSocketAddress("127.0.0.1", 0), 10_000_000);
  }

  @AfterAll
  static void stop() {
    try (LocalDocQa closing = local) {
      server.close();
    }
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder at(String path) {
    return HttpRequest.newBuilder(server.uri().resolve(path));
  }

  /** The handler's own answer to the event the server builds for this request. */
  private static ApiGatewayResponse direct(String method, String path, Map<String, String> query, String body,
      String contentType) {
    AskEvent event = new AskEvent();
    event.setRouteKey(method + " " + path);
    event.setRawPath(path);
    event.setQueryStringParameters(query);
    event.setBody(body);
    event.setHeaders(contentType == null ? Map.of() : Map.of("content-type", contentType));
    AskEvent.RequestContext context = new AskEvent.RequestContext();
    AskEvent.Http http = new AskEvent.Http();
    http.setMethod(method);
    http.setPath(path);
    context.setHttp(http);
    event.setRequestContext(context);
    return new AskHandler(local.service()).handleHttp(event);
  }

  private static JsonNode withoutTimings(String body) throws IOException {
    JsonNode json = JSON.readTree(body);
    if (json instanceof ObjectNode object) {
      object.remove("timings_ms");
    }
    return json;
  }

  private static void assertSameAsTheFunction(HttpResponse<String> served, ApiGatewayResponse direct)
      throws IOException {
    assertEquals(direct.getStatusCode(), served.statusCode(), served.body());
    assertEquals(direct.getHeaders().get("Content-Type"), served.headers().firstValue("Content-Type").orElse(null));
    if (direct.getHeaders().containsKey("Allow")) {
      assertEquals(direct.getHeaders().get("Allow"), served.headers().firstValue("Allow").orElse(null));
    }
    assertEquals(withoutTimings(direct.getBody()), withoutTimings(served.body()));
  }

  @Test
  void theAskRoutesAnswerAsTheAskFunctionDoes() throws Exception {
    String question = "{\"question\":\"Who inspected the harbour of Port Ellery?\",\"show_passages\":true}";
    HttpRequest.Builder post = at("ask").header("Content-Type", "application/json");

    ingestSampleOnce();
    HttpResponse<String> answer = send(post.copy().POST(HttpRequest.BodyPublishers.ofString(question)));
    assertSameAsTheFunction(answer, direct("POST", "/ask", null, question, "application/json"));
    JsonNode json = JSON.readTree(answer.body());
    assertEquals("harbour.pdf", json.get("document").asText(), answer.body());
    assertTrue(json.get("page").asInt() >= 1, answer.body());
    assertFalse(json.get("passages").isEmpty(), "show_passages lists the retrieved passages: " + answer.body());
    assertTrue(json.get("passages").get(0).has("score"), answer.body());

    String q = "Who inspected the harbour?";
    assertSameAsTheFunction(send(at("ask?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&top_k=2").GET()),
        direct("GET", "/ask", Map.of("q", q, "top_k", "2"), null, null));

    // Each error status of the function, through the server.
    for (String bad : List.of("{\"question\":\"???\"}", "{\"question\":\"Who?\",\"topk\":3}",
        "{\"question\":\"Who?\",\"max_answer_length\":0}", "not json")) {
      assertSameAsTheFunction(send(post.copy().POST(HttpRequest.BodyPublishers.ofString(bad))),
          direct("POST", "/ask", null, bad, "application/json"));
      assertEquals(400, send(post.copy().POST(HttpRequest.BodyPublishers.ofString(bad))).statusCode(), bad);
    }
    assertSameAsTheFunction(
        send(at("ask").header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(question))),
        direct("POST", "/ask", null, question, "text/plain"));
    assertSameAsTheFunction(send(at("ask").DELETE()), direct("DELETE", "/ask", null, null, null));
  }

  @Test
  void thePageIsServedAtTheRootWithAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = send(at("/").GET());
    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));
    assertTrue(page.body().contains("<label for=\"question\""), "the question box has a label");
    assertFalse(page.body().contains("http://") || page.body().contains("https://"),
        "the page loads nothing from elsewhere");
    assertEquals(page.body(), direct("GET", "/", null, null, null).getBody());
    assertEquals(405, send(at("/").POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode());
    assertEquals(404, send(at("elsewhere").GET()).statusCode());
  }

  @Test
  void documentsAreListedUploadedAndDeleted() throws Exception {
    ingestSampleOnce();
    String text = "The glass museum of Port Ellery keeps blue lanterns from the old light.";
    HttpRequest.Builder upload = at("documents?name=" + URLEncoder.encode("glass museum.txt", StandardCharsets.UTF_8))
        .POST(HttpRequest.BodyPublishers.ofString(text));

    assertEquals(403, send(upload.copy()).statusCode(), "writes need the header a foreign page cannot send");
    HttpResponse<String> uploaded = send(upload.copy().header(LocalServer.WRITE_HEADER, "1"));
    assertEquals(200, uploaded.statusCode(), uploaded.body());
    assertEquals(JSON.readTree("{\"document\":\"glass museum.txt\",\"status\":\"indexed\",\"passages\":1,\"error\":null}"),
        JSON.readTree(uploaded.body()));
    assertEquals(List.of("glass museum.txt", "harbour.pdf"), listedIds());
    HttpResponse<String> junk = send(at("documents?name=fake.pdf").header(LocalServer.WRITE_HEADER, "1")
        .POST(HttpRequest.BodyPublishers.ofString("junk")));
    assertEquals(422, junk.statusCode(), junk.body());
    assertTrue(JSON.readTree(junk.body()).get("error").asText().contains("application/pdf"), junk.body());
    assertEquals(400, send(at("documents?name=..%2Fescape.txt").header(LocalServer.WRITE_HEADER, "1")
        .POST(HttpRequest.BodyPublishers.ofString(text))).statusCode());

    HttpRequest.Builder delete = at("documents/" + URLEncoder.encode("glass museum.txt", StandardCharsets.UTF_8)
        .replace("+", "%20")).DELETE();
    assertEquals(403, send(delete.copy()).statusCode());
    HttpResponse<String> deleted = send(delete.copy().header(LocalServer.WRITE_HEADER, "1"));
    assertEquals(200, deleted.statusCode(), deleted.body());
    assertEquals(List.of("harbour.pdf"), listedIds());
    assertEquals(404, send(delete.copy().header(LocalServer.WRITE_HEADER, "1")).statusCode());
  }

  @Test
  void anUploadBeingIndexedReportsThePassagesEmbeddedSoFar() throws Exception {
    CountDownLatch embedding = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    // A service that embeds 3 of 10 passages, then waits: the upload is caught in the middle, every time.
    DocQa slow = new DocQa() {
      @Override
      public List<IngestOutcome> ingestAll(List<DocumentSource> documents, IngestListener listener) {
        listener.embedded(documents.getFirst().documentId(), 3, 10);
        embedding.countDown();
        try {
          assertTrue(finish.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        return List.of(new IngestOutcome(documents.getFirst().documentId(), IngestOutcome.Status.INDEXED, 10, null));
      }

      @Override
      public IngestOutcome ingest(String documentId, Path content, String sourceVersion) {
        throw new UnsupportedOperationException();
      }

      @Override
      public boolean delete(String documentId) {
        throw new UnsupportedOperationException();
      }

      @Override
      public dev.docqa.service.AskResult ask(dev.docqa.service.AskRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public List<dev.docqa.document.Passage> retrieve(String question, Integer topK,
          dev.docqa.config.RetrieverMode mode) {
        throw new UnsupportedOperationException();
      }

      @Override
      public dev.docqa.service.AskResult read(String question, List<dev.docqa.document.Passage> passages,
          int alternatives) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void close() {}
    };
    try (LocalServer busy = LocalServer.start(slow, new InetSocketAddress("127.0.0.1", 0), 1_000)) {
      HttpRequest.Builder progress = HttpRequest.newBuilder(busy.uri().resolve("indexing?name=big.txt"));
      assertEquals(404, send(progress.copy()).statusCode(), "nothing is being indexed yet");
      CompletableFuture<HttpResponse<String>> upload = CLIENT.sendAsync(
          HttpRequest.newBuilder(busy.uri().resolve("documents?name=big.txt")).header(LocalServer.WRITE_HEADER, "1")
              .POST(HttpRequest.BodyPublishers.ofString("Big text.")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(embedding.await(30, TimeUnit.SECONDS));

      HttpResponse<String> midway = send(progress.copy());
      assertEquals(200, midway.statusCode(), midway.body());
      assertEquals(JSON.readTree("{\"document\":\"big.txt\",\"embedded\":3,\"passages\":10}"),
          JSON.readTree(midway.body()));
      HttpResponse<String> again = send(HttpRequest.newBuilder(busy.uri().resolve("documents?name=big.txt"))
          .header(LocalServer.WRITE_HEADER, "1").POST(HttpRequest.BodyPublishers.ofString("Again.")));
      assertEquals(409, again.statusCode(), again.body());

      finish.countDown();
      assertEquals(200, upload.get(30, TimeUnit.SECONDS).statusCode());
      assertEquals(404, send(progress.copy()).statusCode(), "done: no longer being indexed");
      HttpResponse<String> tooBig = send(HttpRequest.newBuilder(busy.uri().resolve("documents?name=huge.txt"))
          .header(LocalServer.WRITE_HEADER, "1").POST(HttpRequest.BodyPublishers.ofString("x".repeat(1_001))));
      assertEquals(413, tooBig.statusCode(), tooBig.body());
    }
  }

  private static List<String> listedIds() throws Exception {
    HttpResponse<String> listing = send(at("documents").GET());
    assertEquals(200, listing.statusCode(), listing.body());
    List<String> ids = new ArrayList<>();
    JSON.readTree(listing.body()).get("documents").forEach(d -> ids.add(d.get("id").asText()));
    return ids;
  }

  private static synchronized void ingestSampleOnce() throws IOException {
    if (local.service().documents().isEmpty()) {
      Path copy = work.resolve("harbour.pdf");
      Files.copy(PDF, copy);
      IngestOutcome outcome = local.service().ingestAll(
          List.of(new DocumentSource("harbour.pdf", copy, "v1", Origins.ofFile(copy)))).getFirst();
      assertEquals(IngestOutcome.Status.INDEXED, outcome.status(), outcome.toString());
    }
  }
}
