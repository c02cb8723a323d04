package dev.docqa.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.docqa.DocqaException;
import dev.docqa.document.Passage;
import dev.docqa.index.ChangeOutcome;
import dev.docqa.index.IndexBackend;
import dev.docqa.index.IndexBackendContract;
import dev.docqa.index.IndexUnavailableException;
import dev.docqa.index.IndexView;
import dev.docqa.index.RankRequest;
import dev.docqa.index.Rankings;
import dev.docqa.indexing.DocumentPassages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;

/**
 * The index contract and OpenSearch's own behaviour, against a real single-node OpenSearch with k-NN ({@link
 * OpenSearchServer}); every test gets a fresh index, deleted afterwards.
 */
class OpenSearchIndexTest extends IndexBackendContract {

  private static OpenSearchServer server;
  private final List<String> indexes = new ArrayList<>();

  @BeforeAll
  static void startServer() {
    server = OpenSearchServer.get();
  }

  @AfterEach
  void deleteIndexes() {
    indexes.forEach(server::deleteIndex);
  }

  @Override
  protected IndexBackend open(int dimension) {
    return OpenSearchIndex.open(server.settings(newIndex()), dimension);
  }

  @Override
  protected IndexBackend openAnother(IndexBackend backend) {
    OpenSearchIndex index = (OpenSearchIndex) backend;
    return OpenSearchIndex.open(index.settings(), index.dimension());
  }

  private String newIndex() {
    String name = OpenSearchServer.uniqueIndexName("contract");
    indexes.add(name);
    return name;
  }

  @Test
  void opensAnExistingIndexAndRefusesAnotherDimension() {
    String name = newIndex();
    try (OpenSearchIndex index = OpenSearchIndex.open(server.settings(name), DIM)) {
      index.write(List.of(one("a.txt", "kept", unit(1, 0, 0, 0))), Collections.singletonList(null), NOW);
    }
    try (OpenSearchIndex again = OpenSearchIndex.open(server.settings(name), DIM); IndexView view = again.acquire()) {
      assertEquals("h-a.txt", view.document("a.txt").orElseThrow().contentHash(), "opening keeps what is there");
    }
    DocqaException mismatch = assertThrows(DocqaException.class,
        () -> OpenSearchIndex.open(server.settings(name), 384));
    assertTrue(mismatch.getMessage().contains("dimension 4") && mismatch.getMessage().contains("dimension 384"),
        mismatch.getMessage());
    assertTrue(mismatch.getMessage().contains(name), mismatch.getMessage());
  }

  @Test
  void refusesAnIndexThatIsNotDocqas() {
    String name = newIndex();
    assertEquals(200, server.request("PUT", "/" + name,
        "{\"mappings\":{\"properties\":{\"title\":{\"type\":\"text\"}}}}").status());
    DocqaException refused = assertThrows(DocqaException.class, () -> OpenSearchIndex.open(server.settings(name), DIM));
    assertTrue(refused.getMessage().contains("not a docqa index"), refused.getMessage());
  }

  @Test
  void createsTheMappingTheSettingsAsk() {
    String name = newIndex();
    try (OpenSearchIndex index = OpenSearchIndex.open(server.settings(name), DIM)) {
      String mapping = server.request("GET", "/" + name + "/_mapping", null).body();
      assertTrue(mapping.contains("\"dimension\":4"), mapping);
      assertTrue(mapping.contains("\"space_type\":\"cosinesimil\""), mapping);
      assertTrue(mapping.contains("\"engine\":\"lucene\""), mapping);
      assertTrue(mapping.contains("\"analyzer\":\"english\""), mapping);
      assertTrue(mapping.contains("\"dynamic\":\"strict\""), mapping);
      String settings = server.request("GET", "/" + name + "/_settings", null).body();
      assertTrue(settings.contains("\"knn\":\"true\""), settings);
    }
  }

