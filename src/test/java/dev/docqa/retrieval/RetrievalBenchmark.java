package dev.docqa.retrieval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.embedding.Embedder;
import dev.docqa.embedding.Embedders;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.PassageIndex;
import dev.docqa.indexing.PassageSchema;
import dev.docqa.indexing.VectorFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;

/**
 * Prints JSON: MiniLM embedding throughput per batch size, then index build time, dense recall@10 against exact search,
 * and p50/p95 retrieval latency per mode (plus raw Lucene calls) on a generated, seeded corpus.
 *
 * <p>The large corpus gets seeded random unit vectors around topic centroids instead of embeddings (embedding 100k
 * passages on a laptop CPU takes hours and says nothing new about search latency); questions are embedded for real.
 *
 * <p>Args: {@code [--passages N] [--formats FLOAT32,INT8] [--queries N] [--embed-passages N] [--embedder builtin|none] [--compact true|false] [--out file.json]}. With {@code --embedder none} question vectors are
 * random too and only search is timed (for machines without the model jars).
 * Run with {@code --add-modules jdk.incubator.vector} so Lucene uses SIMD vector scoring.
 */
public final class RetrievalBenchmark {

  private static final long SEED = 20261122L;
  private static final int PASSAGES_PER_DOC = 10;
  private static final int K = 10;
  private static final int MINILM_DIMENSION = 384;

