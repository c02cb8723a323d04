package dev.docqa.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.DocqaException;
import dev.docqa.InvalidInputException;
import dev.docqa.config.EmbedderSettings;
import dev.docqa.config.HybridFusion;
import dev.docqa.config.RetrievalSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.document.Passage;
import dev.docqa.embedding.Embedder;
import dev.docqa.embedding.Embedders;
import dev.docqa.index.ViewSource;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.LuceneView;
import dev.docqa.indexing.PassageIndex;
import dev.docqa.indexing.VectorFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Lucene and the real all-MiniLM-L6-v2 on a small hand-written corpus among generated filler documents.
 *
 * <p>Paraphrase questions share no content word with their passage, but share words with other passages: BM25 is led
 * astray, embeddings are not. Rare-term questions name an identifier that only one of several near-identical passages
 * holds: BM25 finds it, embeddings see the passages as the same.
 */
class RetrieverTest {

  /** Paraphrase question → the one document that answers it. */
  private static final Map<String, String> PARAPHRASES = new LinkedHashMap<>();
  /** Rare-term question → the one document that answers it. */
  private static final Map<String, String> RARE_TERMS = new LinkedHashMap<>();
  /** Document id → its single passage. */
  private static final Map<String, String> CORPUS = new LinkedHashMap<>();

  static {
    CORPUS.put("kb/cars.txt", "Automobiles need their engine oil replaced roughly every ten thousand kilometres.");
    CORPUS.put("kb/flu.txt", "Physicians advise plenty of fluids and bed rest for influenza patients.");
    CORPUS.put("kb/plants.txt",
        "Photosynthesis lets vegetation turn sunlight, water and carbon dioxide into sugar and oxygen.");
    CORPUS.put("kb/bank.txt", "The central bank raised interest rates to curb rising prices across the economy.");
    CORPUS.put("kb/refunds.txt",
        "Our return policy allows refunds within thirty days of purchase as long as the receipt is kept.");
    CORPUS.put("kb/sleep.txt", "Adults should rest seven to nine hours each night to stay healthy and alert.");
    CORPUS.put("kb/volcano.txt", "Molten rock erupted from the mountain and buried the nearby village in ash.");
    PARAPHRASES.put("How often should I change the motor lubricant in my car?", "kb/cars.txt");
    PARAPHRASES.put("What do doctors recommend when you have the flu?", "kb/flu.txt");
    PARAPHRASES.put("How do green leaves make food from light?", "kb/plants.txt");
    PARAPHRASES.put("What did the monetary authority do to fight inflation?", "kb/bank.txt");
    PARAPHRASES.put("Can I get my money back after buying something?", "kb/refunds.txt");
    PARAPHRASES.put("How much slumber does a grown-up need?", "kb/sleep.txt");
    PARAPHRASES.put("What happened when the lava came out of the peak?", "kb/volcano.txt");
    // Near-lexical distractors: they share the questions' words but not their meaning.
    CORPUS.put("kb/paint.txt", "You can change the colour of your car at the paint shop as often as you like.");
    CORPUS.put("kb/parking.txt", "Doctors recommend the new hospital garage; you have to pay when you leave.");
    CORPUS.put("kb/party.txt", "Make food for the party from the green recipe book and light the candles.");
    CORPUS.put("kb/stadium.txt", "The fight at the stadium was stopped on the authority of the referee.");
    CORPUS.put("kb/office.txt", "Get back to the office after lunch and bring something sweet for the team.");
    CORPUS.put("kb/hike.txt", "When we came out of the forest we could finally see the peak of the hill.");

    String[][] rare = {
        {"E-4471", "the intake valve is clogged"}, {"E-1032", "the battery is nearly empty"},
        {"E-9925", "the motor has overheated"}, {"E-5508", "the pressure sensor failed"}};
    for (String[] code : rare) {
      CORPUS.put("pumps/" + code[0] + ".txt", "Error " + code[0] + " on the Zentrix pump means " + code[1] + ".");
    }
    RARE_TERMS.put("What does error E-4471 mean?", "pumps/E-4471.txt");
    RARE_TERMS.put("Zentrix pump shows E-9925", "pumps/E-9925.txt");
    String[][] parts = {{"QX7731", "rear axle"}, {"QX1187", "front axle"}, {"QX5520", "steering rack"}};
    for (String[] part : parts) {
      CORPUS.put("parts/" + part[0] + ".txt", "Part " + part[0] + " is the bracket that holds the " + part[1] + ".");
    }
    RARE_TERMS.put("What is part QX1187 for?", "parts/QX1187.txt");
    RARE_TERMS.put("Which bracket is QX5520?", "parts/QX5520.txt");
  }