  @Test
  void knnScoresConvertBackToCosine() {
    // OpenSearch scores cosinesimil hits as (1 + cos) / 2; the view hands out the cosine itself.
    double[][] vectors = {{1, 0, 0, 0}, {0.28, 0.96, 0, 0}, {0, 0, 1, 0}, {-0.6, 0, 0.8, 0}, {-1, 0, 0, 0}};
    float[] cosines = {1f, 0.28f, 0f, -0.6f, -1f};
    try (IndexBackend index = open(DIM)) {
      List<DocumentPassages> docs = new ArrayList<>();
      for (int i = 0; i < vectors.length; i++) {
        docs.add(one("v" + i + ".txt", "vector " + i, unit(vectors[i])));
      }
      index.write(docs, Collections.nCopies(docs.size(), null), NOW);
      try (IndexView view = index.acquire()) {
        Rankings rankings = view.rank(new RankRequest(List.of(), unit(1, 0, 0, 0), 5, 5, null));
        List<Passage> passages = view.passages(rankings.semantic());
        for (int i = 0; i < cosines.length; i++) {
          assertEquals("v" + i + ".txt", passages.get(i).documentId());
          assertEquals(cosines[i], rankings.semantic().get(i).score(), 1e-4f, "hit " + i);
        }
      }
    }
    assertEquals(1f, IndexLayout.cosine(1.0));
    assertEquals(0f, IndexLayout.cosine(0.5));
    assertEquals(-1f, IndexLayout.cosine(0.0));
  }

  @Test
  void documentIdsOfAnyLengthFitOpenSearchIds() {
    String longId = "folder/" + "x".repeat(5000) + ".txt";
    try (IndexBackend index = open(DIM)) {
      DocumentPassages doc = new DocumentPassages(longId, "hl", "etag", List.of(
          Passage.ofText(longId, "long names work")), List.of(unit(0, 1, 0, 0)), 0, "", INDEXED_AT);
      assertEquals(ChangeOutcome.Status.INDEXED,
          index.write(List.of(doc), Collections.singletonList("01"), NOW).getFirst().status());
      try (IndexView view = index.acquire()) {
        assertEquals(longId, view.document(longId).orElseThrow().documentId());
        Rankings rankings = view.rank(new RankRequest(List.of("name"), null, 1, 1, null));
        assertTrue(rankings.lexical().getFirst().key().getBytes(StandardCharsets.UTF_8).length < 512);
      }
      assertEquals(ChangeOutcome.Status.DELETED, index.delete(longId, "02", NOW).status());
    }
  }

  @Test
  void aNewerEventWrittenMeanwhileMakesTheSlowChangeStale() {
    String name = newIndex();
    try (OpenSearchIndex slow = OpenSearchIndex.open(server.settings(name), DIM);
        OpenSearchIndex fast = OpenSearchIndex.open(server.settings(name), DIM)) {
      write(slow, doc("x.txt", "v1", "", 0, "version one"), "10");
      slow.beforeHeadWrites(once(() -> assertEquals(ChangeOutcome.Status.INDEXED,
          write(fast, doc("x.txt", "v3", "", 0, "version three"), "30").status())));
      assertEquals(ChangeOutcome.stale("x.txt", "30"), write(slow, doc("x.txt", "v2", "", 0, "version two"), "20"),
          "a newer head was appended while the slow writer wrote; its own head is older");
      assertState(slow, "x.txt", "v3", "version three");
    }
  }

  @Test
  void anOlderEventWrittenMeanwhileIsReplacedByTheSlowChange() {
    String name = newIndex();
    try (OpenSearchIndex slow = OpenSearchIndex.open(server.settings(name), DIM);
        OpenSearchIndex fast = OpenSearchIndex.open(server.settings(name), DIM)) {
      write(slow, doc("y.txt", "v1", "", 0, "version one"), "10");
      slow.beforeHeadWrites(once(() -> assertEquals(ChangeOutcome.Status.INDEXED,
          write(fast, doc("y.txt", "v2", "", 0, "version two"), "20").status())));
      assertEquals(ChangeOutcome.Status.INDEXED,
          write(slow, doc("y.txt", "v3", "", 0, "version three", "and more"), "30").status());
      assertState(slow, "y.txt", "v3", "version three", "and more");
    }
  }

  @Test
  void aSequencerRecordedUnderAWriterKeepsItsPassagesOut() {
    // The other writer changes only the head's sequencer (same content): the slow writer's passages belong to an
    // older head and must go, while the passages the newest head shares with the first stay.
    String name = newIndex();
    try (OpenSearchIndex slow = OpenSearchIndex.open(server.settings(name), DIM);
        OpenSearchIndex fast = OpenSearchIndex.open(server.settings(name), DIM)) {
      write(slow, doc("z.txt", "v1", "", 0, "version one"), "10");
      slow.beforeHeadWrites(once(() -> assertEquals(ChangeOutcome.Status.UNCHANGED,
          write(fast, doc("z.txt", "v1", "", 0, "version one"), "30").status())));
      assertEquals(ChangeOutcome.stale("z.txt", "30"), write(slow, doc("z.txt", "v2", "", 0, "version two"), "20"));
      assertState(slow, "z.txt", "v1", "version one");
    }
  }

