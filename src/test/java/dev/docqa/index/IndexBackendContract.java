package dev.docqa.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.DocqaException;
import dev.docqa.document.Passage;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.IndexedDocument;
import dev.docqa.indexing.PassageSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IndexBackend} must do, run against each implementation by a subclass (Lucene's {@code
 * BaseDirectoryTestCase} habit): rankings by BM25 and by cosine, prefix filters, document lookups, whole-document
 * replacement, S3 event order (stale events, tombstones, shuffled and duplicated deliveries), concurrent writers in
 * separate instances, validation and the empty index.
 *
 * <p>Passages and unit vectors are written by hand (the embedder is not under test), so scores are checked exactly
 * (cosines to 1e-4). Random event orders are seeded; a failure names the seed.
 */
public abstract class IndexBackendContract {

  protected static final int DIM = 4;
  /** When every test document was indexed (whole seconds: every backend keeps at least milliseconds). */
  protected static final Instant INDEXED_AT = Instant.parse("2026-01-02T03:04:05Z");
  protected static final Instant NOW = Instant.parse("2026-01-02T04:00:00Z");
  private static final long SEED = 20261202L;
  private static final float COSINE_TOLERANCE = 1e-4f;

  /** A fresh, empty index for vectors of {@code dimension}; the test closes it. */
  protected abstract IndexBackend open(int dimension);

  /**
   * Another instance on the same index as {@code backend}, as another process would open it (its own client or
   * writer); the test closes it. Its first view sees every write acknowledged before it was opened.
   */
  protected abstract IndexBackend openAnother(IndexBackend backend);

  // ---- Ranking

  @Test
  void lexicalRankingIsBm25Order() {
    try (IndexBackend index = open(DIM)) {
      write(index, one("a.txt", "The cat sat on the mat.", unit(1, 0, 0, 0)),
          one("b.txt", "A cat and another cat chased the cat toy.", unit(0, 1, 0, 0)),
          one("c.txt", "Dogs bark at night.", unit(0, 0, 1, 0)),
          one("d.txt", "The black cat sleeps.", unit(0, 0, 0, 1)));
      try (IndexView view = index.acquire()) {
        Rankings rankings = view.rank(new RankRequest(terms("black cats?"), null, 10, 10, null));
        assertEquals(List.of("d.txt", "b.txt", "a.txt"), documentIds(view, rankings.lexical()),
            "both terms first, then three cats in a longer passage, then one cat; no dogs");
        assertDecreasing(rankings.lexical());
        assertTrue(rankings.lexical().getLast().score() > 0, "BM25 scores are positive");
        assertEquals(List.of(), rankings.semantic(), "no vector, no semantic ranking");

        Rankings top = view.rank(new RankRequest(terms("black cats?"), null, 1, 1, null));
        assertEquals(List.of("d.txt"), documentIds(view, top.lexical()), "depth cuts the ranking");

        Rankings none = view.rank(new RankRequest(terms("elephants"), null, 10, 10, null));
        assertEquals(List.of(), none.lexical());
      }
    }
  }

  @Test
  void semanticRankingIsCosineOrderWithCosineScores() {
    try (IndexBackend index = open(DIM)) {
      write(index, one("n.txt", "north", unit(1, 0, 0, 0)),
          one("ne.txt", "north east", unit(0.6, 0.8, 0, 0)),
          one("e.txt", "east", unit(0, 1, 0, 0)),
          one("s.txt", "south and up", unit(-0.8, 0, 0.6, 0)));
      try (IndexView view = index.acquire()) {
        Rankings rankings = view.rank(new RankRequest(List.of(), unit(1, 0, 0, 0), 4, 10, null));
        assertEquals(List.of("n.txt", "ne.txt", "e.txt", "s.txt"), documentIds(view, rankings.semantic()));
        assertScores(new float[] {1f, 0.6f, 0f, -0.8f}, rankings.semantic());
        assertEquals(List.of(), rankings.lexical(), "no terms, no lexical ranking");

        Rankings up = view.rank(new RankRequest(List.of(), unit(0, 0, 1, 0), 1, 10, null));
        assertEquals(List.of("s.txt"), documentIds(view, up.semantic()));
        assertScores(new float[] {0.6f}, up.semantic());

        Rankings both = view.rank(new RankRequest(terms("east"), unit(0, 1, 0, 0), 2, 10, null));
        assertEquals(Set.of("ne.txt", "e.txt"), Set.copyOf(documentIds(view, both.lexical())));
        assertEquals(List.of("e.txt", "ne.txt"), documentIds(view, both.semantic()));
        assertScores(new float[] {1f, 0.8f}, both.semantic());
      }
    }
  }

