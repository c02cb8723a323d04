package dev.docqa.replication;

import dev.docqa.storage.ObjectKeys;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.VersionedObject;
import java.util.Optional;

/**
 * Where one index lives in a store: {@code <prefix>manifests/<generation>} (the commit log, written by
 * put-if-absent) and {@code <prefix>files/<publish attempt>/<lucene file>} (immutable file copies).
 */
final class IndexStorage {

  final ObjectStore store;
  final String prefix;
  final VersionedObject manifests;

  IndexStorage(ObjectStore store, String prefix) {
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw new IllegalArgumentException("index prefix must be empty or end with '/'; prefix=" + prefix);
    }
    this.store = store;
    this.prefix = ObjectKeys.checkPrefix(prefix);
    this.manifests = new VersionedObject(store, prefix + "manifests/");
  }

  String filesPrefix() {
    return prefix + "files/";
  }

  String fileKey(String attemptId, String luceneFile) {
    return filesPrefix() + attemptId + "/" + luceneFile;
  }

  Optional<Manifest> latest() {
    return manifests.latest().map(v -> Manifest.fromJson(v.content(), describe(v.generation())));
  }

  Optional<Manifest> read(long generation) {
    return manifests.read(generation).map(v -> Manifest.fromJson(v.content(), describe(generation)));
  }

  String describe() {
    String root = store.describe();
    return root.endsWith("/") ? root + prefix : root + "/" + prefix;
  }

  private String describe(long generation) {
    return "generation " + generation + " in " + describe();
  }
}
