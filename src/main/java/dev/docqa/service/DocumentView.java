package dev.docqa.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.docqa.indexing.IndexedDocument;
import java.util.List;

/**
 * One indexed document as JSON, the same for {@code docqa list --json} and the local server's {@code GET /documents}:
 * <pre>{@code
 * {"id": str, "passages": int, "pages": int, "source_version": str, "indexed_at": str|null, "origin": str}
 * }</pre>
 * {@code pages} is 0 for formats without pages, {@code indexed_at} an ISO-8601 instant, {@code origin} the file it was
 * ingested from, {@code upload:NAME} for an upload through the local server, {@code ""} when the id names its source.
 * Immutable.
 */
@JsonPropertyOrder({"id", "passages", "pages", "source_version", "indexed_at", "origin"})
public record DocumentView(
    String id,
    int passages,
    int pages,
    @JsonProperty("source_version") String sourceVersion,
    @JsonProperty("indexed_at") String indexedAt,
    String origin) {

  public static DocumentView of(IndexedDocument document) {
    return new DocumentView(document.documentId(), document.passages(), document.pages(),
        document.sourceVersion() == null ? "" : document.sourceVersion(),
        document.indexedAt() == null ? null : document.indexedAt().toString(),
        document.origin().isEmpty() ? "" : Origins.shown(document.origin()));
  }

  /** {@code {"documents": [...]}}. */
  public record Listing(List<DocumentView> documents) {
    public Listing {
      documents = List.copyOf(documents);
    }

    public static Listing of(List<IndexedDocument> documents) {
      return new Listing(documents.stream().map(DocumentView::of).toList());
    }
  }
}
