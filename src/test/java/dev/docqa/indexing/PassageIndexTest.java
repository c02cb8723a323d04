package dev.docqa.indexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.DocqaException;
import dev.docqa.document.Passage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Lucene on a temporary directory; vectors are seeded random unit vectors (the embedder is not under test). */
class PassageIndexTest {

  /** When every test document was indexed, as stored and listed. */
  private static final java.time.Instant INDEXED_AT = java.time.Instant.parse("2026-01-02T03:04:05Z");

  private static final int DIM = 8;
  private static final long SEED = 20261122L;

  @TempDir
  Path dir;

  private final Random random = new Random(SEED);
  private PassageIndex index;

  @BeforeEach
  void open() {
    index = PassageIndex.open(dir, DIM, VectorFormat.FLOAT32);
  }

  @AfterEach
  void close() {
    index.close();
  }

  @Test
  void newIndexHasAFirstCommitThatReadersCanOpen() throws Exception {
    try (Directory directory = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(directory)) {
      assertEquals(0, reader.numDocs());
    }
  }

  @Test
  void replaceSwapsAllPassagesAndSameHashIsANoOp() {
    assertEquals(DocumentChange.Status.INDEXED, index.replace(doc("a.txt", "h1", "one", "two", "three")).status());
    assertEquals(3, index.passageCount());
    long generation = generation();

    DocumentChange same = index.replace(doc("a.txt", "h1", "one", "two", "three"));
    assertEquals(new DocumentChange("a.txt", DocumentChange.Status.UNCHANGED, 3), same);
    assertEquals(generation, generation(), "no commit for unchanged content");

    assertEquals(DocumentChange.Status.INDEXED, index.replace(doc("a.txt", "h2", "uno", "omega")).status());
    assertEquals(2, index.passageCount());
    assertEquals(0, hits("three"), "old passages are gone");
    assertEquals(1, hits("omega"));
    assertEquals(new IndexedDocument("a.txt", "h2", "etag-h2", 2, 0, "", INDEXED_AT),
        index.indexedDocument("a.txt").orElseThrow());
  }

