package dev.docqa.bench;

import dev.docqa.document.Passage;
import dev.docqa.indexing.DocumentPassages;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The retrieval section's data, made once per index size so that every backend loads the same passages: generated
 * text, and seeded random unit vectors around {@code passages / 50} topic centroids (embedding 100k passages takes
 * hours on a laptop CPU and says nothing new about search latency). Passage {@code i} is ordinal {@code i % 10} of
 * document {@code i / 10}, id {@code docs/(doc % 10)/doc.txt}. Immutable once made; the arrays are shared, not copied.
 */
final class SeededPassages {

  static final int PASSAGES_PER_DOCUMENT = 10;
  private static final int WORDS_PER_PASSAGE = 60;

  private final List<DocumentPassages> documents;
  private final float[][] vectors;

  private SeededPassages(List<DocumentPassages> documents, float[][] vectors) {
    this.documents = List.copyOf(documents);
    this.vectors = vectors;
  }

  /** {@code passages} passages of {@code dimension}-long vectors, drawn from {@code corpus}. */
  static SeededPassages generate(int passages, int dimension, Corpus corpus) {
    if (passages < 1) {
      throw new IllegalArgumentException("passages must be positive; passages=" + passages);
    }
    float[][] all = new float[passages][];
    float[][] topics = new float[Math.max(1, passages / 50)][];
    for (int t = 0; t < topics.length; t++) {
      topics[t] = corpus.unitVector(dimension);
    }
    List<DocumentPassages> documents = new ArrayList<>();
    for (int doc = 0; doc * PASSAGES_PER_DOCUMENT < passages; doc++) {
      String id = "docs/" + (doc % 10) + "/" + doc + ".txt";
      List<Passage> texts = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      int offset = 0;
      for (int p = 0; p < PASSAGES_PER_DOCUMENT && doc * PASSAGES_PER_DOCUMENT + p < passages; p++) {
        String text = corpus.text(WORDS_PER_PASSAGE);
        int length = text.codePointCount(0, text.length());
        texts.add(new Passage(id, p, text, offset, offset + length, null));
        offset += length + 1;
        all[doc * PASSAGES_PER_DOCUMENT + p] = near(topics[corpus.random().nextInt(topics.length)], corpus);
        vectors.add(all[doc * PASSAGES_PER_DOCUMENT + p]);
      }
      documents.add(new DocumentPassages(id, "hash-" + doc, "v1", texts, vectors));
    }
    return new SeededPassages(documents, all);
  }

  int passages() {
    return vectors.length;
  }

  /** The documents in batches of at most {@code documentsPerBatch}, in order. */
  List<List<DocumentPassages>> batches(int documentsPerBatch) {
    List<List<DocumentPassages>> batches = new ArrayList<>();
    for (int from = 0; from < documents.size(); from += documentsPerBatch) {
      batches.add(documents.subList(from, Math.min(documents.size(), from + documentsPerBatch)));
    }
    return batches;
  }

  /** The passage number of {@code passage} of document {@code documentId} (as generated here). */
  static int passageNumber(String documentId, int ordinal) {
    int doc = Integer.parseInt(documentId.substring(documentId.lastIndexOf('/') + 1,
        documentId.length() - ".txt".length()));
    return doc * PASSAGES_PER_DOCUMENT + ordinal;
  }

  /**
   * {@code n} queries for a recall check, each near an indexed vector, with the exact top 10 passage numbers of each
   * (brute force over every vector).
   */
  RecallQueries recallQueries(int n, Corpus corpus) {
    List<float[]> queries = new ArrayList<>();
    List<Set<Integer>> exact = new ArrayList<>();
    for (int q = 0; q < n; q++) {
      float[] query = near(vectors[corpus.random().nextInt(vectors.length)], corpus);
      queries.add(query);
      exact.add(exactTop10(query));
    }
    return new RecallQueries(List.copyOf(queries), List.copyOf(exact));
  }

  /** Query vectors and, for each, the passage numbers of its exact 10 nearest neighbours. */
  record RecallQueries(List<float[]> queries, List<Set<Integer>> exactTop10) {}

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

  private Set<Integer> exactTop10(float[] query) {
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
}
