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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
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
 * holds seeded random vectors around topic centroids (embedding 100k passages takes hours on a laptop CPU and says
 * nothing new about search latency), bulk loaded and compacted to one segment; questions are embedded by the real
 * embedder.
 */
final class RetrievalBench {

  private static final int PASSAGES_PER_DOCUMENT = 10;
  private static final int DOCUMENTS_PER_COMMIT = 1_000;
  private static final int TOP_K = 5;

  private final Embedder embedder;
  private final BenchSizes sizes;
  private final Path workDir;

  RetrievalBench(Embedder embedder, BenchSizes sizes, Path workDir) {
    this.embedder = embedder;
    this.sizes = sizes;
    this.workDir = workDir;
  }

  ArrayNode run(Corpus corpus) {
    List<String> questions = new ArrayList<>();
    for (int i = 0; i < sizes.retrievalQueries(); i++) {
      questions.add(corpus.question());
    }
    List<float[]> questionVectors = questions.stream().map(embedder::embedQuery).toList(); // also the warm-up
    Samples embedding = Samples.time(0, questions.size(), i -> embedder.embedQuery(questions.get(i)));
    ArrayNode results = JsonNodeFactory.instance.arrayNode();
    for (int passages : sizes.retrievalPassages()) {
      results.add(atSize(passages, corpus, questions, questionVectors, embedding));
    }
    return results;
  }

  private ObjectNode atSize(int passages, Corpus corpus, List<String> questions, List<float[]> vectors,
      Samples embedding) {
    VectorFormat format = VectorFormat.FLOAT32; // what the service indexes with
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("passages", passages);
    json.put("vector_format", format.name());
    json.put("passage_vectors", "seeded random unit vectors around passages/50 topic centroids, not embeddings");
    json.put("top_k", TOP_K);
    json.put("queries", questions.size());
    Path dir = createDirectory("retrieval-" + passages + "-" + format);
    try (PassageIndex index = PassageIndex.open(dir, embedder.dimension(), format)) {
      long began = System.nanoTime();
      float[][] indexed = load(index, passages, corpus);
      json.put("index_build_s", Samples.round((System.nanoTime() - began) / 1e9));
      int built = index.search(searcher -> searcher.getIndexReader().leaves().size());
      json.put("segments_after_build", built);
      began = System.nanoTime();
      index.compact(); // one HNSW graph and one term dictionary, as a bulk load is published
      json.put("compact_s", Samples.round((System.nanoTime() - began) / 1e9));
      int segments = index.search(searcher -> searcher.getIndexReader().leaves().size());
      json.put("segments", segments);
      RetrievalSettings settings = RetrievalSettings.defaults().withTopK(TOP_K);
      Retriever retriever = new Retriever(index, embedder, settings);
      int n = questions.size();
      int warmUp = Math.min(n, 50);
      ObjectNode searchOnly = json.putObject("p50_ms");
      ObjectNode searchOnly95 = json.putObject("p95_ms");
      for (RetrieverMode mode : RetrieverMode.values()) {
        Samples samples = Samples.time(warmUp, n, i ->
            retriever.search(questions.get(i), mode == RetrieverMode.BM25 ? null : vectors.get(i), mode, TOP_K, null));
        searchOnly.put(mode.id(), Samples.round(samples.median()));
        searchOnly95.put(mode.id(), Samples.round(samples.percentile(95)));
      }
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
      json.put("dense_recall_at_10", Samples.round(recall(index, indexed, corpus, depth)));
      json.put("raw_lucene_note", "bm25: the question's analysed terms, top " + TOP_K + "; dense and hybrid: HNSW "
          + "k=" + depth + " (and BM25 top " + depth + "), as the retriever's candidates; no stored fields loaded");
    } finally {
      Bench.deleteTree(dir);
    }
    return json;
  }