  private RetrievalBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    int passages = Integer.parseInt(opts.getOrDefault("passages", "100000"));
    int queries = Integer.parseInt(opts.getOrDefault("queries", "400"));
    int embedPassages = Integer.parseInt(opts.getOrDefault("embed-passages", "128"));
    boolean compact = Boolean.parseBoolean(opts.getOrDefault("compact", "true"));
    List<VectorFormat> formats = Arrays.stream(opts.getOrDefault("formats", "FLOAT32,INT8").split(","))
        .map(VectorFormat::valueOf).toList();

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("cpus", Runtime.getRuntime().availableProcessors());
    report.put("java", Runtime.version().toString());
    report.put("vectorsInIndex", "seeded random unit vectors around passages/50 topic centroids (not embedded)");
    Corpus corpus = new Corpus(new Random(SEED));
    List<String> questions = new ArrayList<>();
    for (int i = 0; i < queries; i++) {
      questions.add(corpus.question());
    }
    boolean embed = !opts.getOrDefault("embedder", "builtin").equals("none");
    report.put("questionVectors", embed ? "all-MiniLM-L6-v2" : "random unit vectors (seeded), no embedder");
    List<Map<String, Object>> indexes = new ArrayList<>();
    report.put("indexes", indexes);
    if (embed) {
      try (Embedder embedder = Embedders.openBuiltin(new EmbedderSettings(EmbedderSettings.DEFAULT_MODEL, 32))) {
        report.put("embedding", embeddingThroughput(embedder, corpus, embedPassages));
        long t0 = System.nanoTime();
        List<float[]> questionVectors = embedder.embedPassages(questions);
        report.put("questionEmbeddingMsEach", round(ms(System.nanoTime() - t0) / queries));
        for (VectorFormat format : formats) {
          indexes.add(searchBenchmark(format, passages, compact, embedder, corpus, questions, questionVectors));
        }
      }
    } else {
      Random random = new Random(SEED + 2);
      List<float[]> questionVectors = new ArrayList<>();
      for (int i = 0; i < queries; i++) {
        questionVectors.add(unit(random, MINILM_DIMENSION));
      }
      for (VectorFormat format : formats) {
        indexes.add(searchBenchmark(format, passages, compact, null, corpus, questions, questionVectors));
      }
    }
    String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
    System.out.println(json);
    if (opts.containsKey("out")) {
      Files.writeString(Path.of(opts.get("out")), json);
    }
  }

  private static Map<String, Object> embeddingThroughput(Embedder embedder, Corpus corpus, int count) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("model", EmbedderSettings.DEFAULT_MODEL);
    for (int words : new int[] {40, 180}) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        texts.add(corpus.text(words));
      }
      Map<String, Object> perBatch = new LinkedHashMap<>();
      for (int batch : new int[] {1, 8, 32, 64}) {
        try (Embedder sized = Embedders.openBuiltin(new EmbedderSettings(EmbedderSettings.DEFAULT_MODEL, batch))) {
          sized.embedPassages(texts.subList(0, Math.min(count, 2 * batch))); // warm-up
          long t0 = System.nanoTime();
          sized.embedPassages(texts);
          perBatch.put("batch" + batch, Math.round(count / (ms(System.nanoTime() - t0) / 1000) * 10) / 10.0);
        }
      }
      result.put("passagesPerSecond_" + words + "words", perBatch);
    }
    return result;
  }

  private static Map<String, Object> searchBenchmark(VectorFormat format, int passages, boolean compact,
      Embedder embedder, Corpus corpus, List<String> questions, List<float[]> questionVectors) throws IOException {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("format", format.name());
    result.put("passages", passages);
    Path dir = Files.createTempDirectory("docqa-bench-");
    Random random = new Random(SEED + 1);
    float[][] vectors = new float[passages][];
    int dimension = questionVectors.getFirst().length;
    Topics topics = new Topics(random, dimension, Math.max(1, passages / 50));
    try (PassageIndex index = PassageIndex.open(dir, dimension, format)) {
      long t0 = System.nanoTime();
      List<DocumentPassages> batch = new ArrayList<>();
      for (int doc = 0; doc * PASSAGES_PER_DOC < passages; doc++) {
        String id = "docs/" + (doc % 10) + "/" + doc + ".txt";
        List<Passage> ps = new ArrayList<>();
        List<float[]> vs = new ArrayList<>();
        for (int p = 0; p < PASSAGES_PER_DOC && doc * PASSAGES_PER_DOC + p < passages; p++) {
          String text = corpus.text(60);
          ps.add(new Passage(id, p, text, p * 1000, p * 1000 + text.length(), null));
          float[] v = topics.member(random);
          vectors[doc * PASSAGES_PER_DOC + p] = v;
          vs.add(v);
        }
        batch.add(new DocumentPassages(id, "h" + doc, "v1", ps, vs));
        if (batch.size() == 1_000) {
          index.replaceAll(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        index.replaceAll(batch);
      }
      double buildMs = ms(System.nanoTime() - t0);
      result.put("indexBuildSeconds", Math.round(buildMs / 100) / 10.0);
      result.put("indexPassagesPerSecond", Math.round(passages / (buildMs / 1000)));
      result.put("segmentsAfterBuild", index.search(s -> s.getIndexReader().leaves().size()));
      if (compact) {
        long c0 = System.nanoTime();
        index.compact();
        result.put("compactSeconds", Math.round(ms(System.nanoTime() - c0) / 100) / 10.0);
      }
      result.put("segments", index.search(s -> s.getIndexReader().leaves().size()));
      result.put("indexBytes", directorySize(dir));

      result.put("denseRecallAt10", recall(index, vectors, random, 100));
      // Without an embedder only the search part is timed; the retriever then never needs to embed.
      Retriever retriever = new Retriever(index, embedder == null ? new QuestionVectors(questions, questionVectors)
          : embedder, RetrievalSettings.defaults().withTopK(K));
      Map<String, Object> latency = new LinkedHashMap<>();
      int n = questions.size();
      for (RetrieverMode mode : RetrieverMode.values()) {
        latency.put(mode.id() + "_searchOnly", percentiles(n, i -> retriever.search(
            QueryText.bounded(questions.get(i), 2_000), questionVectors.get(i), mode, K, null)));
      }
      latency.put("hybrid_searchOnly_prefixFilter", percentiles(n, i -> retriever.search(
          questions.get(i), questionVectors.get(i), RetrieverMode.HYBRID, K, "docs/3/")));
      if (embedder != null) {
        int endToEnd = Math.min(n, 100);
        for (RetrieverMode mode : RetrieverMode.values()) {
          latency.put(mode.id() + "_withQuestionEmbedding", percentiles(endToEnd,
              i -> retriever.retrieve(questions.get(i), mode, K, null)));
        }
      }
      latency.put("rawLucene_bm25Top10", percentiles(n, i -> index.search(s -> s.search(bm25(questions.get(i)), K))));
      latency.put("rawLucene_knnTop10", percentiles(n, i -> index.search(s -> s.search(
          new KnnFloatVectorQuery(PassageSchema.VECTOR, questionVectors.get(i), K), K))));
      result.put("latencyMs", latency);
    } finally {
      deleteTree(dir);
    }
    return result;
  }

  /** Recall@10 of the HNSW search (k = candidates) against brute force, for queries near indexed vectors. */
  private static double recall(PassageIndex index, float[][] vectors, Random random, int queries) {
    int found = 0;
    for (int q = 0; q < queries; q++) {
      float[] base = vectors[random.nextInt(vectors.length)];
      float[] noise = unit(random, base.length);
      float[] query = new float[base.length];
      for (int d = 0; d < base.length; d++) {
        query[d] = base[d] + 0.5f * noise[d];
      }
      normalise(query);
      Integer[] order = new Integer[vectors.length];
      Arrays.setAll(order, i -> i);
      float[] scores = new float[vectors.length];
      for (int i = 0; i < vectors.length; i++) {
        scores[i] = dot(query, vectors[i]);
      }
      Set<Integer> exact = new HashSet<>(Arrays.stream(order)
          .sorted(Comparator.comparingDouble(i -> -scores[i])).limit(K).toList());
      int settingsCandidates = RetrievalSettings.defaults().candidates();
      // Merges reorder Lucene doc ids: map hits back to passages through their stored provenance.
      List<Integer> hits = index.search(s -> {
        List<Integer> positions = new ArrayList<>();
        for (ScoreDoc hit : s.search(new KnnFloatVectorQuery(PassageSchema.VECTOR, query, settingsCandidates), K)
            .scoreDocs) {
          Passage p = PassageSchema.readPassage(s.storedFields(), hit.doc);
          String id = p.documentId();
          int doc = Integer.parseInt(id.substring(id.lastIndexOf('/') + 1, id.length() - ".txt".length()));
          positions.add(doc * PASSAGES_PER_DOC + p.ordinal());
        }
        return positions;
      });
      for (int hit : hits) {
        if (exact.contains(hit)) {
          found++;
        }
      }
    }
    return Math.round(1000.0 * found / (queries * K)) / 1000.0;
  }

  private static BooleanQuery bm25(String question) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String term : QueryText.terms(PassageSchema.newAnalyzer(), PassageSchema.TEXT, question, 64)) {
      b.add(new TermQuery(new Term(PassageSchema.TEXT, term)), BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }

  private static Map<String, Object> percentiles(int n, IntConsumer call) {
    for (int i = 0; i < Math.min(n, 100); i++) {
      call.accept(i); // warm-up: JIT, page cache
    }
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      call.accept(i);
      ms[i] = ms(System.nanoTime() - t0);
    }
    Arrays.sort(ms);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("p50", round(ms[n / 2]));
    p.put("p95", round(ms[(int) Math.min(n - 1, Math.ceil(n * 0.95) - 1)]));
    p.put("n", n);
    return p;
  }

  /**
   * Topical structure for random vectors: passages are noisy copies of one of many topic centroids (cosine to the
   * centroid about 0.7, between passages of a topic about 0.5), as embeddings of related passages are. Uniformly random
   * vectors would have no neighbours worth finding: every top-10 would be a tie of near-orthogonal vectors.
   */
  private static final class Topics {
    private final float[][] centroids;

    Topics(Random random, int dimension, int count) {
      centroids = new float[count][];
      for (int i = 0; i < count; i++) {
        centroids[i] = unit(random, dimension);
      }
    }

    float[] member(Random random) {
      float[] c = centroids[random.nextInt(centroids.length)];
      float[] noise = unit(random, c.length);
      float[] v = new float[c.length];
      for (int d = 0; d < v.length; d++) {
        v[d] = c[d] + noise[d];
      }
      normalise(v);
      return v;
    }
  }

  /** The benchmark's questions with their precomputed vectors: an embedder for exactly those texts. */
  private record QuestionVectors(List<String> questions, List<float[]> vectors) implements Embedder {
    @Override
    public int dimension() {
      return vectors.getFirst().length;
    }

    @Override
    public List<float[]> embedPassages(List<String> texts) {
      return texts.stream().map(this::embedQuery).toList();
    }

    @Override
    public float[] embedQuery(String question) {
      int i = questions.indexOf(question);
      if (i < 0) {
        throw new IllegalArgumentException("not a benchmark question: " + question);
      }
      return vectors.get(i);
    }

    @Override
    public void close() {}
  }

  /** Pseudo-English text: syllable words with Zipf-like frequencies, so BM25 sees common and rare terms. */
  private static final class Corpus {
    private static final String[] SYLLABLES = {"ka", "lo", "mi", "ren", "tas", "vo", "qui", "zel", "dor", "fen",
        "gra", "hul", "jin", "pex", "sor", "tum", "wex", "yal", "bri", "cos"};
    private final Random random;
    private final String[] vocabulary = new String[20_000];

    Corpus(Random random) {
      this.random = random;
      for (int i = 0; i < vocabulary.length; i++) {
        StringBuilder w = new StringBuilder();
        int x = i;
        do {
          w.append(SYLLABLES[x % SYLLABLES.length]);
          x /= SYLLABLES.length;
        } while (x > 0);
        vocabulary[i] = w.toString();
      }
    }

    String word() {
      // Inverse-CDF of a Zipf-like law: low ranks (common words) far more often.
      double u = random.nextDouble();
      return vocabulary[(int) Math.min(vocabulary.length - 1, Math.floor(Math.pow(vocabulary.length, u)) - 1)];
    }

    String text(int words) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < words; i++) {
        b.append(i == 0 ? "" : (i % 12 == 0 ? ". " : " ")).append(word());
      }
      return b.append('.').toString();
    }

    String question() {
      return "What does " + text(6 + random.nextInt(6)).replace(".", "") + " mean?";
    }
  }

  private static float[] unit(Random random, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    normalise(v);
    return v;
  }

  private static void normalise(float[] v) {
    float norm = (float) Math.sqrt(dot(v, v));
    for (int i = 0; i < v.length; i++) {
      v[i] /= norm;
    }
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static double round(double ms) {
    return Math.round(ms * 1000) / 1000.0;
  }

  private static long directorySize(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException("usage: [--passages N] [--formats FLOAT32,INT8] [--queries N] "
            + "[--embed-passages N] [--embedder builtin|none] [--compact true|false] [--out file.json]; bad argument: " + args[i]);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    return opts;
  }
}
