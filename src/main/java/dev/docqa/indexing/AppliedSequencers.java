package dev.docqa.indexing;

import dev.docqa.DocqaException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;

/**
 * The newest S3 {@code sequencer} applied to each document, and whether that change removed it (a tombstone), kept in
 * the Lucene commit's user data. The order is committed atomically with the passages it describes, and an index change
 * that loses a publish race reads it again from the newer commit, so of two writers the one with the older event
 * always finds the newer one's sequencer and changes nothing.
 *
 * <p>Entries, tombstones and those of present documents alike, are pruned {@link #RETENTION} after they were recorded,
 * by the next change that records one: the commit holds the events of the last day, not of every document ever seen.
 * That is safe because a change is read from the store after its event arrives: an event processed later than that,
 * duplicate or late, applies what the store holds then, which is at least as new as the pruned change. Only a writer
 * that read the store before the pruned change and commits more than {@code RETENTION} later could undo it, and the
 * ingest function is stopped by Lambda after at most 15 minutes.
 *
 * <p>Not thread-safe: one instance per index change attempt.
 */
public final class AppliedSequencers {

  /** How long an entry is kept after it was recorded. */
  public static final Duration RETENTION = Duration.ofDays(1);

  private static final String KEY_PREFIX = "docqa.sequencer:";

  /**
   * One document's newest applied change.
   *
   * @param sequencer its S3 sequencer
   * @param removed whether it removed the document (a tombstone)
   * @param recordedAt when it was committed, for pruning
   */
  public record Entry(String sequencer, boolean removed, Instant recordedAt) {

    private String encode() {
      return sequencer + (removed ? " removed " : " present ") + recordedAt.toEpochMilli();
    }

    private static Entry decode(String documentId, String value) {
      String[] parts = value.split(" ");
      if (parts.length != 3 || !Sequencers.isValid(parts[0])
          || !(parts[1].equals("removed") || parts[1].equals("present")) || !parts[2].matches("\\d{1,19}")) {
        throw new DocqaException("corrupt applied sequencer in the index commit for " + documentId + ": " + value);
      }
      return new Entry(parts[0], parts[1].equals("removed"), Instant.ofEpochMilli(Long.parseLong(parts[2])));
    }
  }

  private final Map<String, String> otherUserData = new HashMap<>();
  private final Map<String, Entry> entries = new HashMap<>();
  private boolean recorded;

  private AppliedSequencers(Iterable<Map.Entry<String, String>> userData) {
    if (userData == null) {
      return; // a brand-new index
    }
    for (Map.Entry<String, String> item : userData) {
      if (item.getKey().startsWith(KEY_PREFIX)) {
        String documentId = item.getKey().substring(KEY_PREFIX.length());
        entries.put(documentId, Entry.decode(documentId, item.getValue()));
      } else {
        otherUserData.put(item.getKey(), item.getValue());
      }
    }
  }

  /** The sequencers of the commit {@code writer} was opened on, with the writer's own uncommitted records. */
  public static AppliedSequencers of(IndexWriter writer) {
    return new AppliedSequencers(writer.getLiveCommitData());
  }

  /** The sequencers of the commit {@code reader} reads; none for a reader of no commit (nothing published yet). */
  public static AppliedSequencers of(IndexReader reader) throws IOException {
    return new AppliedSequencers(
        reader instanceof DirectoryReader directory ? directory.getIndexCommit().getUserData().entrySet() : null);
  }

  /** The newest change applied to {@code documentId}, if one is still recorded. */
  public Optional<Entry> entry(String documentId) {
    return Optional.ofNullable(entries.get(documentId));
  }

  /**
   * Whether a change with {@code sequencer} may be applied to {@code documentId}: it is newer than the recorded one, or
   * none is recorded. A change without a sequencer (the command line, a synthetic event) cannot be ordered and is
   * always admitted.
   */
  public boolean admits(String documentId, String sequencer) {
    Entry applied = entries.get(documentId);
    return sequencer == null || applied == null || Sequencers.isNewer(sequencer, applied.sequencer());
  }

  /**
   * Records that the change with {@code sequencer} was applied to {@code documentId}; nothing when {@code sequencer} is
   * {@code null} (an unordered change leaves the order as it is).
   *
   * @throws IllegalArgumentException when the change is not {@linkplain #admits admitted} (a caller bug)
   */
  public void record(String documentId, String sequencer, boolean removed, Instant now) {
    if (sequencer == null) {
      return;
    }
    if (!admits(documentId, sequencer)) {
      throw new IllegalArgumentException("sequencer " + sequencer + " is not newer than "
          + entries.get(documentId).sequencer() + " already applied to " + documentId);
    }
    entries.put(documentId, new Entry(sequencer, removed, now));
    recorded = true;
  }

  /**
   * Hands what was recorded to {@code writer} for its next commit, pruning entries older than {@link #RETENTION}.
   * Without a record nothing is handed over: pruning alone is not worth a commit.
   */
  public void writeTo(IndexWriter writer, Instant now) {
    if (!recorded) {
      return;
    }
    Instant oldest = now.minus(RETENTION);
    entries.values().removeIf(entry -> entry.recordedAt().isBefore(oldest));
    Map<String, String> userData = new HashMap<>(otherUserData);
    entries.forEach((documentId, entry) -> userData.put(KEY_PREFIX + documentId, entry.encode()));
    writer.setLiveCommitData(userData.entrySet());
  }
}