  @TempDir
  static Path dir;

  private static Embedder embedder;
  private static PassageIndex index;
  private static Retriever retriever;

  @BeforeAll
  static void ingest() {
    embedder = Embedders.openBuiltin(new EmbedderSettings(EmbedderSettings.DEFAULT_MODEL, 16));
    index = PassageIndex.open(dir, embedder.dimension(), VectorFormat.FLOAT32);
    List<DocumentPassages> docs = new ArrayList<>();
    CORPUS.forEach((id, text) -> docs.add(single(id, text, "v1")));
    docs.addAll(filler(new Random(20261122L), 200));
    index.replaceAll(docs);
    retriever = new Retriever(index, embedder, new RetrievalSettings(RetrieverMode.HYBRID, 5));
  }

  @AfterAll
  static void close() {
    index.close();
    embedder.close();
  }

  @Test
  void paraphrasesAreFoundByDenseAndHybridNotByBm25() {
    double bm25 = mrr(PARAPHRASES, RetrieverMode.BM25);
    double dense = mrr(PARAPHRASES, RetrieverMode.DENSE);
    double hybrid = mrr(PARAPHRASES, RetrieverMode.HYBRID);
    System.out.printf("paraphrase MRR@5: bm25=%.3f dense=%.3f hybrid=%.3f%n", bm25, dense, hybrid);
    assertTrue(dense >= 0.85, "dense MRR " + dense);
    assertTrue(dense > bm25 + 0.3, "dense " + dense + " vs bm25 " + bm25);
    assertTrue(hybrid > bm25 + 0.5, "hybrid " + hybrid + " vs bm25 " + bm25);
  }

  @Test
  void rareExactTermsAreFoundByBm25AndHybridBetterThanDense() {
    double bm25 = mrr(RARE_TERMS, RetrieverMode.BM25);
    double dense = mrr(RARE_TERMS, RetrieverMode.DENSE);
    double hybrid = mrr(RARE_TERMS, RetrieverMode.HYBRID);
    System.out.printf("rare-term MRR@5: bm25=%.3f dense=%.3f hybrid=%.3f%n", bm25, dense, hybrid);
    assertEquals(1.0, bm25, 1e-9);
    assertTrue(bm25 > dense, "bm25 " + bm25 + " vs dense " + dense);
    assertTrue(hybrid > dense, "hybrid " + hybrid + " vs dense " + dense);
  }

  @Test
  void convexFusionBeatsReciprocalRankFusionOnBothKindsOfQuestion() {
    Map<String, double[]> table = new LinkedHashMap<>();
    RetrievalSettings base = RetrievalSettings.defaults();
    table.put("rrf k=60", evaluate(base.withFusion(HybridFusion.RRF, base.denseWeight())));
    for (double w : new double[] {0.3, 0.5, 0.6, 0.7, 0.8, 0.9}) {
      table.put("convex w=" + w, evaluate(base.withFusion(HybridFusion.CONVEX, w)));
    }
    table.forEach((name, mrr) -> System.out.printf("hybrid %-14s paraphrase MRR@5=%.3f rare-term MRR@5=%.3f%n",
        name, mrr[0], mrr[1]));
    double[] rrf = table.get("rrf k=60");
    double[] convex = evaluate(base);
    assertTrue(convex[0] > rrf[0] + 0.5 && convex[1] >= rrf[1], "convex " + convex[0] + "/" + convex[1]
        + " vs rrf " + rrf[0] + "/" + rrf[1]);
  }

  private static double[] evaluate(RetrievalSettings settings) {
    Retriever r = new Retriever(index, embedder, settings);
    return new double[] {mrr(r, PARAPHRASES, RetrieverMode.HYBRID), mrr(r, RARE_TERMS, RetrieverMode.HYBRID)};
  }

  @Test
  void resultsCarryProvenanceAndScoresBestFirst() {
    List<ScoredPassage> hits = retriever.retrieve("What does error E-4471 mean?", RetrieverMode.BM25, 3, null);
    assertEquals(3, hits.size());
    Passage top = hits.getFirst().passage();
    String text = CORPUS.get("pumps/E-4471.txt");
    assertEquals(new Passage("pumps/E-4471.txt", 0, text, 0, text.length(), 1), top);
    for (int i = 1; i < hits.size(); i++) {
      assertTrue(hits.get(i - 1).score() >= hits.get(i).score());
    }
    float cosine = retriever.retrieve("Zentrix pump error", RetrieverMode.DENSE, 1, null).getFirst().score();
    assertTrue(cosine > 0.3f && cosine <= 1f, "dense scores are cosine similarities: " + cosine);
  }

