package dev.docqa.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.embedding.Embedder;
import dev.docqa.embedding.Embedders;
import dev.docqa.models.ModelResolver;
import dev.docqa.opensearch.OpenSearchServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's OpenSearch side at {@code --quick} sizes against the test server: both backends get the same passages
 * and report every figure, concurrent writers lose no document on either backend, and no bench index is left behind.
 * Figures are not checked beyond their presence (timing belongs to the benchmark, not to tests).
 */
class OpenSearchBenchTest {

  @TempDir Path temp;

  @Test
  void retrievalAndWritersRunOnBothBackendsAndLeaveNoIndex() {
    OpenSearchServer server = OpenSearchServer.get();
    String prefix = OpenSearchServer.uniqueIndexName("bench");
    BenchSizes sizes = BenchSizes.quick();
    try (Embedder embedder = Embedders.openBuiltin(EmbedderSettings.defaults());
        OpenSearchBench bench = new OpenSearchBench(server.settings(prefix));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
      JsonNode described = bench.describeServer();
      assertEquals("3.5.0", described.path("version").asText(), described.toString());

      RetrievalBench.Figures retrieval =
          new RetrievalBench(embedder, sizes, temp.resolve("retrieval"), bench).run(new Corpus(7));

      assertEquals(sizes.retrievalPassages().size(), retrieval.opensearch().size(), retrieval.opensearch().toString());
      for (int i = 0; i < sizes.retrievalPassages().size(); i++) {
        JsonNode remote = retrieval.opensearch().get(i);
        JsonNode embedded = retrieval.embedded().get(i);
        assertEquals((int) sizes.retrievalPassages().get(i), remote.path("passages").asInt());
        assertEquals(prefix + "-bench-" + sizes.retrievalPassages().get(i), remote.path("index").asText());
        assertEquals(1, remote.path("segments").asInt(), remote.toString());
        for (String mode : List.of("bm25", "dense", "hybrid")) {
          assertPositive(remote.path("p50_ms"), mode);
          assertPositive(remote.path("p95_ms"), mode);
          assertEquals(embedded.path("p50_ms").path(mode), remote.path("embedded_p50_ms").path(mode));
        }
        for (String key : List.of("load_s", "load_passages_per_s", "force_merge_s", "store_bytes",
            "embedded_index_bytes")) {
          assertPositive(remote, key);
        }
        // Same passages, same queries: both find the true neighbours of a query near an indexed passage.
        assertTrue(remote.path("dense_recall_at_10").asDouble() >= 0.9, remote.toString());
        assertTrue(remote.path("embedded_dense_recall_at_10").asDouble() >= 0.9, remote.toString());
        assertPositive(remote.path("cold_start"), "opensearch_open_ms");
        assertEquals(384, remote.path("cold_start").path("dimension").asInt());
        assertPositive(remote.path("embedded_cold_start"), "sync_ms");
        assertPositive(remote.path("embedded_cold_start"), "index_bytes");
      }
      assertEquals("--quick: tiny sizes only",
          Bench.notRun(retrieval.opensearch(), retrieval.embedded(), true));
      assertTrue(Bench.notRun(retrieval.opensearch(), retrieval.embedded(), false).startsWith(
          "1M passages not run: from the 1000-passage figures"));

      ObjectNode writers = new WriterBench(DocqaSettings.defaults(), ModelResolver.withoutS3(temp.resolve("models")),
          embedder.dimension(), sizes, temp.resolve("writers"), bench, quiet).run(new Corpus(8));

      assertEquals(sizes.writerDocuments(), writers.path("documents").asInt());
      assertPositive(writers, "passages");
      for (String backend : List.of("embedded", "opensearch")) {
        ArrayNode levels = (ArrayNode) writers.path(backend);
        assertEquals(sizes.writerCounts().size(), levels.size(), writers.toString());
        for (int i = 0; i < levels.size(); i++) {
          assertEquals((int) sizes.writerCounts().get(i), levels.get(i).path("writers").asInt());
          assertPositive(levels.get(i), "passages_per_s");
        }
        assertEquals(1.0, levels.get(0).path("speedup").asDouble());
      }
    }
    OpenSearchServer.Response left = server.request("GET", "/_cat/indices/" + prefix + "*?format=json", null);
    assertEquals(200, left.status(), left.body());
    assertEquals("[]", left.body().strip(), "bench indexes left behind: " + left.body());
  }

  private static void assertPositive(JsonNode node, String key) {
    JsonNode value = node.path(key);
    assertTrue(value.isNumber() && value.asDouble() > 0, key + " should be a positive number in " + node);
  }
}
