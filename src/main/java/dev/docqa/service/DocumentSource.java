package dev.docqa.service;

import dev.docqa.InvalidInputException;
import dev.docqa.indexing.Sequencers;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One document to ingest.
 *
 * @param documentId the id answers name as their source (an object key, a relative path)
 * @param content the file to extract
 * @param sourceVersion the version the source store gave it (an ETag, a modification time), kept with its passages;
 *     {@code null} for none
 * @param origin where the content comes from when the id alone does not say: {@link Origins#ofFile} for a local file,
 *     {@link Origins#upload} for an upload; {@code ""} when the id names the source (an object key). A non-empty
 *     origin lets the service refuse a second file under an id another file holds, skip a file already indexed under
 *     another id, and find documents whose files are gone
 * @param replaceOtherOrigin whether this content may replace a document that another origin (a file that still
 *     exists) holds under the same id: a new version of the document from another place
 * @param sequencer the S3 {@code sequencer} of the event this content answers, {@code null} for none: a change with one
 *     is applied only when it is newer than the one the index commit holds for the document (see
 *     {@link dev.docqa.indexing.AppliedSequencers}); a change without one is always applied
 */
public record DocumentSource(String documentId, Path content, String sourceVersion, String origin,
    boolean replaceOtherOrigin, String sequencer) {

  public DocumentSource {
    if (documentId == null || documentId.isBlank()) {
      throw new InvalidInputException("documentId must be non-blank; documentId=" + documentId);
    }
    if (content == null) {
      throw new InvalidInputException("content must be a file; documentId=" + documentId);
    }
    origin = origin == null ? "" : origin;
    if (sequencer != null && !Sequencers.isValid(sequencer)) {
      throw new InvalidInputException(
          "a sequencer must be 1 to 64 hex digits; documentId=" + documentId + ", sequencer=" + sequencer);
    }
  }

  /** A document without an event sequencer. */
  public DocumentSource(
      String documentId, Path content, String sourceVersion, String origin, boolean replaceOtherOrigin) {
    this(documentId, content, sourceVersion, origin, replaceOtherOrigin, null);
  }

  /** A document whose id names its source (no origin). */
  public DocumentSource(String documentId, Path content, String sourceVersion) {
    this(documentId, content, sourceVersion, "", false, null);
  }

  /** An object-store document whose change is ordered by the S3 event {@code sequencer} ({@code null}: unordered). */
  public static DocumentSource ofEvent(String documentId, Path content, String sourceVersion, String sequencer) {
    return new DocumentSource(documentId, content, sourceVersion, "", false, sequencer);
  }

  /** A document from {@code origin} that never replaces another origin's document. */
  public DocumentSource(String documentId, Path content, String sourceVersion, String origin) {
    this(documentId, content, sourceVersion, origin, false, null);
  }

  /** @throws InvalidInputException when two documents share an id: which version should win would be a guess */
  static void requireDistinctIds(List<DocumentSource> documents) {
    Set<String> ids = new HashSet<>();
    for (DocumentSource document : documents) {
      if (!ids.add(document.documentId())) {
        throw new InvalidInputException("document id appears twice in one batch: " + document.documentId());
      }
    }
  }
}
