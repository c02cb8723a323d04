package dev.docqa.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.docqa.config.StorageSettings;
import dev.docqa.document.Passage;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.replication.EmbeddedIndex;
import dev.docqa.storage.LocalObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReindexerTest {

  @TempDir
  Path dir;

  private EmbeddedIndex open(String name) {
    StorageSettings storage = new StorageSettings(dir.resolve(name + "/store").toString(),
        dir.resolve(name + "/cache"), Duration.ZERO);
    return EmbeddedIndex.openParts(new LocalObjectStore(dir.resolve(name + "/store")), storage).withDimension(4);
  }

  /** A document of {@code n} passages whose vectors differ per passage (axis {@code ordinal % 4}, signed by doc). */
  static DocumentPassages document(String id, int n, String origin) {
    List<Passage> passages = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    int offset = 0;
    for (int i = 0; i < n; i++) {
      String text = "Passage " + i + " of " + id + " mentions lighthouse keepers and tides.";
      passages.add(new Passage(id, i, text, offset, offset + text.length(), i % 2 == 0 ? null : i));
      offset += text.length() + 1;
      float[] v = new float[4];
      v[i % 4] = id.hashCode() % 2 == 0 ? 1f : -1f;
      vectors.add(v);
    }
    return new DocumentPassages(id, "hash-" + id, "v1", passages, vectors, n, origin,
        Instant.parse("2026-11-30T10:15:30Z"));
  }

  @Test
  void copiesPassagesVectorsAndMetadataAndACopyAgainWritesNothing() {
    try (EmbeddedIndex from = open("a"); EmbeddedIndex to = open("b")) {
      List<DocumentPassages> documents = new ArrayList<>();
      for (int d = 0; d < 30; d++) {
        documents.add(document("docs/" + d + ".txt", 1 + d * 7 % 150, d % 3 == 0 ? "file:/data/" + d + ".txt" : ""));
      }
      List<String> none = new ArrayList<>();
      documents.forEach(x -> none.add(null));
      from.write(documents, none, Instant.now());

      List<Integer> progress = new ArrayList<>();
      Reindexer.Report report = Reindexer.copy(from, to, (done, total) -> progress.add(done));

      long passages = documents.stream().mapToLong(x -> x.passages().size()).sum();
      assertEquals(new Reindexer.Report(30, 30, 0, passages), report);
      assertEquals(30, progress.getLast());
      try (IndexView source = from.acquire(); IndexView copy = to.acquire()) {
        assertEquals(source.documents(), copy.documents());
        for (DocumentPassages original : documents) {
          DocumentPassages copied = copy.export(original.documentId()).orElseThrow();
          assertEquals(original.passages(), copied.passages());
          assertEquals(original.origin(), copied.origin());
          assertEquals(original.indexedAt(), copied.indexedAt());
          for (int i = 0; i < original.vectors().size(); i++) {
            assertArrayEquals(original.vectors().get(i), copied.vectors().get(i));
          }
        }
      }
      assertEquals(new Reindexer.Report(30, 0, 30, 0), Reindexer.copy(from, to, Reindexer.Listener.NONE));
    }
  }
}
