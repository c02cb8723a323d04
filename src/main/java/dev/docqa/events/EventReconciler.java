package dev.docqa.events;

import dev.docqa.DocqaException;
import dev.docqa.InvalidInputException;
import dev.docqa.indexing.Sequencers;
import dev.docqa.service.DeleteOutcome;
import dev.docqa.service.DocQa;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.IngestOutcome;
import dev.docqa.storage.ObjectInfo;
import dev.docqa.storage.ObjectKeys;
import dev.docqa.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settles S3 object events with the document store and the index. Notifications are at-least-once and unordered, and
 * several writers may handle events of one document at once, so each document is reconciled with the store rather
 * than with the event: of a batch's events for one document only the newest (by {@code sequencer}) counts, and the
 * object as it is <em>now</em> is ingested, or the document deleted when the object is gone, as a change carrying that
 * sequencer. The index applies such a change only when its sequencer is newer than the one the commit holds for the
 * document, comparing again whenever it retries on a newer commit; so an older event never undoes a newer one, at any
 * number of writers. An event without a sequencer is applied unconditionally (nothing can order it).
 *
 * <p>Events for other buckets or prefixes, and keys that break the {@link ObjectKeys} rules ({@code ..}, {@code //},
 * backslash, NUL, over 1,024 bytes), are {@linkplain IgnoredEvent ignored}: the store is only ever asked for keys under
 * the documents' prefix. Documents to (re)index are downloaded, then published as one commit; deletes apply one by one.
 *
 * <p>Thread-safe when the service and the store are.
 */
public final class EventReconciler {

  private static final System.Logger LOG = System.getLogger(EventReconciler.class.getName());

  private final DocQa docQa;
  private final ObjectStore store;
  private final String documentPrefix;
  private final EventFilter filter;
  private final Path tmpDir;

  /**
   * @param docQa the service that owns the index
   * @param store the document store (the same bucket and prefix the events come from)
   * @param documentPrefix where documents live in {@code store}, e.g. {@code documents/}
   * @param filter which events concern this deployment
   * @param tmpDir where documents are downloaded for ingestion
   */
  public EventReconciler(DocQa docQa, ObjectStore store, String documentPrefix, EventFilter filter, Path tmpDir) {
    this.docQa = docQa;
    this.store = store;
    this.documentPrefix = documentPrefix;
    this.filter = filter;
    this.tmpDir = tmpDir;
  }

  /** What a batch came to: the events ignored, and one result per document the others name, deletes first. */
  public record Reconciliation(List<IgnoredEvent> ignored, List<DocumentResult> documents) {

    public Reconciliation {
      ignored = List.copyOf(ignored);
      documents = List.copyOf(documents);
    }
  }

  /** Settles one batch of events; a document's failure is its result, never an exception for the batch. */
  public Reconciliation reconcile(List<DocumentEvent> events) {
    List<IgnoredEvent> ignored = new ArrayList<>();
    Map<String, List<DocumentEvent>> byDocument = new LinkedHashMap<>();
    for (DocumentEvent event : events) {
      Optional<String> documentId = filter.documentId(event);
      if (documentId.isEmpty()) {
        ignored.add(new IgnoredEvent(event, "not under s3://" + filter.bucket() + "/" + filter.keyPrefix(), false));
        continue;
      }
      try {
        ObjectKeys.check(documentPrefix + documentId.get());
      } catch (InvalidInputException e) {
        // S3 allows any key; one with '..', '//', a backslash or NUL names no safe document. Retrying cannot help.
        ignored.add(new IgnoredEvent(event, e.getMessage(), true));
        continue;
      }
      byDocument.computeIfAbsent(documentId.get(), id -> new ArrayList<>()).add(event);
    }
    List<DocumentResult> results = new ArrayList<>();
    List<Download> downloads = new ArrayList<>();
    try {
      for (Map.Entry<String, List<DocumentEvent>> entry : byDocument.entrySet()) {
        Pending pending = new Pending(entry.getKey(), entry.getValue(), System.nanoTime());
        try {
          prepare(pending, results).ifPresent(downloads::add);
        } catch (RuntimeException e) {
          results.add(pending.failed(e));
        }
      }
      results.addAll(ingest(downloads));
    } finally {
      downloads.forEach(Download::deleteFile);
    }
    return new Reconciliation(ignored, results);
  }

  /** One document's events being settled, and when that began. */
  private record Pending(String documentId, List<DocumentEvent> events, long startedNanos) {

    DocumentEvent newest() {
      return events.stream().max(Comparator.comparing(DocumentEvent::sequencer, Sequencers.ORDER)).orElseThrow();
    }

    DocumentResult result(DocumentResult.Status status, String detail) {
      return new DocumentResult(documentId, events, newest(), status, detail, null, millis());
    }

    /** A failure: {@code REJECTED} when it is the input's (retrying cannot help), else {@code FAILED}. */
    DocumentResult failed(RuntimeException e) {
      return e instanceof InvalidInputException
          ? result(DocumentResult.Status.REJECTED, e.getMessage())
          : new DocumentResult(documentId, events, newest(), DocumentResult.Status.FAILED, null, e, millis());
    }

    private double millis() {
      return (System.nanoTime() - startedNanos) / 1e6;
    }
  }

  /** A document's object as it is now, downloaded. */
  private record Download(Pending pending, ObjectInfo object, Path file) {

    void deleteFile() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // Not the document's failure: the temporary folder is the container's to clear.
        LOG.log(System.Logger.Level.WARNING, "cannot delete the downloaded document " + file, e);
      }
    }
  }

  /**
   * Deletes the document when its object is gone (its result added to {@code results}), else downloads the object as
   * it is now.
   *
   * @return the download to ingest, or empty when the document is settled
   */
  private Optional<Download> prepare(Pending pending, List<DocumentResult> results) {
    String key = documentPrefix + pending.documentId();
    Optional<ObjectInfo> now = store.head(key);
    if (now.isEmpty()) {
      DeleteOutcome deletion = docQa.delete(pending.documentId(), pending.newest().sequencer());
      results.add(switch (deletion.status()) {
        case DELETED -> pending.result(DocumentResult.Status.DELETED, null);
        case ABSENT -> pending.result(DocumentResult.Status.ABSENT, null);
        case STALE -> pending.result(DocumentResult.Status.STALE, deletion.newerSequencer());
      });
      return Optional.empty();
    }
    Path file;
    try {
      Files.createDirectories(tmpDir);
      file = Files.createTempFile(tmpDir, "document-", ".bin");
    } catch (IOException e) {
      throw new DocqaException("cannot create a temporary file in " + tmpDir, e);
    }
    Download download = new Download(pending, now.get(), file);
    boolean downloaded = false;
    try {
      store.download(key, file);
      downloaded = true;
      return Optional.of(download);
    } finally {
      if (!downloaded) {
        download.deleteFile();
      }
    }
  }

  /** Ingests the downloads as one batch; a failure of the batch's commit fails each of its documents. */
  private List<DocumentResult> ingest(List<Download> downloads) {
    if (downloads.isEmpty()) {
      return List.of();
    }
    List<IngestOutcome> outcomes;
    try {
      outcomes = docQa.ingestAll(downloads.stream()
          .map(d -> DocumentSource.ofEvent(d.pending().documentId(), d.file(), d.object().etag(),
              d.pending().newest().sequencer()))
          .toList());
    } catch (RuntimeException e) {
      return downloads.stream().map(d -> d.pending().failed(e)).toList();
    }
    List<DocumentResult> results = new ArrayList<>();
    for (int i = 0; i < downloads.size(); i++) {
      Pending pending = downloads.get(i).pending();
      IngestOutcome outcome = outcomes.get(i);
      results.add(switch (outcome.status()) {
        case INDEXED -> pending.result(DocumentResult.Status.INDEXED, null);
        case UNCHANGED -> pending.result(DocumentResult.Status.UNCHANGED, null);
        case STALE -> pending.result(DocumentResult.Status.STALE, outcome.error());
        // DUPLICATE needs an origin (a local file), which object-store documents never have.
        case FAILED, DUPLICATE -> pending.result(DocumentResult.Status.REJECTED, outcome.error());
        // Split or embedding failed for this document alone: the rest of the batch is committed, this one retried.
        case ERROR -> pending.failed(
            new DocqaException("ingesting " + pending.documentId() + " failed: " + outcome.error()));
      });
    }
    return results;
  }
}
