package dev.docqa.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.embedding.Embedder;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.PassageIndex;
import dev.docqa.indexing.PassageSchema;
import dev.docqa.indexing.VectorFormat;
import dev.docqa.retrieval.Retriever;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;

/**
 * Retrieval latency per mode at several index sizes, next to the bare Lucene searches the retriever runs. The index
 * (a local {@link PassageIndex}) holds {@link SeededPassages}, bulk loaded and compacted to one segment; questions are
 * embedded by the real embedder. With an {@link OpenSearchBench}, the same passages go into OpenSearch at each size
 * and are searched through the same {@link Retriever} with the same questions.
 */
final class RetrievalBench {

  /** Documents (of 10 passages) per commit of the bulk load; OpenSearch gets the same batches per write. */
  static final int DOCUMENTS_PER_COMMIT = 1_000;
  static final int TOP_K = 5;
  static final int RECALL_QUERIES = 50;

  private final Embedder embedder;
  private final BenchSizes sizes;
  private final Path workDir;
  private final OpenSearchBench opensearch;

  /**
   * @param opensearch the OpenSearch side, loaded with the same passages at each size; {@code null}: embedded only
   */
  RetrievalBench(Embedder embedder, BenchSizes sizes, Path workDir, OpenSearchBench opensearch) {
    this.embedder = embedder;
    this.sizes = sizes;
    this.workDir = workDir;
    this.opensearch = opensearch;
  }

  /**
   * The embedded figures per size and, when this bench has an OpenSearch side, OpenSearch's over the same passages.
   *
   * @param opensearch one entry per size, or {@code null} without an OpenSearch side
   */
  record Figures(ArrayNode embedded, ArrayNode opensearch) {}

  Figures run(Corpus corpus) {
    List<String> questions = new ArrayList<>();
    for (int i = 0; i < sizes.retrievalQueries(); i++) {
      questions.add(corpus.question());
    }
    List<float[]> questionVectors = questions.stream().map(embedder::embedQuery).toList(); // also the warm-up
    Samples embedding = Samples.time(0, questions.size(), i -> embedder.embedQuery(questions.get(i)));
    ArrayNode embedded = JsonNodeFactory.instance.arrayNode();
    ArrayNode other = opensearch == null ? null : JsonNodeFactory.instance.arrayNode();
    for (int passages : sizes.retrievalPassages()) {
      atSize(passages, corpus, questions, questionVectors, embedding, embedded, other);
    }
    return new Figures(embedded, other);
  }

  private void atSize(int passages, Corpus corpus, List<String> questions, List<float[]> vectors, Samples embedding,
      ArrayNode embedded, ArrayNode other) {
    SeededPassages data = SeededPassages.generate(passages, embedder.dimension(), corpus);
    SeededPassages.RecallQueries recall = data.recallQueries(RECALL_QUERIES, corpus);
    Path dir = createDirectory("retrieval-" + passages + "-" + VectorFormat.FLOAT32);
    try {
      ObjectNode json = embedded(dir, data, recall, questions, vectors, embedding);
      embedded.add(json);
      if (other != null) {
        ObjectNode remote = opensearch.retrieval(embedder, data, recall, questions, vectors, json);
        // The index just searched, published to a local store and synced as a new process would.
        remote.set("embedded_cold_start", EmbeddedSync.measure(dir, createDirectory("sync-" + passages)));
        other.add(remote);
      }
    } finally {
      Bench.deleteTree(dir);
    }
  }