  @Test
  void aNewerDeleteWrittenMeanwhileKeepsTheDocumentRemoved() {
    String name = newIndex();
    try (OpenSearchIndex slow = OpenSearchIndex.open(server.settings(name), DIM);
        OpenSearchIndex fast = OpenSearchIndex.open(server.settings(name), DIM)) {
      write(slow, doc("d.txt", "v1", "", 0, "version one"), "10");
      slow.beforeHeadWrites(once(() -> assertEquals(ChangeOutcome.Status.DELETED,
          fast.delete("d.txt", "30", NOW).status())));
      assertEquals(ChangeOutcome.stale("d.txt", "30"), write(slow, doc("d.txt", "v2", "", 0, "version two"), "20"));
      try (IndexView view = slow.acquire()) {
        assertFalse(view.document("d.txt").isPresent());
        assertTrue(view.isEmpty(), "neither version's passages remain");
      }
    }
  }

  private static ChangeOutcome write(IndexBackend index, DocumentPassages document, String sequencer) {
    return index.write(List.of(document), Collections.singletonList(sequencer), NOW).getFirst();
  }

  /** Runs {@code action} the first time only (a write round may be repeated). */
  private static Runnable once(Runnable action) {
    java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (ran.compareAndSet(false, true)) {
        action.run();
      }
    };
  }

  /** The document holds {@code hash} and exactly {@code texts}, in order, and no other passage is indexed. */
  private static void assertState(IndexBackend index, String id, String hash, String... texts) {
    try (IndexView view = index.acquire()) {
      assertEquals(hash, view.document(id).orElseThrow().contentHash());
      Rankings rankings = view.rank(new RankRequest(List.of(), unit(1, 1, 1, 1), 50, 50, null));
      List<Passage> passages = view.passages(rankings.semantic()).stream()
          .sorted(java.util.Comparator.comparingInt(Passage::ordinal)).toList();
      assertEquals(List.of(texts), passages.stream().map(Passage::text).toList());
      assertTrue(passages.stream().allMatch(p -> p.documentId().equals(id)));
    }
  }

  @Test
  void bigBatchesGoInSeveralBulks() {
    // About 9 MB of passages in one batch, over the server's 8 MB request limit: only several bulks get through.
    Random random = new Random(7);
    List<DocumentPassages> docs = new ArrayList<>();
    String filler = "lorem ipsum dolor sit amet ".repeat(1100);
    for (int d = 0; d < 3; d++) {
      String id = "big-" + d + ".txt";
      List<Passage> passages = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      for (int p = 0; p < 100; p++) {
        String text = "document " + d + " part " + p + " " + filler;
        passages.add(new Passage(id, p, text, p * 40_000, p * 40_000 + text.length(), null));
        vectors.add(unit(random.nextGaussian(), random.nextGaussian(), random.nextGaussian(),
            random.nextGaussian()));
      }
      docs.add(new DocumentPassages(id, "h" + d, "etag", passages, vectors, 0, "", INDEXED_AT));
    }
    long textBytes = docs.stream()
        .mapToLong(d -> d.passages().stream().mapToLong(p -> p.text().length()).sum()).sum();
    assertTrue(textBytes > 8 << 20, "more than one request can carry: " + textBytes);
    String name = newIndex();
    try (IndexBackend index = OpenSearchIndex.open(server.settings(name), DIM)) {
      List<ChangeOutcome> outcomes = index.write(docs, Collections.nCopies(3, null), NOW);
      assertEquals(List.of(100, 100, 100), outcomes.stream().map(ChangeOutcome::passages).toList());
      String count = server.request("GET", "/" + name + "/_count?q=kind:passage", null).body();
      assertTrue(count.contains("\"count\":300"), count);
    }
  }

  @Test
  void readersNeverSeeWhatInterruptedWritesLeftAndRetriesRemoveIt() {
    String name = newIndex();
    try (OpenSearchIndex index = OpenSearchIndex.open(server.settings(name), DIM)) {
      index.write(List.of(doc("i.txt", "h1", "", 0, "first version")), Collections.singletonList("01"), NOW);
      String firstToken = tokenOfCurrent(name, "i.txt");
      index.write(List.of(doc("i.txt", "h2", "", 0, "second version")), Collections.singletonList("02"), NOW);
      // A writer that died after its head and before its cleanup: the first version's head and passages remain.
      postHead(name, "i.txt", "01", firstToken, 1);
      postPassage(name, "i.txt", firstToken, System.currentTimeMillis(), "leftover passage of the first version");
      // A writer that died after its passages and before its head, long enough ago.
      long longAgo = System.currentTimeMillis() - OpenSearchIndex.STRAY_AGE.toMillis() - 60_000;
      postPassage(name, "i.txt", "dead", longAgo, "stray passage");
      assertEquals(3, passageCount(name));
      assertEquals(List.of("second version"), lexicalTexts(index, "stray leftover version"), "only the current one");
      try (IndexView view = index.acquire()) {
        assertEquals("h2", view.document("i.txt").orElseThrow().contentHash());
        assertEquals(java.util.Optional.empty(), view.newerSequencer("i.txt", "02"),
            "the re-delivered event must reach the write, which cleans up");
      }
      assertEquals(ChangeOutcome.stale("i.txt", "02"), index.write(
          List.of(doc("i.txt", "h2", "", 0, "second version")), Collections.singletonList("02"), NOW).getFirst());
      assertEquals(1, passageCount(name), "the leftover and the stray are gone");
      assertEquals(List.of("second version"), lexicalTexts(index, "stray leftover version"));
      try (IndexView view = index.acquire()) {
        assertEquals(java.util.Optional.of("02"), view.newerSequencer("i.txt", "02"), "clean: stale again");
      }
    }
  }

  @Test
  void passagesWhoseHeadIsOnItsWayAreNeitherSeenNorRemoved() {
    // Another writer's passages, its head not yet written: invisible to readers, left alone by cleanups.
    String name = newIndex();
    try (OpenSearchIndex index = OpenSearchIndex.open(server.settings(name), DIM)) {
      index.write(List.of(doc("g.txt", "h1", "", 0, "current version")), Collections.singletonList("01"), NOW);
      postPassage(name, "g.txt", "inflight", System.currentTimeMillis(), "inflight passage");
      index.write(List.of(doc("g.txt", "h2", "", 0, "next version")), Collections.singletonList("02"), NOW);
      assertEquals(List.of("next version"), lexicalTexts(index, "inflight current next version"));
      assertEquals(2, passageCount(name));
    }
  }

  /** The write token of the current head of a document, read straight from the engine. */
  private String tokenOfCurrent(String index, String documentId) {
    String body = server.request("POST", "/" + index + "/_search", "{\"query\":{\"bool\":{\"filter\":["
        + "{\"term\":{\"kind\":\"head\"}},{\"term\":{\"doc_id\":\"" + documentId + "\"}}]}}}").body();
    java.util.regex.Matcher token = java.util.regex.Pattern.compile("\"token\":\"([0-9a-f]+)\"").matcher(body);
    assertTrue(token.find(), body);
    return token.group(1);
  }

  /** Appends a head the way a writer that stopped before its cleanup would have left it. */
  private void postHead(String index, String documentId, String sequencer, String token, long generation) {
    String json = String.format("{\"kind\":\"head\",\"doc_id\":\"%s\",\"content_hash\":\"h1\","
        + "\"source_version\":\"\",\"origin\":\"\",\"indexed_at\":0,\"passages\":1,\"pages\":0,"
        + "\"sequencer\":\"%s\",\"tombstone\":false,\"token\":\"%s\",\"generation\":%d,\"recorded_at\":0}",
        documentId, sequencer, token, generation);
    assertEquals(201, server.request("POST", "/" + index + "/_doc?refresh=true", json).status());
  }

  /** Writes a passage the way a writer that stopped half-way would have left it. */
  private void postPassage(String index, String documentId, String token, long recordedAt, String text) {
    String json = String.format("{\"kind\":\"passage\",\"doc_id\":\"%s\",\"ordinal\":0,\"text\":\"%s\","
        + "\"start\":0,\"end\":%d,\"token\":\"%s\",\"recorded_at\":%d,\"vector\":[1,0,0,0]}",
        documentId, text, text.length(), token, recordedAt);
    assertEquals(201, server.request("POST", "/" + index + "/_doc?refresh=true", json).status());
  }

  private long passageCount(String index) {
    server.request("POST", "/" + index + "/_refresh", null);
    String body = server.request("GET", "/" + index + "/_count?q=kind:passage", null).body();
    java.util.regex.Matcher count = java.util.regex.Pattern.compile("\"count\":(\\d+)").matcher(body);
    assertTrue(count.find(), body);
    return Long.parseLong(count.group(1));
  }

  private static List<String> lexicalTexts(IndexBackend index, String question) {
    try (IndexView view = index.acquire()) {
      Rankings rankings = view.rank(new RankRequest(terms(question), null, 10, 10, null));
      return view.passages(rankings.lexical()).stream().map(Passage::text).toList();
    }
  }

  @Test
  void aDeletedIndexReadsAsEmptyAndFailsWritesClearly() {
    String name = newIndex();
    try (OpenSearchIndex index = OpenSearchIndex.open(server.settings(name), DIM)) {
      index.write(List.of(one("a.txt", "alpha", unit(1, 0, 0, 0))), Collections.singletonList(null), NOW);
      server.deleteIndex(name);
      try (IndexView view = index.acquire()) {
        assertTrue(view.isEmpty());
        assertEquals(List.of(), view.documents());
        assertFalse(view.document("a.txt").isPresent());
        assertThrows(dev.docqa.index.EmptyIndexException.class,
            () -> view.rank(new RankRequest(List.of("alpha"), null, 1, 1, null)));
      }
      DocqaException failed = assertThrows(DocqaException.class, () -> index.write(
          List.of(one("b.txt", "beta", unit(1, 0, 0, 0))), Collections.singletonList(null), NOW));
      assertTrue(failed.getMessage().contains("index_not_found_exception"), failed.getMessage());
    }
  }

  @Test
  void anUnreachableServerIsUnavailable() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    URI endpoint = URI.create("http://127.0.0.1:" + closedPort);
    OpenSearchSettings settings = OpenSearchSettings.of(endpoint, "docqa").withRequestTimeout(Duration.ofSeconds(5));
    IndexUnavailableException down = assertThrows(IndexUnavailableException.class,
        () -> OpenSearchIndex.open(settings, DIM));
    assertTrue(down.getMessage().contains(endpoint.toString()), down.getMessage());
    assertFalse(down.getMessage().contains("\n"), "one line: " + down.getMessage());

    try (OpenSearchIndex index = OpenSearchIndex.attach(settings, DIM); IndexView view = index.acquire()) {
      assertThrows(IndexUnavailableException.class, () -> index.write(
          List.of(one("a.txt", "alpha", unit(1, 0, 0, 0))), Collections.singletonList(null), NOW));
      assertThrows(IndexUnavailableException.class, () -> index.delete("a.txt", "01", NOW));
      assertThrows(IndexUnavailableException.class,
          () -> view.rank(new RankRequest(List.of("alpha"), unit(1, 0, 0, 0), 1, 1, null)));
      assertThrows(IndexUnavailableException.class, () -> view.document("a.txt"));
      assertThrows(IndexUnavailableException.class, view::documents);
    }
  }

  @Test
  void aServerThatDoesNotAnswerTimesOut() throws IOException {
    // Accepts connections (the backlog) and never answers.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      URI endpoint = URI.create("http://127.0.0.1:" + silent.getLocalPort());
      OpenSearchSettings settings = OpenSearchSettings.of(endpoint, "docqa")
          .withRequestTimeout(Duration.ofMillis(1500));
      long start = System.nanoTime();
      IndexUnavailableException timedOut = assertThrows(IndexUnavailableException.class,
          () -> OpenSearchIndex.open(settings, DIM));
      long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      assertTrue(seconds < 20, "gave up after " + seconds + " s");
      assertTrue(timedOut.getMessage().contains(endpoint.toString()), timedOut.getMessage());
    }
  }

  @Test
  void signedSettingsPickTheAwsTransport() {
    // Offline: only construction; the SDK's credential and region chains are not consulted until a request.
    OpenSearchSettings serverless = OpenSearchSettings.parse(
        "opensearch+https://abc123.us-east-1.aoss.amazonaws.com/docqa");
    try (OpenSearchIndex index = OpenSearchIndex.attach(serverless, DIM)) {
      assertInstanceOf(AwsSdk2Transport.class, index.transport());
      assertEquals(OpenSearchSettings.KnnEngine.FAISS, index.settings().knnEngine());
    }
    OpenSearchSettings domain = OpenSearchSettings.parse(
        "opensearch+https://search-docs-abc.eu-west-1.es.amazonaws.com/docqa");
    try (OpenSearchIndex index = OpenSearchIndex.attach(domain, DIM)) {
      assertInstanceOf(AwsSdk2Transport.class, index.transport());
    }
    try (OpenSearchIndex index = OpenSearchIndex.attach(server.settings("docqa"), DIM)) {
      assertInstanceOf(ApacheHttpClient5Transport.class, index.transport());
    }
  }
}
