package dev.docqa.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.docqa.DocqaException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.IndexSettings;
import dev.docqa.config.StorageSettings;
import dev.docqa.index.IndexBackend;
import dev.docqa.index.IndexView;
import dev.docqa.models.ModelResolver;
import dev.docqa.service.DocQaService;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.IndexBackends;
import dev.docqa.service.IngestOutcome;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.ObjectStores;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Ingestion end to end (extract, split, embed, write) of one generated corpus by 1, 2, 4... concurrent writers, each a
 * {@link DocQaService} of its own (as separate processes or functions would be), into a fresh embedded index (a
 * local-folder store all writers publish to, each writer with its own cache) and a fresh OpenSearch index per level.
 * Writers take every n-th document and ingest their share in batches of {@value #BATCH} (as the CLI commits a folder),
 * after one untimed warm-up document each. Not thread-safe.
 */
final class WriterBench {

  /** Documents per {@code ingestAll} call: the CLI's batch. */
  static final int BATCH = 16;

  private final DocqaSettings settings;
  private final ModelResolver resolver;
  private final int dimension;
  private final BenchSizes sizes;
  private final Path workDir;
  private final OpenSearchBench opensearch;
  private final PrintStream err;

  /**
   * @param settings reader, embedder and ingest settings of every writer (storage and index are set per level)
   * @param dimension the embedder's vector dimension
   */
  WriterBench(DocqaSettings settings, ModelResolver resolver, int dimension, BenchSizes sizes, Path workDir,
      OpenSearchBench opensearch, PrintStream err) {
    this.settings = settings;
    this.resolver = resolver;
    this.dimension = dimension;
    this.sizes = sizes;
    this.workDir = workDir;
    this.opensearch = opensearch;
    this.err = err;
  }

  private record Level(int writers, int passages, double seconds, double openSeconds) {}

  ObjectNode run(Corpus corpus) {
    List<Path> documents = new ArrayList<>();
    for (int d = 0; d < sizes.writerDocuments(); d++) {
      documents.add(corpus.writeDocument(workDir.resolve("documents"), "doc-" + d + ".txt",
          sizes.writerDocumentWords()));
    }
    List<Path> warmUps = new ArrayList<>();
    for (int w = 0; w < sizes.writerCounts().getLast(); w++) {
      warmUps.add(corpus.writeDocument(workDir.resolve("documents"), "warm-up-" + w + ".txt",
          sizes.writerDocumentWords()));
    }
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("documents", documents.size());
    json.put("document_words", sizes.writerDocumentWords());
    json.put("documents_per_ingest_call", BATCH);
    ArrayNode embedded = json.putArray("embedded");
    ArrayNode remote = json.putArray("opensearch");
    int passages = -1;
    for (int writers : sizes.writerCounts()) {
      for (boolean onOpenSearch : List.of(false, true)) {
        String backend = onOpenSearch ? "opensearch" : "embedded";
        err.println("docqa bench: ingest with " + writers + " writer(s) into " + backend);
        Level level = level(writers, onOpenSearch, documents, warmUps);
        if (passages >= 0 && level.passages() != passages) {
          throw new IllegalStateException(
              "the same corpus made " + level.passages() + " passages, earlier " + passages);
        }
        passages = level.passages();
        ObjectNode entry = (onOpenSearch ? remote : embedded).addObject();
        entry.put("writers", writers);
        entry.put("seconds", Samples.round(level.seconds()));
        entry.put("passages_per_s", Samples.round(level.passages() / level.seconds()));
        entry.put("open_s", Samples.round(level.openSeconds()));
      }
    }
    json.put("passages", passages);
    for (ArrayNode series : List.of(embedded, remote)) {
      double one = series.get(0).path("passages_per_s").asDouble();
      series.forEach(entry -> ((ObjectNode) entry).put("speedup",
          Samples.round(entry.path("passages_per_s").asDouble() / one)));
    }
    json.put("note", "each writer is its own DocQaService (its own reader, embedder and index client or publisher, "
        + "opened before the clock, open_s), as separate processes would be; seconds: first ingestAll call to last "
        + "return. Embedding (ONNX Runtime MiniLM) is CPU-bound: on " + Runtime.getRuntime().availableProcessors()
        + " cores more writers share the same cores, so the speedup says what the index side adds or loses "
        + "(embedded: every batch is one publish, and concurrent publishers that lose the race redo their commit "
        + "on the newer one; OpenSearch: bulk writes merged by the server), not what more machines would gain");
    return json;
  }

  private Level level(int writers, boolean onOpenSearch, List<Path> documents, List<Path> warmUps) {
    Path dir = workDir.resolve((onOpenSearch ? "opensearch-" : "embedded-") + writers);
    String store = dir.resolve("store").toString();
    IndexSettings index = IndexSettings.defaults();
    String name = null;
    if (onOpenSearch) {
      name = opensearch.index("bench-ingest-" + writers).index();
      opensearch.admin().deleteIndex(name); // left by an interrupted run
      index = index.withLocation(opensearch.index("bench-ingest-" + writers).location());
    }
    List<DocQaService> services = new ArrayList<>();
    List<ObjectStore> stores = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(writers, Thread.ofPlatform().name("bench-writer-", 0)
        .factory());
    try {
      long began = System.nanoTime();
      for (int w = 0; w < writers; w++) {
        DocqaSettings mine = settings.withIndex(index)
            .withStorage(new StorageSettings(store, dir.resolve("cache-" + w), Duration.ofSeconds(2)));
        ObjectStore objectStore = ObjectStores.open(mine.storage());
        stores.add(objectStore);
        services.add(DocQaService.open(mine, objectStore, resolver));
      }
      double openSeconds = (System.nanoTime() - began) / 1e9;
      List<Future<Integer>> warm = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        DocQaService service = services.get(w);
        Path document = warmUps.get(w);
        warm.add(pool.submit(() -> ingest(service, List.of(document))));
      }
      sum(warm);
      List<Future<Integer>> timed = new ArrayList<>();
      began = System.nanoTime();
      for (int w = 0; w < writers; w++) {
        DocQaService service = services.get(w);
        List<Path> share = new ArrayList<>();
        for (int d = w; d < documents.size(); d += writers) {
          share.add(documents.get(d));
        }
        timed.add(pool.submit(() -> ingest(service, share)));
      }
      int passages = sum(timed);
      double seconds = (System.nanoTime() - began) / 1e9;
      requireAllIndexed(settings.withIndex(index).withStorage(
          new StorageSettings(store, dir.resolve("cache-check"), Duration.ofSeconds(2))),
          documents.size() + writers);
      return new Level(writers, passages, seconds, openSeconds);
    } finally {
      pool.shutdownNow();
      for (DocQaService service : services) {
        service.close();
      }
      for (ObjectStore objectStore : stores) {
        objectStore.close();
      }
      if (name != null) {
        opensearch.admin().deleteIndex(name);
      }
      Bench.deleteTree(dir);
    }
  }

  /** Ingests {@code documents} in batches; returns the passages written. */
  private static int ingest(DocQaService service, List<Path> documents) {
    int passages = 0;
    for (int from = 0; from < documents.size(); from += BATCH) {
      List<DocumentSource> batch = documents.subList(from, Math.min(documents.size(), from + BATCH)).stream()
          .map(d -> new DocumentSource(d.getFileName().toString(), d, "v1")).toList();
      for (IngestOutcome outcome : service.ingestAll(batch)) {
        if (outcome.status() != IngestOutcome.Status.INDEXED) {
          throw new IllegalStateException("benchmark document not indexed: " + outcome);
        }
        passages += outcome.passages();
      }
    }
    return passages;
  }

  /** Every writer's documents are in the index (none lost to a concurrent writer), read by a fresh reader. */
  private void requireAllIndexed(DocqaSettings check, int expected) {
    try (ObjectStore store = ObjectStores.open(check.storage());
        IndexBackend backend = IndexBackends.open(check, store, dimension);
        IndexView view = backend.acquire()) {
      int found = view.documents().size();
      if (found != expected) {
        throw new IllegalStateException("after concurrent ingestion the index holds " + found + " documents, not "
            + expected + " (" + check.index().location() + ")");
      }
    }
  }

  private static int sum(List<Future<Integer>> futures) {
    int total = 0;
    try {
      for (Future<Integer> future : futures) {
        total += future.get();
      }
      return total;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DocqaException("interrupted while writers ingest", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new DocqaException("a writer failed: " + e.getCause(), e.getCause());
    }
  }

}
