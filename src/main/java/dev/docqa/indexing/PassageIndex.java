package dev.docqa.indexing;

import dev.docqa.DocqaException;
import dev.docqa.index.IndexView;
import dev.docqa.index.ViewSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

/**
 * The read-write passage index in one local directory, for bulk loads, benchmarks and tests; the service publishes
 * through {@link dev.docqa.replication.IndexPublisher} instead. Both write the schema with {@link PassageWrites}.
 *
 * <p>Every write is one Lucene commit: {@link #replace} swaps all passages of a document for new ones
 * ({@link IndexWriter#updateDocuments} on its {@link PassageSchema#DOC_ID} term), so a reader sees either the old or the
 * new passages, never both and never a duplicate; an unchanged content hash writes nothing; {@link #delete} removes
 * them all. Nothing is committed but through this class (not even on close).
 *
 * <p>Thread-safe: writes are serialised, searches run concurrently on a {@link SearcherManager} refreshed after each
 * commit. Lifecycle: {@link #open} takes the directory's write lock until {@link #close()}; open again to resume.
 */
public final class PassageIndex implements ViewSource, AutoCloseable {

  /** A search over one point-in-time view of the index; must not keep the searcher after returning. */
  @FunctionalInterface
  public interface SearchAction<T> {
    T apply(IndexSearcher searcher) throws IOException;
  }


  private final Path path;
  private final int dimension;
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final Object writeLock = new Object();

  private PassageIndex(Path path, int dimension, Directory directory, IndexWriter writer, SearcherManager searchers) {
    this.path = path;
    this.dimension = dimension;
    this.directory = directory;
    this.writer = writer;
    this.searchers = searchers;
  }