  /** Lucene counts hits exactly only up to 1,000 by default; a document's passage count must be exact past that. */
  @Test
  void passageCountsAreExactPastAThousand() {
    String[] texts = new String[2500];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = "passage " + i;
    }
    assertEquals(new DocumentChange("big.txt", DocumentChange.Status.INDEXED, 2500),
        index.replace(doc("big.txt", "h1", texts)));
    assertEquals(2500, index.indexedDocument("big.txt").orElseThrow().passages());
    assertEquals(new DocumentChange("big.txt", DocumentChange.Status.UNCHANGED, 2500),
        index.replace(doc("big.txt", "h1", texts)));
  }

  @Test
  void deleteRemovesEveryPassageOnce() {
    index.replace(doc("a.txt", "h1", "one", "two"));
    index.replace(doc("b.txt", "h1", "three"));
    assertTrue(index.delete("a.txt"));
    assertEquals(1, index.passageCount());
    assertTrue(index.indexedDocument("a.txt").isEmpty());
    assertFalse(index.delete("a.txt"));
    assertFalse(index.delete("never-indexed"));
  }

  @Test
  void bulkReplaceCommitsOnceAndTheLastVersionOfADocumentWins() {
    long before = generation();
    List<DocumentChange> changes = index.replaceAll(List.of(
        doc("a", "h1", "first version"), doc("b", "h1", "bee"), doc("a", "h2", "second", "version")));
    assertEquals(List.of(DocumentChange.Status.INDEXED, DocumentChange.Status.INDEXED, DocumentChange.Status.INDEXED),
        changes.stream().map(DocumentChange::status).toList());
    assertEquals(before + 1, generation());
    assertEquals(3, index.passageCount());
    assertEquals("h2", index.indexedDocument("a").orElseThrow().contentHash());
  }

  @Test
  void invalidVectorsAreRejectedBeforeAnythingIsWritten() {
    index.replace(doc("a", "h1", "kept"));
    DocumentPassages good = doc("b", "h1", "fine");
    DocumentPassages notUnit = new DocumentPassages("c", "h1", "v", List.of(passage("c", 0, "x")),
        List.of(new float[DIM]));
    DocumentPassages wrongDim = new DocumentPassages("d", "h1", "v", List.of(passage("d", 0, "x")),
        List.of(unit(DIM + 1)));
    IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
        () -> index.replaceAll(List.of(good, notUnit)));
    assertTrue(e1.getMessage().contains("documentId=c"), e1.getMessage());
    IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> index.replace(wrongDim));
    assertTrue(e2.getMessage().contains("dimension=9"), e2.getMessage());
    index.compact(); // commits whatever the rejected batch might have left in the writer
    assertEquals(1, index.passageCount(), "the good document of the rejected batch was not written either");
  }

  @Test
  void aDocumentIdTooLongForALuceneTermIsRejectedBeforeWriting() {
    DocumentPassages tooLong = doc("x".repeat(IndexWriter.MAX_TERM_LENGTH + 1), "h1", "text");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> index.replace(tooLong));
    assertTrue(e.getMessage().contains("at most " + IndexWriter.MAX_TERM_LENGTH + " UTF-8 bytes"), e.getMessage());
    assertEquals(0, index.passageCount());
  }

  @Test
  void passagesRoundTripWithUnicodeAndPages() {
    String text = "Zürich — 東京 🙂 naïve café: \"quotes\" & <tags>";
    Passage p = new Passage("docs/ünï-🙂.pdf", 0, text, 3, 3 + text.codePointCount(0, text.length()), 7);
    index.replace(new DocumentPassages(p.documentId(), "h", "etag", List.of(p), List.of(unit(DIM))));
    Passage read = index.search(s -> PassageSchema.readPassage(s.storedFields(),
        s.search(new TermQuery(new Term(PassageSchema.DOC_ID, p.documentId())), 1).scoreDocs[0].doc));
    assertEquals(p, read);
  }

  @Test
  void compactLeavesOneSegmentWithTheSamePassages() {
    for (int d = 0; d < 5; d++) {
      index.replace(doc("doc" + d, "h", "alpha " + d, "beta " + d));
    }
    index.delete("doc0");
    assertTrue(index.search(s -> s.getIndexReader().leaves().size()) > 1);
    index.compact();
    assertEquals(1, (int) index.search(s -> s.getIndexReader().leaves().size()));
    assertEquals(8, index.passageCount());
    assertEquals(0, hits("0"));
  }

  @Test
  void reopenKeepsDataAndRejectsAnotherDimension() {
    index.replace(doc("a", "h1", "persisted"));
    index.close();
    DocqaException e = assertThrows(DocqaException.class, () -> PassageIndex.open(dir, DIM * 2, VectorFormat.FLOAT32));
    assertTrue(e.getMessage().contains("index dimension=8"), e.getMessage());
    index = PassageIndex.open(dir, DIM, VectorFormat.FLOAT32);
    assertEquals(1, index.passageCount());
  }

  @Test
  void queriesDuringCommitsNeverSeeDuplicatesOrHalfDocuments() throws Exception {
    int docs = 20;
    int passagesPerDoc = 3;
    for (int d = 0; d < docs; d++) {
      index.replace(doc("doc" + d, "v0", "alpha", "beta", "gamma"));
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Integer>> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int thread = t;
        readers.add(pool.submit(() -> {
          int checks = 0;
          while (writing.get() || checks == 0) {
            int d = (checks + thread) % docs;
            int[] seen = index.search(s -> new int[] {
                s.getIndexReader().numDocs(),
                s.count(new TermQuery(new Term(PassageSchema.DOC_ID, "doc" + d)))});
            assertEquals(docs * passagesPerDoc, seen[0]);
            assertEquals(passagesPerDoc, seen[1]);
            checks++;
          }
          return checks;
        }));
      }
      for (int round = 1; round <= 15; round++) {
        index.replace(doc("doc" + (round % docs), "v" + round, "delta" + round, "epsilon", "zeta"));
      }
      writing.set(false);
      for (Future<Integer> reader : readers) {
        assertTrue(reader.get() > 0);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private long generation() {
    try (Directory directory = FSDirectory.open(dir)) {
      return SegmentInfos.getLastCommitGeneration(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int hits(String word) {
    return index.search(s -> s.count(new TermQuery(new Term(PassageSchema.TEXT, word))));
  }

  private DocumentPassages doc(String id, String hash, String... texts) {
    List<Passage> passages = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    int offset = 0;
    for (int i = 0; i < texts.length; i++) {
      passages.add(new Passage(id, i, texts[i], offset, offset + texts[i].length(), null));
      offset += texts[i].length() + 1;
      vectors.add(unit(DIM));
    }
    return new DocumentPassages(id, hash, "etag-" + hash, passages, vectors, 0, "", INDEXED_AT);
  }

  private static Passage passage(String id, int ordinal, String text) {
    return new Passage(id, ordinal, text, 0, text.length(), null);
  }

  private float[] unit(int dim) {
    float[] v = new float[dim];
    double norm = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < dim; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }
}