  private ObjectNode embedded(Path dir, SeededPassages data, SeededPassages.RecallQueries recall,
      List<String> questions, List<float[]> vectors, Samples embedding) {
    VectorFormat format = VectorFormat.FLOAT32; // what the service indexes with
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("passages", data.passages());
    json.put("vector_format", format.name());
    json.put("passage_vectors", "seeded random unit vectors around passages/50 topic centroids, not embeddings");
    json.put("top_k", TOP_K);
    json.put("queries", questions.size());
    try (PassageIndex index = PassageIndex.open(dir, embedder.dimension(), format)) {
      long began = System.nanoTime();
      for (List<DocumentPassages> batch : data.batches(DOCUMENTS_PER_COMMIT)) {
        index.replaceAll(batch);
      }
      json.put("index_build_s", Samples.round((System.nanoTime() - began) / 1e9));
      int built = index.search(searcher -> searcher.getIndexReader().leaves().size());
      json.put("segments_after_build", built);
      began = System.nanoTime();
      index.compact(); // one HNSW graph and one term dictionary, as a bulk load is published
      json.put("compact_s", Samples.round((System.nanoTime() - began) / 1e9));
      int segments = index.search(searcher -> searcher.getIndexReader().leaves().size());
      json.put("segments", segments);
      json.put("index_bytes", EmbeddedSync.bytes(dir));
      RetrievalSettings settings = RetrievalSettings.defaults().withTopK(TOP_K);
      Retriever retriever = new Retriever(index, embedder, settings);
      int n = questions.size();
      int warmUp = Math.min(n, 50);
      timeModes(retriever, questions, vectors, json.putObject("p50_ms"), json.putObject("p95_ms"));
      json.put("query_embedding_included", false);
      json.put("query_embedding_p50_ms", Samples.round(embedding.median()));
      ObjectNode withEmbedding = json.putObject("p50_ms_with_query_embedding");
      for (RetrieverMode mode : List.of(RetrieverMode.DENSE, RetrieverMode.HYBRID)) {
        Samples samples = Samples.time(Math.min(n, 10), Math.min(n, 50),
            i -> retriever.retrieve(questions.get(i), mode, TOP_K, null));
        withEmbedding.put(mode.id(), Samples.round(samples.median()));
      }
      Analyzer analyzer = PassageSchema.newAnalyzer();
      int depth = Math.max(TOP_K, settings.candidates());
      List<Query> lexical = questions.stream().map(q -> bm25(analyzer, q)).toList();
      ObjectNode raw = json.putObject("raw_lucene_p50_ms");
      raw.put("bm25", Samples.round(Samples.time(warmUp, n,
          i -> index.search(s -> s.search(lexical.get(i), TOP_K))).median()));
      raw.put("dense", Samples.round(Samples.time(warmUp, n, i -> index.search(s -> s.search(
          new KnnFloatVectorQuery(PassageSchema.VECTOR, vectors.get(i), depth), depth))).median()));
      raw.put("hybrid", Samples.round(Samples.time(warmUp, n, i -> index.search(s -> {
        s.search(lexical.get(i), depth);
        return s.search(new KnnFloatVectorQuery(PassageSchema.VECTOR, vectors.get(i), depth), depth);
      })).median()));
      json.put("dense_recall_at_10", Samples.round(recall(index, recall, depth)));
      json.put("raw_lucene_note", "bm25: the question's analysed terms, top " + TOP_K + "; dense and hybrid: HNSW "
          + "k=" + depth + " (and BM25 top " + depth + "), as the retriever's candidates; no stored fields loaded");
    }
    return json;
  }

  /**
   * p50 and p95 per retriever mode with the questions already embedded: up to 50 untimed searches, then one timed
   * search per question. The same for every backend.
   */
  static void timeModes(Retriever retriever, List<String> questions, List<float[]> vectors, ObjectNode p50,
      ObjectNode p95) {
    int n = questions.size();
    int warmUp = Math.min(n, 50);
    for (RetrieverMode mode : RetrieverMode.values()) {
      Samples samples = Samples.time(warmUp, n, i ->
          retriever.search(questions.get(i), mode == RetrieverMode.BM25 ? null : vectors.get(i), mode, TOP_K, null));
      p50.put(mode.id(), Samples.round(samples.median()));
      p95.put(mode.id(), Samples.round(samples.percentile(95)));
    }
  }

  /**
   * Recall@10 of the HNSW search (breadth {@code depth}, as the retriever runs it) against exact search, for queries
   * near indexed vectors.
   */
  private static double recall(PassageIndex index, SeededPassages.RecallQueries recall, int depth) {
    int found = 0;
    for (int q = 0; q < recall.queries().size(); q++) {
      float[] query = recall.queries().get(q);
      Set<Integer> exact = recall.exactTop10().get(q);
      found += index.search(searcher -> {
        int hits = 0;
        StoredFields stored = searcher.storedFields();
        for (ScoreDoc hit : searcher.search(new KnnFloatVectorQuery(PassageSchema.VECTOR, query, depth), 10)
            .scoreDocs) {
          Passage passage = PassageSchema.readPassage(stored, hit.doc);
          hits += exact.contains(SeededPassages.passageNumber(passage.documentId(), passage.ordinal())) ? 1 : 0;
        }
        return hits;
      });
    }
    return found / (recall.queries().size() * 10.0);
  }

  /** The question's distinct analysed terms as optional clauses, as the retriever builds its BM25 query. */
  private static Query bm25(Analyzer analyzer, String question) {
    Set<String> terms = new LinkedHashSet<>();
    try (TokenStream stream = analyzer.tokenStream(PassageSchema.TEXT, question)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        terms.add(term.toString());
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BooleanQuery.Builder query = new BooleanQuery.Builder();
    terms.forEach(t -> query.add(new TermQuery(new Term(PassageSchema.TEXT, t)), BooleanClause.Occur.SHOULD));
    return query.build();
  }

  private Path createDirectory(String name) {
    try {
      return Files.createDirectories(workDir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + workDir.resolve(name), e);
    }
  }
}