  @Test
  void documentPrefixRestrictsEveryMode() {
    for (RetrieverMode mode : RetrieverMode.values()) {
      List<ScoredPassage> hits = retriever.retrieve("What does error E-4471 mean?", mode, 10, "parts/");
      assertEquals(3, hits.size(), mode.id());
      assertTrue(hits.stream().allMatch(h -> h.passage().documentId().startsWith("parts/")), mode.id());
      assertTrue(retriever.retrieve("pump", mode, 5, "nothing-has-this-prefix/").isEmpty(), mode.id());
    }
  }

  @Test
  void userTextNeverBreaksTheQuery() {
    List<String> questions = List.of(
        "title:cars AND (oil OR \"engine", "*", "?", "a OR b NOT c~2^3 [1 TO 5] {x} /re.ex/ \\ && || !",
        "\u0000\uFFFF\uD83D\uDE00 \uD800 lone surrogate", "the of and to",
        "oil ".repeat(50_000), "x".repeat(100_000), "Wörter über Ölwechsel? 油を交換する");
    for (String question : questions) {
      for (RetrieverMode mode : RetrieverMode.values()) {
        List<ScoredPassage> hits = retriever.retrieve(question, mode, 5, null);
        assertTrue(hits.size() <= 5, mode.id());
        if (mode != RetrieverMode.BM25) {
          assertEquals(5, hits.size(), "dense always finds neighbours; mode=" + mode.id());
        }
      }
    }
    assertTrue(retriever.retrieve("?!?", RetrieverMode.BM25, 5, null).isEmpty(), "no terms: nothing for BM25");
  }

  @Test
  void longQuestionsAreCutAtAWordBoundary() {
    String cut = QueryText.bounded("engine oil " + "word ".repeat(1_000), 100);
    assertTrue(cut.codePointCount(0, cut.length()) <= 100, cut);
    assertTrue(cut.endsWith("word"), cut);
    String emoji = QueryText.bounded("🙂".repeat(50), 10);
    assertEquals("🙂".repeat(10), emoji, "never splits a surrogate pair");
  }

