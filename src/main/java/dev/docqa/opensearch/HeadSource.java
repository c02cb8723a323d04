package dev.docqa.opensearch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.IndexedDocument;
import dev.docqa.indexing.Sequencers;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/**
 * The {@code _source} of a head: one version of a docqa document, the passages it names and its place in the order of
 * the document's changes ({@link #NEWEST_FIRST}). The newest head of a document is its current version; a removed
 * document's is a tombstone (its sequencer and generation, no content), so that an older event stays stale.
 *
 * @param sequencer the newest S3 sequencer applied to the document; {@code null} when none was
 * @param token the write token of the passages this head names (random per written version; a head that only records
 *     a newer sequencer keeps the passages' token)
 * @param generation one more than the generation of the head that was current when this one was decided: orders the
 *     changes that carry no sequencer
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

  /**
   * The order of a document's heads, newest first: by sequencer ({@link Sequencers#ORDER}), then generation, then
   * token (two writers that decided on the same head without sequencers: an arbitrary but agreed winner).
   */
  static final Comparator<HeadSource> NEWEST_FIRST = Comparator.comparing(HeadSource::sequencer, Sequencers.ORDER)
      .thenComparingLong(HeadSource::generation)
      .thenComparing(HeadSource::token)
      .reversed();

  /** A head as stored: its {@code _id} (assigned by the engine) and source. */
  record Stored(String id, HeadSource source) {}

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
