package dev.docqa.indexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.DocqaException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.junit.jupiter.api.Test;

/** The sequencers travel in the commit, order changes, and are pruned by age, only when something is recorded. */
class AppliedSequencersTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void aRecordedSequencerIsCommittedAndOrdersLaterChanges() throws IOException {
    try (Directory directory = new ByteBuffersDirectory()) {
      commit(directory, sequencers -> sequencers.record("a.txt", "0A", false, T0));
      commit(directory, sequencers -> sequencers.record("b.txt", "05", true, T0));
      AppliedSequencers applied = read(directory);
      assertEquals(Optional.of(new AppliedSequencers.Entry("0A", false, T0)), applied.entry("a.txt"));
      assertEquals(Optional.of(new AppliedSequencers.Entry("05", true, T0)), applied.entry("b.txt"));
      assertFalse(applied.admits("a.txt", "0A"), "a duplicate");
      assertFalse(applied.admits("a.txt", "09FF"), "a late event");
      assertTrue(applied.admits("a.txt", "0A01"), "right-padded, 0A01 is newer than 0A00");
      assertTrue(applied.admits("a.txt", null), "an unordered change always applies");
      assertTrue(applied.admits("c.txt", "01"), "nothing recorded for c.txt");
      assertThrows(IllegalArgumentException.class, () -> applied.record("a.txt", "09", false, T0));
    }
  }

  @Test
  void entriesArePrunedAfterTheRetentionOnlyWhenAnotherIsRecorded() throws IOException {
    try (Directory directory = new ByteBuffersDirectory()) {
      commit(directory, sequencers -> sequencers.record("old.txt", "01", true, T0));
      Instant later = T0.plus(AppliedSequencers.RETENTION).plus(Duration.ofSeconds(1));
      try (IndexWriter writer = writer(directory)) {
        AppliedSequencers.of(writer).writeTo(writer, later);
        assertFalse(writer.hasUncommittedChanges(), "pruning alone is not worth a commit");
      }
      assertTrue(read(directory).entry("old.txt").isPresent());
      commit(directory, later, sequencers -> sequencers.record("new.txt", "02", false, later));
      assertEquals(Optional.empty(), read(directory).entry("old.txt"));
      assertTrue(read(directory).entry("new.txt").isPresent());
      Instant justInside = later.plus(AppliedSequencers.RETENTION);
      commit(directory, justInside, sequencers -> sequencers.record("third.txt", "03", false, justInside));
      assertTrue(read(directory).entry("new.txt").isPresent(), "kept for exactly the retention");
    }
  }

  @Test
  void otherUserDataIsKeptAndCorruptEntriesAreReported() throws IOException {
    try (Directory directory = new ByteBuffersDirectory()) {
      try (IndexWriter writer = writer(directory)) {
        writer.setLiveCommitData(Map.of("other", "kept", "docqa.sequencer:bad.txt", "zz present 1").entrySet());
        writer.commit();
      }
      DocqaException corrupt = assertThrows(DocqaException.class, () -> read(directory));
      assertTrue(corrupt.getMessage().contains("bad.txt"), corrupt.getMessage());
      try (IndexWriter writer = writer(directory)) {
        writer.setLiveCommitData(Map.of("other", "kept").entrySet());
        writer.commit();
      }
      commit(directory, sequencers -> sequencers.record("a.txt", "01", false, T0));
      try (DirectoryReader reader = DirectoryReader.open(directory)) {
        assertEquals("kept", reader.getIndexCommit().getUserData().get("other"));
      }
    }
  }

  private interface Change {
    void apply(AppliedSequencers sequencers);
  }

  private static void commit(Directory directory, Change change) throws IOException {
    commit(directory, T0, change);
  }

  private static void commit(Directory directory, Instant now, Change change) throws IOException {
    try (IndexWriter writer = writer(directory)) {
      AppliedSequencers sequencers = AppliedSequencers.of(writer);
      change.apply(sequencers);
      sequencers.writeTo(writer, now);
      writer.commit();
    }
  }

  private static AppliedSequencers read(Directory directory) throws IOException {
    try (DirectoryReader reader = DirectoryReader.open(directory)) {
      return AppliedSequencers.of(reader);
    }
  }

  private static IndexWriter writer(Directory directory) throws IOException {
    return new IndexWriter(directory, new IndexWriterConfig().setCommitOnClose(false));
  }
}