  @Test
  void dimensionOfTheQuestionVectorMustMatch() {
    try (IndexBackend index = open(DIM)) {
      write(index, one("a.txt", "north", unit(1, 0, 0, 0)));
      try (IndexView view = index.acquire()) {
        assertThrows(DocqaException.class,
            () -> view.rank(new RankRequest(List.of(), new float[] {1, 0, 0}, 1, 1, null)));
      }
    }
  }

  @Test
  void documentPrefixFiltersBothRankings() {
    try (IndexBackend index = open(DIM)) {
      write(index, one("reports/q1.txt", "quarterly revenue grew", unit(1, 0, 0, 0)),
          one("reports/q2.txt", "quarterly revenue fell", unit(0.8, 0.6, 0, 0)),
          one("notes/n1.txt", "quarterly revenue notes", unit(1, 0, 0, 0)));
      try (IndexView view = index.acquire()) {
        Rankings rankings = view.rank(new RankRequest(terms("quarterly revenue"), unit(1, 0, 0, 0), 10, 10,
            "reports/"));
        assertEquals(Set.of("reports/q1.txt", "reports/q2.txt"), Set.copyOf(documentIds(view, rankings.lexical())));
        assertEquals(List.of("reports/q1.txt", "reports/q2.txt"), documentIds(view, rankings.semantic()));

        Rankings all = view.rank(new RankRequest(terms("quarterly revenue"), unit(1, 0, 0, 0), 10, 10, null));
        assertEquals(3, all.lexical().size());
        assertEquals(3, all.semantic().size());

        Rankings nothing = view.rank(new RankRequest(terms("quarterly"), unit(1, 0, 0, 0), 10, 10, "zzz/"));
        assertEquals(List.of(), nothing.lexical());
        assertEquals(List.of(), nothing.semantic());
      }
    }
  }

  @Test
  void rankedPassagesComeBackWhole() {
    try (IndexBackend index = open(DIM)) {
      List<Passage> passages = List.of(
          new Passage("paged.pdf", 0, "The first page talks about tea.", 0, 31, 1),
          new Passage("paged.pdf", 1, "The third page talks about coffee.", 31, 65, 3));
      DocumentPassages doc = new DocumentPassages("paged.pdf", "h-paged", "etag-paged", passages,
          List.of(unit(1, 0, 0, 0), unit(0, 1, 0, 0)), 3, "", INDEXED_AT);
      assertEquals(List.of(new ChangeOutcome("paged.pdf", ChangeOutcome.Status.INDEXED, 2, null)),
          index.write(List.of(doc), nulls(1), NOW));
      try (IndexView view = index.acquire()) {
        Rankings rankings = view.rank(new RankRequest(terms("coffee"), unit(1, 0, 0, 0), 2, 10, null));
        assertEquals(List.of(passages.get(1)), view.passages(rankings.lexical()));
        assertEquals(passages, view.passages(rankings.semantic()));
        List<RankedHit> reversed = new ArrayList<>(rankings.semantic());
        Collections.reverse(reversed);
        assertEquals(List.of(passages.get(1), passages.get(0)), view.passages(reversed), "in the order given");
      }
    }
  }

  // ---- Documents

