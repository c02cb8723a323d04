package dev.docqa.functions;

import dev.docqa.InvalidInputException;
import dev.docqa.DocqaException;
import dev.docqa.service.DocQa;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code ingest} function without Quarkus: turns S3 notifications (direct or inside SQS messages) into
 * {@link DocQa#ingest}/{@link DocQa#delete} calls.
 *
 * <p>Notifications are at-least-once and unordered, so each document is reconciled with the store rather than with the
 * event: of a batch's events for one document only the newest (by {@code sequencer}) counts; it is dropped when the
 * {@link EventLedger} has seen an equal or newer one; otherwise the object as it is <em>now</em> is ingested, or the
 * document deleted when the object is gone, and the sequencer recorded. Events for other buckets or prefixes, and
 * keys that break the {@link ObjectKeys} rules ({@code ..}, {@code //}, backslash, NUL, over 1,024 bytes), are
 * ignored with a log line: the store is only ever asked for keys under the documents' prefix.
 *
 * <p>Failures: a malformed SQS message or a document whose processing fails puts its message ids in the partial batch
 * response, so SQS retries just those (and its redrive policy parks a message that keeps failing); for a direct S3
 * invocation the first failure, a malformed record included, is thrown after the rest of the batch ran, so Lambda
 * retries the event. A document the service rejects ({@code FAILED}: corrupt, too big), or whose key the
 * store refuses, is logged and acknowledged, since retrying cannot help. Thread-safe when {@link DocQa} is.
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
    for (Map.Entry<String, List<DocumentEvent>> entry : byDocument.entrySet()) {
      List<DocumentEvent> events = entry.getValue();
      try {
        apply(entry.getKey(), events);
      } catch (InvalidInputException e) {
        // A key the store refuses (a symbolic link out of a local folder): retrying cannot help either.
        JsonLog.warn("ingest.rejected", null, "documentId", entry.getKey(), "error", e.getMessage());
      } catch (RuntimeException e) {
        JsonLog.warn("ingest.failed", e, "documentId", entry.getKey());
        events.stream().map(DocumentEvent::messageId).forEach(id -> {
          if (id == null) {
            directFailures.add(e);
          } else {
            failedMessages.add(id);
          }
        });
      }
    }
    if (!directFailures.isEmpty()) {
      RuntimeException first = directFailures.getFirst();
      directFailures.stream().skip(1).distinct().filter(e -> e != first).forEach(first::addSuppressed);
      throw first;
    }
    return new SqsBatchResponse(List.copyOf(failedMessages));
  }

  private void apply(String documentId, List<DocumentEvent> events) {
    DocumentEvent newest = events.stream().max(Comparator.comparing(DocumentEvent::sequencer, Sequencers.ORDER)).orElseThrow();
    if (events.size() > 1) {
      JsonLog.info("ingest.superseded", "documentId", documentId, "events", events.size(), "kept", newest.sequencer());
    }
    if (!ledger.isNew(documentId, newest.sequencer())) {
      JsonLog.info("ingest.duplicate", "documentId", documentId, "sequencer", newest.sequencer(),
          "applied", ledger.lastSequencer(documentId).orElse(null));
      return;
    }
    long started = System.nanoTime();
    String key = documentPrefix + documentId;
    Optional<ObjectInfo> now = store.head(key);
    String action;
    if (now.isPresent()) {
      IngestOutcome outcome = ingestCurrent(documentId, key, now.get());
      action = outcome.status().name().toLowerCase(java.util.Locale.ROOT);
      if (outcome.status() == IngestOutcome.Status.FAILED) {
        JsonLog.warn("ingest.rejected", null, "documentId", documentId, "error", outcome.error());
      }
    } else {
      action = docQa.delete(documentId) ? "deleted" : "absent";
    }
    ledger.record(documentId, newest.sequencer());
    JsonLog.info("ingest.applied", "documentId", documentId, "kind", newest.kind().name(), "action", action,
        "sequencer", newest.sequencer(), "ms", (System.nanoTime() - started) / 1e6);
  }

  private IngestOutcome ingestCurrent(String documentId, String key, ObjectInfo object) {
    Path file;
    try {
      Files.createDirectories(tmpDir);
      file = Files.createTempFile(tmpDir, "document-", ".bin");
    } catch (IOException e) {
      throw new DocqaException("cannot create a temporary file in " + tmpDir, e);
    }
    try {
      store.download(key, file);
      return docQa.ingest(documentId, file, object.etag());
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        JsonLog.warn("ingest.cleanup", e, "file", file.toString());
      }
    }
  }
}
