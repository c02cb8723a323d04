package dev.docqa.service;

import dev.docqa.InvalidInputException;
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
 */
public record DocumentSource(
    String documentId, Path content, String sourceVersion, String origin, boolean replaceOtherOrigin) {

  public DocumentSource {
    if (documentId == null || documentId.isBlank()) {
      throw new InvalidInputException("documentId must be non-blank; documentId=" + documentId);
    }
    if (content == null) {
      throw new InvalidInputException("content must be a file; documentId=" + documentId);
    }
    origin = origin == null ? "" : origin;
  }

  /** A document whose id names its source (no origin). */
  public DocumentSource(String documentId, Path content, String sourceVersion) {
    this(documentId, content, sourceVersion, "", false);
  }

  /** A document from {@code origin} that never replaces another origin's document. */
  public DocumentSource(String documentId, Path content, String sourceVersion, String origin) {
    this(documentId, content, sourceVersion, origin, false);
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
