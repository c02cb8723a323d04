package dev.docqa.indexing;

import dev.docqa.DocqaException;
import dev.docqa.document.Passage;
import dev.docqa.index.EmptyIndexException;
import dev.docqa.index.IndexView;
import dev.docqa.index.RankRequest;
import dev.docqa.index.RankedHit;
import dev.docqa.index.Rankings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;

/**
 * An {@link IndexView} over one Lucene searcher: BM25 term queries and HNSW kNN on the passage schema, hits keyed by
 * Lucene doc id (stable within the searcher), stored fields read only for the hits asked for.
 */
public final class LuceneView implements IndexView {

  /** Releases the searcher when the view closes (a searcher manager's, a published snapshot's lease). */
  @FunctionalInterface
  public interface Release {
    void release() throws IOException;
  }

  private final IndexSearcher searcher;
  private final long generation;
  private final Release release;
  private boolean closed;

  public LuceneView(IndexSearcher searcher, long generation, Release release) {
    this.searcher = searcher;
    this.generation = generation;
    this.release = release;
  }

  /** A view of a searcher the caller keeps and releases itself. */
  public static LuceneView of(IndexSearcher searcher) {
    return new LuceneView(searcher, 0, () -> {});
  }

  /** The searcher under this view, for Lucene-specific callers (benchmarks, tests). */
  public IndexSearcher searcher() {
    return searcher;
  }

  @Override
  public long generation() {
    return generation;
  }

  @Override
  public boolean isEmpty() {
    return searcher.getIndexReader().numDocs() == 0;
  }

  @Override
  public Rankings rank(RankRequest request) {
    if (isEmpty()) {
      throw new EmptyIndexException("the index is empty (generation " + generation + "): ingest documents first");
    }
    Query filter = request.documentPrefix() == null ? null : PassageSchema.documentPrefixFilter(request.documentPrefix());
    try {
      return new Rankings(lexical(request.terms(), filter, request.depth()),
          request.vector() == null ? List.of() : semantic(request.vector(), filter, request));
    } catch (IOException e) {
      throw new DocqaException("cannot search the index: " + e.getMessage(), e);
    }
  }

  private List<RankedHit> lexical(List<String> terms, Query filter, int depth) throws IOException {
    if (terms.isEmpty()) {
      return List.of();
    }
    BooleanQuery.Builder query = PassageSchema.lexicalQuery(terms);
    if (filter != null) {
      query.add(filter, BooleanClause.Occur.FILTER);
    }
    return hits(searcher.search(query.build(), depth).scoreDocs, false);
  }

  private List<RankedHit> semantic(float[] vector, Query filter, RankRequest request) throws IOException {
    requireDimension(vector.length);
    KnnFloatVectorQuery query = new KnnFloatVectorQuery(PassageSchema.VECTOR, vector, request.candidates(), filter);
    return hits(searcher.search(query, request.depth()).scoreDocs, true);
  }

  private static List<RankedHit> hits(ScoreDoc[] docs, boolean cosine) {
    List<RankedHit> hits = new ArrayList<>(docs.length);
    for (ScoreDoc doc : docs) {
      // Lucene's dot-product score of unit vectors is (1 + cos) / 2.
      hits.add(new RankedHit(Integer.toString(doc.doc), cosine ? 2 * doc.score - 1 : doc.score));
    }
    return hits;
  }

  private void requireDimension(int dimension) {
    for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
      FieldInfo info = leaf.reader().getFieldInfos().fieldInfo(PassageSchema.VECTOR);
      if (info != null && info.getVectorDimension() != dimension) {
        throw new DocqaException("embedder dimension differs from the index's; re-index or configure the indexing "
            + "embedder; embedder dimension=" + dimension + ", index dimension=" + info.getVectorDimension());
      }
    }
  }

  @Override
  public List<Passage> passages(List<RankedHit> hits) {
    try {
      StoredFields stored = searcher.storedFields();
      List<Passage> passages = new ArrayList<>(hits.size());
      for (RankedHit hit : hits) {
        passages.add(PassageSchema.readPassage(stored, Integer.parseInt(hit.key())));
      }
      return passages;
    } catch (IOException e) {
      throw new DocqaException("cannot read passages from the index: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<IndexedDocument> document(String documentId) {
    try {
      return PassageWrites.indexedDocument(searcher, documentId);
    } catch (IOException e) {
      throw new DocqaException("cannot look up " + documentId + " in the index: " + e.getMessage(), e);
    }
  }

  @Override
  public List<IndexedDocument> documents() {
    try {
      return PassageWrites.documents(searcher);
    } catch (IOException e) {
      throw new DocqaException("cannot list the documents of the index: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<DocumentPassages> export(String documentId) {
    try {
      return PassageSchema.readDocument(searcher, documentId);
    } catch (IOException e) {
      throw new DocqaException("cannot read " + documentId + " from the index: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<String> otherDocumentFrom(String origin, String documentId) {
    try {
      return PassageWrites.otherDocumentFrom(searcher, origin, documentId);
    } catch (IOException e) {
      throw new DocqaException("cannot look up " + documentId + " in the index: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<String> newerSequencer(String documentId, String sequencer) {
    if (sequencer == null) {
      return Optional.empty();
    }
    try {
      AppliedSequencers applied = AppliedSequencers.of(searcher.getIndexReader());
      return applied.admits(documentId, sequencer)
          ? Optional.empty()
          : applied.entry(documentId).map(AppliedSequencers.Entry::sequencer);
    } catch (IOException e) {
      throw new DocqaException("cannot read the applied sequencers of the index: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      release.release();
    } catch (IOException e) {
      throw new DocqaException("cannot release a searcher: " + e.getMessage(), e);
    }
  }
}
