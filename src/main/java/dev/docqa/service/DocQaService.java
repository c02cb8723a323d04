package dev.docqa.service;

import dev.docqa.DocqaException;
import dev.docqa.InvalidInputException;
import dev.docqa.config.DocqaSettings;
import dev.docqa.config.IngestSettings;
import dev.docqa.config.RetrieverMode;
import dev.docqa.config.StorageSettings;
import dev.docqa.document.Passage;
import dev.docqa.embedding.Embedder;
import dev.docqa.embedding.Embedders;
import dev.docqa.index.ChangeOutcome;
import dev.docqa.index.IndexBackend;
import dev.docqa.index.IndexView;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.IndexedDocument;
import dev.docqa.indexing.PassageWrites;
import dev.docqa.indexing.Sequencers;
import dev.docqa.ingestion.DocumentExtractor;
import dev.docqa.ingestion.ExtractedDocument;
import dev.docqa.ingestion.HuggingFaceSpanTokenizer;
import dev.docqa.ingestion.PassageSplitter;
import dev.docqa.models.ModelResolver;
import dev.docqa.reading.Answer;
import dev.docqa.reading.ReadOptions;
import dev.docqa.reading.Reader;
import dev.docqa.reading.ReaderResult;
import dev.docqa.replication.EmbeddedIndex;
import dev.docqa.retrieval.Retriever;
import dev.docqa.retrieval.ScoredPassage;
import dev.docqa.storage.ObjectStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * docqa's core: extraction, splitting and embedding on the way in; retrieval and reading on the way out; an
 * {@link IndexBackend} in between: the embedded Lucene index published to an {@link ObjectStore} (S3 or a local
 * folder, same code path), or OpenSearch.
 *
 * <p>{@link #open} loads the reader, the embedder and the tokenizer once. Thread-safe: asks run concurrently. Changes
 * that carry an S3 event sequencer are applied in event order by the backend, however many writers run; this class
 * only drops events it can already see are stale before doing the work of extracting them.
 * Close once, after the last call.
 */
public final class DocQaService implements DocQa {

  private static final System.Logger LOG = System.getLogger(DocQaService.class.getName());

  private final Reader reader;
  private final Embedder embedder;
  private final HuggingFaceSpanTokenizer splitterTokenizer;
  private final IngestSettings ingestSettings;
  // Made on first ingest: Tika's default configuration loads every parser (about 0.3 s), which an ask-only process,
  // such as the ask function's cold start, never needs.
  private volatile DocumentExtractor extractor;
  private final PassageSplitter splitter;
  private final IndexBackend index;
  private final Retriever retriever;
  private final Map<String, Double> openTimingsMs;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DocQaService(DocqaSettings settings, Reader reader, Embedder embedder,
      HuggingFaceSpanTokenizer splitterTokenizer, IndexBackend index,
      Map<String, Double> openTimingsMs) {
    this.openTimingsMs = Map.copyOf(openTimingsMs);
    this.reader = reader;
    this.embedder = embedder;
    this.splitterTokenizer = splitterTokenizer;
    this.ingestSettings = settings.ingest();
    this.splitter = new PassageSplitter(splitterTokenizer, settings.ingest());
    this.index = index;
    this.retriever = new Retriever(index, embedder, settings.retrieval());
  }

  /**
   * Loads the models and attaches to the index published in {@code store}. The reader (on the calling thread), the
   * embedder and the index sync run side by side: each is mostly native loading or I/O, and together they are the
   * cold start of a serverless container.
   *
   * @param models resolves the reader and embedder locations ({@code s3://}, local, classpath, model zoo)
   * @throws dev.docqa.ModelLoadException when a model cannot be found or loaded
   */
  public static DocQaService open(DocqaSettings settings, ObjectStore store, ModelResolver models) {
    StorageSettings storage = settings.storage();
    long began = System.nanoTime();
    // Logging starts on this thread, before the loaders: JBoss LogManager (on the class path with Quarkus) deadlocks
    // when its first use races across threads.
    LOG.log(System.Logger.Level.DEBUG, "opening docqa: reader {0}, embedder {1}, store {2}",
        settings.reader().model(), settings.embedder().model(), storage.location());
    Map<String, Double> phases = new ConcurrentHashMap<>();
    ExecutorService loaders = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("docqa-open-", 0)
        .factory());
    try {
      Future<Embedder> embedderTask = loaders.submit(() -> timed(phases, "embedder",
          () -> Embedders.open(settings.embedder(), models::fetch)));
      // The embedded index syncs while the models load; OpenSearch is opened once the embedder's dimension is known.
      Future<EmbeddedIndex.Parts> indexTask = settings.index().isEmbedded()
          ? loaders.submit(() -> timed(phases, "index_sync", () -> EmbeddedIndex.openParts(store, storage)))
          : null;
      Reader reader = null;
      HuggingFaceSpanTokenizer tokenizer = null;
      RuntimeException failure = null;
      try {
        reader = timed(phases, "reader", () -> Reader.open(settings.reader(), models));
        // Passages are sized with the reader's own tokenizer, so question + passage fit its windows.
        tokenizer = HuggingFaceSpanTokenizer.open(reader.model().tokenizerFile());
      } catch (RuntimeException e) {
        failure = e;
      }
      Embedder embedder = null;
      EmbeddedIndex.Parts parts = null;
      IndexBackend index = null;
      try {
        embedder = await(embedderTask);
      } catch (RuntimeException e) {
        failure = first(failure, e);
      }
      try {
        if (indexTask != null) {
          parts = await(indexTask);
        }
      } catch (RuntimeException e) {
        failure = first(failure, e);
      }
      if (failure == null) {
        int dimension = embedder.dimension();
        try {
          index = parts != null
              ? parts.withDimension(dimension)
              : timed(phases, "index_sync", () -> IndexBackends.open(settings, store, dimension));
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      if (failure != null) {
        Closing.quietly(parts, tokenizer, embedder, reader);
        throw failure;
      }
      Map<String, Double> timings = new LinkedHashMap<>();
      for (String phase : List.of("reader", "embedder", "index_sync")) {
        timings.put(phase, phases.get(phase));
      }
      timings.put("open", millis(System.nanoTime() - began));
      return new DocQaService(settings, reader, embedder, tokenizer, index, timings);
    } finally {
      loaders.shutdown();
    }
  }

  private static <T> T timed(Map<String, Double> phases, String phase, Supplier<T> load) {
    long began = System.nanoTime();
    T loaded = load.get();
    phases.put(phase, millis(System.nanoTime() - began));
    return loaded;
  }

  /** The task's result, waiting through interrupts (the loads are bounded, and what they open must be closed). */
  private static <T> T await(Future<T> task) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw new DocqaException("opening docqa failed: " + e.getCause().getMessage(), e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static RuntimeException first(RuntimeException earlier, RuntimeException later) {
    if (earlier == null) {
      return later;
    }
    earlier.addSuppressed(later);
    return earlier;
  }

  @Override
  public IngestOutcome ingest(String documentId, Path content, String sourceVersion) {
    return ingestAll(List.of(new DocumentSource(documentId, content, sourceVersion))).getFirst();
  }

  /**
   * Extracts, splits and embeds each document, then publishes every change in one index update (one commit, one
   * manifest): the per-commit cost (Lucene commit, upload, manifest, replica refresh) is paid once per batch.
   */
  @Override
  public List<IngestOutcome> ingestAll(List<DocumentSource> documents) {
    return ingestAll(documents, IngestListener.NONE);
  }

  /**
   * Passages embedded per call while ingesting: a few embedder batches, so a listener hears progress within a large
   * document every few seconds.
   */
  static final int EMBED_CHUNK = 64;

  @Override
  public List<IngestOutcome> ingestAll(List<DocumentSource> documents, IngestListener listener) {
    DocumentSource.requireDistinctIds(documents);
    IngestOutcome[] outcomes = new IngestOutcome[documents.size()];
    List<Integer> pending = new ArrayList<>();
    List<DocumentPassages> changes = new ArrayList<>();
    // Origins of this batch so far: a file named twice (say, from a folder and from its parent) is indexed once.
    Map<String, String> batchOrigins = new HashMap<>();
    for (int i = 0; i < documents.size(); i++) {
      DocumentSource source = documents.get(i);
      Optional<IngestOutcome> refused = checkOrigin(source, batchOrigins).or(() -> checkOrder(source));
      if (refused.isPresent()) {
        outcomes[i] = refused.get();
        listener.prepared(outcomes[i]);
        continue;
      }
      ExtractedDocument document;
      try {
        document = extractor().extract(source.documentId(), source.content());
      } catch (DocqaException e) {
        // Rejected, missing or unreadable: this document fails, the rest of the batch goes on.
        outcomes[i] = new IngestOutcome(source.documentId(), IngestOutcome.Status.FAILED, 0, e.getMessage());
        listener.prepared(outcomes[i]);
        continue;
      }
      // Cheap pre-check on the local replica; the authoritative same-hash check runs inside the index change. Not for
      // an ordered change: the same content under a newer sequencer must still be recorded, and only the newest commit
      // can say whether the content is the same there (a replica behind it may hold the very version this replaces).
      if (source.sequencer() == null
          && PassageWrites.isCurrent(indexedDocument(source.documentId()), document.contentHash(), source.origin())) {
        outcomes[i] = new IngestOutcome(source.documentId(), IngestOutcome.Status.UNCHANGED, 0, null);
        listener.prepared(outcomes[i]);
        continue;
      }
      List<Passage> passages;
      List<float[]> vectors = new ArrayList<>();
      try {
        passages = splitter.split(source.documentId(), document);
        for (int from = 0; from < passages.size(); from += EMBED_CHUNK) {
          List<Passage> chunk = passages.subList(from, Math.min(passages.size(), from + EMBED_CHUNK));
          vectors.addAll(embedder.embedPassages(chunk.stream().map(Passage::text).toList()));
          listener.embedded(source.documentId(), vectors.size(), passages.size());
        }
      } catch (RuntimeException e) {
        // One document's split or embedding failed (a model error on its text): it fails alone, retryably.
        LOG.log(System.Logger.Level.WARNING, "ingesting " + source.documentId() + " failed after extraction", e);
        outcomes[i] = new IngestOutcome(source.documentId(), IngestOutcome.Status.ERROR, 0, oneLine(e));
        listener.prepared(outcomes[i]);
        continue;
      }
      listener.prepared(new IngestOutcome(source.documentId(), IngestOutcome.Status.INDEXED, passages.size(), null));
      pending.add(i);
      changes.add(new DocumentPassages(source.documentId(), document.contentHash(),
          source.sourceVersion() == null ? "" : source.sourceVersion(), passages, vectors, document.pageCount(),
          source.origin(), Instant.now()));
    }
    if (!changes.isEmpty()) {
      List<String> sequencers = pending.stream().map(i -> documents.get(i).sequencer()).toList();
      List<ChangeOutcome> published = index.write(changes, sequencers, Instant.now());
      for (int c = 0; c < changes.size(); c++) {
        outcomes[pending.get(c)] = ingestOutcome(published.get(c));
      }
    }
    return List.of(outcomes);
  }

  private static IngestOutcome ingestOutcome(ChangeOutcome change) {
    return switch (change.status()) {
      case INDEXED -> new IngestOutcome(change.documentId(), IngestOutcome.Status.INDEXED, change.passages(), null);
      case UNCHANGED -> new IngestOutcome(change.documentId(), IngestOutcome.Status.UNCHANGED, 0, null);
      case STALE -> new IngestOutcome(change.documentId(), IngestOutcome.Status.STALE, 0, change.newerSequencer());
      case DELETED, ABSENT -> throw new IllegalStateException("a write reported " + change);
    };
  }

  /**
   * {@code STALE} when the source's sequencer is not newer than the one the local replica's commit holds: a duplicate
   * or late event, dropped before extraction. The replica may lag, never lead, so a newer commit can only hold a newer
   * sequencer; the authoritative comparison runs in the index change.
   */
  private Optional<IngestOutcome> checkOrder(DocumentSource source) {
    if (source.sequencer() == null) {
      return Optional.empty();
    }
    try (IndexView view = index.acquire()) {
      return view.newerSequencer(source.documentId(), source.sequencer())
          .map(newer -> new IngestOutcome(source.documentId(), IngestOutcome.Status.STALE, 0, newer));
    }
  }

  /**
   * The outcome of a document that must not be indexed because of where it comes from: the same file is already
   * indexed (or earlier in this batch) under another id ({@code DUPLICATE}), or its id is held by another file that
   * still exists and the source may not replace it ({@code FAILED}, naming both). Documents without an origin are
   * never refused here.
   */
  private Optional<IngestOutcome> checkOrigin(DocumentSource source, Map<String, String> batchOrigins) {
    String origin = source.origin();
    if (origin.isEmpty()) {
      return Optional.empty();
    }
    String id = source.documentId();
    String earlier = batchOrigins.putIfAbsent(origin, id);
    if (earlier != null) {
      return Optional.of(new IngestOutcome(id, IngestOutcome.Status.DUPLICATE, 0, earlier));
    }
    try (IndexView view = index.acquire()) {
      Optional<String> sameFile = view.otherDocumentFrom(origin, id);
      if (sameFile.isPresent()) {
        return Optional.of(new IngestOutcome(id, IngestOutcome.Status.DUPLICATE, 0, sameFile.get()));
      }
      Optional<IndexedDocument> current = view.document(id);
      if (!source.replaceOtherOrigin() && current.isPresent() && !current.get().origin().isEmpty()
          && !current.get().origin().equals(origin) && !Origins.isMissingFile(current.get().origin())) {
        return Optional.of(new IngestOutcome(id, IngestOutcome.Status.FAILED, 0,
            "document id " + id + " already holds " + Origins.describe(current.get().origin()) + "; "
                + Origins.describe(origin) + " is another file with the same id (delete " + id
                + " first, replace it on purpose, or ingest both from their common parent folder)"));
      }
      return Optional.empty();
    }
  }

  @Override
  public List<IndexedDocument> documents() {
    try (IndexView view = index.acquire()) {
      return view.documents();
    }
  }

  @Override
  public List<IndexedDocument> missingSources(Path folder) {
    String prefix = Origins.ofFolder(folder);
    return documents().stream()
        .filter(document -> document.origin().startsWith(prefix) && Origins.isMissingFile(document.origin()))
        .toList();
  }

  @Override
  public List<String> deleteAll(List<String> documentIds) {
    documentIds.forEach(DocQaService::requireDocumentId);
    if (documentIds.isEmpty()) {
      return List.of();
    }
    return index.deleteAll(documentIds);
  }

  @Override
  public boolean delete(String documentId) {
    return delete(documentId, null).status() == DeleteOutcome.Status.DELETED;
  }

  @Override
  public DeleteOutcome delete(String documentId, String sequencer) {
    requireDocumentId(documentId);
    if (sequencer != null && !Sequencers.isValid(sequencer)) {
      throw new InvalidInputException(
          "a sequencer must be 1 to 64 hex digits; documentId=" + documentId + ", sequencer=" + sequencer);
    }
    ChangeOutcome change = index.delete(documentId, sequencer, Instant.now());
    return new DeleteOutcome(documentId, switch (change.status()) {
      case DELETED -> DeleteOutcome.Status.DELETED;
      case ABSENT -> DeleteOutcome.Status.ABSENT;
      case STALE -> DeleteOutcome.Status.STALE;
      case INDEXED, UNCHANGED -> throw new IllegalStateException("a delete reported " + change);
    }, change.newerSequencer());
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replaceAll("\\s+", " ");
  }

  @Override
  public AskResult ask(AskRequest request) {
    long began = System.nanoTime();
    Retrieved retrieved =
        retrieveFromOneCommit(request.question(), request.retriever(), request.topK(), request.documentPrefix());
    long retrievedAt = System.nanoTime();
    List<Passage> passages = retrieved.hits().stream().map(ScoredPassage::passage).toList();
    ReadOptions options = withAnswerLength(reader.defaultOptions(), request.maxAnswerLength());
    if (request.noAnswer() != null) {
      options = options.withHandleImpossibleAnswer(request.noAnswer());
    }
    if (request.nullThreshold() != null) {
      options = options.withNullThreshold(request.nullThreshold());
    }
    AskResult result = read(request.question(), passages, request.alternatives(), options);
    Map<String, Double> timings = new LinkedHashMap<>();
    timings.put("retrieve", millis(retrievedAt - began));
    timings.putAll(result.timingsMs());
    timings.put("total", millis(System.nanoTime() - began));
    return new AskResult(result.answer(), result.alternatives(), timings, retrieved.generation(),
        request.includePassages() ? retrieved.hits() : List.of());
  }

  @Override
  public List<Passage> retrieve(String question, Integer topK, RetrieverMode mode) {
    return retrieveFromOneCommit(question, mode, topK, null).hits().stream().map(ScoredPassage::passage).toList();
  }

  /** Passages retrieved from one published commit, and that commit's manifest generation. */
  private record Retrieved(List<ScoredPassage> hits, long generation) {}

  private Retrieved retrieveFromOneCommit(String question, RetrieverMode mode, Integer topK, String documentPrefix) {
    // One view for the whole retrieval: the answer then names the commit it came from, even if a newer one is
    // published meanwhile.
    try (IndexView view = index.acquire()) {
      return new Retrieved(retriever.retrieve(view, question, mode, topK, documentPrefix), view.generation());
    }
  }

  @Override
  public AskResult read(String question, List<Passage> passages, int alternatives) {
    return read(question, passages, alternatives, reader.defaultOptions());
  }

  @Override
  public AskResult read(String question, List<Passage> passages, int alternatives, Integer maxAnswerLength) {
    return read(question, passages, alternatives, withAnswerLength(reader.defaultOptions(), maxAnswerLength));
  }

  /** {@code options} with answers of at most {@code maxAnswerLength} tokens ({@code null}: as they are). */
  private static ReadOptions withAnswerLength(ReadOptions options, Integer maxAnswerLength) {
    if (maxAnswerLength == null) {
      return options;
    }
    if (maxAnswerLength < 1) {
      throw new InvalidInputException("maxAnswerLength must be >= 1; maxAnswerLength=" + maxAnswerLength);
    }
    return options.withMaxAnswerLength(maxAnswerLength);
  }

  private AskResult read(String question, List<Passage> passages, int alternatives, ReadOptions options) {
    if (alternatives < 0) {
      throw new InvalidInputException("alternatives must be >= 0; alternatives=" + alternatives);
    }
    long began = System.nanoTime();
    if (passages.isEmpty()) {
      return new AskResult(null, List.of(), Map.of("read", 0.0));
    }
    ReaderResult result = reader.read(question, passages, options.withTopK(alternatives + 1));
    Optional<Answer> best = result.best();
    List<Answer> others = best.isPresent() ? result.answers().subList(1, result.answers().size()) : result.answers();
    return new AskResult(best.orElse(null), others, Map.of("read", millis(System.nanoTime() - began)));
  }

  /**
   * Wall time of each phase of {@link #open}: {@code reader}, {@code embedder} and {@code index_sync} (which overlap),
   * and {@code open}, the whole.
   */
  public Map<String, Double> openTimingsMs() {
    return openTimingsMs;
  }

  private DocumentExtractor extractor() {
    DocumentExtractor existing = extractor;
    if (existing != null) {
      return existing;
    }
    synchronized (this) {
      if (extractor == null) {
        extractor = new DocumentExtractor(ingestSettings);
      }
      return extractor;
    }
  }

  private Optional<IndexedDocument> indexedDocument(String documentId) {
    try (IndexView view = index.acquire()) {
      return view.document(documentId);
    }
  }

  private static void requireDocumentId(String documentId) {
    if (documentId == null || documentId.isBlank()) {
      throw new InvalidInputException("documentId must be non-blank; documentId=" + documentId);
    }
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Closing.all("docqa", index, splitterTokenizer, embedder, reader, extractor);
    }
  }
}