  /** Indexes {@code passages} passages; returns their vectors, passage {@code i} being ordinal {@code i % 10} of
   * document {@code i / 10}. */
  private float[][] load(PassageIndex index, int passages, Corpus corpus) {
    float[][] all = new float[passages][];
    float[][] topics = new float[Math.max(1, passages / 50)][];
    for (int t = 0; t < topics.length; t++) {
      topics[t] = corpus.unitVector(embedder.dimension());
    }
    List<DocumentPassages> batch = new ArrayList<>();
    for (int doc = 0; doc * PASSAGES_PER_DOCUMENT < passages; doc++) {
      String id = "docs/" + (doc % 10) + "/" + doc + ".txt";
      List<Passage> texts = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      int offset = 0;
      for (int p = 0; p < PASSAGES_PER_DOCUMENT && doc * PASSAGES_PER_DOCUMENT + p < passages; p++) {
        String text = corpus.text(60);
        int length = text.codePointCount(0, text.length());
        texts.add(new Passage(id, p, text, offset, offset + length, null));
        offset += length + 1;
        all[doc * PASSAGES_PER_DOCUMENT + p] = near(topics[corpus.random().nextInt(topics.length)], corpus);
        vectors.add(all[doc * PASSAGES_PER_DOCUMENT + p]);
      }
      batch.add(new DocumentPassages(id, "hash-" + doc, "v1", texts, vectors));
      if (batch.size() == DOCUMENTS_PER_COMMIT) {
        index.replaceAll(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      index.replaceAll(batch);
    }
    return all;
  }

  /**
   * Recall@10 of the HNSW search (breadth {@code depth}, as the retriever runs it) against exact search, for queries
   * near indexed vectors.
   */
  private static double recall(PassageIndex index, float[][] vectors, Corpus corpus, int depth) {
    int queries = 50;
    int found = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = near(vectors[corpus.random().nextInt(vectors.length)], corpus);
      Set<Integer> exact = exactTop10(vectors, query);
      found += index.search(searcher -> {
        int hits = 0;
        StoredFields stored = searcher.storedFields();
        for (ScoreDoc hit : searcher.search(new KnnFloatVectorQuery(PassageSchema.VECTOR, query, depth), 10)
            .scoreDocs) {
          Passage passage = PassageSchema.readPassage(stored, hit.doc);
          String id = passage.documentId();
          int doc = Integer.parseInt(id.substring(id.lastIndexOf('/') + 1, id.length() - ".txt".length()));
          hits += exact.contains(doc * PASSAGES_PER_DOCUMENT + passage.ordinal()) ? 1 : 0;
        }
        return hits;
      });
    }
    return found / (queries * 10.0);
  }

  /**
   * A unit vector at cosine about 0.7 to {@code center}: passages of one topic, as embeddings of related passages are.
   * Uniformly random vectors would have no neighbours worth finding (every top-10 a tie of near-orthogonal vectors).
   */
  private static float[] near(float[] center, Corpus corpus) {
    float[] noise = corpus.unitVector(center.length);
    float[] v = new float[center.length];
    double norm = 0;
    for (int d = 0; d < v.length; d++) {
      v[d] = center[d] + noise[d];
      norm += v[d] * v[d];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int d = 0; d < v.length; d++) {
      v[d] *= scale;
    }
    return v;
  }

  private static Set<Integer> exactTop10(float[][] vectors, float[] query) {
    PriorityQueue<float[]> best = new PriorityQueue<>((a, b) -> Float.compare(a[0], b[0])); // {score, index}
    for (int i = 0; i < vectors.length; i++) {
      float score = 0;
      for (int d = 0; d < query.length; d++) {
        score += vectors[i][d] * query[d];
      }
      if (best.size() < 10) {
        best.add(new float[] {score, i});
      } else if (score > best.peek()[0]) {
        best.poll();
        best.add(new float[] {score, i});
      }
    }
    Set<Integer> top = new HashSet<>();
    best.forEach(entry -> top.add((int) entry[1]));
    return top;
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
