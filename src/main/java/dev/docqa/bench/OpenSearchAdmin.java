package dev.docqa.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.DocqaException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The few administrative calls the benchmark makes on an unsigned OpenSearch endpoint that docqa's index never makes
 * (force merge, index statistics, delete): plain HTTP, JSON answers. Thread-safe; close once.
 */
final class OpenSearchAdmin implements AutoCloseable {

  /** A force merge of 100k passages rebuilds one HNSW graph: minutes on 2 cores. */
  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  private final URI endpoint;
  private final HttpClient http;
  private final ObjectMapper mapper = new ObjectMapper();

  OpenSearchAdmin(URI endpoint) {
    this.endpoint = endpoint;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  JsonNode get(String path) {
    return send("GET", path, false);
  }

  JsonNode post(String path) {
    return send("POST", path, false);
  }

  /** Deletes the index; a missing one is fine. */
  void deleteIndex(String index) {
    send("DELETE", "/" + index, true);
  }

  private JsonNode send(String method, String path, boolean missingOk) {
    HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 404 && missingOk) {
        return mapper.createObjectNode();
      }
      if (response.statusCode() / 100 != 2) {
        throw new DocqaException(method + " " + endpoint.resolve(path) + " answered " + response.statusCode() + ": "
            + response.body().lines().findFirst().orElse(""));
      }
      return mapper.readTree(response.body());
    } catch (IOException e) {
      throw new DocqaException("cannot reach OpenSearch at " + endpoint + " (" + method + " " + path + "): "
          + e.getMessage() + "; start one with src/tools/opensearch-local.sh --background", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DocqaException("interrupted during " + method + " " + endpoint.resolve(path), e);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
