package dev.docqa.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalObjectStoreTest extends ObjectStoreContractTest {

  @Override
  protected ObjectStore newStore() throws Exception {
    return new LocalObjectStore(Files.createDirectories(tmp.resolve("store")));
  }

  @Test
  void twoStoresOnOneFolderShareTheCompareAndSwap() {
    try (ObjectStore other = new LocalObjectStore(tmp.resolve("store"))) {
      store.put("k", "one".getBytes(UTF_8), PutCondition.ifAbsent());
      assertThrows(PreconditionFailedException.class, () -> other.put("k", "x".getBytes(UTF_8), PutCondition.ifAbsent()));
      String etag = other.put("k", "two".getBytes(UTF_8), PutCondition.ifMatch(store.head("k").orElseThrow().etag()));
      assertEquals(etag, store.head("k").orElseThrow().etag());
    }
  }

  @Test
  void openingSweepsTemporaryFilesAKilledWriterLeftButNotFreshOnes() throws Exception {
    Path tmpDir = tmp.resolve("store/.docqa-tmp");
    Path abandoned = Files.writeString(tmpDir.resolve("put-1.tmp"), "half a write");
    Files.setLastModifiedTime(abandoned, FileTime.from(
        Instant.now().minus(LocalObjectStore.ABANDONED_AFTER).minusSeconds(60)));
    Path inFlight = Files.writeString(tmpDir.resolve("put-2.tmp"), "another process is writing this");

    try (ObjectStore reopened = new LocalObjectStore(tmp.resolve("store"))) {
      assertFalse(Files.exists(abandoned));
      assertTrue(Files.exists(inFlight));
      assertEquals(List.of(), reopened.list(""), "temporary files are never objects");
    }
  }

  @Test
  void putIfAbsentHasOneWinnerAcrossProcesses() throws Exception {
    int keys = 200;
    Path folder = tmp.resolve("store");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> racers = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      racers.add(
          new ProcessBuilder(
                  java, "-Xmx64m", "-cp", System.getProperty("java.class.path"), LocalStoreRacer.class.getName(),
                  folder.toString(), String.valueOf(keys), "process-" + p)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start());
    }
    List<String> wins = new ArrayList<>();
    for (Process racer : racers) {
      wins.addAll(new String(racer.getInputStream().readAllBytes(), UTF_8).lines().toList());
      assertEquals(0, racer.waitFor(), "racer exit code");
    }
    assertEquals(keys, wins.size(), "every key has exactly one winner");
    assertEquals(keys, new HashSet<>(wins).size());
    assertEquals(keys, store.list("race/").size());
  }

  @Test
  void internalFilesAreNeitherListedNorAddressable() {
    store.put("a", new byte[] {1}, PutCondition.ifAbsent());
    assertEquals(1, store.list("").size());
    assertThrows(dev.docqa.InvalidInputException.class, () -> store.head(".docqa-lock"));
  }

  @Test
  void aFolderPathIsNotAnObject() throws Exception {
    Files.createDirectories(tmp.resolve("store/dir"));
    assertEquals(java.util.Optional.empty(), store.head("dir"));
    assertEquals(0, store.list("").size());
    assertEquals(Path.of(store.describe()), tmp.resolve("store").toAbsolutePath());
  }
}
