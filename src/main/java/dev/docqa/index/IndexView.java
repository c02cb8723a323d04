package dev.docqa.index;

import dev.docqa.document.Passage;
import dev.docqa.indexing.DocumentPassages;
import dev.docqa.indexing.IndexedDocument;
import java.util.List;
import java.util.Optional;

/**
 * One point-in-time view of a passage index: every call reads the same state (the published commit of the embedded
 * index; for OpenSearch, the state as of each call, which the engine refreshes about once a second). Valid until
 * closed; not shared between threads.
 */
public interface IndexView extends AutoCloseable {

  /** The state read: the embedded index's published generation; {@code 0} for engines without one. */
  long generation();

  /** Whether no passage is indexed. */
  boolean isEmpty();

  /**
   * Ranks passages by each signal the request names, best first, both from this view (one round trip where the engine
   * allows it). Scores: BM25 for the lexical ranking, cosine similarity in [-1, 1] for the semantic one.
   *
   * @throws EmptyIndexException when nothing is indexed
   * @throws dev.docqa.DocqaException when the vector's dimension differs from the index's
   */
  Rankings rank(RankRequest request);

  /** The passages of hits this view ranked, in the order given. */
  List<Passage> passages(List<RankedHit> hits);

  /** What the index holds about the document. */
  Optional<IndexedDocument> document(String documentId);

  /** Every indexed document, by id. */
  List<IndexedDocument> documents();

  /**
   * The document as it was written (passages in order, their vectors, what is stored about it), for copying it to
   * another index without embedding it again; empty when not indexed.
   */
  Optional<DocumentPassages> export(String documentId);

  /**
   * The id of a document other than {@code documentId} indexed from {@code origin} (non-empty): the same file under
   * another id.
   */
  Optional<String> otherDocumentFrom(String origin, String documentId);

  /**
   * Whether a change of the document with {@code sequencer} would be applied: {@code Optional.empty()} when it would
   * (or has no sequencer), else the newer sequencer the index holds. Views may lag the index, never lead it, so this is
   * a cheap early check; the write itself decides. A view may also answer empty for a stale change when the write
   * still has work to do for the document (OpenSearch: removing the passages an interrupted write replaced).
   */
  Optional<String> newerSequencer(String documentId, String sequencer);

  @Override
  void close();
}
