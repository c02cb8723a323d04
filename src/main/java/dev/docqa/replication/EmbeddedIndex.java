package dev.docqa.replication;

import dev.docqa.config.StorageSettings;
import dev.docqa.index.ChangeOutcome;
import dev.docqa.index.IndexBackend;
import dev.docqa.index.IndexView;
import dev.docqa.indexing.AppliedSequencers;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.LuceneView;
import dev.docqa.indexing.PassageWrites;
import dev.docqa.indexing.VectorFormat;
import dev.docqa.storage.ObjectStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.lucene.index.IndexWriter;

/**
 * The embedded backend: a Lucene index published to an {@link ObjectStore} (S3 or a local folder) by an
 * {@link IndexPublisher} and read through this process's {@link IndexReplica}. Event order lives in the commit
 * ({@link AppliedSequencers}): each change compares its sequencer inside the publisher's update, which runs again on the
 * newest commit after a lost race, so of two writers the one with the older event changes nothing, whoever commits
 * last.
 *
 * <p>Thread-safe; writes through one instance run one at a time (the publisher's), concurrent writers in other
 * processes are reconciled through the store. Views read the replica's published commit and name its generation.
 */
public final class EmbeddedIndex implements IndexBackend {

  private static final System.Logger LOG = System.getLogger(EmbeddedIndex.class.getName());

  private final IndexPublisher publisher;
  private final IndexReplica replica;
  private final int dimension;

  /**
   * @param dimension the embedder's vector length, which every written vector must have
   */
  public EmbeddedIndex(IndexPublisher publisher, IndexReplica replica, int dimension) {
    this.publisher = publisher;
    this.replica = replica;
    this.dimension = dimension;
  }

  /**
   * The writing and reading side of the index {@code settings} configure in {@code store}, with the replica synced to
   * the newest published commit; close the pair if {@link #EmbeddedIndex} is never made of it.
   */
  public static Parts openParts(ObjectStore store, StorageSettings settings) {
    IndexPublisher publisher =
        IndexPublisher.open(store, settings, () -> PassageWrites.writerConfig(VectorFormat.FLOAT32));
    IndexReplica replica = null;
    boolean success = false;
    try {
      replica = IndexReplica.open(store, settings);
      replica.acquire().close(); // sync the newest published index now, not on the first question
      success = true;
      return new Parts(publisher, replica);
    } finally {
      if (!success) {
        closeQuietly(publisher, replica);
      }
    }
  }

  /** The two halves of an embedded index, opened before the vector dimension is known (in parallel with the models). */
  public record Parts(IndexPublisher publisher, IndexReplica replica) implements AutoCloseable {

    public EmbeddedIndex withDimension(int dimension) {
      return new EmbeddedIndex(publisher, replica, dimension);
    }

    /** Closes both after a failed open, adding nothing to the failure under way. */
    @Override
    public void close() {
      closeQuietly(publisher, replica);
    }
  }

  /** The vector length written vectors must have. */
  public int dimension() {
    return dimension;
  }

  @Override
  public IndexView acquire() {
    IndexSnapshot snapshot = replica.acquire();
    return new LuceneView(snapshot.searcher(), snapshot.generation(), snapshot::close);
  }

  @Override
  public List<ChangeOutcome> write(List<DocumentPassages> changes, List<String> sequencers, Instant now) {
    if (changes.size() != sequencers.size()) {
      throw new IllegalArgumentException("need one sequencer (or null) per change; changes=" + changes.size()
          + ", sequencers=" + sequencers.size());
    }
    if (changes.isEmpty()) {
      return List.of();
    }
    List<ChangeOutcome> outcomes = publisher.update(writer -> writeInOrder(writer, changes, sequencers, now)).value();
    refreshAfterCommit();
    return outcomes;
  }

  /**
   * The index change of {@link #write}: compares each change's sequencer with the one in the commit being changed (the
   * newest, again after a lost publish race), writes the changes that are newer or unordered, and records their
   * sequencers in the same commit.
   */
  private List<ChangeOutcome> writeInOrder(IndexWriter writer, List<DocumentPassages> changes, List<String> sequencers,
      Instant now) throws IOException {
    AppliedSequencers applied = AppliedSequencers.of(writer);
    boolean[] admits = new boolean[changes.size()];
    List<DocumentPassages> admitted = new ArrayList<>();
    for (int c = 0; c < changes.size(); c++) {
      admits[c] = applied.admits(changes.get(c).documentId(), sequencers.get(c));
      if (admits[c]) {
        admitted.add(changes.get(c));
      }
    }
    Iterator<Boolean> written = PassageWrites.replaceAll(writer, admitted, dimension).iterator();
    List<ChangeOutcome> outcomes = new ArrayList<>(changes.size());
    for (int c = 0; c < changes.size(); c++) {
      DocumentPassages change = changes.get(c);
      String id = change.documentId();
      if (!admits[c]) {
        outcomes.add(ChangeOutcome.stale(id, applied.entry(id).orElseThrow().sequencer()));
        continue;
      }
      applied.record(id, sequencers.get(c), change.passages().isEmpty(), now);
      outcomes.add(written.next()
          ? new ChangeOutcome(id, ChangeOutcome.Status.INDEXED, change.passages().size(), null)
          : new ChangeOutcome(id, ChangeOutcome.Status.UNCHANGED, 0, null));
    }
    applied.writeTo(writer, now);
    return outcomes;
  }

  @Override
  public ChangeOutcome delete(String documentId, String sequencer, Instant now) {
    ChangeOutcome outcome = publisher.update(writer -> {
      AppliedSequencers applied = AppliedSequencers.of(writer);
      if (!applied.admits(documentId, sequencer)) {
        return ChangeOutcome.stale(documentId, applied.entry(documentId).orElseThrow().sequencer());
      }
      boolean deleted = PassageWrites.delete(writer, documentId);
      // Recorded even when the document was absent: an older event still in flight must not bring it back.
      applied.record(documentId, sequencer, true, now);
      applied.writeTo(writer, now);
      return new ChangeOutcome(documentId, deleted ? ChangeOutcome.Status.DELETED : ChangeOutcome.Status.ABSENT, 0,
          null);
    }).value();
    refreshAfterCommit();
    return outcome;
  }

  @Override
  public List<String> deleteAll(List<String> documentIds) {
    if (documentIds.isEmpty()) {
      return List.of();
    }
    List<String> deleted = publisher.update(writer -> PassageWrites.deleteAll(writer, documentIds)).value();
    refreshAfterCommit();
    return deleted;
  }

  /**
   * Brings the local replica to the commit just published. The commit is durable already, so a failure here is not
   * the change's: it is logged, and the replica catches up on its next refresh (within the staleness bound).
   */
  private void refreshAfterCommit() {
    try {
      replica.refresh();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the local replica could not load the commit just published; it catches up "
          + "on its next refresh", e);
    }
  }

  @Override
  public void close() {
    try (IndexPublisher p = publisher; IndexReplica r = replica) {
      // both closed, the replica first, each even when the other fails
    }
  }

  private static void closeQuietly(IndexPublisher publisher, IndexReplica replica) {
    try (IndexPublisher p = publisher; IndexReplica r = replica) {
      // both closed
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "closing a half-opened index failed", e);
    }
  }
}
