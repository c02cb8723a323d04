package dev.docqa.retrieval;

import dev.docqa.DocqaException;
import dev.docqa.InvalidInputException;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.embedding.Embedder;
import dev.docqa.indexing.PassageSchema;
import dev.docqa.indexing.SearchableIndex;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;

/**
 * Ranks passages for a question: {@code bm25} (analysed terms of the question), {@code dense} (HNSW kNN on the
 * question's embedding) or {@code hybrid} (both, fused as {@link RetrievalSettings#fusion()} says).
 *
 * <p>User text is never parsed as query syntax: it is cut to {@link RetrievalSettings#maxQuestionChars()}, analysed
 * like the indexed text and at most {@link RetrievalSettings#maxQueryTerms()} distinct terms become optional term
 * clauses, so any characters and any length are safe. Both signals of a hybrid search read one point-in-time searcher.
 *
 * <p>Thread-safe and cheap; it owns neither the index nor the embedder (close those yourself).
 */
public final class Retriever {

  /** Upper bound on top-k, so one request cannot ask for the whole index. */
  public static final int MAX_TOP_K = 1_000;
  /** Longest document-id prefix filter, in characters. */
  public static final int MAX_PREFIX_CHARS = 1_024;

  private final SearchableIndex index;
  private final Embedder embedder;
  private final RetrievalSettings settings;
  private final Analyzer analyzer = PassageSchema.newAnalyzer();