  @Test
  void documentsAreLookedUpListedAndFoundByOrigin() {
    try (IndexBackend index = open(DIM)) {
      DocumentPassages b = doc("b.txt", "hb", "file:/tmp/b.txt", 3, "bee one", "bee two");
      DocumentPassages a = doc("a.txt", "ha", "", 0, "ay");
      DocumentPassages c = doc("c.txt", "hc", "upload:c.txt", 1, "sea");
      write(index, b, a, c);
      try (IndexView view = index.acquire()) {
        IndexedDocument expectedB = new IndexedDocument("b.txt", "hb", "etag-hb", 2, 3, "file:/tmp/b.txt", INDEXED_AT);
        assertEquals(Optional.of(expectedB), view.document("b.txt"));
        assertEquals(Optional.empty(), view.document("missing.txt"));
        assertEquals(List.of(new IndexedDocument("a.txt", "ha", "etag-ha", 1, 0, "", INDEXED_AT), expectedB,
                new IndexedDocument("c.txt", "hc", "etag-hc", 1, 1, "upload:c.txt", INDEXED_AT)),
            view.documents(), "every document, by id");
        assertEquals(Optional.of("b.txt"), view.otherDocumentFrom("file:/tmp/b.txt", "renamed.txt"));
        assertEquals(Optional.empty(), view.otherDocumentFrom("file:/tmp/b.txt", "b.txt"), "not itself");
        assertEquals(Optional.empty(), view.otherDocumentFrom("file:/tmp/nowhere.txt", "x.txt"));
        assertEquals(Optional.empty(), view.otherDocumentFrom("", "x.txt"), "an empty origin names no file");
        assertFalse(view.isEmpty());
      }
    }
  }

