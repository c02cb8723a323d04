package dev.docqa.indexing;

import dev.docqa.document.Passage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;

/**
 * The Lucene layout of a passage: one Lucene document per passage, all passages of a source document sharing its
 * {@link #DOC_ID} term (the unit of replacement and deletion). Stateless.
 */
public final class PassageSchema {

  /** Source document id, indexed verbatim (replace/delete term, prefix filter) and stored. */
  public static final String DOC_ID = "doc_id";
  /** Passage text, analysed with {@link EnglishAnalyzer} (stemming, stop words) for BM25, and stored. */
  public static final String TEXT = "text";
  /** Unit vector of the passage; dot product equals cosine similarity. */
  public static final String VECTOR = "vector";

  static final String ORDINAL = "ordinal";
  static final String START = "start";
  static final String END = "end";
  static final String PAGE = "page";
  static final String CONTENT_HASH = "content_hash";
  static final String SOURCE_VERSION = "source_version";
  /** Where the document came from, indexed verbatim (same-file lookups) and stored; absent when empty. */
  static final String ORIGIN = "origin";
  static final String PAGES = "pages";
  static final String INDEXED_AT = "indexed_at";

  /** Vectors are unit length, so Lucene's dot-product score ranks exactly like cosine similarity. */
  public static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

  private PassageSchema() {}

  /** The analyzer of {@link #TEXT}, for indexing and for turning questions into query terms. */
  public static Analyzer newAnalyzer() {
    return new EnglishAnalyzer();
  }

  /** The passages of documents that came from {@code origin}. */
  static Query originQuery(String origin) {
    return new TermQuery(new Term(ORIGIN, origin));
  }

  /**
   * docqa's BM25 query: each of {@code terms} (analysed with {@link #newAnalyzer()}) as an optional term clause over
   * {@link #TEXT}; callers may add filters before building it.
   */
  public static BooleanQuery.Builder lexicalQuery(List<String> terms) {
    BooleanQuery.Builder query = new BooleanQuery.Builder();
    for (String term : terms) {
      query.add(new TermQuery(new Term(TEXT, term)), BooleanClause.Occur.SHOULD);
    }
    return query;
  }

  /** Restricts a search to documents whose id starts with {@code prefix}. */
  public static Query documentPrefixFilter(String prefix) {
    return new PrefixQuery(new Term(DOC_ID, prefix));
  }

  /** The passage stored under Lucene doc id {@code doc}. */
  public static Passage readPassage(StoredFields storedFields, int doc) throws IOException {
    Document d = storedFields.document(doc);
    IndexableField page = d.getField(PAGE);
    return new Passage(
        d.get(DOC_ID),
        d.getField(ORDINAL).numericValue().intValue(),
        d.get(TEXT),
        d.getField(START).numericValue().intValue(),
        d.getField(END).numericValue().intValue(),
        page == null ? null : page.numericValue().intValue());
  }

  /**
   * The document as it was written: its passages in order with their vectors, and what was stored about it; empty
   * when the searcher's view does not hold it.
   */
  static Optional<DocumentPassages> readDocument(IndexSearcher searcher, String documentId) throws IOException {
    TermQuery query = new TermQuery(new Term(DOC_ID, documentId));
    int count = searcher.count(query);
    if (count == 0) {
      return Optional.empty();
    }
    ScoreDoc[] hits = searcher.search(query, count).scoreDocs;
    StoredFields stored = searcher.storedFields();
    Passage[] passages = new Passage[count];
    float[][] vectors = new float[count][];
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    for (ScoreDoc hit : hits) {
      Passage passage = readPassage(stored, hit.doc);
      if (passage.ordinal() >= count || passages[passage.ordinal()] != null) {
        throw new IllegalStateException("passages of " + documentId + " are not numbered 0.." + (count - 1));
      }
      passages[passage.ordinal()] = passage;
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
      FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
      KnnVectorValues.DocIndexIterator iterator = values.iterator();
      if (iterator.advance(hit.doc - leaf.docBase) != hit.doc - leaf.docBase) {
        throw new IllegalStateException("passage " + passage.ordinal() + " of " + documentId + " has no vector");
      }
      vectors[passage.ordinal()] = values.vectorValue(iterator.index()).clone();
    }
    IndexedDocument indexed = readIndexedDocument(stored, hits[0].doc, count);
    return Optional.of(new DocumentPassages(documentId, indexed.contentHash(), indexed.sourceVersion(),
        List.of(passages), List.of(vectors), indexed.pages(), indexed.origin(),
        indexed.indexedAt() == null ? Instant.EPOCH : indexed.indexedAt()));
  }

  /** Reads what {@link #toLuceneDocuments} stored about the source document of Lucene doc {@code doc}. */
  static IndexedDocument readIndexedDocument(StoredFields storedFields, int doc, int passages) throws IOException {
    Document d = storedFields.document(doc);
    IndexableField pages = d.getField(PAGES);
    IndexableField indexedAt = d.getField(INDEXED_AT);
    return new IndexedDocument(d.get(DOC_ID), d.get(CONTENT_HASH), d.get(SOURCE_VERSION), passages,
        pages == null ? 0 : pages.numericValue().intValue(), d.get(ORIGIN),
        indexedAt == null ? null : Instant.ofEpochMilli(indexedAt.numericValue().longValue()));
  }

  /**
   * One Lucene document per passage; vectors must have {@code dimension} components and unit length, and the document
   * id must fit in one Lucene term.
   */
  static List<Document> toLuceneDocuments(DocumentPassages source, int dimension) {
    source.requireIndexable(dimension);
    List<Document> docs = new ArrayList<>(source.passages().size());
    for (int i = 0; i < source.passages().size(); i++) {
      Passage p = source.passages().get(i);
      float[] vector = source.vectors().get(i);
      Document d = new Document();
      d.add(new StringField(DOC_ID, p.documentId(), Field.Store.YES));
      d.add(new StoredField(ORDINAL, p.ordinal()));
      d.add(new TextField(TEXT, p.text(), Field.Store.YES));
      d.add(new StoredField(START, p.start()));
      d.add(new StoredField(END, p.end()));
      if (p.page() != null) {
        d.add(new StoredField(PAGE, p.page()));
      }
      d.add(new StoredField(CONTENT_HASH, source.contentHash()));
      d.add(new StoredField(SOURCE_VERSION, source.sourceVersion()));
      if (!source.origin().isEmpty()) {
        d.add(new StringField(ORIGIN, source.origin(), Field.Store.YES));
      }
      d.add(new StoredField(PAGES, source.pages()));
      d.add(new StoredField(INDEXED_AT, source.indexedAt().toEpochMilli()));
      d.add(new KnnFloatVectorField(VECTOR, vector, SIMILARITY));
      docs.add(d);
    }
    return docs;
  }
}
