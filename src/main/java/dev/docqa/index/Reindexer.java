package dev.docqa.index;

import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.IndexedDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Copies every document of one index into another, passages and vectors as they are (no extraction, no embedding):
 * how a corpus moves between the embedded index and OpenSearch, whose Lucene versions cannot read each other's
 * segments. Documents keep their content hash, source version, origin and indexing time, so copying again writes
 * nothing; event order is not copied (the target orders later events among themselves).
 */
public final class Reindexer {

  /** Passages sent to the target in one write, so memory stays bounded whatever the corpus. */
  public static final int WRITE_PASSAGES = 2_000;

  /** What a copy did. */
  public record Report(int documents, int indexed, int unchanged, long passages) {}

  /** Told after each write to the target. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (done, total) -> {};

    void copied(int documents, int total);
  }

  private Reindexer() {}

  /**
   * Copies what {@code from} holds now into {@code to}. Documents deleted from {@code from} meanwhile are skipped.
   *
   * @throws dev.docqa.DocqaException when either index fails; what was written stays written, and copying again
   *     resumes (unchanged documents are no-ops)
   */
  public static Report copy(ViewSource from, IndexBackend to, Listener listener) {
    int indexed = 0;
    int unchanged = 0;
    long passages = 0;
    try (IndexView view = from.acquire()) {
      List<IndexedDocument> documents = view.documents();
      List<DocumentPassages> batch = new ArrayList<>();
      int batchPassages = 0;
      int done = 0;
      for (int i = 0; i < documents.size(); i++) {
        Optional<DocumentPassages> document = view.export(documents.get(i).documentId());
        if (document.isPresent()) {
          batch.add(document.get());
          batchPassages += document.get().passages().size();
        }
        done++;
        if (batchPassages >= WRITE_PASSAGES || (i == documents.size() - 1 && !batch.isEmpty())) {
          for (ChangeOutcome outcome : to.write(batch, Collections.nCopies(batch.size(), null), Instant.now())) {
            if (outcome.status() == ChangeOutcome.Status.INDEXED) {
              indexed++;
              passages += outcome.passages();
            } else {
              unchanged++;
            }
          }
          batch.clear();
          batchPassages = 0;
          listener.copied(done, documents.size());
        }
      }
      return new Report(documents.size(), indexed, unchanged, passages);
    }
  }
}
