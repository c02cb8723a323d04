package dev.docqa.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.index.IndexBackend;
import dev.docqa.index.IndexBackendContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The index contract through {@link ServerlessApiGuard}: docqa's OpenSearch protocol keeps to what an Amazon
 * OpenSearch Serverless vector collection offers (no {@code _refresh}: writes wait until searches find them). After
 * every test, the only requests the guard refused are the one {@code _refresh} each instance tries first.
 */
class OpenSearchServerlessApiTest extends IndexBackendContract {

  private static OpenSearchServer server;
  private static ServerlessApiGuard guard;
  private final List<String> indexes = new ArrayList<>();

  @BeforeAll
  static void startServer() {
    server = OpenSearchServer.get();
    guard = ServerlessApiGuard.start(server.endpoint());
  }

  @AfterAll
  static void stopGuard() {
    guard.close();
  }

  @AfterEach
  void checkRequestsAndDeleteIndexes() {
    indexes.forEach(server::deleteIndex);
    List<String> refused = guard.refused();
    guard.clearRefused();
    assertTrue(refused.stream().allMatch(request -> request.startsWith("POST /" ) && request.contains("/_refresh:")),
        "requests a Serverless collection does not serve: " + refused);
  }

  @Override
  protected IndexBackend open(int dimension) {
    String name = OpenSearchServer.uniqueIndexName("serverless");
    indexes.add(name);
    return OpenSearchIndex.open(settings(name), dimension);
  }

  @Override
  protected IndexBackend openAnother(IndexBackend backend) {
    OpenSearchIndex index = (OpenSearchIndex) backend;
    return OpenSearchIndex.open(index.settings(), index.dimension());
  }

  private static OpenSearchSettings settings(String index) {
    return OpenSearchSettings.of(guard.endpoint(), index).withRequestTimeout(Duration.ofSeconds(30));
  }

  @Test
  void theGuardRefusesWhatServerlessDoesNotServe() {
    String name = OpenSearchServer.uniqueIndexName("guard");
    indexes.add(name);
    try (OpenSearchIndex index = OpenSearchIndex.open(settings(name), 4)) {
      assertEquals(4, index.dimension());
    }
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    for (String[] request : new String[][] {
        {"PUT", "/" + name + "/_doc/chosen-id", "{\"kind\":\"head\"}"},
        {"POST", "/" + name + "/_refresh", null},
        {"POST", "/" + name + "/_delete_by_query", "{\"query\":{\"match_all\":{}}}"},
        {"POST", "/" + name + "/_bulk", "{\"index\":{\"_id\":\"x\"}}\n{\"kind\":\"head\"}\n"},
        {"POST", "/" + name + "/_bulk", "{\"update\":{\"_id\":\"x\"}}\n{\"doc\":{}}\n"},
        {"POST", "/" + name + "/_doc?refresh=true", "{\"kind\":\"head\"}"}}) {
      java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(
              guard.endpoint().resolve(request[1]))
          .header("Content-Type", "application/json")
          .method(request[0], request[2] == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
              : java.net.http.HttpRequest.BodyPublishers.ofString(request[2]));
      try {
        assertEquals(404, client.send(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
            .statusCode(), request[0] + " " + request[1]);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    assertEquals(6, guard.refused().size(), guard.refused().toString());
    guard.clearRefused();
  }
}
