package dev.docqa.replication;

import dev.docqa.storage.ObjectInfo;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.PutCondition;
import dev.docqa.storage.StorageException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A store that fails chosen writes or downloads, as a crash or an outage at that point would: the seam for the
 * "killed between upload and manifest" tests. The failing call has no effect on the underlying store.
 */
final class FaultyObjectStore implements ObjectStore {

  private final ObjectStore delegate;
  private volatile Predicate<String> failPut = key -> false;
  private volatile Predicate<String> failDownload = key -> false;

  FaultyObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  void failPutsOf(Predicate<String> keys) {
    failPut = keys;
  }

  void failDownloadsOf(Predicate<String> keys) {
    failDownload = keys;
  }

  void heal() {
    failPut = key -> false;
    failDownload = key -> false;
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return delegate.head(key);
  }

  @Override
  public InputStream open(String key) {
    return delegate.open(key);
  }

  @Override
  public void download(String key, Path target) {
    if (failDownload.test(key)) {
      throw new StorageException("injected download failure of " + key, null);
    }
    delegate.download(key, target);
  }

  @Override
  public String put(String key, byte[] content, PutCondition condition) {
    if (failPut.test(key)) {
      throw new StorageException("injected crash before writing " + key, null);
    }
    return delegate.put(key, content, condition);
  }

  @Override
  public String upload(Path source, String key) {
    if (failPut.test(key)) {
      throw new StorageException("injected crash before uploading " + key, null);
    }
    return delegate.upload(source, key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public void delete(String key) {
    delegate.delete(key);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
