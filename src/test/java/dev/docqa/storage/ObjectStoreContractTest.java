package dev.docqa.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.InvalidInputException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@link ObjectStore} contract, run against every implementation (as Lucene's {@code BaseDirectoryTestCase}). */
abstract class ObjectStoreContractTest {

  @TempDir Path tmp;
  ObjectStore store;

  /** A fresh, empty store. */
  protected abstract ObjectStore newStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void putThenHeadOpenAndDownloadReturnTheContent() throws Exception {
    byte[] content = "hello, store".getBytes(UTF_8);
    String etag = store.put("a/b/c.txt", content, PutCondition.NONE);

    ObjectInfo info = store.head("a/b/c.txt").orElseThrow();
    assertEquals("a/b/c.txt", info.key());
    assertEquals(content.length, info.size());
    assertEquals(etag, info.etag());
    // Single-part ETags are the hex MD5 of the content on S3; the local store follows suit.
    assertEquals("a7d04c7d1ded51b18f5f4cc4cf6e4e6d".length(), etag.length());
    try (InputStream in = store.open("a/b/c.txt")) {
      assertArrayEquals(content, in.readAllBytes());
    }
    Path target = tmp.resolve("sub/copy.txt");
    store.download("a/b/c.txt", target);
    assertArrayEquals(content, Files.readAllBytes(target));
    store.download("a/b/c.txt", target); // replaces
    assertArrayEquals(content, Files.readAllBytes(target));
  }

  @Test
  void missingObjectsAreEmptyOrNoSuchObject() {
    assertTrue(store.head("nope").isEmpty());
    assertThrows(NoSuchObjectException.class, () -> store.open("nope").close());
    assertThrows(NoSuchObjectException.class, () -> store.download("nope", tmp.resolve("x")));
    assertFalse(Files.exists(tmp.resolve("x")));
    store.delete("nope"); // not an error
  }

  @Test
  void putIfAbsentWritesOnceOnly() {
    String etag = store.put("k", "one".getBytes(UTF_8), PutCondition.ifAbsent());
    assertThrows(
        PreconditionFailedException.class, () -> store.put("k", "two".getBytes(UTF_8), PutCondition.ifAbsent()));
    assertEquals(etag, store.head("k").orElseThrow().etag());
  }

  @Test
  void putIfMatchNeedsTheCurrentEtag() {
    String first = store.put("k", "one".getBytes(UTF_8), PutCondition.NONE);
    String second = store.put("k", "two".getBytes(UTF_8), PutCondition.ifMatch(first));
    assertThrows(
        PreconditionFailedException.class, () -> store.put("k", "three".getBytes(UTF_8), PutCondition.ifMatch(first)));
    assertEquals(second, store.head("k").orElseThrow().etag());
    assertThrows(
        PreconditionFailedException.class,
        () -> store.put("missing", "x".getBytes(UTF_8), PutCondition.ifMatch(first)));
  }

  @Test
  void concurrentPutIfAbsentHasExactlyOneWinner() throws Exception {
    int writers = 8;
    int rounds = 10;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int round = 0; round < rounds; round++) {
        String key = "race/" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          byte[] content = ("writer " + w).getBytes(UTF_8);
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      store.put(key, content, PutCondition.ifAbsent());
                      return true;
                    } catch (PreconditionFailedException lost) {
                      return false;
                    }
                  }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> result : results) {
          winners += result.get() ? 1 : 0;
        }
        assertEquals(1, winners, "round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void listReturnsKeysUnderThePrefixInOrder() throws Exception {
    for (String key : List.of("p/b", "p/a", "p/sub/c", "q/a", "pp")) {
      store.put(key, key.getBytes(UTF_8), PutCondition.NONE);
    }
    assertEquals(List.of("p/a", "p/b", "p/sub/c"), keys(store.list("p/")));
    assertEquals(List.of("p/a", "p/b", "p/sub/c", "pp"), keys(store.list("p")));
    assertEquals(List.of("p/a", "p/b", "p/sub/c", "pp", "q/a"), keys(store.list("")));
    assertEquals(List.of(), keys(store.list("none/")));
    assertEquals("p/sub/c".length(), store.list("p/sub/").get(0).size());
  }

  @Test
  void uploadAndDelete() throws Exception {
    Path source = tmp.resolve("source.bin");
    byte[] content = new byte[200_000];
    new java.util.Random(42).nextBytes(content);
    Files.write(source, content);
    String etag = store.upload(source, "blobs/x.bin");
    assertEquals(etag, store.head("blobs/x.bin").orElseThrow().etag());
    assertEquals(content.length, store.head("blobs/x.bin").orElseThrow().size());
    store.delete("blobs/x.bin");
    assertTrue(store.head("blobs/x.bin").isEmpty());
    assertEquals(List.of(), store.list("blobs/"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/abs", "../up", "a/../../b", "a/./b", "a\\b", "a//b", "dir/"})
  void keysThatCouldEscapeTheRootAreRejected(String key) {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> store.put(key, new byte[1], PutCondition.NONE));
    assertTrue(e.getMessage().contains("key="), e.getMessage());
    assertThrows(InvalidInputException.class, () -> store.head(key));
  }

  private static List<String> keys(List<ObjectInfo> infos) {
    return infos.stream().map(ObjectInfo::key).toList();
  }
}
