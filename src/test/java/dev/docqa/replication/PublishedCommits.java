package dev.docqa.replication;

import dev.docqa.document.Passage;
import dev.docqa.indexing.PassageSchema;
import dev.docqa.storage.ObjectInfo;
import dev.docqa.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * Reads any published commit of an index the way a replica would (manifest, verified downloads, Lucene open), for tests
 * that check what was published: which generations exist, and the passages of every document in one of them. Not
 * thread-safe.
 */
final class PublishedCommits {

  /** One passage as stored, without its document id (the map key). */
  record Row(int ordinal, String text, int start, int end) {

    static Row of(Passage passage) {
      return new Row(passage.ordinal(), passage.text(), passage.start(), passage.end());
    }
  }

  private final ObjectStore store;
  private final IndexStorage storage;
  private final LocalFileCache cache;
  private final Path workDir;
  private int opened;

  /**
   * @param store the store holding the index
   * @param indexPrefix the index's key prefix in it, e.g. {@code index/}
   * @param workDir a local directory for downloaded files and opened commits
   */
  PublishedCommits(ObjectStore store, String indexPrefix, Path workDir) {
    this.store = store;
    this.storage = new IndexStorage(store, indexPrefix);
    this.cache = new LocalFileCache(store, workDir.resolve("files"));
    this.workDir = workDir;
  }

  /** The manifest generations in the store, oldest first. */
  List<Long> generations() {
    String prefix = storage.prefix + "manifests/";
    return store.list(prefix).stream()
        .map(info -> info.key().substring(prefix.length()))
        .filter(name -> name.matches("\\d{19}"))
        .map(Long::parseLong)
        .sorted()
        .toList();
  }

  /** The newest generation, 0 when nothing was published. */
  long newest() {
    List<Long> generations = generations();
    return generations.isEmpty() ? 0 : generations.getLast();
  }

  /** Whether manifest {@code generation} exists in the store. */
  boolean exists(long generation) {
    return storage.read(generation).isPresent();
  }

  /** The object keys of every file that some stored manifest names. */
  Set<String> referencedFiles() {
    Set<String> keys = new HashSet<>();
    for (long generation : generations()) {
      storage.read(generation).ifPresent(m -> m.files().forEach(file -> keys.add(file.key())));
    }
    return keys;
  }

  /** The object keys below the index's {@code files/}. */
  Set<String> storedFiles() {
    Set<String> keys = new HashSet<>();
    store.list(storage.filesPrefix()).stream().map(ObjectInfo::key).forEach(keys::add);
    return keys;
  }

  /**
   * Every document's passages in commit {@code generation}, by document id, each list in ordinal order (a duplicated
   * passage appears twice); empty when the manifest does not exist. Downloads are verified against the manifest.
   */
  Optional<Map<String, List<Row>>> documents(long generation) {
    Optional<Manifest> manifest = storage.read(generation);
    if (manifest.isEmpty()) {
      return Optional.empty();
    }
    Path dir = workDir.resolve("commit-" + generation + "-" + ++opened);
    try {
      cache.materialize(manifest.get(), dir);
      try (Directory directory = FSDirectory.open(dir);
          DirectoryReader reader = DirectoryReader.open(directory)) {
        Map<String, List<Row>> documents = new TreeMap<>();
        for (LeafReaderContext leaf : reader.leaves()) {
          Bits live = leaf.reader().getLiveDocs();
          StoredFields fields = leaf.reader().storedFields();
          for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
            if (live == null || live.get(doc)) {
              Passage passage = PassageSchema.readPassage(fields, doc);
              documents.computeIfAbsent(passage.documentId(), id -> new ArrayList<>()).add(Row.of(passage));
            }
          }
        }
        documents.values().forEach(rows -> rows.sort(Comparator.comparingInt(Row::ordinal)));
        return Optional.of(documents);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open published generation " + generation, e);
    } finally {
      LocalFileCache.deleteRecursively(dir);
    }
  }

  /** The documents of the newest commit (none when nothing was published). */
  Map<String, List<Row>> newestDocuments() {
    long newest = newest();
    return newest == 0 ? Map.of() : documents(newest).orElseThrow();
  }
}
