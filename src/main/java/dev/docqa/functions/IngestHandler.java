package dev.docqa.functions;

import dev.docqa.InvalidInputException;
import dev.docqa.events.DocumentEvent;
import dev.docqa.events.DocumentResult;
import dev.docqa.events.EventReconciler;
import dev.docqa.events.IgnoredEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code ingest} function without Quarkus: decodes S3 notifications (direct or inside SQS messages), hands their
 * events to the {@link EventReconciler} (one index commit for the batch's documents, in event order whatever the
 * number of concurrent writers), and turns its results into log lines and the partial batch response.
 *
 * <p>Failures: a malformed SQS message (an SNS envelope in the body included), or a document whose settling failed
 * (download, splitting, embedding, the batch's commit), puts its message ids in the partial batch response, so SQS
 * retries just those (and its redrive policy parks a message that keeps failing) while the rest of the batch lands
 * once. For a direct S3 invocation the first failure, a malformed record included, is thrown after the rest of the
 * batch ran, so Lambda retries the event. A document the service rejects (corrupt, too big), or whose key the store
 * refuses, is logged and acknowledged, since retrying cannot help. Thread-safe when the reconciler is.
 */
public final class IngestHandler {

  private final EventReconciler reconciler;

  public IngestHandler(EventReconciler reconciler) {
    this.reconciler = reconciler;
  }

  /** Handles one invocation; the response lists the SQS messages to retry (always empty for direct S3 events). */
  public SqsBatchResponse handle(IngestEvent event) {
    Set<String> failedMessages = new LinkedHashSet<>();
    List<RuntimeException> directFailures = new ArrayList<>();
    List<DocumentEvent> events = new ArrayList<>();
    for (IngestEvent.Record record : event.getRecords()) {
      try {
        events.addAll(S3Events.of(record));
      } catch (InvalidInputException e) {
        JsonLog.warn("ingest.malformed", e, "messageId", record.getMessageId());
        if (record.isSqsMessage()) {
          failedMessages.add(record.getMessageId());
        } else {
          directFailures.add(e); // thrown after the rest of the batch ran
        }
      }
    }
    EventReconciler.Reconciliation reconciliation = reconciler.reconcile(events);
    for (IgnoredEvent ignored : reconciliation.ignored()) {
      if (ignored.unsafeKey()) {
        JsonLog.warn("ingest.ignored", null, "bucket", ignored.event().bucket(), "key", ignored.event().key(),
            "reason", ignored.reason());
      } else {
        JsonLog.info("ingest.ignored", "bucket", ignored.event().bucket(), "key", ignored.event().key(),
            "reason", ignored.reason());
      }
    }
    for (DocumentResult result : reconciliation.documents()) {
      report(result, failedMessages, directFailures);
    }
    if (!directFailures.isEmpty()) {
      RuntimeException first = directFailures.getFirst();
      directFailures.stream().skip(1).distinct().filter(e -> e != first).forEach(first::addSuppressed);
      throw first;
    }
    return new SqsBatchResponse(List.copyOf(failedMessages));
  }

  /** Logs a document's result and, when it failed, marks its messages (or the direct invocation) for retry. */
  private static void report(DocumentResult result, Set<String> failedMessages, List<RuntimeException> directFailures) {
    String documentId = result.documentId();
    String sequencer = result.newest().sequencer();
    if (result.events().size() > 1) {
      JsonLog.info("ingest.superseded", "documentId", documentId, "events", result.events().size(), "kept", sequencer);
    }
    switch (result.status()) {
      case STALE -> JsonLog.info("ingest.duplicate", "documentId", documentId, "sequencer", sequencer,
          "applied", result.detail());
      case FAILED -> {
        JsonLog.warn("ingest.failed", result.failure(), "documentId", documentId);
        for (DocumentEvent event : result.events()) {
          if (event.messageId() == null) {
            directFailures.add(result.failure());
          } else {
            failedMessages.add(event.messageId());
          }
        }
      }
      case REJECTED -> {
        JsonLog.warn("ingest.rejected", null, "documentId", documentId, "error", result.detail());
        applied(result, "failed");
      }
      default -> applied(result, result.status().name().toLowerCase(Locale.ROOT));
    }
  }

  private static void applied(DocumentResult result, String action) {
    JsonLog.info("ingest.applied", "documentId", result.documentId(), "kind", result.newest().kind().name(),
        "action", action, "sequencer", result.newest().sequencer(), "ms", result.millis());
  }
}