  public Retriever(SearchableIndex index, Embedder embedder, RetrievalSettings settings) {
    this.index = Objects.requireNonNull(index, "index");
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** {@link #retrieve(String, RetrieverMode, Integer, String)} with the configured mode and top-k, all documents. */
  public List<ScoredPassage> retrieve(String question) {
    return retrieve(question, null, null, null);
  }

  /**
   * The best passages for the question, best first.
   *
   * @param mode ranking signal; {@code null}: the configured one
   * @param topK passages to return, in [1, {@value #MAX_TOP_K}]; {@code null}: the configured number
   * @param documentPrefix only passages of documents whose id starts with this; {@code null} or empty: all
   * @throws InvalidInputException for a blank question, a top-k out of range or an over-long prefix
   */
  public List<ScoredPassage> retrieve(String question, RetrieverMode mode, Integer topK, String documentPrefix) {
    String text = QueryText.bounded(question, settings.maxQuestionChars());
    RetrieverMode m = mode == null ? settings.mode() : mode;
    int k = topK == null ? settings.topK() : topK;
    requireLimits(k, documentPrefix); // before embedding: no model work for a bad request
    float[] vector = m == RetrieverMode.BM25 ? null : embedder.embedQuery(text);
    return search(text, vector, m, k, documentPrefix);
  }

  /**
   * Retrieval proper, for callers that embed questions themselves (batches, caches, benchmarks timing search alone).
   *
   * @param question the question (cut to {@link RetrievalSettings#maxQuestionChars()} here, as in {@link #retrieve})
   * @param vector the question's embedding; {@code null} only for {@link RetrieverMode#BM25}
   * @throws InvalidInputException for a blank question, a top-k out of range or an over-long prefix
   */
  public List<ScoredPassage> search(
      String question, float[] vector, RetrieverMode mode, int topK, String documentPrefix) {
    String text = QueryText.bounded(question, settings.maxQuestionChars());
    requireLimits(topK, documentPrefix);
    if (mode != RetrieverMode.BM25 && vector == null) {
      throw new IllegalArgumentException("retriever mode " + mode.id() + " needs the question's embedding; vector=null");
    }
    Query filter = documentPrefix == null || documentPrefix.isEmpty()
        ? null
        : PassageSchema.documentPrefixFilter(documentPrefix);
    int depth = Math.max(topK, settings.candidates());
    return index.search(searcher -> switch (mode) {
      case BM25 -> load(searcher, bm25(searcher, text, filter, topK), topK);
      case DENSE -> load(searcher, dense(searcher, vector, filter, depth), topK);
      case HYBRID -> load(searcher,
          fuse(bm25(searcher, text, filter, depth), dense(searcher, vector, filter, depth)), topK);
    });
  }

  private static void requireLimits(int topK, String documentPrefix) {
    if (topK < 1 || topK > MAX_TOP_K) {
      throw new InvalidInputException("topK must be in [1, " + MAX_TOP_K + "]; topK=" + topK);
    }
    if (documentPrefix != null && documentPrefix.length() > MAX_PREFIX_CHARS) {
      throw new InvalidInputException("documentPrefix must be at most " + MAX_PREFIX_CHARS
          + " characters; length=" + documentPrefix.length());
    }
  }

  private ScoreDoc[] bm25(IndexSearcher searcher, String text, Query filter, int n) throws IOException {
    BooleanQuery.Builder query = lexicalQuery(analyzer, text, settings.maxQueryTerms());
    if (query == null) {
      return new ScoreDoc[0]; // only stop words or punctuation: nothing for BM25 to match
    }
    if (filter != null) {
      query.add(filter, BooleanClause.Occur.FILTER);
    }
    return searcher.search(query.build(), n).scoreDocs;
  }

  /**
   * docqa's BM25 query over {@link PassageSchema#TEXT}: each distinct analysed term of {@code text} (no query syntax),
   * in question order and at most {@code maxTerms}, as an optional clause; {@code null} when no term is left (only
   * stop words or punctuation). Callers may add filters before building it.
   */
  public static BooleanQuery.Builder lexicalQuery(Analyzer analyzer, String text, int maxTerms) {
    List<String> terms = QueryText.terms(analyzer, PassageSchema.TEXT, text, maxTerms);
    if (terms.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder query = new BooleanQuery.Builder();
    for (String term : terms) {
      query.add(new TermQuery(new Term(PassageSchema.TEXT, term)), BooleanClause.Occur.SHOULD);
    }
    return query;
  }

  private static ScoreDoc[] dense(IndexSearcher searcher, float[] vector, Query filter, int n) throws IOException {
    requireDimension(searcher, vector.length);
    ScoreDoc[] hits = searcher.search(new KnnFloatVectorQuery(PassageSchema.VECTOR, vector, n, filter), n).scoreDocs;
    for (ScoreDoc hit : hits) {
      hit.score = 2 * hit.score - 1; // Lucene's dot-product score is (1 + cos) / 2
    }
    return hits;
  }

  private static void requireDimension(IndexSearcher searcher, int dimension) {
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(PassageSchema.VECTOR);
      if (info != null && info.getVectorDimension() != dimension) {
        throw new DocqaException("embedder dimension differs from the index's; re-index or configure the indexing "
            + "embedder; embedder dimension=" + dimension + ", index dimension=" + info.getVectorDimension());
      }
    }
  }

  private ScoreDoc[] fuse(ScoreDoc[] lexical, ScoreDoc[] semantic) {
    Map<Integer, ScoreDoc> fused = new HashMap<>();
    switch (settings.fusion()) {
      case RRF -> {
        addReciprocalRanks(fused, lexical);
        addReciprocalRanks(fused, semantic);
      }
      case CONVEX -> {
        addScaled(fused, lexical, 1 - settings.denseWeight());
        addScaled(fused, semantic, settings.denseWeight());
      }
    }
    // Best first; equal scores go to the lower Lucene doc id, so results are deterministic.
    return fused.values().stream()
        .sorted(Comparator.comparingDouble((ScoreDoc d) -> -d.score).thenComparingInt(d -> d.doc))
        .toArray(ScoreDoc[]::new);
  }

  private void addReciprocalRanks(Map<Integer, ScoreDoc> fused, ScoreDoc[] ranking) {
    for (int rank = 0; rank < ranking.length; rank++) {
      add(fused, ranking[rank].doc, 1f / (settings.rrfK() + rank + 1));
    }
  }

  /**
   * Adds {@code weight * score / best}, scores floored at 0: a passage a signal did not rank gets 0 from it. The best
   * score of a list is its first (Lucene returns hits best first).
   */
  private static void addScaled(Map<Integer, ScoreDoc> fused, ScoreDoc[] ranking, double weight) {
    if (ranking.length == 0 || ranking[0].score <= 0) {
      return;
    }
    float best = ranking[0].score;
    for (ScoreDoc hit : ranking) {
      add(fused, hit.doc, (float) (weight * Math.max(hit.score, 0f) / best));
    }
  }

  private static void add(Map<Integer, ScoreDoc> fused, int doc, float score) {
    fused.computeIfAbsent(doc, d -> new ScoreDoc(d, 0f)).score += score;
  }

  private static List<ScoredPassage> load(IndexSearcher searcher, ScoreDoc[] hits, int topK) throws IOException {
    StoredFields stored = searcher.storedFields();
    List<ScoredPassage> passages = new ArrayList<>(Math.min(topK, hits.length));
    for (int i = 0; i < hits.length && i < topK; i++) {
      passages.add(new ScoredPassage(PassageSchema.readPassage(stored, hits[i].doc), hits[i].score));
    }
    return List.copyOf(passages);
  }
}
