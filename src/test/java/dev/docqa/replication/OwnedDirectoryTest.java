package dev.docqa.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.replication.ChildJvm.Child;
import dev.docqa.storage.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.IndexWriterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Working directories are never shared by live owners: two CLI runs on one data folder used to share
 * {@code cache/index-writer}, and the first to close deleted the other's publish attempt under it (its ingest failed).
 */
class OwnedDirectoryTest {

  @TempDir Path tmp;

  @Test
  void aSecondOwnerGetsAPrivateSiblingThatGoesWithIt() {
    Path preferred = tmp.resolve("index-writer");
    try (OwnedDirectory first = OwnedDirectory.claim(preferred)) {
      assertEquals(preferred.toAbsolutePath(), first.path());
      Path privateDir;
      try (OwnedDirectory second = OwnedDirectory.claim(preferred)) {
        privateDir = second.path();
        assertNotEquals(first.path(), privateDir);
        assertEquals(preferred.toAbsolutePath().getParent(), privateDir.getParent());
        assertTrue(Files.isDirectory(privateDir));
      }
      assertFalse(Files.exists(privateDir), "a private directory is deleted on close");
    }
    try (OwnedDirectory again = OwnedDirectory.claim(preferred)) {
      assertEquals(preferred.toAbsolutePath(), again.path(), "a released directory is claimed again, cache and all");
    }
  }

  @Test
  void anotherProcessHoldsItUntilKilledAndItsPrivateLeftoversAreSwept() throws Exception {
    Path preferred = tmp.resolve("index-replica");
    Child holder = ChildJvm.start(LockHolder.class.getName(), List.of(preferred.toString()), Map.of(), tmp, "holder");
    try {
      awaitClaimed(holder);
      Path abandoned;
      try (OwnedDirectory mine = OwnedDirectory.claim(preferred)) {
        assertNotEquals(preferred.toAbsolutePath(), mine.path(), "held by the other process");
        abandoned = mine.path().resolveSibling(preferred.getFileName() + "-left-by-a-killed-process");
      }
      Files.createDirectories(abandoned.resolve("commits"));
      Files.createFile(abandoned.resolveSibling(abandoned.getFileName() + ".lock"));
      holder.process().destroyForcibly(); // SIGKILL: the OS releases the lock
      assertTrue(holder.process().waitFor(30, TimeUnit.SECONDS));
      try (OwnedDirectory mine = OwnedDirectory.claim(preferred)) {
        assertEquals(preferred.toAbsolutePath(), mine.path());
        assertFalse(Files.exists(abandoned), "an abandoned private directory is swept");
      }
    } finally {
      holder.process().destroyForcibly();
    }
  }

  @Test
  void closingOnePublisherLeavesAnotherPublishersAttemptInTheSameDirectoryAlone() throws Exception {
    Path workDir = tmp.resolve("cache/index-writer");
    try (LocalObjectStore store = new LocalObjectStore(tmp.resolve("store"))) {
      IndexPublisher first = publisher(store, workDir);
      CountDownLatch applying = new CountDownLatch(1);
      CountDownLatch closed = new CountDownLatch(1);
      try (IndexPublisher second = publisher(store, workDir)) {
        CompletableFuture<IndexPublisher.Update<String>> update = CompletableFuture.supplyAsync(() ->
            second.update(writer -> {
              applying.countDown();
              await(closed);
              return IndexReplicationContractTest.add("d").apply(writer);
            }));
        assertTrue(applying.await(30, TimeUnit.SECONDS));
        first.close();
        closed.countDown();
        assertTrue(update.get(30, TimeUnit.SECONDS).published());
      }
    }
  }

  private static IndexPublisher publisher(LocalObjectStore store, Path workDir) {
    return new IndexPublisher(store, "index/", workDir, () -> new IndexWriterConfig(new StandardAnalyzer()),
        Duration.ofHours(1), Clock.systemUTC());
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void awaitClaimed(Child holder) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!holder.stdout().startsWith("claimed ")) {
      assertTrue(holder.process().isAlive(), holder.stderr());
      assertTrue(System.nanoTime() < deadline, "the holder claims within 30 s");
      Thread.sleep(20);
    }
  }
}
