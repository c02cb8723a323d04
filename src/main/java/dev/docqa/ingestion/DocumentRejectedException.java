package dev.docqa.ingestion;

import dev.docqa.DocqaException;
import java.util.Objects;

/**
 * One document could not be turned into text. Concerns that document only: the extractor stays usable for others.
 * {@link #reason()} says why in a form adapters can map (e.g. to an ingest outcome or an HTTP status).
 */
public class DocumentRejectedException extends DocqaException {

  /** Why a document was rejected. */
  public enum Reason {
    /** No bytes, or no text once extracted. */
    EMPTY,
    /** Over the byte limit, or its text is over the extracted-character limit. */
    TOO_LARGE,
    /** Expands far beyond its size (a decompression bomb) or nests too deep. */
    SUSPICIOUS_EXPANSION,
    /** Extraction ran past the time limit and was cancelled. */
    TIMEOUT,
    /** Password-protected or otherwise encrypted. */
    ENCRYPTED,
    /** A supported type whose content cannot be parsed. */
    CORRUPT,
    /** A media type docqa does not extract. */
    UNSUPPORTED
  }

  private final String documentId;
  private final Reason reason;

  public DocumentRejectedException(String documentId, Reason reason, String detail) {
    super(message(documentId, reason, detail));
    this.documentId = documentId;
    this.reason = reason;
  }

  public DocumentRejectedException(String documentId, Reason reason, String detail, Throwable cause) {
    super(message(documentId, reason, detail), cause);
    this.documentId = documentId;
    this.reason = reason;
  }

  public String documentId() {
    return documentId;
  }

  public Reason reason() {
    return reason;
  }

  private static String message(String documentId, Reason reason, String detail) {
    return "document '" + documentId + "' rejected (" + Objects.requireNonNull(reason, "reason") + "): " + detail;
  }
}
