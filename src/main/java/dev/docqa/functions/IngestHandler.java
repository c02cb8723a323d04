package dev.docqa.functions;

import dev.docqa.DocqaException;
import dev.docqa.InvalidInputException;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code ingest} function without Quarkus: turns S3 notifications (direct or inside SQS messages) into
 * {@link DocQa#delete} calls and one {@link DocQa#ingestAll} per invocation (one index commit for the batch).
 *
 * <p>Notifications are at-least-once and unordered, so each document is reconciled with the store rather than with the
 * event: of a batch's events for one document only the newest (by {@code sequencer}) counts; it is dropped when the
 * {@link EventLedger} has seen an equal or newer one; otherwise the object as it is <em>now</em> is ingested, or the
 * document deleted when the object is gone, and the sequencer recorded. Events for other buckets or prefixes, and
 * keys that break the {@link ObjectKeys} rules ({@code ..}, {@code //}, backslash, NUL, over 1,024 bytes), are
 * ignored with a log line: the store is only ever asked for keys under the documents' prefix.
 *
 * <p>Failures: a malformed SQS message (an SNS envelope in the body included), a document whose download, splitting
 * or embedding fails ({@link IngestOutcome.Status#ERROR}), or whose bookkeeping fails after the commit, puts its
 * message ids in the partial batch response, so SQS retries just those (and its redrive policy parks a message that
 * keeps failing) while the rest of the batch lands once; a failed commit fails every document the batch was to index. For a direct S3 invocation the first failure, a malformed record
 * included, is thrown after the rest of the batch ran, so Lambda retries the event. A document the service rejects
 * ({@code FAILED}: corrupt, too big), or whose key the store refuses, is logged and acknowledged, since retrying cannot
 * help. Thread-safe when {@link DocQa} is.
 */
public final class IngestHandler {

  private final DocQa docQa;
  private final ObjectStore store;
  private final String documentPrefix;
  private final EventFilter filter;
  private final EventLedger ledger;
  private final Path tmpDir;

  /**
   * @param docQa the service
   * @param store the document store (the same bucket and prefix the notifications come from)
   * @param documentPrefix where documents live in {@code store}, e.g. {@code documents/}
   * @param filter which notifications concern this deployment
   * @param ledger the per-document sequencers already applied
   * @param tmpDir where documents are downloaded for ingestion
   */
  public IngestHandler(
      DocQa docQa, ObjectStore store, String documentPrefix, EventFilter filter, EventLedger ledger, Path tmpDir) {
    this.docQa = docQa;
    this.store = store;
    this.documentPrefix = documentPrefix;
    this.filter = filter;
    this.ledger = ledger;
    this.tmpDir = tmpDir;
  }

  /** Handles one invocation; the response lists the SQS messages to retry (always empty for direct S3 events). */
  public SqsBatchResponse handle(IngestEvent event) {
    Set<String> failedMessages = new LinkedHashSet<>();
    List<RuntimeException> directFailures = new ArrayList<>();
    Map<String, List<DocumentEvent>> byDocument = new LinkedHashMap<>();
    for (IngestEvent.Record record : event.getRecords()) {
      List<DocumentEvent> events;
      try {
        events = S3Events.of(record);
      } catch (InvalidInputException e) {
        JsonLog.warn("ingest.malformed", e, "messageId", record.getMessageId());
        if (record.isSqsMessage()) {
          failedMessages.add(record.getMessageId());
        } else {
          directFailures.add(e); // thrown after the rest of the batch ran
        }
        continue;
      }
      for (DocumentEvent documentEvent : events) {
        Optional<String> documentId = filter.documentId(documentEvent);
        if (documentId.isEmpty()) {
          JsonLog.info("ingest.ignored", "bucket", documentEvent.bucket(), "key", documentEvent.key(),
              "reason", "not under s3://" + filter.bucket() + "/" + filter.keyPrefix());
          continue;
        }
        try {
          ObjectKeys.check(documentPrefix + documentId.get());
        } catch (InvalidInputException e) {
          // S3 allows any key; one with '..', '//', a backslash or NUL names no safe document. Retrying cannot help.
          JsonLog.warn("ingest.ignored", null, "bucket", documentEvent.bucket(), "key", documentEvent.key(),
              "reason", e.getMessage());
          continue;
        }
        byDocument.computeIfAbsent(documentId.get(), id -> new ArrayList<>()).add(documentEvent);
      }
    }
    // Deletes apply one by one; the documents to (re)index are downloaded, then published as one commit.
    List<Download> downloads = new ArrayList<>();
    try {
      for (Map.Entry<String, List<DocumentEvent>> entry : byDocument.entrySet()) {
        try {
          prepare(entry.getKey(), entry.getValue()).ifPresent(downloads::add);
        } catch (RuntimeException e) {
          fail(entry.getKey(), entry.getValue(), e, failedMessages, directFailures);
        }
      }
      ingest(downloads, byDocument, failedMessages, directFailures);
    } finally {
      downloads.forEach(Download::deleteFile);
    }
    if (!directFailures.isEmpty()) {
      RuntimeException first = directFailures.getFirst();
      directFailures.stream().skip(1).distinct().filter(e -> e != first).forEach(first::addSuppressed);
      throw first;
    }
    return new SqsBatchResponse(List.copyOf(failedMessages));
  }

  /** A document's newest event, and the object it now names, downloaded. */
  private record Download(String documentId, DocumentEvent newest, ObjectInfo object, Path file, long startedNanos) {

    void deleteFile() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        JsonLog.warn("ingest.cleanup", e, "file", file.toString());
      }
    }
  }

  /**
   * Settles a document's events up to ingestion: drops them when the ledger has seen as new, deletes the document when
   * its object is gone, else downloads the object as it is now.
   *
   * @return the download to ingest, or empty when the events are settled
   */
  private Optional<Download> prepare(String documentId, List<DocumentEvent> events) {
    DocumentEvent newest =
        events.stream().max(Comparator.comparing(DocumentEvent::sequencer, Sequencers.ORDER)).orElseThrow();
    if (events.size() > 1) {
      JsonLog.info("ingest.superseded", "documentId", documentId, "events", events.size(), "kept", newest.sequencer());
    }
    if (!ledger.isNew(documentId, newest.sequencer())) {
      JsonLog.info("ingest.duplicate", "documentId", documentId, "sequencer", newest.sequencer(),
          "applied", ledger.lastSequencer(documentId).orElse(null));
      return Optional.empty();
    }
    long started = System.nanoTime();
    String key = documentPrefix + documentId;
    Optional<ObjectInfo> now = store.head(key);
    if (now.isEmpty()) {
      String action = docQa.delete(documentId) ? "deleted" : "absent";
      applied(documentId, newest, action, started);
      return Optional.empty();
    }
    Path file;
    try {
      Files.createDirectories(tmpDir);
      file = Files.createTempFile(tmpDir, "document-", ".bin");
    } catch (IOException e) {
      throw new DocqaException("cannot create a temporary file in " + tmpDir, e);
    }
    Download download = new Download(documentId, newest, now.get(), file, started);
    try {
      store.download(key, file);
      return Optional.of(download);
    } catch (RuntimeException e) {
      download.deleteFile();
      throw e;
    }
  }

  /** Ingests the downloads as one batch; a failure of the batch's commit fails each of its documents. */
  private void ingest(List<Download> downloads, Map<String, List<DocumentEvent>> byDocument,
      Set<String> failedMessages, List<RuntimeException> directFailures) {
    if (downloads.isEmpty()) {
      return;
    }
    List<IngestOutcome> outcomes;
    try {
      outcomes = docQa.ingestAll(downloads.stream()
          .map(d -> new DocumentSource(d.documentId(), d.file(), d.object().etag())).toList());
    } catch (RuntimeException e) {
      downloads.forEach(d -> fail(d.documentId(), byDocument.get(d.documentId()), e, failedMessages, directFailures));
      return;
    }
    for (int i = 0; i < downloads.size(); i++) {
      Download download = downloads.get(i);
      IngestOutcome outcome = outcomes.get(i);
      List<DocumentEvent> events = byDocument.get(download.documentId());
      if (outcome.status() == IngestOutcome.Status.ERROR) {
        // Split or embedding failed for this document alone: the rest of the batch is committed, this one retried.
        fail(download.documentId(), events,
            new DocqaException("ingesting " + download.documentId() + " failed: " + outcome.error()),
            failedMessages, directFailures);
        continue;
      }
      if (outcome.status() == IngestOutcome.Status.FAILED) {
        JsonLog.warn("ingest.rejected", null, "documentId", download.documentId(), "error", outcome.error());
      }
      try {
        applied(download.documentId(), download.newest(), outcome.status().name().toLowerCase(Locale.ROOT),
            download.startedNanos());
      } catch (RuntimeException e) {
        // Bookkeeping after the commit failed: the change is published, but unrecorded. Retrying this document's
        // messages (not the batch's) records it; the content is then unchanged, so nothing is written twice.
        fail(download.documentId(), events, e, failedMessages, directFailures);
      }
    }
  }

  private void applied(String documentId, DocumentEvent newest, String action, long startedNanos) {
    ledger.record(documentId, newest.sequencer());
    JsonLog.info("ingest.applied", "documentId", documentId, "kind", newest.kind().name(), "action", action,
        "sequencer", newest.sequencer(), "ms", (System.nanoTime() - startedNanos) / 1e6);
  }

  /** Logs a document's failure and marks its messages (or the direct invocation) for retry, unless that is futile. */
  private static void fail(String documentId, List<DocumentEvent> events, RuntimeException e,
      Set<String> failedMessages, List<RuntimeException> directFailures) {
    if (e instanceof InvalidInputException) {
      // A key the store refuses (a symbolic link out of a local folder): retrying cannot help either.
      JsonLog.warn("ingest.rejected", null, "documentId", documentId, "error", e.getMessage());
      return;
    }
    JsonLog.warn("ingest.failed", e, "documentId", documentId);
    for (DocumentEvent event : events) {
      if (event.messageId() == null) {
        directFailures.add(e);
      } else {
        failedMessages.add(event.messageId());
      }
    }
  }
}
