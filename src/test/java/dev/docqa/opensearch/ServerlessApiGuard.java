package dev.docqa.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * An HTTP proxy in front of a real OpenSearch that lets through only the data-plane API of an Amazon OpenSearch
 * Serverless {@code VECTORSEARCH} collection, as AWS documents it ("Supported operations and plugins in Amazon
 * OpenSearch Serverless"): documents written without an {@code _id} ({@code POST INDEX/_doc}, {@code index} actions
 * of {@code _bulk}), deleted by {@code _id}, read by {@code _search}, {@code _msearch}, {@code _count}, {@code _mget}
 * and {@code GET INDEX/_doc/ID}; indexes created, described and deleted. No {@code _refresh}, {@code
 * _delete_by_query}, chosen {@code _id}s, {@code create}/{@code update} actions, or concurrency and refresh parameters.
 * Anything else is answered {@code 404} the way the service answers an operation it does not offer, and recorded.
 */
final class ServerlessApiGuard implements AutoCloseable {

  private static final Pattern INDEX = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
  private static final Set<String> FORBIDDEN_PARAMETERS =
      Set.of("refresh", "if_seq_no", "if_primary_term", "op_type", "version", "version_type", "wait_for_active_shards");

  private final URI target;
  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final List<String> refused = Collections.synchronizedList(new ArrayList<>());

  private ServerlessApiGuard(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", this::handle);
    server.start();
  }

  /** A guard in front of {@code target} ({@code http://HOST:PORT}). */
  static ServerlessApiGuard start(URI target) {
    try {
      return new ServerlessApiGuard(target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI endpoint() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  /** The requests refused so far, as {@code METHOD PATH: why}. */
  List<String> refused() {
    synchronized (refused) {
      return List.copyOf(refused);
    }
  }

  void clearRefused() {
    refused.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      byte[] body = exchange.getRequestBody().readAllBytes();
      String why = check(method, path, query, new String(body, StandardCharsets.UTF_8));
      if (why != null) {
        refused.add(method + " " + path + (query == null ? "" : "?" + query) + ": " + why);
        byte[] answer = ("{\"error\":{\"type\":\"unsupported_operation\",\"reason\":\"" + why
            + " (not offered by OpenSearch Serverless vector collections)\"},\"status\":404}")
            .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(404, answer.length);
        exchange.getResponseBody().write(answer);
        return;
      }
      forward(exchange, method, body);
    }
  }

  private void forward(HttpExchange exchange, String method, byte[] body) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
        .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    response.headers().firstValue("Content-Type")
        .ifPresent(value -> exchange.getResponseHeaders().set("Content-Type", value));
    byte[] answer = response.body();
    boolean empty = "HEAD".equals(method) || answer.length == 0;
    exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : answer.length);
    if (!empty) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    }
  }

  /** Why the request is not one a Serverless vector collection serves; {@code null} when it is. */
  private String check(String method, String path, String query, String body) {
    if (query != null) {
      for (String parameter : query.split("&")) {
        String name = parameter.split("=", 2)[0];
        if (FORBIDDEN_PARAMETERS.contains(name)) {
          return "parameter " + name;
        }
      }
    }
    String[] parts = path.replaceFirst("^/", "").split("/");
    if (parts.length == 1 && parts[0].equals("_bulk") && method.equals("POST")) {
      return checkBulk(body);
    }
    if (parts.length == 1 && parts[0].equals("_msearch")) {
      return null;
    }
    if (parts.length == 0 || !INDEX.matcher(parts[0]).matches()) {
      return "operation " + path;
    }
    String operation = parts.length > 1 ? parts[1] : "";
    return switch (operation) {
      case "" -> Set.of("PUT", "HEAD", "GET", "DELETE").contains(method) ? null : "method " + method + " on an index";
      case "_mapping", "_mappings", "_settings" -> method.equals("GET") ? null : "changing " + operation;
      case "_search", "_msearch", "_count", "_mget" -> null;
      case "_bulk" -> method.equals("POST") ? checkBulk(body) : "method " + method + " on _bulk";
      case "_doc" -> parts.length == 2
          ? (method.equals("POST") ? null : "a document written with a chosen _id")
          : (method.equals("GET") || method.equals("DELETE") ? null : "a document written with a chosen _id");
      default -> "operation " + operation;
    };
  }

  private String checkBulk(String body) {
    String[] lines = body.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      JsonNode action;
      try {
        action = json.readTree(lines[i]);
      } catch (IOException e) {
        return "an unreadable bulk line";
      }
      String name = action.fieldNames().hasNext() ? action.fieldNames().next() : "";
      JsonNode meta = action.get(name);
      switch (name) {
        case "index" -> {
          if (meta.has("_id")) {
            return "a bulk index action with a chosen _id";
          }
          i++; // its source
        }
        case "delete" -> {
          if (!meta.has("_id")) {
            return "a bulk delete without an _id";
          }
        }
        default -> {
          return "the bulk action " + name;
        }
      }
      for (String parameter : FORBIDDEN_PARAMETERS) {
        if (meta.has(parameter)) {
          return "the bulk parameter " + parameter;
        }
      }
    }
    return null;
  }
}
