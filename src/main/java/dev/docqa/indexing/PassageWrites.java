package dev.docqa.indexing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.util.BytesRef;

/**
 * The passage schema's writes, on any {@link IndexWriter}: the index publisher's (one writer per publish attempt) and
 * {@link PassageIndex}'s. Nothing here commits; the owner of the writer does.
 */
public final class PassageWrites {

  private PassageWrites() {}

  /** Writer configuration for passage indexes: the schema's analyzer and the vector format for new segments. */
  public static IndexWriterConfig writerConfig(VectorFormat format) {
    KnnVectorsFormat vectors = format.luceneFormat();
    return new IndexWriterConfig(PassageSchema.newAnalyzer())
        .setCommitOnClose(false)
        .setCodec(new Lucene104Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return vectors;
          }
        });
  }

  /**
   * Replaces all passages of the document with {@code document}'s, unless the index already holds the same content
   * hash. A document with no passages ends up absent.
   *
   * @return whether anything was written
   * @throws IllegalArgumentException when a vector has the wrong dimension or is not unit length, or the document id
   *     is too long for a Lucene term (nothing is written)
   */
  public static boolean replace(IndexWriter writer, DocumentPassages document, int dimension) throws IOException {
    return replaceAll(writer, List.of(document), dimension).getFirst();
  }

  /**
   * {@link #replace} for several documents in one writer session (one commit for all, by the writer's owner). Every
   * document is validated before any is written, and the index is looked up once: a near-real-time reader per
   * document would flush a tiny segment each time.
   *
   * @return for each document, in order, whether anything was written
   * @throws IllegalArgumentException when two documents share an id, or as {@link #replace} (nothing is written)
   */
  public static List<Boolean> replaceAll(IndexWriter writer, List<DocumentPassages> documents, int dimension)
      throws IOException {
    Set<String> ids = new HashSet<>();
    List<List<Document>> built = new ArrayList<>(documents.size());
    for (DocumentPassages document : documents) {
      if (!ids.add(document.documentId())) {
        throw new IllegalArgumentException("document id appears twice in one batch: " + document.documentId());
      }
      built.add(PassageSchema.toLuceneDocuments(document, dimension));
    }
    List<Optional<IndexedDocument>> indexed = new ArrayList<>(documents.size());
    try (DirectoryReader reader = DirectoryReader.open(writer)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      for (DocumentPassages document : documents) {
        indexed.add(indexedDocument(searcher, document.documentId()));
      }
    }
    List<Boolean> written = new ArrayList<>(documents.size());
    for (int i = 0; i < documents.size(); i++) {
      DocumentPassages document = documents.get(i);
      written.add(write(writer, document.documentId(), document.contentHash(), document.origin(), built.get(i),
          indexed.get(i)));
    }
    return written;
  }

  /**
   * The write of {@link #replace}, with its Lucene documents already built (and so validated) and what the writer
   * holds about the document already known: {@link PassageIndex} validates a whole batch before writing any of it and
   * tracks its own uncommitted writes, instead of opening a near-real-time reader (a flush) per document.
   */
  static boolean write(IndexWriter writer, String documentId, String contentHash, String origin, List<Document> docs,
      Optional<IndexedDocument> indexed) throws IOException {
    if (isCurrent(indexed, contentHash, origin)) {
      return false;
    }
    Term term = new Term(PassageSchema.DOC_ID, documentId);
    if (docs.isEmpty()) {
      writer.deleteDocuments(term);
      return indexed.isPresent();
    }
    writer.updateDocuments(term, docs);
    return true;
  }

  /**
   * Whether the index already holds this version: the same content hash, unless the document was written before
   * origins were recorded (no origin, no indexing time) and {@code origin} is one, which is then recorded by writing it
   * again. A recorded origin is never rewritten for the same content: writers without one (object keys) and with one
   * never undo each other.
   */
  public static boolean isCurrent(Optional<IndexedDocument> indexed, String contentHash, String origin) {
    return indexed.filter(d -> d.contentHash().equals(contentHash)
        && !(d.indexedAt() == null && d.origin().isEmpty() && !origin.isEmpty())).isPresent();
  }

  /** Removes every passage of the document; {@code false} when it was not indexed. */
  public static boolean delete(IndexWriter writer, String documentId) throws IOException {
    if (indexedDocument(writer, documentId).isEmpty()) {
      return false;
    }
    writer.deleteDocuments(new Term(PassageSchema.DOC_ID, documentId));
    return true;
  }

  /**
   * {@link #delete} for several documents, in one writer session.
   *
   * @return the ids that were indexed (and are now deleted), in the order given
   */
  public static List<String> deleteAll(IndexWriter writer, List<String> documentIds) throws IOException {
    List<String> deleted = new ArrayList<>();
    try (DirectoryReader reader = DirectoryReader.open(writer)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      for (String id : new java.util.LinkedHashSet<>(documentIds)) {
        if (indexedDocument(searcher, id).isPresent()) {
          deleted.add(id);
        }
      }
    }
    for (String id : deleted) {
      writer.deleteDocuments(new Term(PassageSchema.DOC_ID, id));
    }
    return deleted;
  }

  /** Every document in the searcher's view, by id. */
  public static List<IndexedDocument> documents(IndexSearcher searcher) throws IOException {
    List<IndexedDocument> documents = new ArrayList<>();
    Terms terms = MultiTerms.getTerms(searcher.getIndexReader(), PassageSchema.DOC_ID);
    if (terms == null) {
      return documents;
    }
    TermsEnum ids = terms.iterator();
    for (BytesRef id = ids.next(); id != null; id = ids.next()) {
      // Terms of deleted passages stay until a merge: a document with no live passage is gone.
      indexedDocument(searcher, id.utf8ToString()).ifPresent(documents::add);
    }
    return documents;
  }

  /**
   * The id of a document other than {@code documentId} that came from {@code origin} (a non-empty origin), if any: the
   * same file indexed under another id.
   */
  public static Optional<String> otherDocumentFrom(IndexSearcher searcher, String origin, String documentId)
      throws IOException {
    if (origin == null || origin.isEmpty()) {
      return Optional.empty();
    }
    Query others = new BooleanQuery.Builder()
        .add(PassageSchema.originQuery(origin), BooleanClause.Occur.FILTER)
        .add(new TermQuery(new Term(PassageSchema.DOC_ID, documentId)), BooleanClause.Occur.MUST_NOT)
        .build();
    TopDocs hits = searcher.search(others, 1);
    if (hits.scoreDocs.length == 0) {
      return Optional.empty();
    }
    return Optional.of(searcher.storedFields().document(hits.scoreDocs[0].doc, Set.of(PassageSchema.DOC_ID))
        .get(PassageSchema.DOC_ID));
  }

  /** What the searcher's view holds about the document. */
  public static Optional<IndexedDocument> indexedDocument(IndexSearcher searcher, String documentId)
      throws IOException {
    TermQuery query = new TermQuery(new Term(PassageSchema.DOC_ID, documentId));
    TopDocs hits = searcher.search(query, 1);
    if (hits.scoreDocs.length == 0) {
      return Optional.empty();
    }
    // totalHits is only a lower bound past 1,000 hits ("1001+"); count() is exact (and cheap for a term query).
    int passages = searcher.count(query);
    return Optional.of(PassageSchema.readIndexedDocument(searcher.storedFields(), hits.scoreDocs[0].doc, passages));
  }

  private static Optional<IndexedDocument> indexedDocument(IndexWriter writer, String documentId) throws IOException {
    // A near-real-time reader sees this writer's uncommitted changes too.
    try (DirectoryReader reader = DirectoryReader.open(writer)) {
      return indexedDocument(new IndexSearcher(reader), documentId);
    }
  }
}