  @Test
  void exportGivesTheDocumentBackAsWrittenWithItsVectors() {
    try (IndexBackend index = open(DIM)) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < 1_203; i++) {
        texts.add("passage " + i + " of the long report"); // more passages than one export round trip carries
      }
      DocumentPassages written = doc("long.txt", "h-long", "file:/tmp/long.txt", 7, texts.toArray(String[]::new));
      write(index, written, doc("other.txt", "h-other", "", 0, "another"));
      try (IndexView view = index.acquire()) {
        DocumentPassages exported = view.export("long.txt").orElseThrow();
        assertEquals(written.passages(), exported.passages());
        assertEquals(List.of(written.contentHash(), written.sourceVersion(), written.pages(), written.origin(),
                written.indexedAt()),
            List.of(exported.contentHash(), exported.sourceVersion(), exported.pages(), exported.origin(),
                exported.indexedAt()));
        for (int i = 0; i < written.vectors().size(); i++) {
          assertArrayEquals(written.vectors().get(i), exported.vectors().get(i), 1e-6f, "vector " + i);
        }
        assertEquals(Optional.empty(), view.export("missing.txt"));
      }
      index.delete("long.txt", null, NOW);
      try (IndexView view = index.acquire()) {
        assertEquals(Optional.empty(), view.export("long.txt"), "a deleted document has nothing to export");
      }
    }
  }

  @Test
  void replacingADocumentRemovesItsOldPassages() {
    try (IndexBackend index = open(DIM)) {
      write(index, doc("r.txt", "h1", "", 0, "alpha one", "alpha two", "omega three"));
      assertEquals(List.of(new ChangeOutcome("r.txt", ChangeOutcome.Status.INDEXED, 2, null)),
          index.write(List.of(doc("r.txt", "h2", "", 0, "beta one", "beta two")), nulls(1), NOW));
      try (IndexView view = index.acquire()) {
        assertEquals("h2", view.document("r.txt").orElseThrow().contentHash());
        assertEquals(2, view.document("r.txt").orElseThrow().passages());
        assertEquals(List.of(), view.rank(new RankRequest(terms("omega alpha"), null, 10, 10, null)).lexical(),
            "no passage of the old version is searchable");
        List<Passage> all = allPassages(view, "r.txt");
        assertEquals(List.of("beta one", "beta two"), all.stream().map(Passage::text).sorted().toList());
        assertEquals(Set.of(0, 1), all.stream().map(Passage::ordinal).collect(java.util.stream.Collectors.toSet()));
      }
    }
  }

  @Test
  void sameContentHashIsUnchanged() {
    try (IndexBackend index = open(DIM)) {
      write(index, doc("u.txt", "h1", "", 0, "original text"));
      List<ChangeOutcome> again = index.write(List.of(doc("u.txt", "h1", "", 0, "other text", "more")), nulls(1), NOW);
      assertEquals(ChangeOutcome.Status.UNCHANGED, again.getFirst().status());
      assertNull(again.getFirst().newerSequencer());
      try (IndexView view = index.acquire()) {
        assertEquals(List.of("original text"), allPassages(view, "u.txt").stream().map(Passage::text).toList(),
            "nothing was written");
      }
    }
  }

  @Test
  void deletesRemoveDocumentsAndSayWhenTheyWereAbsent() {
    try (IndexBackend index = open(DIM)) {
      write(index, doc("a.txt", "ha", "", 0, "apples"), doc("b.txt", "hb", "", 0, "bananas"),
          doc("c.txt", "hc", "", 0, "cherries"));
      assertEquals(ChangeOutcome.Status.DELETED, index.delete("a.txt", null, NOW).status());
      assertEquals(ChangeOutcome.Status.ABSENT, index.delete("a.txt", null, NOW).status());
      assertEquals(ChangeOutcome.Status.ABSENT, index.delete("never.txt", null, NOW).status());
      try (IndexView view = index.acquire()) {
        assertEquals(Optional.empty(), view.document("a.txt"));
        assertEquals(List.of(), view.rank(new RankRequest(terms("apples"), null, 10, 10, null)).lexical());
        assertEquals(List.of("b.txt", "c.txt"), view.documents().stream().map(IndexedDocument::documentId).toList());
      }
      assertEquals(List.of("c.txt", "b.txt"), index.deleteAll(List.of("c.txt", "never.txt", "b.txt", "c.txt")),
          "the ids that were indexed, in the order given, once");
      try (IndexView view = index.acquire()) {
        assertTrue(view.isEmpty());
        assertEquals(List.of(), view.documents());
      }
    }
  }

  @Test
  void aChangeWithoutPassagesRemovesTheDocument() {
    try (IndexBackend index = open(DIM)) {
      write(index, doc("gone.txt", "h1", "", 0, "soon gone"), doc("kept.txt", "hk", "", 0, "kept"));
      ChangeOutcome outcome = index.write(List.of(doc("gone.txt", "h2", "", 0)), nulls(1), NOW).getFirst();
      assertTrue(outcome.status() != ChangeOutcome.Status.STALE && outcome.passages() == 0, outcome.toString());
      try (IndexView view = index.acquire()) {
        assertEquals(Optional.empty(), view.document("gone.txt"));
        assertEquals(List.of(), view.rank(new RankRequest(terms("soon"), null, 10, 10, null)).lexical());
      }
    }
  }

  // ---- Event order

  @Test
  void olderAndEqualSequencersAreStale() {
    try (IndexBackend index = open(DIM)) {
      assertEquals(ChangeOutcome.Status.INDEXED, writeOne(index, doc("s.txt", "h1", "", 0, "first"), "0A").status());
      assertEquals(ChangeOutcome.stale("s.txt", "0A"), writeOne(index, doc("s.txt", "h0", "", 0, "older"), "09"));
      assertEquals(ChangeOutcome.stale("s.txt", "0A"), writeOne(index, doc("s.txt", "h1b", "", 0, "same"), "0A"));
      assertEquals(ChangeOutcome.stale("s.txt", "0A"), writeOne(index, doc("s.txt", "h1c", "", 0, "pad"), "0a0"),
          "0a0 pads 0A to the same value");
      // A newer event with the same content changes nothing but is recorded: the older one after it stays stale.
      assertEquals(ChangeOutcome.Status.UNCHANGED, writeOne(index, doc("s.txt", "h1", "", 0, "first"), "0B").status());
      assertEquals(ChangeOutcome.stale("s.txt", "0B"), writeOne(index, doc("s.txt", "h2", "", 0, "late"), "0A1"));
      assertEquals(ChangeOutcome.Status.INDEXED,
          writeOne(index, doc("s.txt", "h3", "", 0, "newest"), "0B01").status(), "longer, and newer once padded");
      try (IndexView view = index.acquire()) {
        assertEquals("h3", view.document("s.txt").orElseThrow().contentHash());
        assertEquals(List.of("newest"), allPassages(view, "s.txt").stream().map(Passage::text).toList());
        assertEquals(Optional.of("0B01"), view.newerSequencer("s.txt", "0B"));
        assertEquals(Optional.of("0B01"), view.newerSequencer("s.txt", "0B01"));
        assertEquals(Optional.empty(), view.newerSequencer("s.txt", "0C"));
        assertEquals(Optional.empty(), view.newerSequencer("s.txt", null), "a change without one is applied");
        assertEquals(Optional.empty(), view.newerSequencer("unknown.txt", "01"));
      }
    }
  }

  @Test
  void tombstonesKeepOlderEventsStale() {
    try (IndexBackend index = open(DIM)) {
      assertEquals(ChangeOutcome.Status.INDEXED, writeOne(index, doc("t.txt", "h1", "", 0, "tea"), "10").status());
      assertEquals(ChangeOutcome.Status.DELETED, index.delete("t.txt", "20", NOW).status());
      assertEquals(ChangeOutcome.stale("t.txt", "20"), writeOne(index, doc("t.txt", "h1", "", 0, "tea"), "15"),
          "the re-delivered create is older than the delete");
      assertEquals(ChangeOutcome.stale("t.txt", "20"), index.delete("t.txt", "18", NOW));

      // A delete of a document never seen still records its order.
      assertEquals(ChangeOutcome.Status.ABSENT, index.delete("u.txt", "30", NOW).status());
      assertEquals(ChangeOutcome.stale("u.txt", "30"), writeOne(index, doc("u.txt", "hu", "", 0, "umbrella"), "25"));
      try (IndexView view = index.acquire()) {
        assertEquals(Optional.empty(), view.document("t.txt"));
        assertEquals(Optional.empty(), view.document("u.txt"));
        assertEquals(Optional.of("30"), view.newerSequencer("u.txt", "25"));
        assertTrue(view.isEmpty());
      }
      assertEquals(ChangeOutcome.Status.INDEXED, writeOne(index, doc("u.txt", "hu", "", 0, "umbrella"), "31").status());
      try (IndexView view = index.acquire()) {
        assertEquals("hu", view.document("u.txt").orElseThrow().contentHash());
      }
    }
  }

  @Test
  void aTombstoneIsKeptWhenItIsTheIndexFirstChange() {
    // Writers race from the start: one can handle a delete before any document was ever committed, while another still
    // holds the older version it downloaded.
    try (IndexBackend deleter = open(DIM); IndexBackend slowWriter = openAnother(deleter)) {
      assertEquals(ChangeOutcome.Status.ABSENT, deleter.delete("first.txt", "40", NOW).status());
      assertEquals(ChangeOutcome.stale("first.txt", "40"),
          writeOne(slowWriter, doc("first.txt", "hf", "", 0, "figs"), "3F"));
      try (IndexBackend reader = openAnother(deleter); IndexView view = reader.acquire()) {
        assertEquals(Optional.empty(), view.document("first.txt"));
        assertEquals(Optional.of("40"), view.newerSequencer("first.txt", "3F"));
      }
    }
  }

  @Test
  void changesWithoutSequencerAreAppliedAndKeepTheOrder() {
    try (IndexBackend index = open(DIM)) {
      writeOne(index, doc("n.txt", "h1", "", 0, "one"), "50");
      assertEquals(ChangeOutcome.Status.INDEXED, writeOne(index, doc("n.txt", "h2", "", 0, "two"), null).status());
      assertEquals(ChangeOutcome.stale("n.txt", "50"), writeOne(index, doc("n.txt", "h3", "", 0, "three"), "40"));
      assertEquals(ChangeOutcome.Status.DELETED, index.delete("n.txt", null, NOW).status());
      assertEquals(ChangeOutcome.stale("n.txt", "50"), writeOne(index, doc("n.txt", "h4", "", 0, "four"), "45"),
          "the delete without a sequencer kept the recorded one");
      try (IndexView view = index.acquire()) {
        assertEquals(Optional.empty(), view.document("n.txt"));
      }
    }
  }

  @Test
  void shuffledDuplicatedEventsConvergeToTheNewest() {
    Random random = new Random(SEED);
    Map<String, Event> newest = new TreeMap<>();
    List<Event> events = events(20, 4, random, newest);
    assertTrue(outOfOrderDocuments(events) >= 5, "the shuffle must deliver older events last for some documents");
    try (IndexBackend index = open(DIM)) {
      apply(index, events, random);
      assertConverged(index, newest);
    }
  }

  @Test
  void concurrentWritersInSeparateInstancesConvergeToTheNewest() throws Exception {
    // Few documents, many versions, each delivery handled by one writer only: a lost update is not repaired by a
    // later delivery of the same event. (Races are likely, not certain: backends test their conflict path directly.)
    for (int round = 0; round < 1; round++) {
      Random random = new Random(SEED + 10 * round);
      Map<String, Event> newest = new TreeMap<>();
      List<Event> events = events(4, 10, random, newest);
      int writers = 4;
      List<List<Event>> shares = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        shares.add(new ArrayList<>());
      }
      for (int e = 0; e < events.size(); e++) {
        shares.get(e % writers).add(events.get(e));
      }
      try (IndexBackend first = open(DIM)) {
        List<IndexBackend> backends = new ArrayList<>();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory named = r -> new Thread(r, "contract-writer-" + threads.incrementAndGet());
        ExecutorService pool = Executors.newFixedThreadPool(writers, named);
        try {
          List<Future<?>> done = new ArrayList<>();
          for (int w = 0; w < writers; w++) {
            IndexBackend backend = openAnother(first);
            backends.add(backend);
            List<Event> share = shares.get(w);
            Random batches = new Random(SEED + 100 + w);
            done.add(pool.submit(() -> apply(backend, share, batches)));
          }
          for (Future<?> writer : done) {
            writer.get(10, TimeUnit.MINUTES);
          }
        } finally {
          pool.shutdownNow();
          for (IndexBackend backend : backends) {
            backend.close();
          }
        }
        try (IndexBackend reader = openAnother(first)) {
          assertConverged(reader, newest);
        }
      }
    }
  }

  // ---- Validation and the empty index

  @Test
  void invalidBatchesWriteNothing() {
    try (IndexBackend index = open(DIM)) {
      DocumentPassages valid = doc("valid.txt", "hv", "", 0, "valid text");
      DocumentPassages wrongDimension = new DocumentPassages("dim.txt", "hd", "etag", List.of(
          Passage.ofText("dim.txt", "three dimensions")), List.of(unit(1, 0, 0)), 0, "", INDEXED_AT);
      DocumentPassages notUnit = new DocumentPassages("norm.txt", "hn", "etag", List.of(
          Passage.ofText("norm.txt", "too long")), List.of(new float[] {1, 1, 0, 0}), 0, "", INDEXED_AT);
      assertThrows(IllegalArgumentException.class, () -> index.write(List.of(valid, wrongDimension), nulls(2), NOW));
      assertThrows(IllegalArgumentException.class, () -> index.write(List.of(valid, notUnit), nulls(2), NOW));
      assertThrows(IllegalArgumentException.class,
          () -> index.write(List.of(valid, doc("valid.txt", "hv2", "", 0, "twice")), nulls(2), NOW));
      try (IndexView view = index.acquire()) {
        assertEquals(Optional.empty(), view.document("valid.txt"), "no change of an invalid batch is written");
        assertTrue(view.isEmpty());
      }
    }
  }

  @Test
  void anEmptyIndexHasNothingToRank() {
    try (IndexBackend index = open(DIM); IndexView view = index.acquire()) {
      assertTrue(view.isEmpty());
      assertEquals(List.of(), view.documents());
      assertEquals(Optional.empty(), view.document("a.txt"));
      assertThrows(EmptyIndexException.class,
          () -> view.rank(new RankRequest(terms("anything"), null, 5, 5, null)));
      assertThrows(EmptyIndexException.class,
          () -> view.rank(new RankRequest(List.of(), unit(1, 0, 0, 0), 5, 5, null)));
    }
  }

  // ---- Helpers for subclasses and tests

  /** A unit vector along {@code components}. */
  protected static float[] unit(double... components) {
    double norm = Math.sqrt(Arrays.stream(components).map(c -> c * c).sum());
    float[] vector = new float[components.length];
    for (int i = 0; i < components.length; i++) {
      vector[i] = (float) (components[i] / norm);
    }
    return vector;
  }

  /** The distinct analysed terms of {@code text}, as the core asks for them. */
  protected static List<String> terms(String text) {
    Set<String> terms = new LinkedHashSet<>();
    try (Analyzer analyzer = PassageSchema.newAnalyzer();
        TokenStream stream = analyzer.tokenStream(PassageSchema.TEXT, text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        terms.add(term.toString());
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(terms);
  }

  /** A document of one passage with {@code vector}. */
  protected static DocumentPassages one(String id, String text, float[] vector) {
    return new DocumentPassages(id, "h-" + id, "etag-" + id, List.of(Passage.ofText(id, text)), List.of(vector), 0,
        "", INDEXED_AT);
  }

  /** A document of consecutive passages with vectors drawn from its hash. */
  protected static DocumentPassages doc(String id, String hash, String origin, int pages, String... texts) {
    Random random = new Random(hash.hashCode());
    List<Passage> passages = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    int offset = 0;
    for (int i = 0; i < texts.length; i++) {
      int length = texts[i].codePointCount(0, texts[i].length());
      passages.add(new Passage(id, i, texts[i], offset, offset + length, null));
      offset += length + 1;
      vectors.add(unit(random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), random.nextGaussian()));
    }
    return new DocumentPassages(id, hash, "etag-" + hash, passages, vectors, pages, origin, INDEXED_AT);
  }

  private static void write(IndexBackend index, DocumentPassages... documents) {
    List<ChangeOutcome> outcomes = index.write(List.of(documents), nulls(documents.length), NOW);
    for (ChangeOutcome outcome : outcomes) {
      assertEquals(ChangeOutcome.Status.INDEXED, outcome.status(), outcome.toString());
    }
  }

  private static ChangeOutcome writeOne(IndexBackend index, DocumentPassages document, String sequencer) {
    return index.write(List.of(document), Collections.singletonList(sequencer), NOW).getFirst();
  }

  private static List<String> nulls(int n) {
    return Collections.nCopies(n, null);
  }

  private static List<String> documentIds(IndexView view, List<RankedHit> hits) {
    return view.passages(hits).stream().map(Passage::documentId).toList();
  }

  /** Every passage of the document, through a semantic ranking deep enough for all. */
  private static List<Passage> allPassages(IndexView view, String documentId) {
    if (view.isEmpty()) {
      return List.of();
    }
    Rankings rankings = view.rank(new RankRequest(List.of(), unit(1, 1, 1, 1), 100, 100, documentId));
    return view.passages(rankings.semantic()).stream().filter(p -> p.documentId().equals(documentId)).toList();
  }

  private static void assertDecreasing(List<RankedHit> hits) {
    for (int i = 1; i < hits.size(); i++) {
      assertTrue(hits.get(i - 1).score() > hits.get(i).score(), "scores decrease strictly: " + hits);
    }
  }

  private static void assertScores(float[] expected, List<RankedHit> hits) {
    assertEquals(expected.length, hits.size(), hits.toString());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], hits.get(i).score(), COSINE_TOLERANCE, "cosine of hit " + i + ": " + hits);
    }
  }

  // ---- Event streams

  /** One S3 event: a new version of a document, or its removal ({@code document == null}). */
  private record Event(String documentId, String sequencer, int version, DocumentPassages document) {}

  /**
   * {@code versions} events for each of {@code documents} documents, sequencers growing with the version (hex of
   * varying length), some of them removals; each delivered once or twice, all shuffled. {@code newest} receives the
   * newest event of each document.
   */
  private static List<Event> events(int documents, int versions, Random random, Map<String, Event> newest) {
    List<Event> events = new ArrayList<>();
    for (int d = 0; d < documents; d++) {
      String id = String.format("doc-%02d.txt", d);
      for (int v = 0; v < versions; v++) {
        // 16 + 16 * v in hex, sometimes with trailing zeros that do not change its value.
        String sequencer = Integer.toHexString(0x10 + 0x10 * v).toUpperCase() + (random.nextBoolean() ? "00" : "");
        Event event;
        if (v > 0 && (d + v) % 3 == 2) {
          event = new Event(id, sequencer, v, null);
        } else {
          int passages = 1 + (d + v) % 3;
          String[] texts = new String[passages];
          for (int p = 0; p < passages; p++) {
            texts[p] = "document " + d + " version" + v + " passage " + p;
          }
          event = new Event(id, sequencer, v, doc(id, id + "@v" + v, "", 0, texts));
        }
        events.add(event);
        if (random.nextBoolean()) {
          events.add(event);
        }
        newest.put(id, event);
      }
    }
    Collections.shuffle(events, random);
    return events;
  }

  /** Documents whose newest event is not delivered last. */
  private static int outOfOrderDocuments(List<Event> events) {
    Map<String, Integer> lastVersion = new HashMap<>();
    Map<String, Integer> maxVersion = new HashMap<>();
    for (Event event : events) {
      lastVersion.put(event.documentId(), event.version());
      maxVersion.merge(event.documentId(), event.version(), Math::max);
    }
    return (int) lastVersion.entrySet().stream()
        .filter(e -> !e.getValue().equals(maxVersion.get(e.getKey()))).count();
  }

  /** Applies the events in order: writes in batches of up to four (no document twice), deletes one by one. */
  private static void apply(IndexBackend index, List<Event> events, Random random) {
    int next = 0;
    while (next < events.size()) {
      Event event = events.get(next);
      if (event.document() == null) {
        index.delete(event.documentId(), event.sequencer(), NOW);
        next++;
        continue;
      }
      int size = 1 + random.nextInt(4);
      List<DocumentPassages> batch = new ArrayList<>();
      List<String> sequencers = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      while (next < events.size() && batch.size() < size && events.get(next).document() != null
          && ids.add(events.get(next).documentId())) {
        batch.add(events.get(next).document());
        sequencers.add(events.get(next).sequencer());
        next++;
      }
      index.write(batch, sequencers, NOW);
    }
  }

  /** Each document holds its newest version, passages of no other version remain, removed ones are gone. */
  private static void assertConverged(IndexBackend index, Map<String, Event> newest) {
    try (IndexView view = index.acquire()) {
      int expectedPassages = 0;
      for (Event event : newest.values()) {
        String id = event.documentId();
        Optional<IndexedDocument> document = view.document(id);
        List<Passage> passages = allPassages(view, id);
        if (event.document() == null) {
          assertEquals(Optional.empty(), document, id + " was removed by its newest event");
          assertEquals(List.of(), passages, id + " has no passages left");
          assertEquals(Optional.of(event.sequencer()), view.newerSequencer(id, event.sequencer()));
          continue;
        }
        DocumentPassages expected = event.document();
        assertEquals(expected.contentHash(), document.map(IndexedDocument::contentHash).orElse(null),
            id + " holds its newest version");
        List<Passage> sorted = passages.stream()
            .sorted(java.util.Comparator.comparingInt(Passage::ordinal)).toList();
        assertEquals(expected.passages(), sorted, id + ": the passages of its newest version and of no other");
        assertEquals(Optional.of(event.sequencer()), view.newerSequencer(id, event.sequencer()));
        expectedPassages += expected.passages().size();
      }
      if (expectedPassages > 0) {
        Rankings all = view.rank(new RankRequest(List.of(), unit(1, 1, 1, 1), 500, 500, null));
        assertEquals(expectedPassages, all.semantic().size(), "no stray passages anywhere in the index");
      }
    }
  }
}
