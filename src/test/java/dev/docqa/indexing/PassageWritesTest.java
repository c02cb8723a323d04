package dev.docqa.indexing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When re-ingesting a document writes nothing ({@link PassageWrites#isCurrent}), the rule both write paths share. */
class PassageWritesTest {

  private static final Instant INDEXED = Instant.parse("2026-12-02T08:00:00Z");
  private static final String FILE = "file:///docs/a.txt";

  private static Optional<IndexedDocument> indexed(String hash, String origin, Instant indexedAt) {
    return Optional.of(new IndexedDocument("a.txt", hash, "v1", 3, 0, origin, indexedAt));
  }

  @Test
  void theSameTextIsCurrentWhateverTheOriginOnceOriginsAreRecorded() {
    assertTrue(PassageWrites.isCurrent(indexed("h", FILE, INDEXED), "h", FILE));
    assertTrue(PassageWrites.isCurrent(indexed("h", "", INDEXED), "h", ""));
    // Writers with and without origins (the ingest function, the command line) never undo each other.
    assertTrue(PassageWrites.isCurrent(indexed("h", "", INDEXED), "h", FILE));
    assertTrue(PassageWrites.isCurrent(indexed("h", FILE, INDEXED), "h", ""));
    assertTrue(PassageWrites.isCurrent(indexed("h", FILE, INDEXED), "h", "file:///elsewhere/a.txt"));
  }

  @Test
  void otherTextOrNothingIndexedIsNotCurrent() {
    assertFalse(PassageWrites.isCurrent(indexed("h", FILE, INDEXED), "h2", FILE));
    assertFalse(PassageWrites.isCurrent(Optional.empty(), "h", FILE));
  }

  @Test
  void aDocumentWrittenBeforeOriginsWereRecordedIsWrittenAgainToRecordOne() {
    Optional<IndexedDocument> legacy = Optional.of(new IndexedDocument("a.txt", "h", "v1", 3));
    assertFalse(PassageWrites.isCurrent(legacy, "h", FILE));
    assertTrue(PassageWrites.isCurrent(legacy, "h", ""), "nothing to record without an origin");
  }
}
