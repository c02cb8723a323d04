package dev.docqa.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.embedding.Embedder;
import dev.docqa.index.ChangeOutcome;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.opensearch.OpenSearchIndex;
import dev.docqa.opensearch.OpenSearchSettings;
import dev.docqa.retrieval.Retriever;
import dev.docqa.retrieval.ScoredPassage;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The OpenSearch side of the retrieval section: the passages the embedded side indexed, written through {@link
 * OpenSearchIndex#write} in the same batches into a fresh index {@code PREFIX-bench-SIZE}, refreshed and force-merged
 * to one segment (as the embedded index is compacted), then searched through the same {@link Retriever} with the same
 * questions. The index is deleted afterwards, also when a step fails. Not thread-safe; close once.
 */
final class OpenSearchBench implements AutoCloseable {

  private static final int OPEN_RUNS = 3;

  private final OpenSearchSettings base;
  private final OpenSearchAdmin admin;

  /**
   * @param base the endpoint, and the index name used as the prefix of the bench's indexes
   */
  OpenSearchBench(OpenSearchSettings base) {
    this.base = base;
    this.admin = new OpenSearchAdmin(base.endpoint());
  }

  /** The location given, whose index name prefixes the bench's indexes. */
  OpenSearchSettings base() {
    return base;
  }

  OpenSearchAdmin admin() {
    return admin;
  }

  /** The server's version and heap; read before anything else, so that the bench fails fast without a server. */
  ObjectNode describeServer() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("version", admin.get("/").path("version").path("number").asText());
    JsonNode nodes = admin.get("/_nodes/stats/jvm,os").path("nodes");
    json.put("nodes", nodes.size());
    nodes.elements().forEachRemaining(node -> {
      json.put("heap_max_mb", node.path("jvm").path("mem").path("heap_max_in_bytes").asLong() >> 20);
      json.put("memory_mb", node.path("os").path("mem").path("total_in_bytes").asLong() >> 20);
    });
    return json;
  }

  /** Settings for the bench index named {@code PREFIX-suffix} on the bench's endpoint. */
  OpenSearchSettings index(String suffix) {
    return new OpenSearchSettings(base.endpoint(), base.index() + "-" + suffix, base.knnEngine(), base.signing(),
        base.region(), base.requestTimeout());
  }

  /**
   * Loads {@code data} into a fresh index, measures it and deletes it.
   *
   * @param embedded the embedded figures at the same size, copied next to OpenSearch's
   */
  ObjectNode retrieval(Embedder embedder, SeededPassages data, SeededPassages.RecallQueries recall,
      List<String> questions, List<float[]> vectors, ObjectNode embedded) {
    OpenSearchSettings settings = index("bench-" + data.passages());
    String name = settings.index();
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("passages", data.passages());
    json.put("index", name);
    json.put("knn_engine", settings.knnEngine().mappingName());
    json.put("documents_per_write", RetrievalBench.DOCUMENTS_PER_COMMIT);
    json.put("top_k", RetrievalBench.TOP_K);
    json.put("queries", questions.size());
    admin.deleteIndex(name); // left by an interrupted run
    try (OpenSearchIndex index = OpenSearchIndex.open(settings, embedder.dimension())) {
      long began = System.nanoTime();
      for (List<DocumentPassages> batch : data.batches(RetrievalBench.DOCUMENTS_PER_COMMIT)) {
        List<ChangeOutcome> outcomes = index.write(batch, Arrays.asList(new String[batch.size()]), Instant.now());
        for (ChangeOutcome outcome : outcomes) {
          if (outcome.status() != ChangeOutcome.Status.INDEXED) {
            throw new IllegalStateException("bench passages not indexed in " + name + ": " + outcome);
          }
        }
      }
      double loadSeconds = (System.nanoTime() - began) / 1e9;
      json.put("load_s", Samples.round(loadSeconds));
      json.put("load_passages_per_s", Samples.round(data.passages() / loadSeconds));
      json.put("segments_after_load", stats(name).path("segments").path("count").asInt());
      began = System.nanoTime();
      admin.post("/" + name + "/_forcemerge?max_num_segments=1");
      admin.post("/" + name + "/_refresh");
      json.put("force_merge_s", Samples.round((System.nanoTime() - began) / 1e9));
      JsonNode stats = stats(name);
      json.put("segments", stats.path("segments").path("count").asInt());
      json.put("store_bytes", stats.path("store").path("size_in_bytes").asLong());
      json.put("embedded_load_s", Samples.round(embedded.path("index_build_s").asDouble()));
      json.put("embedded_compact_s", Samples.round(embedded.path("compact_s").asDouble()));
      json.put("embedded_load_passages_per_s",
          Samples.round(data.passages() / embedded.path("index_build_s").asDouble()));
      json.put("embedded_index_bytes", embedded.path("index_bytes").asLong());

      Retriever retriever = new Retriever(index, embedder, RetrievalSettings.defaults()
          .withTopK(RetrievalBench.TOP_K));
      ObjectNode p50 = json.putObject("p50_ms");
      ObjectNode p95 = json.putObject("p95_ms");
      RetrievalBench.timeModes(retriever, questions, vectors, p50, p95);
      json.set("embedded_p50_ms", embedded.path("p50_ms").deepCopy());
      json.set("embedded_p95_ms", embedded.path("p95_ms").deepCopy());
      ObjectNode ratio = json.putObject("p50_ratio_to_embedded");
      for (RetrieverMode mode : RetrieverMode.values()) {
        double mine = p50.path(mode.id()).asDouble();
        double theirs = embedded.path("p50_ms").path(mode.id()).asDouble();
        ratio.put(mode.id(), theirs > 0 ? Samples.round(mine / theirs) : 0);
      }
      json.put("query_embedding_included", false);
      json.put("dense_recall_at_10", Samples.round(recall(retriever, recall, questions.getFirst())));
      json.put("embedded_dense_recall_at_10", embedded.path("dense_recall_at_10").asDouble());
      json.set("cold_start", openTimes(settings));
      json.put("note", "same seeded passages and batches as the embedded index (a local PassageIndex, compacted to "
          + "one segment), written through OpenSearchIndex.write (head reads, bulk writes, refresh, cleanup per "
          + "batch), then _forcemerge?max_num_segments=1; searched through the same Retriever, questions embedded "
          + "beforehand; latency includes the HTTP round trip to 127.0.0.1 and JSON (de)serialization; recall: "
          + "the retriever's dense mode, top 10, against exact search, same queries on both backends");
    } finally {
      admin.deleteIndex(name);
    }
    return json;
  }

  /** Median and runs of {@link OpenSearchIndex#open} on the existing index: a new process's first step. */
  private static ObjectNode openTimes(OpenSearchSettings settings) {
    double[] runs = new double[OPEN_RUNS];
    int dimension = 0;
    for (int run = 0; run < OPEN_RUNS; run++) {
      long began = System.nanoTime();
      try (OpenSearchIndex index = OpenSearchIndex.open(settings, 0)) {
        runs[run] = (System.nanoTime() - began) / 1e6;
        dimension = index.dimension();
      }
    }
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("opensearch_open_ms", Samples.round(Samples.of(runs).median()));
    json.putArray("opensearch_open_runs_ms").addAll(Arrays.stream(runs)
        .mapToObj(r -> JsonNodeFactory.instance.numberNode(Samples.round(r))).toList());
    json.put("dimension", dimension);
    json.put("note", "OpenSearchIndex.open (new client, index exists, mapping check) on the loaded index, as "
        + "DocQaService.open's index_sync phase does with OpenSearch: independent of the index size");
    return json;
  }

  private JsonNode stats(String name) {
    return admin.get("/" + name + "/_stats/store,segments").path("indices").path(name).path("primaries");
  }

  private static double recall(Retriever retriever, SeededPassages.RecallQueries recall, String question) {
    int found = 0;
    for (int q = 0; q < recall.queries().size(); q++) {
      Set<Integer> exact = recall.exactTop10().get(q);
      for (ScoredPassage hit : retriever.search(question, recall.queries().get(q), RetrieverMode.DENSE, 10, null)) {
        found += exact.contains(SeededPassages.passageNumber(hit.passage().documentId(), hit.passage().ordinal()))
            ? 1 : 0;
      }
    }
    return found / (recall.queries().size() * 10.0);
  }

  @Override
  public void close() {
    admin.close();
  }
}