  @Test
  void badRequestsAreInvalidInput() {
    for (String blank : new String[] {null, "", "   \n\t"}) {
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> retriever.retrieve(blank));
      assertTrue(e.getMessage().contains("question must not be blank"), e.getMessage());
    }
    InvalidInputException k = assertThrows(InvalidInputException.class,
        () -> retriever.retrieve("oil", RetrieverMode.BM25, 0, null));
    assertTrue(k.getMessage().contains("topK=0"), k.getMessage());
    assertThrows(InvalidInputException.class,
        () -> retriever.retrieve("oil", RetrieverMode.BM25, Retriever.MAX_TOP_K + 1, null));
    assertThrows(InvalidInputException.class,
        () -> retriever.retrieve("oil", RetrieverMode.BM25, 5, "p".repeat(Retriever.MAX_PREFIX_CHARS + 1)));
  }

  @Test
  void unicodeTextIsAnalysedAndReturnedExactly() {
    String text = "Die Katze schläft auf dem Sofa in Zürich. 猫はソファで寝ている。🙂";
    try (PassageIndex unicode = PassageIndex.open(dir.resolve("unicode"), embedder.dimension(), VectorFormat.FLOAT32)) {
      unicode.replace(single("de/katze.txt", text, "v1"));
      unicode.replace(single("de/other.txt", "Ein Hund läuft im Park.", "v1"));
      Retriever r = new Retriever(unicode, embedder, RetrievalSettings.defaults());
      for (String question : List.of("schläft", "zürich", "ソファ")) {
        Passage top = r.retrieve(question, RetrieverMode.BM25, 1, null).getFirst().passage();
        assertEquals(text, top.text(), question);
        assertEquals(text.codePointCount(0, text.length()), top.end());
      }
    }
  }

  @Test
  void aReaderOfTheCommittedFilesRetrievesTheSameAsTheWriter() throws Exception {
    // As a replica serves a published commit: a plain reader of the files, not the writer's near-real-time view.
    try (Directory directory = FSDirectory.open(dir);
        DirectoryReader reader = DirectoryReader.open(directory)) {
      ViewSource committed = () -> LuceneView.of(new IndexSearcher(reader));
      Retriever r = new Retriever(committed, embedder, RetrievalSettings.defaults());
      for (String question : PARAPHRASES.keySet()) {
        assertEquals(retriever.retrieve(question), r.retrieve(question), question);
      }
    }
  }

  @Test
  void anotherEmbedderDimensionIsRejectedWithBothDimensions() throws Exception {
    Path tiny = Path.of(getClass().getResource("/models/tiny-embedder").toURI());
    try (Embedder small = Embedders.openDirectory(tiny, new EmbedderSettings(tiny.toString(), 4))) {
      Retriever r = new Retriever(index, small, RetrievalSettings.defaults());
      DocqaException e = assertThrows(DocqaException.class, () -> r.retrieve("oil", RetrieverMode.DENSE, 5, null));
      assertTrue(e.getMessage().contains("embedder dimension=32, index dimension=384"), e.getMessage());
    }
  }

  @Test
  void concurrentQueriesDuringCommitsSeeEachDocumentOnce() throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        readers.add(pool.submit(() -> {
          int queries = 0;
          while (writing.get() || queries == 0) {
            List<ScoredPassage> hits = retriever.retrieve("filler note about the project", RetrieverMode.HYBRID, 20,
                "filler/");
            Set<String> seen = new HashSet<>();
            for (ScoredPassage hit : hits) {
              assertTrue(seen.add(hit.passage().documentId() + "#" + hit.passage().ordinal()), "duplicate " + hit);
            }
            assertEquals(20, hits.size());
            queries++;
          }
          return queries;
        }));
      }
      Random random = new Random(7);
      for (int round = 0; round < 10; round++) {
        DocumentPassages old = filler(random, 1).getFirst();
        index.replace(new DocumentPassages("filler/" + round + ".txt", "rewrite-" + round, "v2",
            renumber(old.passages(), "filler/" + round + ".txt"), old.vectors()));
      }
      writing.set(false);
      for (Future<Integer> reader : readers) {
        assertTrue(reader.get() > 0);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static double mrr(Map<String, String> questions, RetrieverMode mode) {
    return mrr(retriever, questions, mode);
  }

  private static double mrr(Retriever r, Map<String, String> questions, RetrieverMode mode) {
    double sum = 0;
    for (Map.Entry<String, String> q : questions.entrySet()) {
      List<ScoredPassage> hits = r.retrieve(q.getKey(), mode, 5, null);
      for (int i = 0; i < hits.size(); i++) {
        if (hits.get(i).passage().documentId().equals(q.getValue())) {
          sum += 1.0 / (i + 1);
          break;
        }
      }
    }
    return sum / questions.size();
  }

  private static DocumentPassages single(String id, String text, String version) {
    Passage p = new Passage(id, 0, text, 0, text.codePointCount(0, text.length()), 1);
    return new DocumentPassages(id, Integer.toHexString(text.hashCode()), version, List.of(p),
        embedder.embedPassages(List.of(text)));
  }

  /** Generated notes that share question words (how, what, can, my, get, make, change, ...) with the questions. */
  private static List<DocumentPassages> filler(Random random, int count) {
    String[] subjects = {"the team", "my manager", "our vendor", "the committee", "a volunteer", "the intern"};
    String[] verbs = {"change", "get", "make", "review", "schedule", "approve", "move", "cancel"};
    String[] objects = {"the budget", "the roadmap", "the quarterly report", "the meeting room", "the release notes",
        "the onboarding checklist", "the vendor contract", "the office plants"};
    String[] tails = {"How can we do it faster?", "What do we need first?", "Can my group help?",
        "When should it happen?", "Who decides this week?"};
    List<DocumentPassages> docs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "filler/" + i + ".txt";
      List<String> texts = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        texts.add("Project note " + i + "." + p + ": " + pick(random, subjects) + " will " + pick(random, verbs) + " "
            + pick(random, objects) + " on day " + random.nextInt(30) + ". " + pick(random, tails));
      }
      List<Passage> passages = new ArrayList<>();
      int offset = 0;
      for (int p = 0; p < texts.size(); p++) {
        passages.add(new Passage(id, p, texts.get(p), offset, offset + texts.get(p).length(), null));
        offset += texts.get(p).length() + 1;
      }
      docs.add(new DocumentPassages(id, "h" + i, "v1", passages, embedder.embedPassages(texts)));
    }
    return docs;
  }

  private static List<Passage> renumber(List<Passage> passages, String id) {
    return passages.stream().map(p -> new Passage(id, p.ordinal(), p.text(), p.start(), p.end(), p.page())).toList();
  }

  private static String pick(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }
}
