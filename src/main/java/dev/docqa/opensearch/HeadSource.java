package dev.docqa.opensearch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.IndexedDocument;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code _source} of a head: what the index holds about one docqa document, and the order of the changes applied
 * to it. A removed document keeps a tombstone head (its sequencer and generation, no content), so that an older event
 * stays stale and generations only grow.
 *
 * @param sequencer the newest S3 sequencer applied to the document; {@code null} when none was
 * @param token the write token of the passages this head names (random per written version)
 * @param generation counts the versions written for the document, tombstones included: every head written over
 *     another has a generation one greater (one that only records a newer sequencer keeps the passages' token)
 * @param recordedAt when this head was written (epoch milliseconds)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
record HeadSource(
    @JsonProperty(IndexLayout.KIND) String kind,
    @JsonProperty(IndexLayout.DOC_ID) String documentId,
    @JsonProperty(IndexLayout.CONTENT_HASH) String contentHash,
    @JsonProperty(IndexLayout.SOURCE_VERSION) String sourceVersion,
    @JsonProperty(IndexLayout.ORIGIN) String origin,
    @JsonProperty(IndexLayout.INDEXED_AT) Long indexedAt,
    @JsonProperty(IndexLayout.PASSAGES) int passages,
    @JsonProperty(IndexLayout.PAGES) int pages,
    @JsonProperty(IndexLayout.SEQUENCER) String sequencer,
    @JsonProperty(IndexLayout.TOMBSTONE) boolean tombstone,
    @JsonProperty(IndexLayout.TOKEN) String token,
    @JsonProperty(IndexLayout.GENERATION) long generation,
    @JsonProperty(IndexLayout.RECORDED_AT) long recordedAt) {

  /** A head for a written version. */
  static HeadSource present(DocumentPassages document, String sequencer, String token,
      long generation, Instant now) {
    return new HeadSource(IndexLayout.KIND_HEAD, document.documentId(), document.contentHash(),
        document.sourceVersion(), document.origin(), document.indexedAt().toEpochMilli(), document.passages().size(),
        document.pages(), sequencer, false, token, generation, now.toEpochMilli());
  }

  /** A tombstone: the document is removed; {@code sequencer} keeps older events stale. */
  static HeadSource tombstone(String documentId, String sequencer, String token, long generation, Instant now) {
    return new HeadSource(IndexLayout.KIND_HEAD, documentId, null, null, null, null, 0, 0, sequencer, true, token,
        generation, now.toEpochMilli());
  }

  /** The head that records a newer sequencer over the same passages (same token), as {@code generation}. */
  HeadSource withSequencer(String newer, long generation, Instant now) {
    return new HeadSource(kind, documentId, contentHash, sourceVersion, origin, indexedAt, passages, pages, newer,
        tombstone, token, generation, now.toEpochMilli());
  }

  /** What the head says about a present document; empty for a tombstone. */
  Optional<IndexedDocument> document() {
    if (tombstone) {
      return Optional.empty();
    }
    return Optional.of(new IndexedDocument(documentId, contentHash, sourceVersion == null ? "" : sourceVersion,
        passages, pages, origin, indexedAt == null ? null : Instant.ofEpochMilli(indexedAt)));
  }
}
