package dev.docqa.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.docqa.opensearch.OpenSearchServer;
import dev.docqa.opensearch.OpenSearchSettings;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest}'s index at a fresh index of the test JVM's OpenSearch ({@link OpenSearchServer#get()},
 * started on first use): {@code docqa.index.location=opensearch+http://127.0.0.1:PORT/INDEX}. With the init argument
 * {@value #RELAY} {@code =true} docqa reaches the engine through a {@link TcpRelay}, injected into the test's
 * {@link Relay} field, so a test can make the engine unreachable or slow. The index is deleted when the tests stop.
 */
public class OpenSearchResource implements QuarkusTestResourceLifecycleManager {

  /** Init argument: {@code true} to put a {@link TcpRelay} between docqa and the engine. */
  public static final String RELAY = "relay";

  /** Marks the test's {@link TcpRelay} field. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.FIELD)
  public @interface Relay {}

  private boolean withRelay;
  private String index;
  private TcpRelay relay;

  @Override
  public void init(Map<String, String> initArgs) {
    withRelay = Boolean.parseBoolean(initArgs.getOrDefault(RELAY, "false"));
  }

  @Override
  public Map<String, String> start() {
    OpenSearchServer server = OpenSearchServer.get();
    index = OpenSearchServer.uniqueIndexName("functions");
    int port = server.endpoint().getPort();
    if (withRelay) {
      relay = TcpRelay.start(port);
      port = relay.port();
    }
    return Map.of("docqa.index.location", "opensearch+http://127.0.0.1:" + port + "/" + index);
  }

  @Override
  public void inject(TestInjector testInjector) {
    if (relay != null) {
      testInjector.injectIntoFields(relay, new TestInjector.AnnotatedAndMatchesType(Relay.class, TcpRelay.class));
    }
  }

  @Override
  public void stop() {
    if (relay != null) {
      relay.close();
    }
    if (index != null) {
      OpenSearchServer.get().deleteIndex(index);
    }
  }

  /**
   * The texts of the passages the engine holds for {@code documentId} in the index of {@code location}, read straight
   * from the engine at {@code engine} (not through docqa). Searches see the engine's last refresh.
   */
  static List<String> indexedPassages(URI engine, String location, String documentId) {
    String query = """
        {"size":1000,"_source":["text"],"query":{"bool":{"filter":[{"term":{"kind":"passage"}},
         {"term":{"doc_id":%s}}]}}}
        """.formatted(FunctionEvents.quote(documentId));
    String index = OpenSearchSettings.parse(location).index();
    try {
      List<String> texts = new ArrayList<>();
      for (JsonNode hit : FunctionEvents.JSON.readTree(send(engine, "/" + index + "/_search", query))
          .path("hits").path("hits")) {
        texts.add(hit.path("_source").path("text").asText());
      }
      return texts;
    } catch (IOException e) {
      throw new UncheckedIOException("searching " + index + " at " + engine + " failed", e);
    }
  }

  /** Makes everything written to the index of {@code location} searchable, as the engine's next refresh would. */
  static void refresh(URI engine, String location) {
    send(engine, "/" + OpenSearchSettings.parse(location).index() + "/_refresh", "");
  }

  /** POSTs {@code json} to {@code path} on the engine; returns the body of its 200 answer. */
  private static String send(URI engine, String path, String json) {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(engine.resolve(path))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("POST " + path + " failed: HTTP " + response.statusCode() + " "
            + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + path + " at " + engine + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: POST " + path + " at " + engine, e);
    }
  }
}
