package dev.docqa.retrieval;

import dev.docqa.InvalidInputException;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.embedding.Embedder;
import dev.docqa.index.IndexView;
import dev.docqa.index.RankRequest;
import dev.docqa.index.RankedHit;
import dev.docqa.index.Rankings;
import dev.docqa.index.ViewSource;
import dev.docqa.indexing.PassageSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.search.BooleanQuery;

/**
 * Ranks passages for a question: {@code bm25} (analysed terms of the question), {@code dense} (nearest neighbours of
 * the question's embedding) or {@code hybrid} (both, fused as {@link RetrievalSettings#fusion()} says), on any index
 * backend: the backend ranks by each signal, the fusion happens here.
 *
 * <p>User text is never parsed as query syntax: it is cut to {@link RetrievalSettings#maxQuestionChars()}, analysed
 * like the indexed text and at most {@link RetrievalSettings#maxQueryTerms()} distinct terms become optional term
 * clauses, so any characters and any length are safe. Both signals of a hybrid search read one view.
 *
 * <p>Thread-safe and cheap; it owns neither the index nor the embedder (close those yourself).
 */
public final class Retriever {

  /** Upper bound on top-k, so one request cannot ask for the whole index. */
  public static final int MAX_TOP_K = 1_000;
  /** Longest document-id prefix filter, in characters. */
  public static final int MAX_PREFIX_CHARS = 1_024;

  private final ViewSource index;
  private final Embedder embedder;
  private final RetrievalSettings settings;
  private final Analyzer analyzer = PassageSchema.newAnalyzer();

  public Retriever(ViewSource index, Embedder embedder, RetrievalSettings settings) {
    this.index = Objects.requireNonNull(index, "index");
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** {@link #retrieve(String, RetrieverMode, Integer, String)} with the configured mode and top-k, all documents. */
  public List<ScoredPassage> retrieve(String question) {
    return retrieve(question, null, null, null);
  }

  /**
   * The best passages for the question, best first, from a view acquired for this call.
   *
   * @param mode ranking signal; {@code null}: the configured one
   * @param topK passages to return, in [1, {@value #MAX_TOP_K}]; {@code null}: the configured number
   * @param documentPrefix only passages of documents whose id starts with this; {@code null} or empty: all
   * @throws InvalidInputException for a blank question, a top-k out of range or an over-long prefix
   */
  public List<ScoredPassage> retrieve(String question, RetrieverMode mode, Integer topK, String documentPrefix) {
    try (IndexView view = index.acquire()) {
      return retrieve(view, question, mode, topK, documentPrefix);
    }
  }

  /** {@link #retrieve(String, RetrieverMode, Integer, String)} on a view the caller holds (and closes). */
  public List<ScoredPassage> retrieve(
      IndexView view, String question, RetrieverMode mode, Integer topK, String documentPrefix) {
    String text = QueryText.bounded(question, settings.maxQuestionChars());
    RetrieverMode m = mode == null ? settings.mode() : mode;
    int k = topK == null ? settings.topK() : topK;
    requireLimits(k, documentPrefix); // before embedding: no model work for a bad request
    float[] vector = m == RetrieverMode.BM25 ? null : embedder.embedQuery(text);
    return search(view, text, vector, m, k, documentPrefix);
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
    try (IndexView view = index.acquire()) {
      return search(view, question, vector, mode, topK, documentPrefix);
    }
  }

  private List<ScoredPassage> search(
      IndexView view, String question, float[] vector, RetrieverMode mode, int topK, String documentPrefix) {
    String text = QueryText.bounded(question, settings.maxQuestionChars());
    requireLimits(topK, documentPrefix);
    if (mode != RetrieverMode.BM25 && vector == null) {
      throw new IllegalArgumentException("retriever mode " + mode.id() + " needs the question's embedding; vector=null");
    }
    List<String> terms = mode == RetrieverMode.DENSE
        ? List.of()
        : QueryText.terms(analyzer, PassageSchema.TEXT, text, settings.maxQueryTerms());
    int depth = mode == RetrieverMode.BM25 ? topK : Math.max(topK, settings.candidates());
    Rankings rankings = view.rank(new RankRequest(terms, mode == RetrieverMode.BM25 ? null : vector, depth, depth,
        documentPrefix));
    List<RankedHit> ranked = switch (mode) {
      case BM25 -> rankings.lexical();
      case DENSE -> rankings.semantic();
      case HYBRID -> Fusion.fuse(rankings, settings);
    };
    List<RankedHit> top = ranked.subList(0, Math.min(topK, ranked.size()));
    List<Passage> passages = view.passages(top);
    List<ScoredPassage> scored = new ArrayList<>(top.size());
    for (int i = 0; i < top.size(); i++) {
      scored.add(new ScoredPassage(passages.get(i), top.get(i).score()));
    }
    return List.copyOf(scored);
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
    return PassageSchema.lexicalQuery(terms);
  }
}
