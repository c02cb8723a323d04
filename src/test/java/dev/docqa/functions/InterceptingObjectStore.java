package dev.docqa.functions;

import dev.docqa.storage.ObjectInfo;
import dev.docqa.storage.ObjectStore;
import dev.docqa.storage.PutCondition;
import dev.docqa.storage.StorageException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A store that steps in before writes under a chosen key prefix: it fails them, as a process killed just before them
 * would (the failing call has no effect on the real store beneath), or runs an action once first, to force an
 * interleaving with another writer. Used to stop a publish between its file uploads and its manifest write.
 * Thread-safe.
 */
final class InterceptingObjectStore implements ObjectStore {

  private final ObjectStore delegate;
  private volatile String crashBefore;
  private final AtomicReference<Interception> once = new AtomicReference<>();

  private record Interception(String keyPrefix, Runnable action) {}

  InterceptingObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  /** Makes every later write of a key under {@code keyPrefix} fail; {@code null} heals the store. */
  void crashBeforeWriting(String keyPrefix) {
    crashBefore = keyPrefix;
  }

  /** Runs {@code action} on the writing thread before the next write of a key under {@code keyPrefix}, once. */
  void onceBeforeWriting(String keyPrefix, Runnable action) {
    once.set(new Interception(keyPrefix, action));
  }

  private void check(String key) {
    String prefix = crashBefore;
    if (prefix != null && key.startsWith(prefix)) {
      throw new StorageException("injected crash before writing " + key, null);
    }
    Interception interception = once.get();
    if (interception != null && key.startsWith(interception.keyPrefix()) && once.compareAndSet(interception, null)) {
      interception.action().run();
    }
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
    delegate.download(key, target);
  }

  @Override
  public String put(String key, byte[] content, PutCondition condition) {
    check(key);
    return delegate.put(key, content, condition);
  }

  @Override
  public String upload(Path source, String key) {
    check(key);
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