  /**
   * Opens the index in {@code dir}, creating the directory and an empty first commit when there is none.
   *
   * @param dimension the embedder's vector length; must match the vectors already in the index
   * @param format how new segments store vectors (existing segments keep theirs until merged)
   * @throws DocqaException when the directory cannot be opened or holds vectors of another dimension
   */
  public static PassageIndex open(Path dir, int dimension, VectorFormat format) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be positive; dimension=" + dimension);
    }
    boolean success = false;
    Directory directory = null;
    IndexWriter writer = null;
    SearcherManager searchers = null;
    try {
      Files.createDirectories(dir);
      directory = FSDirectory.open(dir);
      writer = new IndexWriter(directory, PassageWrites.writerConfig(format));
      if (!DirectoryReader.indexExists(directory)) {
        writer.commit(); // readers can rely on a commit being there
      }
      searchers = new SearcherManager(writer, null);
      PassageIndex index = new PassageIndex(dir, dimension, directory, writer, searchers);
      index.requireDimension();
      success = true;
      return index;
    } catch (IOException e) {
      throw new DocqaException("cannot open index; dir=" + dir + ": " + e.getMessage(), e);
    } finally {
      if (!success) {
        IOUtils.closeWhileHandlingException(searchers, writer, directory);
      }
    }
  }

  private void requireDimension() {
    int existing = search(searcher -> {
      FieldInfo info = FieldInfos.getMergedFieldInfos(searcher.getIndexReader()).fieldInfo(PassageSchema.VECTOR);
      return info == null ? dimension : info.getVectorDimension();
    });
    if (existing != dimension) {
      throw new DocqaException("index holds vectors of another dimension; re-index for this embedder; dir=" + path
          + ", index dimension=" + existing + ", embedder dimension=" + dimension);
    }
  }

  /** The local directory holding the index files. */
  public Path directory() {
    return path;
  }

  /** Vector length of every passage. */
  public int dimension() {
    return dimension;
  }

  /**
   * Replaces all passages of the document in one commit, or does nothing if its content hash is unchanged. A document
   * with no passages ends up absent from the index.
   *
   * @throws IllegalArgumentException when a vector has the wrong dimension or is not unit length, or the document id
   *     is too long for a Lucene term (nothing is written)
   */
  public DocumentChange replace(DocumentPassages document) {
    return replaceAll(List.of(document)).getFirst();
  }

  /** {@link #replace} for many documents, all in one commit (bulk loads); validated before anything is written. */
  public List<DocumentChange> replaceAll(List<DocumentPassages> documents) {
    List<List<Document>> docs = new ArrayList<>(documents.size());
    for (DocumentPassages document : documents) {
      docs.add(PassageSchema.toLuceneDocuments(document, dimension));
    }
    synchronized (writeLock) {
      List<DocumentChange> changes = new ArrayList<>(documents.size());
      // Earlier versions in this batch: not visible to the searchers until the commit.
      Map<String, Optional<IndexedDocument>> written = new HashMap<>();
      boolean dirty = false;
      for (int i = 0; i < documents.size(); i++) {
        DocumentPassages document = documents.get(i);
        String id = document.documentId();
        Optional<IndexedDocument> current = written.containsKey(id) ? written.get(id) : indexedDocument(id);
        boolean changed;
        try {
          changed = PassageWrites.write(writer, id, document.contentHash(), document.origin(), docs.get(i), current);
        } catch (IOException e) {
          throw new DocqaException("cannot write passages; documentId=" + id + ", dir=" + path, e);
        }
        if (!changed) {
          changes.add(new DocumentChange(id, DocumentChange.Status.UNCHANGED,
              current.map(IndexedDocument::passages).orElse(0)));
          continue;
        }
        int passages = document.passages().size();
        written.put(id, passages == 0 ? Optional.empty() : Optional.of(
            new IndexedDocument(id, document.contentHash(), document.sourceVersion(), passages, document.pages(),
                document.origin(), document.indexedAt())));
        dirty = true;
        changes.add(new DocumentChange(id, DocumentChange.Status.INDEXED, passages));
      }
      if (dirty) {
        commitAndRefresh();
      }
      return List.copyOf(changes);
    }
  }

  /** Removes every passage of the document in one commit; {@code false} (and no commit) when it was not indexed. */
  public boolean delete(String documentId) {
    synchronized (writeLock) {
      boolean deleted;
      try {
        deleted = PassageWrites.delete(writer, documentId);
      } catch (IOException e) {
        throw new DocqaException("cannot delete; documentId=" + documentId + ", dir=" + path, e);
      }
      if (deleted) {
        commitAndRefresh();
      }
      return deleted;
    }
  }

  /** What the index holds about the document, as of the last commit. */
  public Optional<IndexedDocument> indexedDocument(String documentId) {
    return search(searcher -> PassageWrites.indexedDocument(searcher, documentId));
  }

  /**
   * Merges the index into one segment and commits: one HNSW graph and one term dictionary to search (faster queries,
   * fewer files to publish). Costs about a rebuild of the merged segments; for after bulk loads, before publishing.
   */
  public void compact() {
    synchronized (writeLock) {
      try {
        writer.forceMerge(1);
      } catch (IOException e) {
        throw new DocqaException("cannot merge segments; dir=" + path + ": " + e.getMessage(), e);
      }
      commitAndRefresh();
    }
  }

  /**
   * Runs {@code action} on the current searcher, acquired and released around it.
   *
   * @throws DocqaException wrapping an {@link IOException} from the index
   */
  public <T> T search(SearchAction<T> action) {
    return Searchers.search(searchers, action, path);
  }

  /** Passages in the current view. */
  public int passageCount() {
    return search(searcher -> searcher.getIndexReader().numDocs());
  }

  /** A view of the newest commit, holding its searcher until closed. */
  @Override
  public IndexView acquire() {
    try {
      IndexSearcher searcher = searchers.acquire();
      return new LuceneView(searcher, 0, () -> searchers.release(searcher));
    } catch (IOException e) {
      throw new DocqaException("cannot acquire a searcher; dir=" + path, e);
    }
  }

  /** Closes searchers and the writer (uncommitted changes cannot exist: every write commits). */
  @Override
  public void close() {
    synchronized (writeLock) {
      try {
        IOUtils.close(searchers, writer, directory);
      } catch (IOException e) {
        throw new DocqaException("cannot close index; dir=" + path + ": " + e.getMessage(), e);
      }
    }
  }

  private void commitAndRefresh() {
    try {
      writer.commit();
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new DocqaException("commit failed; dir=" + path + ": " + e.getMessage(), e);
    }
  }
}
