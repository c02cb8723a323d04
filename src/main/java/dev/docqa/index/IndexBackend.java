package dev.docqa.index;

import dev.docqa.indexing.DocumentPassages;
import java.time.Instant;
import java.util.List;

/**
 * A passage index the core reads and writes: the embedded Lucene index published to an object store, or an OpenSearch
 * index. Implementations are thread-safe and pass the same contract tests.
 *
 * <p>Writes replace whole documents. A change that carries an S3 event sequencer is applied only when it is newer than
 * the sequencer the index holds for its document (a delete leaves a tombstone for that comparison), whoever writes last
 * and however many writers run; a change without one is always applied. A writer's own changes are visible to the views
 * it acquires after the write returns.
 */
public interface IndexBackend extends ViewSource, AutoCloseable {

  /** A view of the index as it is now, for one request; close it when done. */
  @Override
  IndexView acquire();

  /**
   * Replaces each document's passages with the change's (none: the document is removed), in one update where the
   * engine has them. Every change is validated before any is written.
   *
   * @param sequencers one per change, {@code null} where the change has none
   * @return one outcome per change, in order: {@code INDEXED}, {@code UNCHANGED} (same content hash and origin as
   *     indexed) or {@code STALE}
   * @throws IllegalArgumentException when two changes share a document id, or a vector has the wrong dimension or is not
   *     unit length (nothing is written)
   * @throws dev.docqa.DocqaException when the index cannot be written; no change is then half-applied, and the batch
   *     can be retried
   */
  List<ChangeOutcome> write(List<DocumentPassages> changes, List<String> sequencers, Instant now);

  /**
   * Removes the document, unless {@code sequencer} is not newer than the one the index holds for it; with a sequencer
   * a tombstone is recorded even when the document is absent, so an older event cannot bring it back.
   *
   * @return {@code DELETED}, {@code ABSENT} or {@code STALE}
   */
  ChangeOutcome delete(String documentId, String sequencer, Instant now);

  /** Removes the documents in one update; returns the ids that were indexed, in the order given. */
  List<String> deleteAll(List<String> documentIds);

  @Override
  void close();
}
