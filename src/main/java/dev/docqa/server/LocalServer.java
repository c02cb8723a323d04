package dev.docqa.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.docqa.DocqaException;
import dev.docqa.functions.ApiGatewayResponse;
import dev.docqa.functions.AskEvent;
import dev.docqa.functions.AskHandler;
import dev.docqa.service.DocQa;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.DocumentView;
import dev.docqa.service.IngestListener;
import dev.docqa.service.IngestOutcome;
import dev.docqa.service.Origins;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * docqa over HTTP on this machine, with the JDK's {@link HttpServer}:
 * <ul>
 *   <li>{@code GET /} and {@code GET|POST /ask}: exactly the {@code ask} function ({@link AskHandler#handleHttp}: the
 *       same request and answer JSON, the same status codes), the request turned into an API Gateway v2 event.
 *   <li>{@code GET /documents}: the indexed documents ({@link DocumentView.Listing}).
 *   <li>{@code POST /documents?name=NAME}, the file as the body: ingests it as document {@code NAME}; answers
 *       {@code {"document", "status", "passages", "error"}}, 200 when indexed or unchanged, 422 when refused.
 *   <li>{@code DELETE /documents/ID} (ID URL-encoded): 200 {@code {"deleted": ID}}, 404 when not indexed.
 *   <li>{@code GET /indexing?name=NAME}: how far the upload {@code NAME} is while it is being indexed,
 *       {@code {"document", "embedded", "passages"}} (passages embedded so far of all); 404 when it is not.
 * </ul>
 * Requests that change the index must carry the header {@value #WRITE_HEADER}: a page of another site cannot send it
 * without a CORS preflight, which this server never grants, so it cannot upload or delete through a user's browser.
 *
 * <p>Thread-safe; {@link #close()} stops it (the {@link DocQa} belongs to the caller).
 */
public final class LocalServer implements AutoCloseable {

  /** The header a request that changes the index must carry (any value). */
  public static final String WRITE_HEADER = "X-Docqa-Write";
  /** Largest question request body read. */
  static final int MAX_ASK_BODY = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DOCUMENTS = "/documents";
  private static final String INDEXING = "/indexing";
  private static final System.Logger LOG = System.getLogger(LocalServer.class.getName());

  private final HttpServer http;
  private final ExecutorService workers;
  private final DocQa docqa;
  private final AskHandler ask;
  private final Path uploads;
  private final long maxUploadBytes;
  private final AtomicLong requests = new AtomicLong();
  /** Uploads being indexed, by name: passages embedded so far and passages in all (0 until split). */
  private final Map<String, int[]> indexing = new ConcurrentHashMap<>();

  private LocalServer(HttpServer http, ExecutorService workers, DocQa docqa, Path uploads, long maxUploadBytes) {
    this.http = http;
    this.workers = workers;
    this.docqa = docqa;
    this.ask = new AskHandler(docqa);
    this.uploads = uploads;
    this.maxUploadBytes = maxUploadBytes;
  }

  /**
   * Starts serving {@code docqa} on {@code address} (port 0: any free port).
   *
   * @param maxUploadBytes largest upload accepted (the ingest limit on document size)
   * @throws DocqaException when the address cannot be bound
   */
  public static LocalServer start(DocQa docqa, InetSocketAddress address, long maxUploadBytes) {
    HttpServer http;
    try {
      http = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new DocqaException("cannot listen on " + address.getHostString() + ":" + address.getPort() + ": "
          + e.getMessage(), e);
    }
    ExecutorService workers =
        Executors.newFixedThreadPool(4, Thread.ofPlatform().name("docqa-http-", 1).daemon(true).factory());
    Path uploads;
    try {
      uploads = Files.createTempDirectory("docqa-uploads-");
    } catch (IOException e) {
      workers.shutdown();
      throw new DocqaException("cannot create a folder for uploads: " + e.getMessage(), e);
    }
    LocalServer server = new LocalServer(http, workers, docqa, uploads, maxUploadBytes);
    http.createContext("/", server::handle);
    http.setExecutor(workers);
    http.start();
    return server;
  }

  /** The address it listens on, with the port it was given. */
  public InetSocketAddress address() {
    return http.getAddress();
  }

  /** The page's URL. */
  public URI uri() {
    return URI.create("http://" + address().getHostString() + ":" + address().getPort() + "/");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Response response;
      try {
        if (path.equals(DOCUMENTS) || path.startsWith(DOCUMENTS + "/")) {
          response = documents(exchange, path);
        } else if (path.equals(INDEXING)) {
          response = indexing(exchange);
        } else if (path.equals("/") || path.equals("/ask")) {
          response = Response.of(ask.handleHttp(event(exchange, path)));
        } else {
          response = Response.error(404, "no such page: " + path);
        }
      } catch (dev.docqa.InvalidInputException e) {
        response = Response.error(400, e.getMessage());
      } catch (dev.docqa.index.IndexUnavailableException e) {
        response = Response.error(503, e.getMessage());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "request failed: " + exchange.getRequestMethod() + " " + path, e);
        response = Response.error(500, "internal error: " + e.getMessage());
      }
      send(exchange, response);
    }
  }

  /** The request as the API Gateway HTTP API (payload v2) event the {@code ask} function receives. */
  private AskEvent event(HttpExchange exchange, String path) throws IOException {
    AskEvent event = new AskEvent();
    event.setVersion("2.0");
    event.setRouteKey(exchange.getRequestMethod() + " " + path);
    event.setRawPath(path);
    String rawQuery = exchange.getRequestURI().getRawQuery();
    event.setRawQueryString(rawQuery == null ? "" : rawQuery);
    Map<String, String> headers = new LinkedHashMap<>();
    exchange.getRequestHeaders().forEach((name, values) ->
        headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
    event.setHeaders(headers);
    Map<String, String> query = query(rawQuery);
    event.setQueryStringParameters(query.isEmpty() ? null : query);
    byte[] body = exchange.getRequestBody().readNBytes(MAX_ASK_BODY + 1);
    if (body.length > MAX_ASK_BODY) {
      throw new dev.docqa.InvalidInputException("request body must be at most " + MAX_ASK_BODY + " bytes");
    }
    event.setBody(body.length == 0 ? null : new String(body, StandardCharsets.UTF_8));
    AskEvent.RequestContext context = new AskEvent.RequestContext();
    context.setRequestId("local-" + requests.incrementAndGet());
    AskEvent.Http request = new AskEvent.Http();
    request.setMethod(exchange.getRequestMethod());
    request.setPath(path);
    context.setHttp(request);
    event.setRequestContext(context);
    return event;
  }

  private Response documents(HttpExchange exchange, String path) throws IOException {
    String method = exchange.getRequestMethod();
    if (path.equals(DOCUMENTS) && method.equals("GET")) {
      return Response.json(200, DocumentView.Listing.of(docqa.documents()));
    }
    if (!method.equals("GET") && !exchange.getRequestHeaders().containsKey(WRITE_HEADER)) {
      return Response.error(403, "a request that changes the index must carry the header " + WRITE_HEADER);
    }
    if (path.equals(DOCUMENTS) && method.equals("POST")) {
      return upload(exchange);
    }
    if (path.startsWith(DOCUMENTS + "/") && method.equals("DELETE")) {
      String raw = exchange.getRequestURI().getRawPath().substring(DOCUMENTS.length() + 1);
      String id = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
      if (docqa.deleteAll(List.of(id)).isEmpty()) {
        return Response.error(404, "not indexed: " + id);
      }
      return Response.json(200, Map.of("deleted", id));
    }
    return Response.error(405, "method " + method + " is not allowed on " + path);
  }

  private Response indexing(HttpExchange exchange) {
    if (!exchange.getRequestMethod().equals("GET")) {
      return Response.error(405, "method " + exchange.getRequestMethod() + " is not allowed on " + INDEXING);
    }
    String name = query(exchange.getRequestURI().getRawQuery()).get("name");
    int[] progress = name == null ? null : indexing.get(name);
    if (progress == null) {
      return Response.error(404, "not being indexed: " + name);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("document", name);
    body.put("embedded", progress[0]);
    body.put("passages", progress[1]);
    return Response.json(200, body);
  }

  private Response upload(HttpExchange exchange) throws IOException {
    String name = query(exchange.getRequestURI().getRawQuery()).get("name");
    String problem = UploadNames.problem(name);
    if (problem != null) {
      return Response.error(400, problem);
    }
    Path file = Files.createTempFile(uploads, "upload-", ".bin");
    try {
      try (InputStream body = exchange.getRequestBody()) {
        long copied = Files.copy(new LimitedInputStream(body, maxUploadBytes + 1), file,
            StandardCopyOption.REPLACE_EXISTING);
        if (copied > maxUploadBytes) {
          return Response.error(413, name + " is larger than the largest document accepted, " + maxUploadBytes
              + " bytes");
        }
      }
      if (indexing.putIfAbsent(name, new int[2]) != null) {
        return Response.error(409, name + " is being indexed already; wait for it to finish");
      }
      IngestOutcome outcome;
      try {
        outcome = docqa.ingestAll(
            List.of(new DocumentSource(name, file, "uploaded " + Instant.now(), Origins.upload(name))),
            new IngestListener() {
              @Override
              public void embedded(String documentId, int done, int total) {
                indexing.put(name, new int[] {done, total});
              }
            }).getFirst();
      } finally {
        indexing.remove(name);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("document", outcome.documentId());
      body.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
      body.put("passages", outcome.passages());
      body.put("error", outcome.status() == IngestOutcome.Status.FAILED ? outcome.error() : null);
      return Response.json(outcome.status() == IngestOutcome.Status.FAILED ? 422 : 200, body);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Query parameters, decoded; a repeated name keeps its values joined by commas, as API Gateway does. */
  static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      params.merge(name, value, (a, b) -> a + "," + b);
    }
    return params;
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
    Headers headers = exchange.getResponseHeaders();
    response.headers().forEach(headers::set);
    headers.set("Referrer-Policy", "no-referrer");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops listening (requests under way get a second to finish) and deletes the upload folder. */
  @Override
  public void close() {
    http.stop(1);
    workers.shutdown();
    try (var files = Files.list(uploads)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(uploads);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot delete the upload folder " + uploads + ": " + e.getMessage());
    }
  }

  /** One HTTP response. */
  private record Response(int status, Map<String, String> headers, String body) {

    static Response of(ApiGatewayResponse response) {
      return new Response(response.getStatusCode(),
          response.getHeaders() == null ? Map.of() : response.getHeaders(),
          response.getBody() == null ? "" : response.getBody());
    }

    static Response json(int status, Object value) {
      try {
        return new Response(status, Map.of("Content-Type", "application/json"), JSON.writeValueAsString(value));
      } catch (JsonProcessingException e) {
        throw new DocqaException("cannot write JSON: " + e.getOriginalMessage(), e);
      }
    }

    static Response error(int status, String message) {
      return json(status, Map.of("error", message));
    }
  }
}
