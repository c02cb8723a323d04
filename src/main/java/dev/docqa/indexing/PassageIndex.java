package dev.docqa.indexing;

import dev.docqa.DocqaException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KeepOnlyLastCommitDeletionPolicy;
import org.apache.lucene.index.SnapshotDeletionPolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

/**
 * The read-write passage index in one local directory.
 *
 * <p>Every write is one Lucene commit: {@link #replace} swaps all passages of a document for new ones
 * ({@link IndexWriter#updateDocuments} on its {@link PassageSchema#DOC_ID} term), so a reader sees either the old or the
 * new passages, never both and never a duplicate; an unchanged content hash writes nothing; {@link #delete} removes
 * them all. Nothing is committed but through this class (not even on close), so a publisher that copies a
 * {@link #snapshot()} gets exactly the state after some call.
 *
 * <p>Thread-safe: writes are serialised, searches run concurrently on a {@link SearcherManager} refreshed after each
 * commit. Lifecycle: {@link #open} takes the directory's write lock until {@link #close()}; open again to resume.
 */
public final class PassageIndex implements SearchableIndex {

  private final Path path;
  private final int dimension;
  private final Directory directory;
  private final IndexWriter writer;
  private final SnapshotDeletionPolicy snapshots;
  private final SearcherManager searchers;
  private final Object writeLock = new Object();

  private PassageIndex(Path path, int dimension, Directory directory, IndexWriter writer,
      SnapshotDeletionPolicy snapshots, SearcherManager searchers) {
    this.path = path;
    this.dimension = dimension;
    this.directory = directory;
    this.writer = writer;
    this.snapshots = snapshots;
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
      SnapshotDeletionPolicy snapshots = new SnapshotDeletionPolicy(new KeepOnlyLastCommitDeletionPolicy());
      KnnVectorsFormat vectors = format.luceneFormat();
      IndexWriterConfig config = new IndexWriterConfig(PassageSchema.newAnalyzer())
          .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
          .setIndexDeletionPolicy(snapshots)
          .setCommitOnClose(false)
          .setCodec(new Lucene104Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
              return vectors;
            }
          });
      writer = new IndexWriter(directory, config);
      if (!DirectoryReader.indexExists(directory)) {
        writer.commit(); // readers and publishers can rely on a commit being there
      }
      searchers = new SearcherManager(writer, null);
      PassageIndex index = new PassageIndex(dir, dimension, directory, writer, snapshots, searchers);
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
   * @throws IllegalArgumentException when a vector has the wrong dimension or is not unit length (nothing is written)
   */
  public IndexChange replace(DocumentPassages document) {
    return replaceAll(List.of(document)).getFirst();
  }

  /** {@link #replace} for many documents, all in one commit (bulk loads); validated before anything is written. */
  public List<IndexChange> replaceAll(List<DocumentPassages> documents) {
    List<List<Document>> docs = new ArrayList<>(documents.size());
    for (DocumentPassages document : documents) {
      docs.add(PassageSchema.toLuceneDocuments(document, dimension));
      if (document.documentId().getBytes(StandardCharsets.UTF_8).length > IndexWriter.MAX_TERM_LENGTH) {
        throw new IllegalArgumentException("documentId must be at most " + IndexWriter.MAX_TERM_LENGTH
            + " UTF-8 bytes; documentId=" + document.documentId().substring(0, 100) + "...");
      }
    }
    synchronized (writeLock) {
      List<IndexChange> changes = new ArrayList<>(documents.size());
      Map<String, IndexedDocument> written = new HashMap<>(); // earlier versions in this batch, not yet visible
      boolean dirty = false;
      for (int i = 0; i < documents.size(); i++) {
        DocumentPassages document = documents.get(i);
        String id = document.documentId();
        Optional<IndexedDocument> current = written.containsKey(id)
            ? Optional.of(written.get(id))
            : indexedDocument(id);
        if (current.isPresent() && current.get().contentHash().equals(document.contentHash())) {
          changes.add(new IndexChange(id, IndexChange.Status.UNCHANGED, current.get().passages()));
          continue;
        }
        update(new Term(PassageSchema.DOC_ID, id), docs.get(i));
        written.put(id, new IndexedDocument(
            id, document.contentHash(), document.sourceVersion(), document.passages().size()));
        dirty = true;
        changes.add(new IndexChange(id, IndexChange.Status.INDEXED, document.passages().size()));
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
      if (indexedDocument(documentId).isEmpty()) {
        return false;
      }
      try {
        writer.deleteDocuments(new Term(PassageSchema.DOC_ID, documentId));
      } catch (IOException e) {
        throw new DocqaException("cannot delete; documentId=" + documentId + ", dir=" + path, e);
      }
      commitAndRefresh();
      return true;
    }
  }

  /** What the index holds about the document, as of the last commit. */
  public Optional<IndexedDocument> indexedDocument(String documentId) {
    return search(searcher -> {
      TopDocs hits = searcher.search(new TermQuery(new Term(PassageSchema.DOC_ID, documentId)), 1);
      if (hits.scoreDocs.length == 0) {
        return Optional.empty();
      }
      int passages = Math.toIntExact(hits.totalHits.value());
      return Optional.of(PassageSchema.readIndexedDocument(searcher.storedFields(), hits.scoreDocs[0].doc, passages));
    });
  }

  /**
   * Commits with {@code userData} (e.g. a publisher's sequence number), which replaces the previous user data and stays
   * on later commits until replaced again.
   */
  public void commit(Map<String, String> userData) {
    Map<String, String> copy = Map.copyOf(userData);
    synchronized (writeLock) {
      writer.setLiveCommitData(copy.entrySet());
      commitAndRefresh();
    }
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
   * Pins the last commit's files until the snapshot is closed, so they can be copied while writes continue.
   */
  public CommitSnapshot snapshot() {
    try {
      IndexCommit commit = snapshots.snapshot();
      return new CommitSnapshot(path, commit.getGeneration(), commit.getSegmentsFileName(),
          Set.copyOf(commit.getFileNames()), commit.getUserData(), () -> release(commit));
    } catch (IOException e) {
      throw new DocqaException("cannot snapshot the last commit; dir=" + path, e);
    }
  }

  private void release(IndexCommit commit) {
    try {
      snapshots.release(commit);
      writer.deleteUnusedFiles();
    } catch (IOException e) {
      throw new DocqaException("cannot release snapshot " + commit.getSegmentsFileName() + "; dir=" + path, e);
    }
  }

  @Override
  public Map<String, String> commitUserData() {
    return search(searcher -> ((DirectoryReader) searcher.getIndexReader()).getIndexCommit().getUserData());
  }

  @Override
  public <T> T search(SearchAction<T> action) {
    return Searchers.search(searchers, action, path);
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

  private void update(Term term, List<Document> docs) {
    try {
      if (docs.isEmpty()) {
        writer.deleteDocuments(term);
      } else {
        writer.updateDocuments(term, docs);
      }
    } catch (IOException e) {
      throw new DocqaException("cannot write passages; term=" + term + ", dir=" + path, e);
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
